"""Plumbing for `MCPServerRequestHandler`: the server's lifespan held open across
invocations, and the SDK dispatch context for a request that has no back channel.

A lifespan is an async context manager that may own task groups, which must be
exited by the task that entered them, so it runs in a background task on the
process's long-lived event loop (`mcp_lambda._sync`) and waits there to be closed.
Between invocations the loop is not running and the task simply stays suspended.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
from mcp.server.lowlevel.server import Server
from mcp.shared.dispatcher import CallOptions
from mcp.shared.exceptions import NoBackChannelError
from mcp.shared.message import ServerMessageMetadata
from mcp.shared.transport_context import TransportContext

__all__ = ["InvocationDispatchContext", "Lifespan"]

logger = logging.getLogger(__name__)

_LAMBDA_TRANSPORT = TransportContext(kind="lambda", can_send_request=False)


@dataclass
class InvocationDispatchContext:
    """The SDK's ``DispatchContext`` for one request of one invocation: no back-channel."""

    request_id: Any
    message_metadata: ServerMessageMetadata
    transport: TransportContext = _LAMBDA_TRANSPORT
    cancel_requested: anyio.Event = field(default_factory=anyio.Event)
    can_send_request: bool = False

    async def send_raw_request(
        self, method: str, params: Mapping[str, Any] | None, opts: CallOptions | None = None
    ) -> dict[str, Any]:
        """Refuse: a buffered Lambda response cannot carry a request to the client."""
        raise NoBackChannelError(method)

    async def notify(self, method: str, params: Mapping[str, Any] | None, opts: CallOptions | None = None) -> None:
        """Drop a server notification: the response carries only the reply."""
        logger.debug("dropped server notification %s: a Lambda response carries only the reply", method)

    async def progress(self, progress: float, total: float | None = None, message: str | None = None) -> None:
        """Drop a progress report, for the same reason."""
        return None


class Lifespan:
    """The server's lifespan, held open by a background task on one event loop."""

    def __init__(self, server: Server[Any]) -> None:
        self.loop = loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._ready: asyncio.Future[Any] = loop.create_future()
        self._task = loop.create_task(self._run(server), name="mcp-lambda-lifespan")
        # The loop holds tasks weakly: keep this one alive even if its handler is dropped.
        _OPEN.add(self)

    async def _run(self, server: Server[Any]) -> None:
        try:
            async with server.lifespan(server) as state:
                self._ready.set_result(state)
                await self._stop.wait()
        except Exception as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            else:
                logger.exception("the MCP server's lifespan raised while closing")
        finally:
            _OPEN.discard(self)

    async def state(self) -> Any:
        """The lifespan's state, once it has been entered (raises what entering raised)."""
        return await asyncio.shield(self._ready)

    async def close(self) -> None:
        """Exit the lifespan and wait for its task."""
        self._stop.set()
        await asyncio.gather(self._task, return_exceptions=True)


_OPEN: set[Lifespan] = set()


@atexit.register
def _close_open_lifespans() -> None:
    """At interpreter exit, exit the lifespans still open (local runs; Lambda just ends the process)."""
    for lifespan in list(_OPEN):
        if not lifespan.loop.is_closed() and not lifespan.loop.is_running():
            try:
                lifespan.loop.run_until_complete(lifespan.close())
            except Exception:
                logger.exception("could not exit an MCP server's lifespan at exit")
