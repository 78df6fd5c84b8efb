"""A native MCP server run in the Lambda process: an ``MCPServer`` whose lifespan holds a SQLite connection.

No child process: `MCPServerRequestHandler` dispatches each request into the
server directly. The lifespan (opening the database, creating the schema) runs
once per execution environment, during INIT thanks to ``prestart=True``; every
warm invocation reuses the open connection. Notes are stored per caller, using
the identity the front door established (Function URL with ``AWS_IAM`` auth: the
IAM ARN; behind a JWT authorizer: the ``sub`` claim).

SQLite lives in the environment's ``/tmp`` (``NOTES_DB`` overrides the path), so
each execution environment has its own copy: fine for a cache or a demo; for
shared durable data, open a PostgreSQL connection in the lifespan the same way.

Run it locally: ``mcp-lambda dev examples/servers/native_sqlite/handler.py:lambda_handler``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

from mcp_lambda.engine.inprocess import MCPServerRequestHandler, caller_identity
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler

__all__ = ["handler", "lambda_handler", "server"]


@asynccontextmanager
async def open_database(_: MCPServer[sqlite3.Connection]) -> AsyncIterator[sqlite3.Connection]:
    """Open the database once per execution environment; close it when the environment ends."""
    db = sqlite3.connect(os.environ.get("NOTES_DB", "/tmp/notes.sqlite3"), check_same_thread=False)
    db.execute("CREATE TABLE IF NOT EXISTS notes (owner TEXT NOT NULL, text TEXT NOT NULL)")
    try:
        yield db
    finally:
        db.close()


server = MCPServer("notes", instructions="Keep short notes, per caller.", lifespan=open_database)


def _owner(meta: Mapping[str, Any] | None) -> str:
    caller = caller_identity(meta) or {}
    claims, iam = caller.get("claims") or {}, caller.get("iam") or {}
    return str(claims.get("sub") or iam.get("userArn") or "anonymous")


@server.tool()
def add_note(text: str, ctx: Context[sqlite3.Connection]) -> int:
    """Store a note for the caller; returns how many notes the caller has."""
    db, owner = ctx.request_context.lifespan_context, _owner(ctx.request_context.meta)
    with db:
        db.execute("INSERT INTO notes (owner, text) VALUES (?, ?)", (owner, text))
    return int(db.execute("SELECT COUNT(*) FROM notes WHERE owner = ?", (owner,)).fetchone()[0])


@server.tool()
def list_notes(ctx: Context[sqlite3.Connection]) -> list[str]:
    """The caller's notes, oldest first."""
    db, owner = ctx.request_context.lifespan_context, _owner(ctx.request_context.meta)
    return [row[0] for row in db.execute("SELECT text FROM notes WHERE owner = ? ORDER BY rowid", (owner,))]


# Built at import time (INIT): the database is opened before the first invocation.
handler = LambdaFunctionURLEventHandler(MCPServerRequestHandler(server, prestart=True))


def lambda_handler(event: Any, context: Any) -> Any:
    """The Lambda entry point."""
    return handler.handle(event, context)
