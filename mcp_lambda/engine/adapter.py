"""The engine: forward one invocation's JSON-RPC messages to a stdio child.

`StdioServerAdapter` owns at most one child and what it learned about it (its
era, its ``initialize`` or ``server/discover`` result). For each invocation it:

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

import itertools
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import anyio
import anyio.abc

from mcp_lambda import jsonrpc
from mcp_lambda.engine import eras
from mcp_lambda.engine.child import ChildProcess, ServerParamsLike
from mcp_lambda.errors import ServerError, ServerExitedError
from mcp_lambda.jsonrpc import MessageKind
from mcp_lambda.types import JSONObject

__all__ = ["ChildProtocol", "StdioServerAdapter"]

logger = logging.getLogger(__name__)

ChildProtocol = Literal["auto", "handshake", "modern"]
"""How to talk to the child: probe with ``server/discover`` (auto), or assume an era."""

HEALTH_CHECK_TIMEOUT = 2.0
"""Seconds a reused warm child gets to answer the liveness ping."""


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


class StdioServerAdapter:
    """One wrapped stdio server and its (optional) running child."""

    def __init__(
        self,
        server_params: ServerParamsLike,
        *,
        lambda_environment: bool = False,
        child_protocol: ChildProtocol = "auto",
    ) -> None:
        self.server_params = server_params
        self.lambda_environment = lambda_environment
        self.child_protocol: ChildProtocol = child_protocol
        self.child: ChildProcess | None = None
        self.child_era: Literal["handshake", "modern"] | None = None
        self.init_result: JSONObject | None = None
        self.discover_result: JSONObject | None = None
        self.last_used = 0.0
        # Learned once per environment: a child that refused server/discover is not probed again.
        self._speaks_modern: bool | None = None
        self._ids = itertools.count(1)
        self._loop_token: object = None

    # -- child lifecycle -----------------------------------------------------------------

    async def close(self) -> None:
        """Stop the child, if any."""
        child, self.child = self.child, None
        self.child_era = None
        if child is not None:
            await child.close()

    def _next_id(self) -> str:
        # Strings cannot collide with a caller's ids because callers never see them.
        return f"mcp-lambda-{next(self._ids)}"

    async def _call(self, message: JSONObject, when: str) -> JSONObject:
        """Send one request we own and return its reply, answering anything else on the way."""
        assert self.child is not None
        await self.child.send(message, when=when)
        while True:
            reply = await self.child.receive(when=when)
            if reply.get("id") == message["id"] and "method" not in reply:
                return reply
            await self._handle_unsolicited(reply)

    async def _handshake(self, version: str, caller_init: JSONObject | None, template: JSONObject | None) -> JSONObject:
        request = dict(caller_init) if caller_init is not None else eras.initialize_request(None, version, template)
        request["id"] = self._next_id()
        reply = await self._call(request, "during the initialize handshake")
        result = reply.get("result")
        if isinstance(result, dict):
            self.child_era = "handshake"
            self.init_result = result
            assert self.child is not None
            await self.child.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return reply

    async def _probe_modern(self, template: JSONObject | None) -> JSONObject:
        request = eras.discover_request(self._next_id(), template)
        if template is not None and template.get("method") == "server/discover":
            request = dict(template, id=request["id"])
        reply = await self._call(request, "while answering server/discover")
        if isinstance(reply.get("result"), dict):
            self.child_era = "modern"
            self.discover_result = reply["result"]
            self._speaks_modern = True
        elif self.child_protocol == "auto":
            self._speaks_modern = False
        return reply

    async def _ensure_ready(
        self,
        first: JSONObject | None,
        version_hint: str | None,
        task_group: anyio.abc.TaskGroup,
        request_id: str | None,
    ) -> tuple[str, JSONObject] | None:
        """Spawn and set up the child if needed; returns ``(method, reply)`` when the caller's
        own ``initialize`` or ``server/discover`` was used for the set-up."""
        if self.child is not None and not self.child.alive:
            await self.close()
        if self.child is None:
            self.child = await ChildProcess.spawn(self.server_params, lambda_environment=self.lambda_environment)
            task_group.start_soon(self.child.pump_stderr, request_id)
        else:
            task_group.start_soon(self.child.pump_stderr, request_id)
            return None
        method = first.get("method") if first is not None else None
        modern_caller = first is not None and eras.is_modern_request(first)
        if self.child_protocol == "modern" or (
            self.child_protocol == "auto" and self._speaks_modern is not False and (modern_caller or first is None)
        ):
            reply = await self._probe_modern(first if modern_caller else None)
            if self.child_era == "modern":
                return ("server/discover", reply) if method == "server/discover" else None
            if self.child_protocol == "modern":
                return ("server/discover", reply) if method == "server/discover" else None
        version = version_hint if version_hint in eras.HANDSHAKE_PROTOCOL_VERSIONS else eras.LATEST_HANDSHAKE_VERSION
        if method == "initialize" and not modern_caller:
            return "initialize", await self._handshake(version, first, None)
        reply = await self._handshake(version, None, first if modern_caller else None)
        if self.child_era is None:
            error = reply.get("error") or {}
            raise ServerError(f"the MCP server rejected the initialize handshake: {error.get('message', reply)!r}")
        return None

    async def health_check(self) -> bool:
        """Ping a reused child; any reply (even an error) proves it is alive and reading."""
        if self.child is None or not self.child.alive:
            return False
        ping: JSONObject = {"jsonrpc": "2.0", "id": self._next_id(), "method": "ping"}
        with anyio.move_on_after(HEALTH_CHECK_TIMEOUT):
            try:
                await self._call(ping, "during the liveness ping")
                return True
            except ServerError:
                return False
        return False

    # -- one invocation --------------------------------------------------------------------

    async def _handle_unsolicited(self, message: JSONObject) -> None:
        """A request or notification from the child, or a reply nobody waits for."""
        assert self.child is not None
        method = message.get("method")
        if isinstance(method, str) and "id" in message:
            # Server-to-client requests (sampling, elicitation, roots) need a back channel Lambda lacks.
            if method == "ping":
                answer: JSONObject = {"jsonrpc": "2.0", "id": message["id"], "result": {}}
            else:
                answer = jsonrpc.error_reply(
                    message["id"],
                    jsonrpc.METHOD_NOT_FOUND,
                    f"{method} is not available: a server behind AWS Lambda cannot send requests to its client",
                )
            await self.child.send(answer)
        elif method == "notifications/message":
            params = message.get("params") or {}
            logger.info("MCP server log (%s): %s", params.get("level"), params.get("data"))
        elif method is None:
            logger.warning("dropping a reply from the MCP server that matches no request: id=%r", message.get("id"))

    def _adapt(self, message: JSONObject, caller: Mapping[str, Any] | None, capabilities: Any) -> JSONObject:
        """Translate a caller message for the child's era and stamp the caller identity."""
        out = eras.with_caller_meta(message, caller)
        if self.child_era == "handshake":
            return eras.without_envelope(out)
        if self.child_era == "modern" and not eras.is_modern_request(out):
            supported = (self.discover_result or {}).get("supportedVersions") or []
            version = next(
                (v for v in reversed(eras.MODERN_PROTOCOL_VERSIONS) if v in supported), eras.LATEST_MODERN_VERSION
            )
            return eras.add_envelope(out, version=version, capabilities=capabilities, client_info=None)
        return out

    def _local_answer(self, message: JSONObject) -> JSONObject | None:
        """The reply to ``initialize`` / ``server/discover`` / an unsupported envelope, when the
        child's era means we answer it ourselves; ``None`` to forward."""
        method, mid = message.get("method"), message.get("id")
        if method == "initialize":
            params = message.get("params") or {}
            requested = params.get("protocolVersion") if isinstance(params, Mapping) else None
            if self.child_era == "handshake" and self.init_result is not None:
                return {"jsonrpc": "2.0", "id": mid, "result": dict(self.init_result)}
            if self.child_era == "modern" and self.discover_result is not None:
                result = eras.initialize_from_discover(self.discover_result, requested)
                return {"jsonrpc": "2.0", "id": mid, "result": result}
        if self.child_era == "handshake" and eras.is_modern_request(message):
            version = eras.envelope_version(message)
            if method != "server/discover" and version not in eras.MODERN_PROTOCOL_VERSIONS:
                return jsonrpc.error_reply(
                    mid,
                    jsonrpc.UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version",
                    {"supported": list(eras.MODERN_PROTOCOL_VERSIONS), "requested": version},
                )
            if method == "server/discover" and self.init_result is not None:
                return {"jsonrpc": "2.0", "id": mid, "result": eras.discover_from_initialize(self.init_result)}
        return None

    async def exchange(
        self,
        messages: Sequence[JSONObject],
        *,
        timeout: float,
        version_hint: str | None = None,
        caller: Mapping[str, Any] | None = None,
        request_id: str | None = None,
        forward_notifications: bool = True,
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
            await self._run(work, replies, timeout, version_hint, caller, request_id)
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
    ) -> None:
        pending: dict[str, tuple[int, Any, str | None]] = {}
        todo = [(i, m) for i, m in work]
        if timeout <= 0:
            _fail(todo, pending, replies, jsonrpc.REQUEST_TIMEOUT, "no time was left in the invocation")
            return
        async with anyio.create_task_group() as tg:
            with anyio.move_on_after(timeout) as scope:
                try:
                    await self._forward(todo, pending, replies, version_hint, caller, request_id, tg)
                    todo = []
                except ServerError as exc:
                    tail = "\n".join(exc.stderr_tail) or "(none)"
                    logger.error("%s; last stderr lines:\n%s", exc, tail, extra={"request_id": request_id})
                    _fail(todo, pending, replies, jsonrpc.INTERNAL_ERROR, f"MCP server failure: {exc}")
                    await self.close()
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
                await self.close()
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
    ) -> None:
        first_index, first = todo[0]
        for attempt in (1, 2):
            reused = self.child is not None and self.child.alive
            used = await self._ensure_ready(first, version_hint, tg, request_id)
            try:
                self._start_replies(used, first_index, first, replies)
                await self._send_all(todo[1:] if used is not None else todo, pending, replies, caller)
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

    def _start_replies(
        self, used: tuple[str, JSONObject] | None, first_index: int, first: JSONObject, replies: dict[int, JSONObject]
    ) -> None:
        """Record the reply to the caller's own initialize / server/discover used during set-up."""
        if used is None:
            return
        replies[first_index] = dict(used[1], id=first.get("id"))
        if used[0] == "server/discover" and self.child_era == "handshake":
            replies[first_index] = self._local_answer(first) or replies[first_index]

    async def _send_all(
        self,
        todo: Sequence[tuple[int, JSONObject]],
        pending: dict[str, tuple[int, Any, str | None]],
        replies: dict[int, JSONObject],
        caller: Mapping[str, Any] | None,
    ) -> None:
        """Answer locally what we can, and write everything else to the child at once."""
        assert self.child is not None
        capabilities = None
        for index, message in todo:
            if message.get("method") == "initialize":
                params = message.get("params")
                capabilities = params.get("capabilities") if isinstance(params, Mapping) else None
            local = self._local_answer(message) if "id" in message else None
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
