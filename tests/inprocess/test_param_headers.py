"""SEP-2243 ``Mcp-Param-*`` checks for a server run in-process, through a Function URL event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp.server import MCPServer
from mcp.server.mcpserver.tools.base import Tool

from mcp_lambda import LambdaFunctionURLEventHandler, MCPServerRequestHandler
from mcp_lambda.dev.events import function_url_event
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import call

pytestmark = pytest.mark.anyio


def _server() -> MCPServer:
    server = MCPServer("param-headers")

    def regional(region: str) -> str:
        return f"region={region}"

    tool = Tool.from_function(regional, name="regional", description="Routes by Mcp-Param-Region")
    tool.parameters = {
        "type": "object",
        "properties": {"region": {"type": "string", "x-mcp-header": "Region"}},
        "required": ["region"],
    }
    server._tool_manager._tools[tool.name] = tool  # no public way to register a raw schema
    return server


@pytest.mark.parametrize(
    ("header", "status"),
    [("eu-west-1", 200), ("us-east-1", 400), (None, 400)],
)
async def test_param_header_must_match_the_argument(header: str | None, status: int) -> None:
    handler = LambdaFunctionURLEventHandler(MCPServerRequestHandler(_server()))
    headers: list[tuple[str, str]] = [
        ("content-type", "application/json"),
        ("accept", "application/json"),
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", "regional"),
    ]
    if header is not None:
        headers.append(("mcp-param-region", header))
    message: Any = call(1, "regional", {"region": "eu-west-1"}, modern=True)
    event = function_url_event("POST", "/mcp", headers=headers, body=json.dumps(message).encode())
    result = await handler.handle_async(event, FakeLambdaContext())
    reply = json.loads(result["body"])
    assert result["statusCode"] == status, reply
    if status == 200:
        assert reply["result"]["content"][0]["text"] == "region=eu-west-1"
    else:
        assert reply["error"]["code"] == -32020
    await handler.request_handler.aclose()
