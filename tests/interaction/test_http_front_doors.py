"""End to end over real HTTP: ``mcp.Client`` -> loopback HTTP -> front door -> stdio child.

Every HTTP front door is driven by the SDK's own streamable HTTP client in each
connection mode (``legacy`` handshake, ``auto`` discovery with fallback, and
pinned ``2026-07-28``), against ``mcp-server-time`` (an mcp 2.x server) and a
handshake-only child that must be bridged.
"""

from __future__ import annotations

import json
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler
from mcp_lambda.types import CALLER_META_KEY, ServerParams
from tests.conftest import FIXTURES_DIR
from tests.interaction.http_loopback import serve_front_door

FRONTS = {
    "rest_api": APIGatewayProxyEventHandler,
    "http_api": APIGatewayProxyEventV2Handler,
    "function_url": LambdaFunctionURLEventHandler,
}
SERVERS = {
    "time": ServerParams(command=sys.executable, args=["-m", "mcp_server_time", "--local-timezone", "UTC"]),
    "handshake": ServerParams(command=sys.executable, args=[str(FIXTURES_DIR / "handshake_server.py")]),
}
MODES = ["legacy", "auto", "2026-07-28"]
AUTHORIZERS: dict[str, dict[str, Any]] = {
    "rest_api": {"claims": {"sub": "alice"}},
    "http_api": {"jwt": {"claims": {"sub": "alice"}, "scopes": ["mcp"]}},
    "function_url": {"iam": {"userArn": "arn:aws:iam::123456789012:user/alice"}},
}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


Adapters = Callable[[str, str], StdioServerAdapterRequestHandler]


@pytest.fixture(scope="module")
async def adapters() -> AsyncIterator[Adapters]:
    """Warm adapters, one per (server, client mode): a child start (~0.7 s) per test would dominate,
    and a child initialized by a legacy client stays in the handshake era, so modes do not share one."""
    made: dict[tuple[str, str], StdioServerAdapterRequestHandler] = {}

    def get(server: str, mode: str) -> StdioServerAdapterRequestHandler:
        if (server, mode) not in made:
            made[server, mode] = StdioServerAdapterRequestHandler(SERVERS[server], warm=True)
        return made[server, mode]

    yield get
    for handler in made.values():
        await handler.aclose()


def _params() -> list[Any]:
    cases = []
    for server in SERVERS:
        for front in FRONTS:
            for mode in MODES:
                cases.append(pytest.param(server, front, mode, id=f"{server}-{front}-{mode}"))
    return cases


@pytest.mark.anyio
@pytest.mark.parametrize(("server", "front", "mode"), _params())
async def test_client_round_trip(server: str, front: str, mode: str, adapters: Adapters) -> None:
    handler = FRONTS[front](adapters(server, mode))
    async with serve_front_door(handler, front, AUTHORIZERS[front]) as url, Client(url, mode=mode) as client:  # type: ignore[arg-type]
        tools = await client.list_tools()
        names = {tool.name for tool in tools.tools}
        if server == "time":
            assert "get_current_time" in names
            result = await client.call_tool("get_current_time", {"timezone": "UTC"})
            assert not result.is_error
            assert "UTC" in result.content[0].text  # type: ignore[union-attr]
        else:
            assert {"echo", "whoami"} <= names
            result = await client.call_tool("echo", {"text": "hello over " + front})
            assert result.content[0].text == "hello over " + front  # type: ignore[union-attr]
            meta = json.loads((await client.call_tool("whoami", {})).content[0].text)  # type: ignore[union-attr]
            caller = meta[CALLER_META_KEY]
            assert caller["frontDoor"] == front
            assert "alice" in json.dumps(caller)


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONTS))
async def test_unknown_tool_is_an_error_not_a_hang(front: str, adapters: Adapters) -> None:
    door = FRONTS[front](adapters("time", "2026-07-28"))
    async with serve_front_door(door, front) as url, Client(url, mode="2026-07-28") as client:  # type: ignore[arg-type]
        with pytest.raises(MCPError, match="no_such_tool"):
            await client.call_tool("no_such_tool", {})
