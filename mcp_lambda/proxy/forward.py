"""Raw forwarding between a local stdio MCP client and a remote transport, message by message.

The proxy does not re-serve the remote server through a ``ClientSession``: that
would drop unknown result fields, rewrite error messages and add requests of its
own. Each JSON-RPC message read on stdin goes to the remote transport unchanged,
and each message the remote sends back is written to stdout unchanged, so both
protocol eras pass through as the local client speaks them.

One thing is added for streamable HTTP: a 2026-07-28 request must carry its
routing headers (``MCP-Protocol-Version``, ``Mcp-Method``, ``Mcp-Name``), which the
SDK's HTTP transport takes from per-message metadata; they are derived from the
request's own ``_meta`` envelope, as the SDK's client session does.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
from mcp.shared._stream_protocols import ReadStream, WriteStream
from mcp.shared.inbound import (
    MCP_METHOD_HEADER,
    MCP_NAME_HEADER,
    MCP_PROTOCOL_VERSION_HEADER,
    NAME_BEARING_METHODS,
    encode_header_value,
)
from mcp.shared.message import ClientMessageMetadata, SessionMessage
from mcp_types import (
    PROTOCOL_VERSION_META_KEY,
    ErrorData,
    JSONRPCError,
    JSONRPCMessage,
    JSONRPCRequest,
    JSONRPCResponse,
)

from mcp_lambda.jsonrpc import INTERNAL_ERROR, PARSE_ERROR

__all__ = ["forward", "routing_headers"]

logger = logging.getLogger(__name__)


def routing_headers(message: JSONRPCMessage) -> dict[str, str] | None:
    """The 2026-07-28 HTTP routing headers of a request carrying the envelope, else ``None``."""
    if not isinstance(message, JSONRPCRequest):
        return None
    params: dict[str, Any] = message.params or {}
    meta = params.get("_meta")
    version = meta.get(PROTOCOL_VERSION_META_KEY) if isinstance(meta, dict) else None
    if not isinstance(version, str):
        return None
    headers = {MCP_PROTOCOL_VERSION_HEADER: version, MCP_METHOD_HEADER: message.method}
    name_key = NAME_BEARING_METHODS.get(message.method)
    if name_key is not None and isinstance(name := params.get(name_key), str):
        headers[MCP_NAME_HEADER] = encode_header_value(name)
    return headers


async def forward(
    local_read: ReadStream[SessionMessage | Exception],
    local_write: WriteStream[SessionMessage],
    remote_read: ReadStream[SessionMessage | Exception],
    remote_write: WriteStream[SessionMessage],
    *,
    stamp_headers: bool = False,
    drain_timeout: float = 60.0,
) -> None:
    """Pump messages both ways until the local client closes its input.

    Args:
        local_read: Messages from the local client (stdin).
        local_write: Where the remote's messages go (stdout).
        remote_read: Messages from the remote server.
        remote_write: Where the local client's messages go.
        stamp_headers: Attach the 2026-07-28 routing headers (streamable HTTP remotes).
        drain_timeout: Seconds to wait for replies still in flight once the input ends.
    """

    pending: set[Any] = set()
    failed: set[Any] = set()  # ids answered with a transport error; a late real reply is dropped
    drained: anyio.Event | None = None  # set once the input has ended and every reply is out

    async def fail_pending(cause: Exception) -> None:
        """Answer every request in flight with -32603: the transport cannot say which one failed,
        and a local client must never wait forever."""
        for request_id in list(pending):
            error = ErrorData(code=INTERNAL_ERROR, message=f"the remote MCP server could not be reached: {cause}")
            await local_write.send(SessionMessage(JSONRPCError(jsonrpc="2.0", id=request_id, error=error)))
            failed.add(request_id)
        pending.clear()
        if drained is not None:
            drained.set()

    async def upstream() -> None:
        """Forward each message from the local client to the remote server."""
        async for item in local_read:
            if isinstance(item, Exception):
                logger.warning("ignoring a line that is not JSON-RPC: %s", item)
                error = ErrorData(code=PARSE_ERROR, message="Parse error")
                await local_write.send(SessionMessage(JSONRPCError(jsonrpc="2.0", id=None, error=error)))
                continue
            headers = routing_headers(item.message) if stamp_headers else None
            metadata = ClientMessageMetadata(headers=headers) if headers else None
            if isinstance(item.message, JSONRPCRequest):
                pending.add(item.message.id)
            await remote_write.send(SessionMessage(item.message, metadata=metadata))

    async def downstream() -> None:
        """Write each remote reply back to the local client."""
        async for item in remote_read:
            if isinstance(item, Exception):
                logger.error("the remote transport failed: %r", item)
                await fail_pending(item)
                continue
            if isinstance(item.message, JSONRPCResponse | JSONRPCError) and item.message.id in failed:
                failed.discard(item.message.id)
                continue  # already answered with the transport error
            await local_write.send(SessionMessage(item.message))
            if isinstance(item.message, JSONRPCResponse | JSONRPCError):
                pending.discard(item.message.id)
                if drained is not None and not pending:
                    drained.set()

    async with anyio.create_task_group() as tg:
        tg.start_soon(downstream)
        await upstream()
        # stdin closed: answer what is still in flight (``echo request | proxy``), then stop.
        if pending:
            drained = anyio.Event()
            with anyio.move_on_after(drain_timeout):
                await drained.wait()
        tg.cancel_scope.cancel()
