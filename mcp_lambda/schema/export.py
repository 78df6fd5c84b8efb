"""``mcp-lambda schema``: list a stdio server's tools and write the Gateway tool schema.

Starts the server with the mcp SDK's stdio client (in the handshake era, which
every stdio server answers), follows ``tools/list`` pagination, rewrites the
tools with `mcp_lambda.schema.rewrite`, and writes deterministic JSON so that
``--check FILE`` can tell when a checked-in schema is stale.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, TextIO

import anyio

from mcp_lambda.schema.rewrite import SchemaChange, to_gateway_tools
from mcp_lambda.types import JSONObject, ServerParams

__all__ = ["export_gateway_schema", "list_tools", "main_schema", "render_schema"]

_MAX_PAGES: Final = 1000
"""Bound on ``tools/list`` pages, against a server whose cursor never ends."""


async def list_tools(server: ServerParams | Any) -> list[JSONObject]:
    """Start a stdio server, list all its tools (following ``nextCursor``) and stop it.

    Uses the initialize handshake, which every stdio server answers (servers on
    older SDKs do not know ``server/discover``).

    Args:
        server: `ServerParams` or the SDK's ``StdioServerParameters``.

    Returns:
        The tools as JSON, in the server's order.

    Raises:
        RuntimeError: The server paginates without end.
        OSError, mcp.MCPError: The server could not be started or refused ``tools/list``.
    """
    from mcp import Client  # the SDK client is only needed here, not on the Lambda path
    from mcp.client.stdio import StdioServerParameters, stdio_client

    params = StdioServerParameters(
        command=server.command, args=list(server.args), env=dict(server.env or {}) or None, cwd=server.cwd
    )
    tools: list[JSONObject] = []
    # The server's stderr goes to ours when that is a real file; otherwise (an embedding
    # host that replaced sys.stderr) it is discarded rather than failing the spawn.
    with contextlib.ExitStack() as stack:
        errlog: TextIO = sys.stderr
        try:
            errlog.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            errlog = stack.enter_context(open(os.devnull, "w"))  # noqa: ASYNC230 (opening /dev/null does not block)
        async with Client(stdio_client(params, errlog=errlog), mode="legacy", cache=None) as client:
            cursor: str | None = None
            for _ in range(_MAX_PAGES):
                page = await client.list_tools(cursor=cursor)
                tools.extend(tool.model_dump(by_alias=True, mode="json", exclude_none=True) for tool in page.tools)
                cursor = page.next_cursor
                if cursor is None:
                    return tools
    raise RuntimeError(f"tools/list returned more than {_MAX_PAGES} pages")


async def export_gateway_schema(
    server: ServerParams | Any, *, strict: bool = True
) -> tuple[list[JSONObject], list[SchemaChange]]:
    """List a stdio server's tools and rewrite them for a Gateway Lambda target (see `to_gateway_tools`)."""
    return to_gateway_tools(await list_tools(server), strict=strict)


def render_schema(definitions: Sequence[JSONObject]) -> str:
    """The JSON text written for a tool schema: 2-space indent, key order as built, final newline."""
    return json.dumps(list(definitions), indent=2, ensure_ascii=False) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mcp-lambda schema",
        description="Write the tool schema of a stdio MCP server for an AgentCore Gateway Lambda target.",
    )
    parser.add_argument("-o", "--output", type=Path, help="write the schema here (default: stdout)")
    parser.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE differs from the server's schema")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="set in the server's env")
    parser.add_argument("--cwd", help="the server's working directory")
    parser.add_argument(
        "--keep-keywords",
        action="store_true",
        help="keep JSON Schema keywords outside Gateway's documented SchemaDefinition (enum, format, ...)",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the server command and its arguments (after --)")
    return parser


def main_schema(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """``mcp-lambda schema [-o FILE | --check FILE] [--env K=V] [--keep-keywords] -- COMMAND [ARGS...]``.

    Prints one line per change to stderr (``tool#/json/pointer: what``).

    Returns:
        0 on success, 1 when ``--check`` finds the file stale, 2 on a usage or server error.
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    parser = _parser()
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the server command after --")
    env = dict(item.split("=", 1) for item in args.env if "=" in item)
    server = ServerParams(command=command[0], args=tuple(command[1:]), env=env or None, cwd=args.cwd)
    try:
        definitions, changes = anyio.run(lambda: export_gateway_schema(server, strict=not args.keep_keywords))
    except Exception as exc:  # any failure of the server is reported, not a traceback
        print(f"mcp-lambda schema: error: {command[0]}: {exc!r}", file=err)
        return 2
    for change in changes:
        print(change, file=err)
    text = render_schema(definitions)
    if args.check is not None:
        try:
            current = args.check.read_text()
        except OSError as exc:
            print(f"mcp-lambda schema: error: {exc}", file=err)
            return 2
        if current == text:
            return 0
        diff = difflib.unified_diff(current.splitlines(True), text.splitlines(True), str(args.check), "server")
        err.writelines(diff)
        print(f"mcp-lambda schema: {args.check} is stale; regenerate it with -o", file=err)
        return 1
    if args.output is not None:
        args.output.write_text(text)
    else:
        out.write(text)
    return 0
