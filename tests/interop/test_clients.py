"""Real TypeScript MCP peers against the wrapped conformance fixture, through the dev emulator.

- the TypeScript SDK client (``Client`` + ``StreamableHTTPClientTransport``, driven by
  ``ts_client.mjs``) lists the tools and calls one through each HTTP front;
- ``@modelcontextprotocol/inspector --cli`` lists the tools through each HTTP front.

Both speak the handshake era; one dev server (one warm child) serves the module.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from mcp_lambda.dev.app import describe_init_error, dev_server
from mcp_lambda.dev.process import FunctionConfig
from tests.interop import nodejs
from tests.interop.run_conformance import FRONTS

SDK = "@modelcontextprotocol/sdk"
INSPECTOR = "@modelcontextprotocol/inspector"
HERE = Path(__file__).resolve().parent
_missing = nodejs.missing(SDK, INSPECTOR)
pytestmark = pytest.mark.skipif(_missing is not None, reason=_missing or "")


@pytest.fixture(scope="module")
async def base_url() -> AsyncIterator[str]:
    config = FunctionConfig("conformance_handler.handler", HERE, "interop", timeout=10.0)
    with tempfile.TemporaryFile() as log:
        async with dev_server(config, stdout=log, stderr=log) as server:
            if server.runtime.init_error is not None:
                pytest.fail(describe_init_error(server.runtime.init_error))
            yield server.base_url


async def _node(*args: str, env: dict[str, str] | None = None) -> Any:
    """Run node (the dev server shares this event loop, so never block it) and parse its JSON output."""
    node = nodejs.node_binary()
    assert node is not None
    process = await asyncio.create_subprocess_exec(
        node, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})}
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, f"node {args[0]} exited {process.returncode}: {err.decode()[-2000:]}"
    return json.loads(out)


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONTS))
async def test_typescript_sdk_client_lists_and_calls_tools(front: str, base_url: str) -> None:
    env = {"MCP_SDK_DIR": str(nodejs.package_dir(SDK))}
    url = base_url + FRONTS[front]
    got = await _node(str(HERE / "ts_client.mjs"), url, "test_simple_text", "{}", env=env)
    assert {"test_simple_text", "test_image_content", "json_schema_2020_12_tool"} <= set(got["tools"])
    assert got["result"]["content"] == [{"type": "text", "text": "This is a simple text response for testing."}]
    failing = await _node(str(HERE / "ts_client.mjs"), url, "test_error_handling", "{}", env=env)
    assert failing["result"]["isError"] is True
    assert "intentionally returns an error" in failing["result"]["content"][0]["text"]


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONTS))
async def test_inspector_cli_lists_tools(front: str, base_url: str) -> None:
    launcher = nodejs.package_dir(INSPECTOR) / "clients" / "launcher" / "build" / "index.js"
    got = await _node(str(launcher), "--cli", base_url + FRONTS[front], "--method", "tools/list")
    tools = {tool["name"]: tool for tool in got["tools"]}
    assert "test_simple_text" in tools
    # The 2020-12 keywords survive the whole path: child -> engine -> front door -> inspector.
    assert tools["json_schema_2020_12_tool"]["inputSchema"]["$defs"]["address"]["$anchor"] == "addressDef"
