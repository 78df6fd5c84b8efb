"""A real handshake-only server from npm (TypeScript SDK 1.x): both caller eras, no leftovers."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.types import MCPRequest
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import (
    EVERYTHING_JS,
    call,
    children_of_this_process,
    everything_server,
    initialize,
    req,
    text_of,
)

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.node,
    pytest.mark.skipif(
        not EVERYTHING_JS.exists() or shutil.which("node") is None,
        reason="needs node and `npm install --prefix .ci/node` (scripts/bootstrap does it)",
    ),
]


async def run(handler: StdioServerAdapterRequestHandler, *messages: dict[str, Any]) -> list[dict[str, Any]]:
    return await handler.handle_request(MCPRequest(messages=list(messages), context=FakeLambdaContext()))


async def test_handshake_caller() -> None:
    h = StdioServerAdapterRequestHandler(everything_server())
    init, listed, echoed = await run(
        h, initialize(1, "2025-06-18"), req(2, "tools/list"), call(3, "echo", {"message": "hi"})
    )
    assert init["result"]["protocolVersion"] == "2025-06-18"
    assert "echo" in [t["name"] for t in listed["result"]["tools"]]
    assert "hi" in text_of(echoed)
    assert children_of_this_process() == []


async def test_modern_caller_is_bridged() -> None:
    h = StdioServerAdapterRequestHandler(everything_server())
    discovered, listed, echoed = await run(
        h,
        req(1, "server/discover", modern=True),
        req(2, "tools/list", modern=True),
        call(3, "echo", {"message": "modern"}, modern=True),
    )
    assert discovered["result"]["supportedVersions"] == ["2026-07-28"]
    assert discovered["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"]
    assert listed["result"]["resultType"] == "complete" and listed["result"]["cacheScope"] == "private"
    assert "modern" in text_of(echoed)
    # node runs under npx-style process groups: nothing may survive the invocation
    assert children_of_this_process() == []


async def test_unknown_tool_is_the_servers_own_answer() -> None:
    h = StdioServerAdapterRequestHandler(everything_server())
    [reply] = await run(h, call(1, "no_such_tool"))
    # The TypeScript SDK reports an unknown tool as a tool error; it must arrive exactly so.
    assert reply["result"]["isError"] is True
    assert "no_such_tool" in text_of(reply)
