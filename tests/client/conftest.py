"""Fixtures for the client tests: fake AWS credentials, fast botocore settings, a toy MCP function."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config

ACCESS_KEY = "testing"
SECRET_KEY = "testing-secret"
REGION = "us-east-1"

FAST_CONFIG = Config(retries={"total_max_attempts": 1}, connect_timeout=2, read_timeout=20)
"""No retries: an error case must reach the caller on the first failure."""

MODERN_VERSION_KEY = "io.modelcontextprotocol/protocolVersion"


@pytest.fixture
def aws_session() -> boto3.Session:
    """A boto3 session with fake static credentials; nothing here can reach AWS."""
    return boto3.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION)


def toy_mcp_function(event: Any, context: Any) -> Any:
    """A tiny Lambda-hosted MCP server answering both eras, one message per Invoke.

    ``echo`` returns its arguments and the Invoke ``ClientContext.custom``; ``sleep``
    waits ``seconds``; ``fail`` raises (a FunctionError); ``bad_args`` answers with a
    JSON-RPC error of its own.
    """
    method, params = event.get("method"), event.get("params") or {}
    if "id" not in event:
        return None
    result: dict[str, Any]
    if method == "initialize":
        result = {
            "protocolVersion": params["protocolVersion"],
            "capabilities": {"tools": {}},
            "serverInfo": {"name": "toy", "version": "1.0"},
        }
    elif method == "server/discover":
        result = {"supportedVersions": ["2026-07-28"], "capabilities": {"tools": {}}}
    elif method == "tools/list":
        result = {"tools": [{"name": name, "inputSchema": {"type": "object"}} for name in ("echo", "sleep", "fail")]}
    elif method == "tools/call" and params["name"] == "fail":
        raise ValueError("boom")
    elif method == "tools/call" and params["name"] == "bad_args":
        return {"jsonrpc": "2.0", "id": event["id"], "error": {"code": -32602, "message": "bad args", "data": [1]}}
    elif method == "tools/call":
        arguments = params.get("arguments") or {}
        time.sleep(arguments.get("seconds", 0))
        custom = context.client_context.custom if context.client_context else None
        text = json.dumps({"arguments": arguments, "custom": custom})
        result = {"content": [{"type": "text", "text": text}], "isError": False}
    else:
        return {"jsonrpc": "2.0", "id": event["id"], "error": {"code": -32601, "message": f"no {method}"}}
    if MODERN_VERSION_KEY in (params.get("_meta") or {}):
        # 2026-07-28 results say what kind they are, and cacheable ones how long they keep.
        result["resultType"] = "complete"
        if method in ("server/discover", "tools/list"):
            result.update(ttlMs=0, cacheScope="public")
    return {"jsonrpc": "2.0", "id": event["id"], "result": result}
