"""`lambda_function_client`: an MCP client transport that calls a Lambda function through the Invoke API.

The transport has the SDK's shape (an async context manager yielding ``(read, write)``
streams of `SessionMessage`), so ``mcp.Client`` and ``ClientSession`` use it unchanged,
in either protocol era. Each message written becomes one ``RequestResponse`` Invoke
whose payload is the message; the function's result (a JSON-RPC reply, a list of
them, or ``null`` for a notification) is read back. Invokes are blocking boto3 calls,
so each runs on a worker thread and several may be in flight at once.

A failed Invoke (throttling, an unknown function, a refused connection, a function
that raised) becomes a JSON-RPC error reply to the request that caused it, so the
caller gets an ``MCPError`` naming the function and the cause instead of waiting
forever. Replies the function itself sends, errors included, pass through unchanged.
"""

from __future__ import annotations

import base64
import functools
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, Any, Final

import anyio
import boto3
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectSendStream
from botocore.config import Config
from botocore.exceptions import BotoCoreError
from mcp.client._transport import TransportStreams
from mcp.shared.message import SessionMessage
from mcp_types import JSONRPCMessage, jsonrpc_message_adapter
from pydantic import ValidationError

from mcp_lambda.client._invoke_api import InvokeFailure, invoke_function
from mcp_lambda.errors import InvokeError
from mcp_lambda.jsonrpc import INTERNAL_ERROR, MessageKind, classify, error_reply
from mcp_lambda.types import JSONObject

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

__all__ = ["LambdaFunctionParameters", "lambda_function_client"]

logger = logging.getLogger(__name__)

CLIENT_CONTEXT_MAX_BYTES: Final = 3583
"""Invoke's limit on the base64-encoded ``ClientContext``."""

# A synchronous Invoke may run for Lambda's 900 s maximum: botocore's 60 s default read
# timeout would abandon long tool calls that are still running. Standard retries back off
# on throttling; callers can override any of this with ``botocore_config``.
_DEFAULT_CONFIG: Final = Config(read_timeout=905, connect_timeout=10, retries={"mode": "standard", "max_attempts": 3})


_PREVIEW_CHARS: Final = 1000
"""How much of a malformed function result an error reply quotes."""


@dataclass(frozen=True)
class LambdaFunctionParameters:
    """Which Lambda function to call, and how to reach it.

    Attributes:
        function_name: The function's name, ARN or partial ARN.
        region_name: The function's region; ``None`` takes it from ``boto3_session``
            or the environment.
        boto3_session: The session whose credentials sign the Invoke calls; ``None``
            uses a default session (environment, profile, instance role ...).
        endpoint_url: Another Invoke API endpoint (a local emulator, a VPC endpoint).
        qualifier: A version or alias to invoke instead of ``$LATEST``.
        client_context: The ``ClientContext`` passed to the function (keys ``custom``,
            ``env``, ``client``), which it reads as ``context.client_context``.
        botocore_config: Merged over the defaults (a 905 s read timeout, standard retries).
        max_concurrency: How many Invokes may be in flight at once.
    """

    function_name: str
    region_name: str | None = None
    _: KW_ONLY
    boto3_session: boto3.Session | None = None
    endpoint_url: str | None = None
    qualifier: str | None = None
    client_context: Mapping[str, Any] | None = None
    botocore_config: Config | None = None
    max_concurrency: int = 10
    _encoded_context: str | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")
        if self.client_context is not None:
            encoded = base64.b64encode(json.dumps(dict(self.client_context)).encode()).decode()
            if len(encoded) > CLIENT_CONTEXT_MAX_BYTES:
                raise ValueError(
                    f"client_context is {len(encoded)} bytes once base64-encoded; Invoke allows "
                    f"{CLIENT_CONTEXT_MAX_BYTES}"
                )
            object.__setattr__(self, "_encoded_context", encoded)

    @property
    def encoded_client_context(self) -> str | None:
        """The ``ClientContext`` as Invoke takes it (base64 JSON), or ``None``."""
        return self._encoded_context

    def create_lambda_client(self) -> LambdaClient:
        """Build the boto3 Lambda client these parameters describe. Blocking: it reads config files."""
        session = self.boto3_session if self.boto3_session is not None else boto3.Session()
        config = _DEFAULT_CONFIG if self.botocore_config is None else _DEFAULT_CONFIG.merge(self.botocore_config)
        return session.client("lambda", region_name=self.region_name, endpoint_url=self.endpoint_url, config=config)


@asynccontextmanager
async def lambda_function_client(
    params: LambdaFunctionParameters, *, lambda_client: LambdaClient | None = None
) -> AsyncIterator[TransportStreams]:
    """Connect to an MCP server running in a Lambda function, through the Invoke API.

    Example:
        ```python
        params = LambdaFunctionParameters("mcp-server-time", "us-east-1")
        async with mcp.Client(lambda_function_client(params)) as client:
            tools = await client.list_tools()
        ```

    Args:
        params: The function to call.
        lambda_client: A ready boto3 Lambda client; ``None`` builds one from ``params``
            (on a worker thread, as building it reads files).

    Yields:
        ``(read_stream, write_stream)`` for ``mcp.Client`` or ``ClientSession``.
    """
    client = lambda_client
    if client is None:
        try:
            client = await anyio.to_thread.run_sync(params.create_lambda_client)
        except BotoCoreError as exc:  # no region, a broken profile ...
            raise InvokeError(f"Cannot call Lambda function {params.function_name!r}: {exc}") from exc
    read_writer, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_stream, write_reader = anyio.create_memory_object_stream[SessionMessage](0)
    forwarder = _Forwarder(params, client, read_writer)

    async def pump(tg: TaskGroup) -> None:
        """Invoke the function for each outgoing message and deliver its reply."""
        async with write_reader:
            async for message in write_reader:
                tg.start_soon(forwarder.forward, message)

    async with read_writer, read_stream, write_stream, write_reader, anyio.create_task_group() as tg:
        tg.start_soon(pump, tg)
        try:
            yield read_stream, write_stream
        finally:
            # In-flight Invokes are abandoned, not awaited: one may run for 15 minutes.
            tg.cancel_scope.cancel()


class _Forwarder:
    """Sends one message per Invoke and delivers what comes back (or an error reply)."""

    def __init__(
        self,
        params: LambdaFunctionParameters,
        client: LambdaClient,
        read_writer: MemoryObjectSendStream[SessionMessage | Exception],
    ) -> None:
        self._params = params
        self._client = client
        self._read_writer = read_writer
        self._limiter = anyio.CapacityLimiter(params.max_concurrency)

    async def forward(self, session_message: SessionMessage) -> None:
        """Send one message as one Invoke; put the reply (or a JSON-RPC error) on the read stream."""
        message: JSONObject = session_message.message.model_dump(by_alias=True, mode="json", exclude_unset=True)
        request_id = message.get("id") if classify(message) is MessageKind.REQUEST else None
        name = self._params.function_name
        call = functools.partial(
            invoke_function,
            self._client,
            name,
            json.dumps(message, separators=(",", ":")).encode(),
            qualifier=self._params.qualifier,
            client_context=self._params.encoded_client_context,
        )
        replies: list[JSONRPCMessage]
        try:
            # abandon_on_cancel: closing the transport must not wait for a long Invoke to finish.
            result = await anyio.to_thread.run_sync(call, abandon_on_cancel=True, limiter=self._limiter)
        except Exception as exc:  # boundary: a transport task must never die with a request waiting
            failure = exc if isinstance(exc, InvokeFailure) else _unexpected(name, exc)
            if request_id is None:
                # A notification's failure has no request to answer; the log is all we can do.
                logger.warning("%s (while sending %s)", failure, message.get("method"))
                return
            replies = [_to_message(error_reply(request_id, INTERNAL_ERROR, str(failure), failure.data))]
        else:
            replies = self._replies(result, request_id)
        await self._deliver(replies)

    def _replies(self, result: Any, request_id: Any) -> list[JSONRPCMessage]:
        """Parse a function result into the replies to deliver, adding an error if the request got none."""
        name = self._params.function_name
        # JSON null (and, from older adapters, an empty object) means "nothing to say".
        if result is None or result == {}:
            items: list[Any] = []
        else:
            items = result if isinstance(result, list) else [result]
        replies: list[JSONRPCMessage] = []
        answered = False
        for item in items:
            try:
                replies.append(jsonrpc_message_adapter.validate_python(item, by_name=False))
            except ValidationError:
                logger.warning("Lambda function %s returned a non-JSON-RPC value: %.200r", name, item)
                continue
            answered = answered or (isinstance(item, dict) and item.get("id") == request_id)
        if request_id is not None and not answered:
            what = "no valid reply to this request" if items else "nothing for this request"
            replies.append(self._bad_result(request_id, what, result))
        return replies

    def _bad_result(self, request_id: Any, what: str, result: Any) -> JSONRPCMessage:
        name = self._params.function_name
        return _to_message(
            error_reply(
                request_id,
                INTERNAL_ERROR,
                f"Lambda function {name!r} returned {what}",
                {"functionName": name, "result": _preview(result)},
            )
        )

    async def _deliver(self, replies: list[JSONRPCMessage]) -> None:
        for reply in replies:
            try:
                await self._read_writer.send(SessionMessage(reply))
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                return  # the session is gone; nobody is waiting


def _unexpected(name: str, exc: Exception) -> InvokeFailure:
    logger.error("Invoking Lambda function %s failed unexpectedly", name, exc_info=exc)
    return InvokeFailure(
        f"Invoking Lambda function {name!r} failed: {exc!r}", {"functionName": name, "errorType": type(exc).__name__}
    )


def _preview(result: Any) -> Any:
    """The result itself when small, else the start of its JSON: error data should not carry 6 MB."""
    encoded = json.dumps(result)
    return result if len(encoded) <= _PREVIEW_CHARS else encoded[:_PREVIEW_CHARS] + "..."


def _to_message(reply: JSONObject) -> JSONRPCMessage:
    return jsonrpc_message_adapter.validate_python(reply, by_name=False)
