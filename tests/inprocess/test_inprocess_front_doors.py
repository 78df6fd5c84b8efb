"""End to end over real HTTP: ``mcp.Client`` -> loopback HTTP -> each HTTP front door -> in-process server.

Every HTTP front door, every client mode (``legacy`` handshake, ``auto``, pinned
``2026-07-28``); one lifespan per handler across all the connections.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from mcp_lambda.engine.inprocess import MCPServerRequestHandler
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.handlers.http_base import HttpEventHandler
from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler
from tests.inprocess.servers import LifespanLog, counting_server, lowlevel_server
from tests.interaction.http_loopback import serve_front_door

FRONTS: dict[str, type[HttpEventHandler]] = {
    "rest_api": APIGatewayProxyEventHandler,
    "http_api": APIGatewayProxyEventV2Handler,
    "function_url": LambdaFunctionURLEventHandler,
}
MODES = ["legacy", "auto", "2026-07-28"]
AUTHORIZERS: dict[str, dict[str, Any]] = {
    "rest_api": {"claims": {"sub": "alice"}},
    "http_api": {"jwt": {"claims": {"sub": "alice"}, "scopes": ["mcp"]}},
    "function_url": {"iam": {"userArn": "arn:aws:iam::123456789012:user/alice"}},
}


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONTS))
async def test_every_mode_through_one_lifespan(front: str) -> None:
    log = LifespanLog()
    inner = MCPServerRequestHandler(counting_server(log))
    door = FRONTS[front](inner)
    expected = 0
    async with serve_front_door(door, front, AUTHORIZERS[front]) as url:
        for mode in MODES:
            async with Client(url, mode=mode) as client:
                names = {tool.name for tool in (await client.list_tools()).tools}
                assert {"count", "whoami"} <= names
                for _ in range(3):
                    expected += 1
                    result = await client.call_tool("count", {})
                    assert result.content[0].text == str(expected)  # type: ignore[union-attr]
                caller = json.loads((await client.call_tool("whoami", {})).content[0].text)  # type: ignore[union-attr]
                assert caller["frontDoor"] == front
                assert "alice" in json.dumps(caller)
                try:  # MCPServer reports an unknown tool as a tool error or a protocol error, by era
                    assert (await client.call_tool("no_such_tool", {})).is_error
                except MCPError as exc:
                    assert "no_such_tool" in str(exc)
    assert (log.entered, log.exited) == (1, 0)
    await inner.aclose()
    assert log.exited == 1


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_lowlevel_server_behind_function_url(mode: str) -> None:
    door = LambdaFunctionURLEventHandler(MCPServerRequestHandler(lowlevel_server()))
    async with serve_front_door(door, "function_url") as url, Client(url, mode=mode) as client:
        result = await client.call_tool("shout", {"text": "quiet"})
        assert result.content[0].text == "QUIET"  # type: ignore[union-attr]
