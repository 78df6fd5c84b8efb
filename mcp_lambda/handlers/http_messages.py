"""The JSON-RPC inside an MCP HTTP POST: decoding, validation, protocol era, 2026-07-28 checks.

`mcp_lambda.http` handles the HTTP envelope; this module judges the body and
says which era's rules apply. A request is 2026-07-28 ("modern") when its
``params._meta`` carries the protocol-version envelope key, when it calls
``server/discover``, or when its ``MCP-Protocol-Version`` header names a modern
revision; anything else is handshake era. Modern requests pass the 2026-07-28
envelope and header checks, and their replies get that revision's HTTP status
table; handshake-era replies are always 200.

The 2026-07-28 checks are written here rather than imported from
``mcp.shared.inbound``, which imports the whole ``mcp`` package (~0.5 s of cold
start); ``tests/handlers/test_http_messages.py`` checks both agree.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mcp_lambda.engine.eras import (
    CLIENT_CAPABILITIES_META_KEY,
    HANDSHAKE_PROTOCOL_VERSIONS,
    MODERN_PROTOCOL_VERSIONS,
    PROTOCOL_VERSION_META_KEY,
    request_meta,
)
from mcp_lambda.jsonrpc import (
    HEADER_MISMATCH,
    INVALID_PARAMS,
    INVALID_REQUEST,
    PARSE_ERROR,
    UNSUPPORTED_PROTOCOL_VERSION,
    MessageKind,
    classify,
    error_reply,
    readable_id,
)
from mcp_lambda.types import JSONObject, ToolCallCheck

__all__ = [
    "ERROR_CODE_HTTP_STATUS",
    "decode_header_value",
    "param_header_check",
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

SUPPORTED_PROTOCOL_VERSIONS: tuple[str, ...] = (*HANDSHAKE_PROTOCOL_VERSIONS, *MODERN_PROTOCOL_VERSIONS)
"""Every revision an ``MCP-Protocol-Version`` header may name (the era sets are `mcp_lambda.engine.eras`'s)."""


@dataclass(frozen=True)
class Rejection:
    """A request refused before it reaches the server, as HTTP status plus JSON-RPC error."""

    status: int
    code: int
    message: str
    request_id: Any = None
    data: Any = None


def unsupported_version(requested: str, *, modern: bool = False, request_id: Any = None) -> Rejection | None:
    """The 400/-32022 for an ``MCP-Protocol-Version`` header naming a revision not served.

    A 2026-07-28 request is told the modern revisions (what ``server/discover``
    advertises); a handshake-era one every revision a header may name.
    """
    if requested in SUPPORTED_PROTOCOL_VERSIONS:
        return None
    supported = MODERN_PROTOCOL_VERSIONS if modern else SUPPORTED_PROTOCOL_VERSIONS
    data = {"supported": list(supported), "requested": requested}
    return Rejection(400, UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version", request_id, data)


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
            request_id = None if batch else readable_id(message)
            return Rejection(400, INVALID_REQUEST, f"Invalid Request: not a JSON-RPC 2.0 message{where}", request_id)
    return messages, batch


def is_modern(message: JSONObject, header_version: str | None) -> bool:
    """True when ``message`` (a request) follows the 2026-07-28 rules."""
    if header_version in MODERN_PROTOCOL_VERSIONS or message.get("method") == "server/discover":
        return True
    meta = request_meta(message)
    return meta is not None and PROTOCOL_VERSION_META_KEY in meta


# The 2026-07-28 HTTP status of each JSON-RPC error code; unlisted codes are 200.
# Equal to mcp.shared.inbound.ERROR_CODE_HTTP_STATUS (pinned by tests/handlers/test_http_messages.py).
ERROR_CODE_HTTP_STATUS: Mapping[int, int] = {
    -32700: 400,  # parse error
    -32600: 400,  # invalid request
    -32602: 400,  # invalid params
    -32020: 400,  # header mismatch
    -32021: 400,  # missing required client capability
    -32022: 400,  # unsupported protocol version
    -32601: 404,  # method not found
}
_NAME_BEARING_METHODS = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}
_B64_SENTINEL = re.compile(r"^=\?base64\?(?P<payload>.*)\?=$")


def decode_header_value(value: str | None) -> str | None:
    """Undo the ``=?base64?...?=`` wrapping clients use for header values that are not plain
    ASCII; a malformed wrapping decodes to ``None`` so it never matches a body value."""
    match = _B64_SENTINEL.fullmatch(value) if value is not None else None
    if match is None:
        return value
    payload = match.group("payload")
    try:
        decoded = base64.b64decode(payload, validate=True)
        if base64.b64encode(decoded).decode("ascii") != payload:  # only canonical base64 is ever sent
            return None
        return decoded.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


def modern_rejection(message: JSONObject, headers: Mapping[str, str]) -> Rejection | None:
    """Check a 2026-07-28 request's envelope and routing headers (``headers`` as
    `mcp_lambda.handlers.http_base.merge_headers` gives them: lower-case names, trimmed values).

    The same ladder as the SDK's ``mcp.shared.inbound.classify_inbound_request``
    (envelope present, headers agree with the body, version served), written here
    because importing the SDK module costs ~0.5 s of cold start; a differential
    test pins the two together. Routing headers must be present and agree;
    being absent is a mismatch (SEP-2243: intermediaries route on them), 400/-32020.
    """
    request_id = message["id"]
    meta = request_meta(message)
    if meta is None:
        return Rejection(
            400,
            INVALID_PARAMS,
            "params._meta must be an object carrying the required "
            f"{PROTOCOL_VERSION_META_KEY!r} and {CLIENT_CAPABILITIES_META_KEY!r} envelope keys",
            request_id,
        )
    if missing := [k for k in (PROTOCOL_VERSION_META_KEY, CLIENT_CAPABILITIES_META_KEY) if k not in meta]:
        detail = f"params._meta is missing the required envelope key(s): {', '.join(missing)}"
        return Rejection(400, INVALID_PARAMS, detail, request_id)
    version = meta[PROTOCOL_VERSION_META_KEY]
    method = message["method"]
    # SEP-2243: the routing headers MUST be present and agree with the body. An absent
    # header is a mismatch too, so intermediaries can route on headers alone.
    header_version = headers.get("mcp-protocol-version")
    if header_version is None or header_version != version:
        detail = "mcp-protocol-version header does not match the request envelope's protocol version"
        return Rejection(400, HEADER_MISMATCH, detail, request_id)
    if headers.get("mcp-method") != method:
        return Rejection(400, HEADER_MISMATCH, "mcp-method header does not match the request body's method", request_id)
    name_key = _NAME_BEARING_METHODS.get(method)
    params = message.get("params")
    body_name = params.get(name_key) if name_key is not None and isinstance(params, dict) else None
    if body_name is not None and decode_header_value(headers.get("mcp-name")) != body_name:
        detail = f"mcp-name header does not match the request body's {name_key!r} parameter"
        return Rejection(400, HEADER_MISMATCH, detail, request_id)
    if not isinstance(version, str):
        return Rejection(400, INVALID_PARAMS, "the protocol-version envelope value must be a string", request_id)
    if version not in MODERN_PROTOCOL_VERSIONS:
        data = {"supported": list(MODERN_PROTOCOL_VERSIONS), "requested": version}
        return Rejection(400, UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version", request_id, data)
    return None


def modern_status(reply: JSONObject) -> int:
    """The HTTP status of a 2026-07-28 reply: the spec's error table, else 200."""
    error = reply.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return ERROR_CODE_HTTP_STATUS.get(code, 200) if isinstance(code, int) else 200


def _declares_param_headers(schema: Any) -> bool:
    """True when any position in ``schema`` carries an ``x-mcp-header`` annotation."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "x-mcp-header" in node:
                return True
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def param_header_check(headers: Mapping[str, str]) -> ToolCallCheck:
    """The `MCPRequest.tool_call_check` that holds ``Mcp-Param-*`` headers to the arguments.

    SEP-2243: a tool whose ``inputSchema`` marks a property with ``x-mcp-header``
    has that argument mirrored into ``Mcp-Param-<name>``; header and argument must be
    present together and agree (base64-wrapped values decoded), else 400/-32020.
    The SDK's own validator does the comparison; it is imported only for tools that
    declare such headers (importing it costs ~0.5 s of cold start).
    """

    def check(message: JSONObject, input_schema: Mapping[str, Any]) -> JSONObject | None:
        """Check one call against its tool's schema; the error reply, or ``None`` to forward it."""
        if not _declares_param_headers(input_schema):
            return None
        from mcp.shared.inbound import validate_mcp_param_headers

        params = message.get("params")
        arguments = params.get("arguments") if isinstance(params, dict) else None
        rejection = validate_mcp_param_headers(input_schema, arguments if isinstance(arguments, dict) else {}, headers)
        if rejection is None:
            return None
        return error_reply(message.get("id"), rejection.code, rejection.message, rejection.data)

    return check
