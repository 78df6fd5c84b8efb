"""MCP protocol eras, and the bridge between a caller and a child of different eras.

Two eras live side by side:

* handshake (2024-11-05 ... 2025-11-25): ``initialize``, then
  ``notifications/initialized``, then requests;
* modern (2026-07-28): no handshake; ``server/discover`` describes the server and
  every request carries its protocol version, client capabilities and client info
  in ``params._meta`` (the "envelope").

A caller's era is read per request (`is_modern_request`). A child's era is fixed
when it starts: modern when it answers ``server/discover``, handshake otherwise.
When the two differ, the functions here translate: a modern request loses its
envelope for a handshake child, a handshake request gains one for a modern
child, and ``initialize`` / ``server/discover`` are answered from what the child
told us about itself.

The version sets equal ``mcp_types.version``'s; they are repeated because
importing ``mcp_types`` costs ~0.17 s of cold start, and ``tests/engine/test_eras.py``
pins them to the SDK's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from mcp_lambda.types import CALLER_META_KEY, JSONObject

__all__ = [
    "CLIENT_CAPABILITIES_META_KEY",
    "CLIENT_INFO_META_KEY",
    "ENVELOPE_KEYS",
    "HANDSHAKE_PROTOCOL_VERSIONS",
    "LATEST_HANDSHAKE_VERSION",
    "LATEST_MODERN_VERSION",
    "MODERN_PROTOCOL_VERSIONS",
    "PROTOCOL_VERSION_META_KEY",
    "SERVER_INFO_META_KEY",
    "add_envelope",
    "discover_from_initialize",
    "discover_request",
    "envelope_version",
    "initialize_from_discover",
    "initialize_request",
    "is_modern_request",
    "modernize_result",
    "refusal",
    "request_meta",
    "without_streaming_capabilities",
    "with_caller_meta",
    "without_envelope",
]

HANDSHAKE_PROTOCOL_VERSIONS: Final[tuple[str, ...]] = ("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25")
"""Protocol revisions reached through the ``initialize`` handshake."""
MODERN_PROTOCOL_VERSIONS: Final[tuple[str, ...]] = ("2026-07-28",)
"""Protocol revisions that use the stateless per-request envelope."""
LATEST_HANDSHAKE_VERSION: Final = HANDSHAKE_PROTOCOL_VERSIONS[-1]
"""What we offer a child when the caller did not say."""
LATEST_MODERN_VERSION: Final = MODERN_PROTOCOL_VERSIONS[-1]
"""What we put in an envelope we add."""

PROTOCOL_VERSION_META_KEY: Final = "io.modelcontextprotocol/protocolVersion"
"""Envelope key: the request's protocol version."""
CLIENT_CAPABILITIES_META_KEY: Final = "io.modelcontextprotocol/clientCapabilities"
"""Envelope key: the client's capabilities."""
CLIENT_INFO_META_KEY: Final = "io.modelcontextprotocol/clientInfo"
"""Envelope key: the client's name and version."""
SERVER_INFO_META_KEY: Final = "io.modelcontextprotocol/serverInfo"
"""Result ``_meta`` key carrying the server's name and version (modern era)."""
ENVELOPE_KEYS: Final = frozenset({PROTOCOL_VERSION_META_KEY, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY})
"""The per-request envelope keys a handshake-era child does not expect."""

_BRIDGE_CLIENT_INFO: Final = {"name": "mcp-lambda", "version": "0.1.0"}


def request_meta(message: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The message's ``params._meta`` when it is an object, else ``None``."""
    params = message.get("params")
    if isinstance(params, Mapping):
        meta = params.get("_meta")
        if isinstance(meta, Mapping):
            return meta
    return None


def envelope_version(message: Mapping[str, Any]) -> Any:
    """The envelope's protocol version, or ``None`` when the message has no envelope."""
    meta = request_meta(message)
    return None if meta is None else meta.get(PROTOCOL_VERSION_META_KEY)


def is_modern_request(message: Mapping[str, Any]) -> bool:
    """True for a 2026-07-28-era message: ``server/discover``, or one carrying an envelope version."""
    return message.get("method") == "server/discover" or envelope_version(message) is not None


def _with_meta(message: JSONObject, meta: dict[str, Any]) -> JSONObject:
    params = message.get("params")
    new_params = dict(params) if isinstance(params, Mapping) else {}
    if meta:
        new_params["_meta"] = meta
    else:
        new_params.pop("_meta", None)
    out = dict(message)
    if new_params or "params" in message:
        out["params"] = new_params
    return out


def with_caller_meta(message: JSONObject, caller: Mapping[str, Any] | None) -> JSONObject:
    """Remove any client-sent `CALLER_META_KEY` and set the platform's value (copying the message)."""
    meta = request_meta(message)
    if caller is None and (meta is None or CALLER_META_KEY not in meta):
        return message
    new_meta = {k: v for k, v in (meta or {}).items() if k != CALLER_META_KEY}
    if caller is not None:
        new_meta[CALLER_META_KEY] = dict(caller)
    return _with_meta(message, new_meta)


def without_envelope(message: JSONObject) -> JSONObject:
    """Drop the modern envelope keys from ``params._meta``, for a handshake-era child."""
    meta = request_meta(message)
    if meta is None or not (ENVELOPE_KEYS & meta.keys()):
        return message
    return _with_meta(message, {k: v for k, v in meta.items() if k not in ENVELOPE_KEYS})


def add_envelope(
    message: JSONObject, *, version: str, capabilities: Mapping[str, Any] | None, client_info: Mapping[str, Any] | None
) -> JSONObject:
    """Add a modern envelope to a handshake-era message, for a modern child."""
    meta = dict(request_meta(message) or {})
    meta[PROTOCOL_VERSION_META_KEY] = version
    meta[CLIENT_CAPABILITIES_META_KEY] = dict(capabilities or {})
    meta[CLIENT_INFO_META_KEY] = dict(client_info or _BRIDGE_CLIENT_INFO)
    return _with_meta(message, meta)


def discover_request(request_id: Any, template: Mapping[str, Any] | None) -> JSONObject:
    """A ``server/discover`` request, reusing the envelope of ``template`` (a caller's modern request)."""
    meta = dict(request_meta(template) or {}) if template is not None else {}
    envelope = {k: v for k, v in meta.items() if k in ENVELOPE_KEYS}
    envelope.setdefault(PROTOCOL_VERSION_META_KEY, LATEST_MODERN_VERSION)
    envelope.setdefault(CLIENT_CAPABILITIES_META_KEY, {})
    envelope.setdefault(CLIENT_INFO_META_KEY, dict(_BRIDGE_CLIENT_INFO))
    return {"jsonrpc": "2.0", "id": request_id, "method": "server/discover", "params": {"_meta": envelope}}


def initialize_request(request_id: Any, version: str, template: Mapping[str, Any] | None) -> JSONObject:
    """An ``initialize`` request at ``version``, carrying the capabilities and client info of a
    caller's modern request when there is one."""
    meta = (request_meta(template) or {}) if template is not None else {}
    capabilities = meta.get(CLIENT_CAPABILITIES_META_KEY)
    client_info = meta.get(CLIENT_INFO_META_KEY)
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": "initialize",
        "params": {
            "protocolVersion": version,
            "capabilities": dict(capabilities) if isinstance(capabilities, Mapping) else {},
            "clientInfo": dict(client_info) if isinstance(client_info, Mapping) else dict(_BRIDGE_CLIENT_INFO),
        },
    }


CACHEABLE_METHODS: Final = frozenset(
    {"server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list", "resources/read"}
)
"""Methods whose 2026-07-28 results must carry ``ttlMs`` and ``cacheScope``."""


def modernize_result(method: Any, reply: JSONObject) -> JSONObject:
    """Give a handshake-era child's successful reply the fields 2026-07-28 requires.

    ``resultType`` on every result; ``ttlMs`` (0: immediately stale) and
    ``cacheScope`` ("private": never shared between users) on cacheable ones, the
    most conservative caching directives, since the child said nothing about caching.
    """
    result = reply.get("result")
    if not isinstance(result, dict):
        return reply
    result = dict(result)
    result.setdefault("resultType", "complete")
    if method in CACHEABLE_METHODS:
        result.setdefault("ttlMs", 0)
        result.setdefault("cacheScope", "private")
    return dict(reply, result=result)


def discover_from_initialize(init_result: Mapping[str, Any]) -> JSONObject:
    """Answer ``server/discover`` for a handshake-era child, from its ``initialize`` result."""
    result: JSONObject = {
        "supportedVersions": list(MODERN_PROTOCOL_VERSIONS),
        "capabilities": init_result.get("capabilities") or {},
        "resultType": "complete",
        "ttlMs": 0,
        "cacheScope": "private",
    }
    if init_result.get("instructions") is not None:
        result["instructions"] = init_result["instructions"]
    if isinstance(init_result.get("serverInfo"), Mapping):
        result["_meta"] = {SERVER_INFO_META_KEY: init_result["serverInfo"]}
    return result


def initialize_from_discover(discover_result: Mapping[str, Any], requested: Any) -> JSONObject:
    """Answer a caller's ``initialize`` for a modern child, from its ``server/discover`` result."""
    version = requested if requested in HANDSHAKE_PROTOCOL_VERSIONS else LATEST_HANDSHAKE_VERSION
    meta = discover_result.get("_meta")
    server_info = meta.get(SERVER_INFO_META_KEY) if isinstance(meta, Mapping) else None
    result: JSONObject = {
        "protocolVersion": version,
        "capabilities": discover_result.get("capabilities") or {},
        "serverInfo": server_info if isinstance(server_info, Mapping) else {"name": "mcp-server", "version": "unknown"},
    }
    if discover_result.get("instructions") is not None:
        result["instructions"] = discover_result["instructions"]
    return result


STREAMING_METHODS: Final = frozenset({"subscriptions/listen"})
"""Methods whose answer is itself a long-lived stream; a buffered Lambda response has none.
(``resources/subscribe`` is a plain request and is forwarded; its later update
notifications cannot be delivered, which is why ``subscribe`` is not advertised.)"""


def refusal(message: Mapping[str, Any]) -> tuple[int, str] | None:
    """``(code, message)`` for a request no wrapped server should see behind Lambda, else ``None``."""
    method = message.get("method")
    if method == "initialize" and envelope_version(message) is not None:
        return -32601, "Method not found: initialize is not part of protocol 2026-07-28 (use server/discover)"
    if method in STREAMING_METHODS:
        return -32601, f"Method not found: {method} needs a response stream, which a server behind AWS Lambda lacks"
    return None


def without_streaming_capabilities(result: Mapping[str, Any]) -> JSONObject:
    """An ``initialize`` / ``server/discover`` result minus what needs a stream to the client.

    ``listChanged`` and resource ``subscribe`` notifications would travel on a stream a
    stateless Lambda front door never opens, so they are advertised as unavailable.
    """
    capabilities = result.get("capabilities")
    if not isinstance(capabilities, Mapping):
        return dict(result)
    trimmed: dict[str, Any] = {}
    for name, value in capabilities.items():
        if isinstance(value, Mapping) and ({"listChanged", "subscribe"} & value.keys()):
            value = {k: (False if k in ("listChanged", "subscribe") else v) for k, v in value.items()}
        trimmed[name] = value
    return {**result, "capabilities": trimmed}
