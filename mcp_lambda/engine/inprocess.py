"""`MCPServerRequestHandler`: serve an ``MCPServer`` (or a low-level ``Server``) inside the Lambda process.

No child process and no ASGI app: each JSON-RPC request is dispatched straight
into the SDK's kernel (`mcp.server.runner.serve_one`, the single-exchange entry
the SDK's own modern HTTP transport and in-process ``Client`` use), with a fresh
born-ready ``Connection`` per request, exactly as the SDK's stateless streamable
HTTP mode does. Both protocol eras work without a handshake on record:

* 2026-07-28 requests carry their protocol version, capabilities and client info
  in ``params._meta``; the SDK's inbound ladder validates that envelope.
* handshake-era requests run at the ``MCP-Protocol-Version`` the front door saw,
  or the latest handshake revision when the caller sent none (Invoke has no
  headers; older revisions would strip fields newer clients read). ``initialize``
  is answered by the kernel itself.

The server's lifespan is entered once per execution environment and its state
reused by every invocation. A lifespan is an async context manager that may own
task groups, which must be exited by the task that entered them, so it runs in
a background task on the process's long-lived event loop (`mcp_lambda._sync`)
and waits there for `MCPServerRequestHandler.aclose`. Between invocations the
loop is not running and the task simply stays suspended.

What the front door established about the caller reaches tools through the
SDK's own context, as on the stdio path: ``params._meta["mcp-lambda/caller"]``
(a client-sent value is replaced), read in a tool as
``ctx.request_context.meta.get(CALLER_META_KEY)`` or with `caller_identity`.
``ctx.request_context.request`` is the invocation's `MCPRequest` (Lambda context,
deadline). Server-to-client notifications and requests have no channel in a
buffered Lambda response: notifications are dropped, requests fail with the
SDK's ``NoBackChannelError``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import anyio
from mcp.server import MCPServer
from mcp.server.connection import Connection
from mcp.server.lowlevel.server import Server
from mcp.server.runner import ServerRunner, aclose_shielded, modern_error_data, serve_one
from mcp.shared.inbound import InboundLadderRejection, classify_inbound_request
from mcp.shared.message import ServerMessageMetadata
from mcp_types import ErrorData

from mcp_lambda._sync import run_sync
from mcp_lambda.engine import eras
from mcp_lambda.engine.lifespan import InvocationDispatchContext, Lifespan
from mcp_lambda.engine.session import is_modern_call, read_tool_schemas
from mcp_lambda.jsonrpc import INTERNAL_ERROR, REQUEST_TIMEOUT, MessageKind, classify, error_reply
from mcp_lambda.types import CALLER_META_KEY, JSONObject, MCPRequest

__all__ = ["MCPServerRequestHandler", "caller_identity"]

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_MARGIN = 0.2
"""Seconds kept back from Lambda's remaining time to answer before the deadline."""
DEFAULT_TIMEOUT = 300.0
"""Budget when there is no Lambda context to read a deadline from."""


def caller_identity(meta: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The caller identity a front door forwarded, from a request's ``_meta``.

    In a tool: ``caller_identity(ctx.request_context.meta)``. Works the same for a
    server run in-process and for a stdio server behind the adapter.
    """
    value = meta.get(CALLER_META_KEY) if meta is not None else None
    return value if isinstance(value, Mapping) else None


def _lowlevel(server: MCPServer[Any] | Server[Any]) -> Server[Any]:
    if isinstance(server, MCPServer):
        # The SDK's own in-process Client reads this attribute; MCPServer has no public accessor.
        return server._lowlevel_server  # pyright: ignore[reportPrivateUsage]
    if isinstance(server, Server):
        return server
    raise TypeError(f"expected an MCPServer or a low-level Server, not {type(server).__name__}")


def _error(request_id: Any, error: ErrorData) -> JSONObject:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": error.model_dump(by_alias=True, mode="json", exclude_none=True),
    }


class MCPServerRequestHandler:
    """Serve an MCP server in the Lambda process, behind any front door.

    Example::

        mcp = MCPServer("notes", lifespan=open_database)
        handler = LambdaFunctionURLEventHandler(MCPServerRequestHandler(mcp))

        def lambda_handler(event, context):
            return handler.handle(event, context)

    Args:
        server: An ``mcp.server.MCPServer`` or a low-level ``mcp.server.lowlevel.Server``.
        deadline_margin: Seconds kept back from the invocation's remaining time;
            requests still running then are answered -32001.
        default_timeout: Budget in seconds when there is no Lambda context.
        prestart: Enter the lifespan now (Lambda's INIT phase, when the handler
            module is imported) instead of on the first invocation.
    """

    def __init__(
        self,
        server: MCPServer[Any] | Server[Any],
        *,
        deadline_margin: float = DEFAULT_DEADLINE_MARGIN,
        default_timeout: float = DEFAULT_TIMEOUT,
        prestart: bool = False,
    ) -> None:
        self.server = _lowlevel(server)
        self.deadline_margin = deadline_margin
        self.default_timeout = default_timeout
        # One lifespan per event loop. On Lambda there is exactly one (the process's), but a
        # local emulator may run several "execution environments" as threads sharing this object.
        self._lifespans: dict[asyncio.AbstractEventLoop, tuple[asyncio.Lock, Lifespan | None]] = {}
        if prestart:
            self.prestart()

    def prestart(self) -> None:
        """Enter the lifespan now, from synchronous code. A failure is logged; the first call retries."""
        try:
            run_sync(self._lifespan_state())
        except Exception:
            logger.exception("could not enter the MCP server's lifespan; the first invocation will retry")

    async def _lifespan_state(self) -> Any:
        loop = asyncio.get_running_loop()
        for old in [other for other in self._lifespans if other.is_closed()]:
            del self._lifespans[old]  # a finished test or worker thread: its lifespan died with its loop
        if loop not in self._lifespans:
            self._lifespans[loop] = (asyncio.Lock(), None)
        lock = self._lifespans[loop][0]
        async with lock:
            lifespan = self._lifespans[loop][1] or Lifespan(self.server)
            self._lifespans[loop] = (lock, lifespan)
            try:
                return await lifespan.state()
            except Exception:
                self._lifespans[loop] = (lock, None)  # try again on the next invocation
                raise

    async def handle_request(self, request: MCPRequest) -> list[JSONObject]:
        """Dispatch ``request.messages`` to the server; return one reply per request."""
        requests = [m for m in request.messages if classify(m) is MessageKind.REQUEST]
        try:
            state = await self._lifespan_state()
        except Exception:
            logger.exception("the MCP server's lifespan failed to start (request id %s)", request.request_id)
            failed = "Internal error: the server failed to start"
            return [error_reply(m["id"], INTERNAL_ERROR, failed) for m in requests]
        remaining = request.remaining_seconds(self.deadline_margin)
        budget = self.default_timeout if remaining is None else max(remaining, 0.0)
        replies: list[JSONObject] = []
        with anyio.move_on_after(budget):
            for message in request.messages:
                kind = classify(message)
                if kind is MessageKind.REQUEST:
                    stamped = eras.with_caller_meta(message, request.caller)
                    refused = await self._check_call(stamped, request, state)
                    replies.append(refused or await self._answer(stamped, request, state))
                elif kind is MessageKind.NOTIFICATION:
                    await self._notify(message, request, state)
        if len(replies) < len(requests):
            logger.error("the invocation deadline passed (request id %s)", request.request_id)
            timed_out = "Request timed out: the Lambda deadline passed"
            replies += [error_reply(m["id"], REQUEST_TIMEOUT, timed_out) for m in requests[len(replies) :]]
        return replies

    async def _check_call(self, message: JSONObject, request: MCPRequest, state: Any) -> JSONObject | None:
        """Run the front door's `MCPRequest.tool_call_check` on a 2026-07-28 ``tools/call``."""
        if request.tool_call_check is None or not is_modern_call(message):
            return None
        meta = message["params"].get("_meta")

        async def list_page(params: JSONObject) -> Any:
            listing = {
                "jsonrpc": "2.0",
                "id": "mcp-lambda-tools",
                "method": "tools/list",
                "params": {**params, "_meta": meta},
            }
            return (await self._answer(listing, request, state)).get("result")

        schema = (await read_tool_schemas(list_page)).get(message["params"].get("name"))
        return request.tool_call_check(message, schema) if isinstance(schema, dict) else None

    def _connection(self, message: JSONObject, request: MCPRequest) -> Connection | JSONObject:
        """A born-ready connection for this request's era, or the error reply that refuses it."""
        method, params = message["method"], message.get("params")
        hint = request.protocol_version
        modern = method != "initialize" and (
            eras.envelope_version(message) is not None or hint in eras.MODERN_PROTOCOL_VERSIONS
        )
        if modern:
            route = classify_inbound_request({"method": method, "params": params})
            if isinstance(route, InboundLadderRejection):
                return _error(message["id"], ErrorData(code=route.code, message=route.message, data=route.data))
            return Connection.from_envelope(route.protocol_version, route.client_info, route.client_capabilities)
        if method == "initialize":
            requested = params.get("protocolVersion") if isinstance(params, dict) else None
            hint = requested if isinstance(requested, str) else hint
        version = hint if hint in eras.HANDSHAKE_PROTOCOL_VERSIONS else eras.LATEST_HANDSHAKE_VERSION
        return Connection.from_envelope(version, None, None)

    async def _answer(self, message: JSONObject, request: MCPRequest, state: Any) -> JSONObject:
        connection = self._connection(message, request)
        if not isinstance(connection, Connection):
            return connection
        request_id = message["id"]
        dctx = InvocationDispatchContext(request_id, ServerMessageMetadata(request_context=request))
        try:
            result = await serve_one(
                self.server, dctx, message["method"], message.get("params"), connection=connection, lifespan_state=state
            )
        except Exception as exc:
            return _error(request_id, modern_error_data(exc))
        return {"jsonrpc": "2.0", "id": request_id, "result": result}

    async def _notify(self, message: JSONObject, request: MCPRequest, state: Any) -> None:
        # Client notifications reach the server's handlers (roots changed, cancelled ...);
        # nothing that needs a session survives the invocation anyway.
        connection = Connection.from_envelope(eras.LATEST_HANDSHAKE_VERSION, None, None)
        dctx = InvocationDispatchContext(None, ServerMessageMetadata(request_context=request))
        try:
            await ServerRunner(self.server, connection, state).on_notify(dctx, message["method"], message.get("params"))
        finally:
            await aclose_shielded(connection)

    async def aclose(self) -> None:
        """Exit the server's lifespan on this event loop (on Lambda the environment normally just ends)."""
        _, lifespan = self._lifespans.pop(asyncio.get_running_loop(), (None, None))
        if lifespan is not None:
            await lifespan.close()
