"""`ChildSession`: one stdio child and what we know about it.

Holds the child process, its protocol era (fixed when it starts: modern when it
answers ``server/discover``, handshake otherwise), the ``initialize`` or
``server/discover`` result it gave, and its tools' schemas once read. It sets the
child up (spawn, probe, handshake), checks it is alive, translates a caller's
message for the child's era, and answers what the child's era means we answer
ourselves (`mcp_lambda.engine.eras`). `StdioServerAdapter` builds on it to forward
whole invocations.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal

import anyio
import anyio.abc

from mcp_lambda import jsonrpc
from mcp_lambda.engine import eras
from mcp_lambda.engine.child import EXIT_GRACE, TERM_GRACE, ChildProcess, ServerParamsLike
from mcp_lambda.errors import ServerError
from mcp_lambda.types import JSONObject

__all__ = ["MAX_TOOL_PAGES", "ChildProtocol", "ChildSession", "is_modern_call", "read_tool_schemas"]

logger = logging.getLogger(__name__)

ChildProtocol = Literal["auto", "handshake", "modern"]
"""How to talk to the child: probe with ``server/discover`` (auto), or assume an era."""

HEALTH_CHECK_TIMEOUT = 2.0
"""Seconds a reused warm child gets to answer the liveness ping."""
MAX_TOOL_PAGES = 100
"""``tools/list`` pages read when collecting tool schemas; more means a looping cursor."""


async def read_tool_schemas(list_page: Callable[[JSONObject], Awaitable[Any]]) -> dict[str, Any]:
    """Every tool's ``inputSchema`` by name, following ``nextCursor`` for at most `MAX_TOOL_PAGES` pages.

    ``list_page(params)`` sends one ``tools/list`` and returns its result. A page that is
    not a result ends the listing with what was read (calls to tools not seen are
    forwarded unchecked: a server that cannot list its tools still serves them).
    """
    schemas: dict[str, Any] = {}
    cursor: Any = None
    for _ in range(MAX_TOOL_PAGES):
        result = await list_page({} if cursor is None else {"cursor": cursor})
        if not isinstance(result, dict):
            break
        for tool in result.get("tools") or []:
            if isinstance(tool, dict) and isinstance(tool.get("name"), str):
                schemas[tool["name"]] = tool.get("inputSchema")
        cursor = result.get("nextCursor")
        if cursor is None:
            break
    return schemas


def is_modern_call(message: JSONObject) -> bool:
    """True for a 2026-07-28 ``tools/call`` request."""
    return (
        message.get("method") == "tools/call"
        and "id" in message
        and isinstance(message.get("params"), dict)
        and eras.is_modern_request(message)
    )


class ChildSession:
    """One wrapped stdio server and its (optional) running child, with what it told us."""

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
        self.tool_schemas: dict[str, Any] | None = None
        self.last_used = 0.0
        # Learned once per environment: a child that refused server/discover is not probed again.
        self._speaks_modern: bool | None = None
        self._ids = itertools.count(1)
        self._loop_token: object = None

    # -- child lifecycle -----------------------------------------------------------------

    async def close(self, budget: float | None = None) -> None:
        """Stop the child, if any, within ``budget`` seconds (``None``: the usual graces;
        0: kill it at once, for a wedged child or when no time is left)."""
        child, self.child = self.child, None
        self.child_era = None
        self.tool_schemas = None
        if child is None:
            return
        if budget is None:
            await child.close()
        else:
            budget = max(0.0, budget)
            await child.close(grace=min(EXIT_GRACE, budget / 2), term_grace=min(TERM_GRACE, budget / 2))

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
    ) -> JSONObject | None:
        """Spawn and set up the child if needed; returns the child's reply when the caller's
        own ``initialize`` or ``server/discover`` (``first``) was used for the set-up."""
        if self.child is not None and not self.child.alive:
            await self.close()
        reused = self.child is not None
        if self.child is None:
            self.child = await ChildProcess.spawn(self.server_params, lambda_environment=self.lambda_environment)
        task_group.start_soon(self.child.pump_stderr, request_id)
        if reused:
            return None
        method = first.get("method") if first is not None else None
        modern_caller = first is not None and eras.is_modern_request(first)
        if self.child_protocol == "modern" or (
            self.child_protocol == "auto" and self._speaks_modern is not False and (modern_caller or first is None)
        ):
            reply = await self._probe_modern(first if modern_caller else None)
            # A modern child (or one we were told is modern) answered the caller's own discover.
            if self.child_era == "modern" or self.child_protocol == "modern":
                return reply if method == "server/discover" else None
        version = version_hint if version_hint in eras.HANDSHAKE_PROTOCOL_VERSIONS else eras.LATEST_HANDSHAKE_VERSION
        if method == "initialize" and not modern_caller:
            return await self._handshake(version, first, None)
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
        elif method == "notifications/tools/list_changed":
            self.tool_schemas = None  # read them again before the next checked call
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

    async def _schemas_for(self, todo: Sequence[tuple[int, JSONObject]]) -> Mapping[str, Any] | None:
        """Every tool's ``inputSchema`` by name, read from the child once per child; ``None``
        when no 2026-07-28 ``tools/call`` is waiting (nothing to check)."""
        template = next((m for _, m in todo if is_modern_call(m)), None)
        if template is None:
            return None
        if self.tool_schemas is None:

            async def list_page(params: JSONObject) -> Any:
                request: JSONObject = {
                    "jsonrpc": "2.0",
                    "id": self._next_id(),
                    "method": "tools/list",
                    "params": params,
                }
                if self.child_era == "modern":
                    request = eras.add_envelope(
                        request, version=eras.LATEST_MODERN_VERSION, capabilities=None, client_info=None
                    )
                    envelope = (template.get("params") or {}).get("_meta") or {}
                    request["params"]["_meta"].update({k: v for k, v in envelope.items() if k in eras.ENVELOPE_KEYS})
                return (await self._call(request, "while listing its tools")).get("result")

            self.tool_schemas = await read_tool_schemas(list_page)
        return self.tool_schemas
