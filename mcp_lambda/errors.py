"""The exception tree of mcp_lambda.

    MCPLambdaError                  base of everything we raise
    ├── ServerError                 the wrapped stdio server failed
    │   ├── ServerStartError        it could not be started (missing executable, ...)
    │   ├── ServerExitedError       it exited before or while answering
    │   ├── ServerOutputError       it wrote something that is not JSON-RPC to stdout
    │   └── ServerTimeoutError      it did not answer within the invocation's budget
    ├── UnsupportedEventError       no front door recognises the Lambda event
    ├── InvalidEventError           a front door recognised the event but it is malformed
    ├── ToolError                   AgentCore: a protocol error to report to the Gateway
    └── InvokeError                 client side: the Lambda Invoke API call failed

OS errors (spawning, pipes) are translated into ServerError subclasses in
``engine/child.py``; botocore errors into InvokeError in ``client/invoke.py``.
Each server error carries ``stderr_tail``, the child's last stderr lines.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "InvalidEventError",
    "InvokeError",
    "MCPLambdaError",
    "ServerError",
    "ServerExitedError",
    "ServerOutputError",
    "ServerStartError",
    "ServerTimeoutError",
    "ToolError",
    "UnsupportedEventError",
    "describe_error",
]


class MCPLambdaError(Exception):
    """Base class of every exception mcp_lambda raises."""


class ServerError(MCPLambdaError):
    """The wrapped stdio server failed; ``stderr_tail`` holds its last stderr lines."""

    def __init__(self, message: str, *, stderr_tail: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.stderr_tail: tuple[str, ...] = tuple(stderr_tail)


class ServerStartError(ServerError):
    """The server process could not be started."""


class ServerExitedError(ServerError):
    """The server process exited before it answered."""


class ServerOutputError(ServerError):
    """The server wrote a line to stdout that is not a JSON-RPC message."""


class ServerTimeoutError(ServerError):
    """The server did not answer within the invocation's time budget."""


class UnsupportedEventError(MCPLambdaError):
    """No front door recognises the Lambda event."""


class InvalidEventError(MCPLambdaError):
    """The event was recognised but is malformed (missing fields, wrong types)."""


class ToolError(MCPLambdaError):
    """A JSON-RPC protocol error, raised so that the Lambda invoker sees a function error."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"MCP error {code}: {message}")
        self.code = code
        self.error_message = message


class InvokeError(MCPLambdaError):
    """A Lambda Invoke API call failed (throttling, a function error, a botocore error)."""


def describe_error(exc: BaseException) -> str:
    """``"Type: message"`` of the real cause, for a one-line report on a command line.

    anyio task groups wrap a task's failure in (nested) exception groups; a group
    holding a single exception is unwrapped down to it.
    """
    while isinstance(exc, BaseExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}"
