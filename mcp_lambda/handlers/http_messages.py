"""The JSON-RPC inside an MCP HTTP POST: decoding, validation, protocol era, 2026-07-28 checks.

`mcp_lambda.http` handles the HTTP envelope; this module judges the body and
says which era's rules apply. A request is 2026-07-28 ("modern") when its
``params._meta`` carries the protocol-version envelope key, when it calls
``server/discover``, or when its ``MCP-Protocol-Version`` header names a modern
revision; anything else is handshake era. Modern requests pass the SDK's
`mcp.shared.inbound` ladder, and their replies get that revision's HTTP status
table; handshake-era replies are always 200.

The SDK's inbound module imports the whole ``mcp`` package (~0.5 s), so it is
imported on the first modern request only; handshake-era traffic never pays it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcp_lambda.jsonrpc import INVALID_REQUEST, PARSE_ERROR, UNSUPPORTED_PROTOCOL_VERSION, MessageKind, classify
from mcp_lambda.types import JSONObject

__all__ = [
    "HANDSHAKE_PROTOCOL_VERSIONS",
    "MODERN_PROTOCOL_VERSIONS",
    "SUPPORTED_PROTOCOL_VERSIONS",
    "Rejection",
    "decode_messages",
    "is_modern",
    "modern_rejection",
    "modern_status",
    "unsupported_version",
]

# Repeated from mcp_types.version (importing it costs ~0.18 s of cold start);
# tests/handlers/test_http_messages.py pins them to the SDK's values.
HANDSHAKE_PROTOCOL_VERSIONS: tuple[str, ...] = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
"""Revisions reached through ``initialize``; their replies are always HTTP 200."""
MODERN_PROTOCOL_VERSIONS: tuple[str, ...] = ("2026-07-28",)
"""Revisions with the per-request ``_meta`` envelope and the error-to-status table."""
SUPPORTED_PROTOCOL_VERSIONS: tuple[str, ...] = (*HANDSHAKE_PROTOCOL_VERSIONS, *MODERN_PROTOCOL_VERSIONS)
"""Every revision an ``MCP-Protocol-Version`` header may name."""
_PROTOCOL_VERSION_META_KEY = "io.modelcontextprotocol/protocolVersion"


@dataclass(frozen=True)
class Rejection:
    """A request refused before it reaches the server, as HTTP status plus JSON-RPC error."""

    status: int
    code: int
    message: str
    request_id: Any = None
    data: Any = None


def unsupported_version(requested: str) -> Rejection | None:
    """The 400/-32022 for an ``MCP-Protocol-Version`` header naming a revision not served."""
    if requested in SUPPORTED_PROTOCOL_VERSIONS:
        return None
    data = {"supported": list(SUPPORTED_PROTOCOL_VERSIONS), "requested": requested}
    return Rejection(400, UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version", data=data)


def _plain_id(message: Any) -> Any:
    request_id = message.get("id") if isinstance(message, dict) else None
    valid = isinstance(request_id, str | int | float) and not isinstance(request_id, bool)
    return request_id if valid else None


def decode_messages(body: bytes) -> tuple[list[JSONObject], bool] | Rejection:
    """The body's messages and whether it was a batch, or the 400 that refuses it.

    A batch with any invalid member is refused whole, so no part of it runs.
    """
    try:
        decoded = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: pathologically nested input
        return Rejection(400, PARSE_ERROR, "Parse error: the body is not valid JSON")
    batch = isinstance(decoded, list)
    messages: list[Any] = decoded if batch else [decoded]
    if not messages:
        return Rejection(400, INVALID_REQUEST, "Invalid Request: empty batch")
    for index, message in enumerate(messages):
        if classify(message) is MessageKind.INVALID:
            where = f" (batch member {index})" if batch else ""
            request_id = None if batch else _plain_id(message)
            return Rejection(400, INVALID_REQUEST, f"Invalid Request: not a JSON-RPC 2.0 message{where}", request_id)
    return messages, batch


def _meta(message: JSONObject) -> Mapping[str, Any] | None:
    params = message.get("params")
    meta = params.get("_meta") if isinstance(params, dict) else None
    return meta if isinstance(meta, dict) else None


def is_modern(message: JSONObject, header_version: str | None) -> bool:
    """True when ``message`` (a request) follows the 2026-07-28 rules."""
    if header_version in MODERN_PROTOCOL_VERSIONS or message.get("method") == "server/discover":
        return True
    meta = _meta(message)
    return meta is not None and _PROTOCOL_VERSION_META_KEY in meta


def modern_rejection(message: JSONObject, headers: Mapping[str, str]) -> Rejection | None:
    """Run the SDK's 2026-07-28 ladder over a request, with lower-case ``headers``.

    Routing headers the client left out count as agreeing with the body
    (lenient on input); present ones that differ are 400/-32020.
    """
    from mcp.shared import inbound  # deferred: imports all of mcp (see module docstring)

    filled = dict(headers)
    meta = _meta(message)
    version = meta.get(_PROTOCOL_VERSION_META_KEY) if meta is not None else None
    if isinstance(version, str):
        filled.setdefault(inbound.MCP_PROTOCOL_VERSION_HEADER, version)
    method = message["method"]
    filled.setdefault(inbound.MCP_METHOD_HEADER, method)
    params = message.get("params")
    name_key = inbound.NAME_BEARING_METHODS.get(method)
    if name_key is not None and isinstance(params, dict) and isinstance(params.get(name_key), str):
        filled.setdefault(inbound.MCP_NAME_HEADER, inbound.encode_header_value(params[name_key]))
    verdict = inbound.classify_inbound_request(
        message, headers=filled, supported_modern_versions=MODERN_PROTOCOL_VERSIONS
    )
    if isinstance(verdict, inbound.InboundLadderRejection):
        status = inbound.ERROR_CODE_HTTP_STATUS.get(verdict.code, 400)
        return Rejection(status, verdict.code, verdict.message, message["id"], verdict.data)
    return None


def modern_status(reply: JSONObject) -> int:
    """The HTTP status of a 2026-07-28 reply: the SDK's error table, else 200."""
    from mcp.shared.inbound import ERROR_CODE_HTTP_STATUS

    error = reply.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return ERROR_CODE_HTTP_STATUS.get(code, 200) if isinstance(code, int) else 200
