"""`StdioServerAdapterRequestHandler`: the stdio engine behind the `RequestHandler` contract.

Adds the Lambda policy to the engine: the time budget (the invocation's remaining
time less a safety margin, so the handler answers before Lambda kills it), and
the child's lifetime:

* per invocation (default): a fresh child for each invocation, stopped before
  returning. Nothing leaks between callers; costs one server start per call.
* warm (opt-in): one child per execution environment and caller protocol era
  (a handshake-era and a 2026-07-28 caller each get a child speaking their era
  natively; a server that knows only the handshake serves both), reused by every
  invocation, checked after idle periods (Lambda may have frozen it for long) and
  replaced transparently when dead or wedged. Only for servers that keep no
  per-caller state: every caller shares the server process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from typing import Any

import anyio
import anyio.lowlevel

from mcp_lambda._sync import run_sync
from mcp_lambda.engine import eras
from mcp_lambda.engine.adapter import ChildProtocol, StdioServerAdapter
from mcp_lambda.engine.child import ServerParamsLike
from mcp_lambda.types import JSONObject, MCPRequest

__all__ = ["StdioServerAdapterRequestHandler"]

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_MARGIN = 0.5
"""Seconds kept back from Lambda's remaining time to answer and clean up."""
DEFAULT_TIMEOUT = 300.0
"""Budget when there is no Lambda context to read a deadline from."""
DEFAULT_IDLE_CHECK_AFTER = 30.0
"""A warm child idle for longer is pinged before reuse (it may have been frozen)."""


def _loop_token() -> object:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # another async library: treat every call as the same loop
        return None


class StdioServerAdapterRequestHandler:
    """Serve MCP requests by forwarding them to a stdio server run as a child process.

    Example::

        params = ServerParams(command=sys.executable, args=["-m", "mcp_server_time"])
        handler = LambdaFunctionURLEventHandler(StdioServerAdapterRequestHandler(params))

    Args:
        server_params: How to start the server: `mcp_lambda.ServerParams` or the
            SDK's ``StdioServerParameters``.
        warm: Keep one child alive across invocations of this execution
            environment. Safe only for stateless servers.
        prespawn: With ``warm``, start the child now (during Lambda's INIT phase,
            when the handler module is imported) instead of on the first call.
        deadline_margin: Seconds kept back from the invocation's remaining time.
        lambda_environment: Pass the function's AWS credentials, region and
            package/layer paths (``PYTHONPATH``, ``LD_LIBRARY_PATH``) to the child.
            Off by default: the child gets a minimal environment, like the SDK's.
        child_protocol: ``"auto"`` probes the child with ``server/discover`` and falls
            back to the ``initialize`` handshake; ``"handshake"`` or ``"modern"``
            skip the probe.
        default_timeout: Budget in seconds when there is no Lambda context.
        idle_check_after: Seconds of idleness after which a warm child is pinged
            before reuse.
    """

    def __init__(
        self,
        server_params: ServerParamsLike,
        *,
        warm: bool = False,
        prespawn: bool = False,
        deadline_margin: float = DEFAULT_DEADLINE_MARGIN,
        lambda_environment: bool = False,
        child_protocol: ChildProtocol = "auto",
        default_timeout: float = DEFAULT_TIMEOUT,
        idle_check_after: float = DEFAULT_IDLE_CHECK_AFTER,
    ) -> None:
        if prespawn and not warm:
            raise ValueError("prespawn=True needs warm=True: a per-invocation child cannot be started in advance")
        self.server_params = server_params
        self.warm = warm
        self.deadline_margin = deadline_margin
        self.lambda_environment = lambda_environment
        self.child_protocol: ChildProtocol = child_protocol
        self.default_timeout = default_timeout
        self.idle_check_after = idle_check_after
        self._speaks_modern: bool | None = None
        self._warm_adapters: dict[str, StdioServerAdapter] = {}
        self._warm_loop: object = None
        self._lock: anyio.Lock | None = None
        if prespawn:
            self.prespawn()

    def _new_adapter(self) -> StdioServerAdapter:
        adapter = StdioServerAdapter(
            self.server_params, lambda_environment=self.lambda_environment, child_protocol=self.child_protocol
        )
        adapter._speaks_modern = self._speaks_modern
        return adapter

    def _budget(self, request: MCPRequest) -> float:
        remaining = request.remaining_seconds(self.deadline_margin)
        return self.default_timeout if remaining is None else remaining

    async def handle_request(self, request: MCPRequest) -> list[JSONObject]:
        """Forward ``request.messages`` to the server; return one reply per request."""
        timeout = self._budget(request)
        kwargs: dict[str, Any] = {
            "timeout": timeout,
            "version_hint": request.protocol_version,
            "caller": request.caller,
            "request_id": request.request_id,
            "tool_call_check": request.tool_call_check,
        }
        if not self.warm:
            adapter = self._new_adapter()
            try:
                return await adapter.exchange(request.messages, forward_notifications=False, **kwargs)
            finally:
                # Stopping the child counts against the same deadline (less a moment to return).
                await adapter.close(budget=request.remaining_seconds(self.deadline_margin / 5))
                self._speaks_modern = adapter._speaks_modern
        if self._lock is None or self._warm_loop is not _loop_token():
            # The previous loop (and any child it owned) is gone: start over on this one.
            self._abandon_warm_child()
            self._lock = anyio.Lock()
            self._warm_loop = _loop_token()
        async with self._lock:
            adapter = await self._warm_adapter_for(request)
            started = time.monotonic()
            await anyio.lowlevel.checkpoint()  # let the loop record an exit that happened while we were frozen
            if (
                adapter.child is not None
                and adapter.child.alive
                and started - adapter.last_used > self.idle_check_after
                and not await adapter.health_check()
            ):
                logger.warning("the warm MCP server did not answer a ping; replacing it")
                await adapter.close()
            kwargs["timeout"] = timeout - (time.monotonic() - started)
            try:
                return await adapter.exchange(request.messages, forward_notifications=True, **kwargs)
            finally:
                self._speaks_modern = adapter._speaks_modern

    async def _warm_adapter_for(self, request: MCPRequest) -> StdioServerAdapter:
        """The warm adapter for the caller's era; one for both once the server proved handshake-only."""
        era = (
            "modern"
            if any(isinstance(m, dict) and eras.is_modern_request(m) for m in request.messages)
            else "handshake"
        )
        if self._speaks_modern is False:
            era = "handshake"
            stale = self._warm_adapters.pop("modern", None)
            if stale is not None and stale.child_era == "handshake" and "handshake" not in self._warm_adapters:
                self._warm_adapters["handshake"] = stale  # already a handshake child: keep it
            elif stale is not None:
                await stale.close()
        adapter = self._warm_adapters.get(era)
        if adapter is None:
            adapter = self._warm_adapters[era] = self._new_adapter()
        return adapter

    def _abandon_warm_child(self) -> None:
        adapters, self._warm_adapters = list(self._warm_adapters.values()), {}
        for adapter in adapters:
            if adapter.child is not None and adapter.child.alive:
                try:
                    os.killpg(adapter.child.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    async def _prespawn(self) -> None:
        self._lock = anyio.Lock()
        self._warm_loop = _loop_token()
        adapter = self._new_adapter()
        async with anyio.create_task_group() as tg:
            await adapter._ensure_ready(None, None, tg, None)
            tg.cancel_scope.cancel()
        adapter.last_used = time.monotonic()
        self._speaks_modern = adapter._speaks_modern
        self._warm_adapters["modern" if adapter.child_era == "modern" else "handshake"] = adapter

    def prespawn(self) -> None:
        """Start and initialize the warm child now, from synchronous code (module import).

        A failure is logged, not raised: the first invocation will try again.
        """
        try:
            run_sync(self._prespawn())
        except Exception:
            logger.exception("could not pre-start the MCP server; the first invocation will start it")

    async def aclose(self) -> None:
        """Stop the warm children, if any."""
        adapters, self._warm_adapters = list(self._warm_adapters.values()), {}
        for adapter in adapters:
            await adapter.close()
