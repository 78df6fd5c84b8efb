"""JSON-RPC 2.0 message shapes and error replies, as plain dicts.

The forwarder must not lose anything the wrapped server says, so messages stay
plain dicts end to end instead of round-tripping through pydantic models. The
error codes equal those in ``mcp_types.jsonrpc``; they are repeated here because
importing ``mcp_types`` costs ~0.17 s of Lambda cold start, and
``tests/test_jsonrpc.py`` pins them to the SDK's values.
"""

from __future__ import annotations

import enum
from typing import Any, Final

from mcp_lambda.types import JSONObject

__all__ = [
    "HEADER_MISMATCH",
    "INTERNAL_ERROR",
    "INVALID_PARAMS",
    "INVALID_REQUEST",
    "METHOD_NOT_FOUND",
    "PARSE_ERROR",
    "REQUEST_TIMEOUT",
    "UNSUPPORTED_PROTOCOL_VERSION",
    "MessageKind",
    "classify",
    "error_reply",
    "invalid_request_reply",
    "is_error_reply",
    "readable_id",
    "too_large_replies",
]

PARSE_ERROR: Final = -32700
"""Invalid JSON was received."""
INVALID_REQUEST: Final = -32600
"""The JSON sent is not a valid JSON-RPC request."""
METHOD_NOT_FOUND: Final = -32601
"""The method does not exist or is not available."""
INVALID_PARAMS: Final = -32602
"""Invalid method parameters."""
INTERNAL_ERROR: Final = -32603
"""Internal JSON-RPC error (here: the wrapped server failed, or we did)."""
REQUEST_TIMEOUT: Final = -32001
"""MCP: the request did not complete within its time budget."""
HEADER_MISMATCH: Final = -32020
"""MCP 2026-07-28: an ``Mcp-*`` HTTP header disagrees with the body."""
UNSUPPORTED_PROTOCOL_VERSION: Final = -32022
"""MCP 2026-07-28: the requested protocol version is not served."""


class MessageKind(enum.Enum):
    """What a decoded JSON value is, as a JSON-RPC 2.0 message.

    REQUEST: has ``method`` and a string or number ``id``.
    NOTIFICATION: has ``method`` and no ``id`` key.
    RESPONSE: has ``result`` or ``error`` and an ``id`` (a reply to a server request).
    INVALID: anything else, including ``"id": null`` on a request.
    """

    REQUEST = "request"
    NOTIFICATION = "notification"
    RESPONSE = "response"
    INVALID = "invalid"


def _valid_id(value: Any) -> bool:
    # bool is an int subclass but not a valid JSON-RPC id.
    return isinstance(value, str) or (isinstance(value, int | float) and not isinstance(value, bool))


def classify(message: Any) -> MessageKind:
    """Classify a decoded JSON value as a JSON-RPC message.

    A request whose ``id`` is ``null`` is INVALID, not a notification: the spec
    reserves null ids, and treating it as a notification would silently drop it.
    """
    if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
        return MessageKind.INVALID
    if "method" in message:
        if not isinstance(message["method"], str):
            return MessageKind.INVALID
        params = message.get("params")
        if params is not None and not isinstance(params, dict | list):
            return MessageKind.INVALID
        if "id" not in message:
            return MessageKind.NOTIFICATION
        return MessageKind.REQUEST if _valid_id(message["id"]) else MessageKind.INVALID
    if ("result" in message) != ("error" in message) and "id" in message:
        return MessageKind.RESPONSE
    return MessageKind.INVALID


def error_reply(request_id: Any, code: int, message: str, data: Any = None) -> JSONObject:
    """Build a JSON-RPC error reply. ``request_id`` is ``None`` when it could not be read."""
    error: JSONObject = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"jsonrpc": "2.0", "id": request_id, "error": error}


def is_error_reply(reply: JSONObject) -> bool:
    """True when ``reply`` is a JSON-RPC error response."""
    return isinstance(reply.get("error"), dict)


def readable_id(message: Any) -> Any:
    """The message's ``id`` when it is a valid JSON-RPC id, else ``None`` (for error replies)."""
    mid = message.get("id") if isinstance(message, dict) else None
    return mid if _valid_id(mid) else None


def invalid_request_reply(message: Any) -> JSONObject:
    """The -32600 reply to an invalid message, echoing its id when that id is itself valid."""
    return error_reply(
        readable_id(message),
        INVALID_REQUEST,
        "Invalid Request: not a JSON-RPC 2.0 request, notification or response",
    )


def too_large_replies(request_ids: list[Any], size: int, limit: int) -> list[JSONObject]:
    """-32603 replies, one per request id, for a result of ``size`` bytes over Lambda's ``limit``
    (a platform failure otherwise, which the caller would see as an opaque 502 or function error)."""
    message = (
        f"Response too large: {size} bytes exceeds the {limit} byte Lambda response payload limit"
        " (request less data, e.g. with pagination)"
    )
    return [error_reply(request_id, INTERNAL_ERROR, message) for request_id in request_ids]
