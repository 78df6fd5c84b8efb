"""The engine: forward one invocation's JSON-RPC messages to a stdio child.

`StdioServerAdapter` builds on `ChildSession` (``session.py``: the child and what
it learned about it — its era, its ``initialize`` or ``server/discover`` result,
its tool schemas). For each invocation it:

1. answers locally what needs no child (invalid messages, the caller's
   ``notifications/initialized``, responses the caller sends us);
2. makes the child ready: spawn, then either the handshake (reusing the caller's
   own ``initialize`` when there is one) or a ``server/discover`` probe for a
   modern caller; a handshake-only child answers the probe with an error and is
   initialized instead;
3. writes every remaining request at once (ids remapped, so duplicate or
   colliding caller ids are harmless), bridging eras where caller and child differ;
4. reads replies until each request has one, answering the child's own requests
   (no back channel exists on Lambda) and logging its notifications;
5. on the deadline, answers what is still pending with -32001 and kills the child;
   on a child fault, with -32603 naming the cause.

It knows nothing about AWS events; `StdioServerAdapterRequestHandler` (in
``request_handler.py``) adds the Lambda deadline and the warm/per-invocation policy.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

import anyio
import anyio.abc

from mcp_lambda import jsonrpc
from mcp_lambda.engine import eras
from mcp_lambda.engine.session import ChildProtocol, ChildSession, is_modern_call
from mcp_lambda.errors import ServerError, ServerExitedError
from mcp_lambda.jsonrpc import MessageKind
from mcp_lambda.types import JSONObject, ToolCallCheck

__all__ = ["ChildProtocol", "StdioServerAdapter"]

logger = logging.getLogger(__name__)


def _fail(
    todo: list[tuple[int, JSONObject]],
    pending: dict[str, tuple[int, Any, str | None]],
    replies: dict[int, JSONObject],
    code: int,
    message: str,
) -> None:
    """Answer every request still waiting (sent or not) with the same error."""
    for index, original_id, _ in pending.values():
        replies[index] = jsonrpc.error_reply(original_id, code, message)
    pending.clear()
    for index, msg in todo:
        if "id" in msg and index not in replies:
            replies[index] = jsonrpc.error_reply(msg["id"], code, message)


class StdioServerAdapter(ChildSession):
    """One wrapped stdio server: forwards each invocation's messages to its child."""

    async def exchange(
        self,
        messages: Sequence[JSONObject],
        *,
        timeout: float,
        version_hint: str | None = None,
        caller: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        forward_notifications: bool = True,
        tool_call_check: ToolCallCheck | None = None,
    ) -> list[JSONObject]:
        """Handle one invocation's messages; return one reply per request, in order.

        Args:
            messages: Decoded JSON-RPC messages (anything invalid is answered with -32600).
            timeout: Seconds until the last reply must be in hand.
            version_hint: A handshake version the caller declared out of band.
            caller: Platform-established caller identity for ``params._meta``.
            request_id: The Lambda request id, for logs.
            forward_notifications: Deliver notifications even when no request needs
                the child (warm mode); per-invocation mode drops them instead of
                starting a server that would forget them at once.
            tool_call_check: See `MCPRequest.tool_call_check`; the tools' schemas are
                read from the child (once per child) only when it is given.
        """
        replies: dict[int, JSONObject] = {}
        work: list[tuple[int, JSONObject]] = []
        for index, message in enumerate(messages):
            kind = jsonrpc.classify(message)
            if kind is MessageKind.INVALID:
                replies[index] = jsonrpc.invalid_request_reply(message)
            elif kind is MessageKind.RESPONSE:
                logger.debug("dropping a response sent by the caller: no server request is outstanding on Lambda")
            elif kind is MessageKind.NOTIFICATION and message.get("method") == "notifications/initialized":
                continue  # we initialized the child ourselves
            elif kind is MessageKind.REQUEST and (refused := eras.refusal(message)) is not None:
                replies[index] = jsonrpc.error_reply(message["id"], *refused)
            else:
                work.append((index, message))
        needs_child = any("id" in m for _, m in work) or bool(
            work and (forward_notifications or self.child is not None)
        )
        if needs_child:
            await self._run(work, replies, timeout, version_hint, caller, request_id, tool_call_check)
        self.last_used = time.monotonic()
        for index, reply in replies.items():
            message = messages[index]
            if (
                isinstance(message, dict)
                and message.get("method") in ("initialize", "server/discover")
                and "result" in reply
            ):
                replies[index] = dict(reply, result=eras.without_streaming_capabilities(reply["result"]))
        return [replies[i] for i in sorted(replies)]

    async def _run(
        self,
        work: list[tuple[int, JSONObject]],
        replies: dict[int, JSONObject],
        timeout: float,
        version_hint: str | None,
        caller: Mapping[str, Any] | None,
        request_id: str | None,
        tool_call_check: ToolCallCheck | None,
    ) -> None:
        pending: dict[str, tuple[int, Any, str | None]] = {}
        todo = [(i, m) for i, m in work]
        if timeout <= 0:
            _fail(todo, pending, replies, jsonrpc.REQUEST_TIMEOUT, "no time was left in the invocation")
            return
        async with anyio.create_task_group() as tg:
            with anyio.move_on_after(timeout) as scope:
                try:
                    await self._forward(todo, pending, replies, version_hint, caller, request_id, tg, tool_call_check)
                    todo = []
                except ServerError as exc:
                    tail = "\n".join(exc.stderr_tail) or "(none)"
                    logger.error("%s; last stderr lines:\n%s", exc, tail, extra={"request_id": request_id})
                    _fail(todo, pending, replies, jsonrpc.INTERNAL_ERROR, f"MCP server failure: {exc}")
                    await self.close(budget=0)
            if scope.cancelled_caught:
                budget = f"{timeout * 1000:.0f} ms"
                extra = {"request_id": request_id}
                logger.error("MCP server did not answer within %s; killing it", budget, extra=extra)
                _fail(
                    todo,
                    pending,
                    replies,
                    jsonrpc.REQUEST_TIMEOUT,
                    f"Request timed out: the MCP server did not answer within the invocation's budget of {budget}",
                )
                await self.close(budget=0)  # wedged, and the time is up: no graces
            tg.cancel_scope.cancel()

    async def _forward(
        self,
        todo: list[tuple[int, JSONObject]],
        pending: dict[str, tuple[int, Any, str | None]],
        replies: dict[int, JSONObject],
        version_hint: str | None,
        caller: Mapping[str, Any] | None,
        request_id: str | None,
        tg: anyio.abc.TaskGroup,
        tool_call_check: ToolCallCheck | None = None,
    ) -> None:
        first_index, first = todo[0]
        for attempt in (1, 2):
            reused = self.child is not None and self.child.alive
            used = await self._ensure_ready(first, version_hint, tg, request_id)
            try:
                if used is not None:  # the caller's own initialize / server/discover did the set-up
                    replies[first_index] = dict(used, id=first.get("id"))
                rest = todo[1:] if used is not None else todo
                schemas = await self._schemas_for(rest) if tool_call_check is not None else None
                await self._send_all(rest, pending, replies, caller, tool_call_check, schemas)
                break
            except ServerExitedError:
                # A warm child that died while frozen: nothing was answered yet, so start afresh once.
                if not reused or attempt == 2:
                    raise
                logger.warning("the warm MCP server had exited; starting a new one", extra={"request_id": request_id})
                pending.clear()
                await self.close()
        assert self.child is not None
        while pending:
            reply = await self.child.receive()
            reply_id = reply.get("id")
            if "method" not in reply and isinstance(reply_id, str) and reply_id in pending:
                index, original_id, bridged_method = pending.pop(reply_id)
                reply = dict(reply, id=original_id)
                replies[index] = eras.modernize_result(bridged_method, reply) if bridged_method else reply
            else:
                await self._handle_unsolicited(reply)

    async def _send_all(
        self,
        todo: Sequence[tuple[int, JSONObject]],
        pending: dict[str, tuple[int, Any, str | None]],
        replies: dict[int, JSONObject],
        caller: Mapping[str, Any] | None,
        tool_call_check: ToolCallCheck | None = None,
        schemas: Mapping[str, Any] | None = None,
    ) -> None:
        """Answer locally what we can, and write everything else to the child at once."""
        assert self.child is not None
        capabilities = None
        for index, message in todo:
            if message.get("method") == "initialize":
                params = message.get("params")
                capabilities = params.get("capabilities") if isinstance(params, Mapping) else None
            local = self._local_answer(message) if "id" in message else None
            if local is None and tool_call_check is not None and schemas and is_modern_call(message):
                schema = schemas.get(str(message["params"].get("name")))
                local = tool_call_check(message, schema) if isinstance(schema, Mapping) else None
            if local is not None:
                replies[index] = local
                continue
            out = self._adapt(message, caller, capabilities)
            if "id" in message:
                child_id = self._next_id()
                # A modern caller answered by a handshake-era child needs 2026-07-28 result fields added.
                bridged = self.child_era == "handshake" and eras.is_modern_request(message)
                pending[child_id] = (index, message["id"], str(message.get("method")) if bridged else None)
                out = dict(out, id=child_id)
            await self.child.send(out)
