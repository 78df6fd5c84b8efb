"""The quickstart function (real ``mcp-server-time`` child, real front doors) through every local front."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import anyio
import boto3
import httpx2
import pytest

from mcp_lambda.dev.app import dev_server
from mcp_lambda.dev.call import CallOptions, call_server
from mcp_lambda.dev.process import FunctionConfig, resolve_handler
from mcp_lambda.dev.server import DevServer

pytestmark = pytest.mark.anyio

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart" / "handler.py"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Module-wide, so that one quickstart server (and its child) serves every test here."""
    return "asyncio"


@pytest.fixture(scope="module")
async def quickstart() -> AsyncIterator[DevServer]:
    task_root, handler = resolve_handler(f"{QUICKSTART}:handler")
    async with dev_server(FunctionConfig(handler, task_root, "quickstart")) as server:
        assert server.runtime.init_error is None
        yield server


@pytest.mark.parametrize("path", ["/mcp", "/restapi/prod/mcp", "/httpapi/mcp"])
async def test_mcp_client_calls_a_tool_through_each_http_front(quickstart: DevServer, path: str) -> None:
    result = await call_server(quickstart.base_url + path, "get_current_time", {"timezone": "Asia/Tokyo"})
    assert result["isError"] is False
    assert result["structuredContent"]["timezone"] == "Asia/Tokyo"


async def test_mcp_client_calls_a_tool_through_the_invoke_api(quickstart: DevServer) -> None:
    options = CallOptions(endpoint_url=quickstart.base_url, mode="legacy")
    result = await call_server("quickstart", "get_current_time", {"timezone": "UTC"}, options)
    assert result["structuredContent"]["timezone"] == "UTC"


async def test_agentcore_front_calls_the_tool_named_in_client_context(quickstart: DevServer) -> None:
    async with httpx2.AsyncClient(timeout=30) as http:
        response = await http.post(quickstart.base_url + "/agentcore/get_current_time", json={"timezone": "UTC"})
    assert response.status_code == 200
    assert response.json()["structuredContent"]["timezone"] == "UTC"


async def test_boto3_invoke_with_a_raw_jsonrpc_message(quickstart: DevServer) -> None:
    session = boto3.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1")
    client = session.client("lambda", endpoint_url=quickstart.base_url)
    message = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}  # fmt: skip
    response = await anyio.to_thread.run_sync(
        lambda: client.invoke(FunctionName="quickstart", Payload=json.dumps(message).encode())
    )
    reply = json.loads(response["Payload"].read())
    assert reply["id"] == 1
    assert reply["result"]["serverInfo"]["name"] == "mcp-time"
