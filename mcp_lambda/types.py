"""Shared types: the Lambda context, the neutral request every front door builds,
and the `RequestHandler` contract between front doors and engines.

Front doors (``mcp_lambda.handlers.*``) turn an AWS event into an `MCPRequest`
(JSON-RPC messages plus what the platform told us about the caller) and hand it
to a `RequestHandler`. The stdio adapter is one implementation; an in-process
server is another. Nothing here imports boto3 or the mcp SDK's client code, so
importing it is cheap on the Lambda cold-start path.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, runtime_checkable

__all__ = [
    "CALLER_META_KEY",
    "JSONObject",
    "LAMBDA_RESPONSE_LIMIT",
    "LambdaClientContext",
    "LambdaContext",
    "LambdaEvent",
    "MCPRequest",
    "RequestHandler",
    "ServerParams",
    "ToolCallCheck",
]

JSONObject: TypeAlias = dict[str, Any]
"""A decoded JSON object (a JSON-RPC message, a result, ...)."""

LambdaEvent: TypeAlias = Any
"""Whatever Lambda passes as ``event``: a dict for most sources, any JSON value for Invoke."""

LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024
"""Lambda's limit on a buffered (RequestResponse) result, in bytes."""

CALLER_META_KEY = "mcp-lambda/caller"
"""The ``params._meta`` key under which front doors forward what the platform
established about the caller (authorizer claims, IAM identity, AgentCore Gateway
metadata). Front doors remove any client-sent value first, so it cannot be forged."""


@runtime_checkable
class LambdaClientContext(Protocol):
    """The parts of ``context.client_context`` we read (set by Invoke's ``ClientContext``)."""

    @property
    def custom(self) -> Mapping[str, Any] | None:
        """The ``custom`` object sent by the invoker, if any."""
        ...


class LambdaContext(Protocol):
    """The parts of the Lambda context object that mcp_lambda reads."""

    @property
    def aws_request_id(self) -> str:
        """The invocation's request id."""
        ...

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left before Lambda ends the invocation."""
        ...


ToolCallCheck: TypeAlias = Callable[[JSONObject, Mapping[str, Any]], JSONObject | None]
"""``(tools/call request, the tool's inputSchema) -> error reply or None``: see `MCPRequest`."""


@dataclass(frozen=True)
class MCPRequest:
    """One invocation's worth of JSON-RPC, in front-door-neutral form.

    Attributes:
        messages: The JSON-RPC messages to handle, in order. Front doors have
            already checked that each is a JSON object; the request handler
            classifies them (request, notification, response).
        context: The Lambda context, for the deadline and the request id.
        protocol_version: The ``MCP-Protocol-Version`` the caller declared out of
            band (an HTTP header), if any. Used when the caller skipped
            ``initialize`` on a stateless transport.
        caller: What the platform authenticated about the caller, forwarded to
            the wrapped server under `CALLER_META_KEY` in every request's
            ``params._meta``. ``None`` forwards nothing (and still strips any
            client-sent value).
        deadline: Absolute ``time.monotonic()`` instant by which the reply must
            be in hand. ``None`` derives it from ``context``.
        tool_call_check: Called before a 2026-07-28 ``tools/call`` is forwarded,
            with the request and the tool's ``inputSchema``; a returned reply is the
            answer and the call is not forwarded. The HTTP front doors use it to
            check ``Mcp-Param-*`` headers against the arguments (SEP-2243).
    """

    messages: Sequence[JSONObject]
    context: LambdaContext | None = None
    protocol_version: str | None = None
    caller: Mapping[str, Any] | None = None
    deadline: float | None = field(default=None)
    tool_call_check: ToolCallCheck | None = None

    @property
    def request_id(self) -> str | None:
        """The Lambda request id, when a context is present."""
        return getattr(self.context, "aws_request_id", None) if self.context is not None else None

    def remaining_seconds(self, margin: float = 0.0) -> float | None:
        """Seconds left until the deadline (minus ``margin``), or ``None`` when unbounded."""
        if self.deadline is not None:
            return self.deadline - time.monotonic() - margin
        if self.context is None:
            return None
        getter = getattr(self.context, "get_remaining_time_in_millis", None)
        if getter is None:
            return None
        return float(getter()) / 1000.0 - margin


@runtime_checkable
class RequestHandler(Protocol):
    """What every front door calls: JSON-RPC messages in, JSON-RPC replies out.

    Implementations return one reply per request in ``request.messages`` (in the
    same order), and nothing for notifications and responses. They never raise
    for bad input or a failing server: failures become JSON-RPC error replies.
    """

    async def handle_request(self, request: MCPRequest) -> list[JSONObject]:
        """Handle one invocation's messages and return the replies to its requests."""
        ...

    async def aclose(self) -> None:
        """Release whatever the handler keeps between invocations (a warm child)."""
        ...


@dataclass(frozen=True)
class ServerParams:
    """How to start a stdio MCP server. Duck-compatible with the SDK's
    ``mcp.client.stdio.StdioServerParameters`` (either is accepted everywhere);
    this one is a plain dataclass so that importing it costs nothing at cold start.
    """

    command: str
    """The executable to run (``python``, ``npx``, an absolute path, ...)."""

    args: Sequence[str] = ()
    """Arguments passed to ``command``."""

    env: Mapping[str, str] | None = None
    """Extra environment variables for the child, on top of the minimal default set."""

    cwd: str | None = None
    """Working directory for the child; ``None`` keeps the parent's."""
