"""In-process MCP servers for the tests: an MCPServer with a counting lifespan, and a low-level Server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from mcp.server import MCPServer
from mcp.server.lowlevel.server import Server
from mcp.server.mcpserver import Context
from mcp_types import CallToolRequestParams, CallToolResult, ListToolsResult, PaginatedRequestParams, TextContent, Tool
from pydantic import BaseModel

from mcp_lambda.engine.inprocess import caller_identity


@dataclass
class LifespanLog:
    """How often the lifespan was entered and exited, and a per-environment counter."""

    entered: int = 0
    exited: int = 0
    calls: int = 0
    fail_next: list[Exception] = field(default_factory=list)


class Answer(BaseModel):
    """What `ask` would elicit."""

    name: str


def counting_server(log: LifespanLog) -> MCPServer[LifespanLog]:
    """An MCPServer whose lifespan records entry and exit, with tools that read it and the caller."""

    @asynccontextmanager
    async def lifespan(_: MCPServer[LifespanLog]) -> AsyncIterator[LifespanLog]:
        if log.fail_next:
            raise log.fail_next.pop()
        log.entered += 1
        try:
            yield log
        finally:
            log.exited += 1

    server = MCPServer("inprocess-fixture", version="9.9.9", lifespan=lifespan)

    @server.tool()
    def count(ctx: Context[LifespanLog]) -> int:
        """Increment and return the environment-wide call counter held by the lifespan."""
        state = ctx.request_context.lifespan_context
        state.calls += 1
        return state.calls

    @server.tool()
    def whoami(ctx: Context[LifespanLog]) -> str:
        """The caller identity the front door forwarded, as JSON."""
        caller = caller_identity(ctx.request_context.meta)
        return json.dumps(dict(caller) if caller is not None else None, sort_keys=True)

    @server.tool()
    def lambda_request_id(ctx: Context[LifespanLog]) -> str:
        """The Lambda request id, read through the SDK context."""
        return str(ctx.request_context.request.request_id)  # type: ignore[union-attr]

    @server.tool()
    def protocol(ctx: Context[LifespanLog]) -> str:
        """The protocol revision this request is served at."""
        return ctx.request_context.protocol_version

    @server.tool()
    async def sleep(seconds: float) -> str:
        """Sleep, then answer."""
        await asyncio.sleep(seconds)
        return "slept"

    @server.tool()
    async def ask(ctx: Context[LifespanLog]) -> str:
        """Try to elicit from the client (impossible in a buffered Lambda response)."""
        await ctx.elicit("name?", Answer)
        return "unreachable"

    return server


def lowlevel_server() -> Server[Any]:
    """A low-level Server with one tool, ``shout``."""

    async def list_tools(ctx: Any, params: PaginatedRequestParams | None) -> ListToolsResult:
        schema = {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
        return ListToolsResult(tools=[Tool(name="shout", input_schema=schema)])

    async def call_tool(ctx: Any, params: CallToolRequestParams) -> CallToolResult:
        text = str((params.arguments or {}).get("text", ""))
        return CallToolResult(content=[TextContent(type="text", text=text.upper())])

    return Server("lowlevel-fixture", on_list_tools=list_tools, on_call_tool=call_tool)
