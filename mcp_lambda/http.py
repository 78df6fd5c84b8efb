"""MCP streamable HTTP, as one pure function from `HttpRequest` to `HttpResponse`.

Every HTTP front door (REST API, HTTP API, Function URL) turns its event into an
`HttpRequest` and renders the `HttpResponse` back; this module holds all the
MCP-over-HTTP rules they share and reads no AWS event key. The rules follow the
streamable HTTP transport of MCP 2025-11-25 and 2026-07-28, lenient on input and
exact on output:

- POST carries JSON-RPC; OPTIONS answers CORS preflight from `CorsPolicy`; every
  other method is 405 with ``Allow`` (Lambda cannot hold an SSE stream open).
- ``Accept`` must admit JSON (a wildcard does; a missing header does) else 406;
  ``Content-Type`` must be JSON (``charset`` and ``+json`` allowed; a missing
  header is tolerated) else 415.
- Unparseable or empty bodies are 400/-32700, bodies that are not JSON-RPC
  400/-32600 (a batch with any bad member is rejected whole, so nothing runs
  half-way). Only notifications or responses: 202 and no body.
- An unknown ``MCP-Protocol-Version`` is 400/-32022; body validation, the
  protocol era and the 2026-07-28 checks live in `mcp_lambda.handlers.http_messages`.
  ``Mcp-Session-Id`` and other session headers are ignored.
- A reply too large for Lambda's 6 MB response limit becomes -32603 saying so;
  an unexpected exception becomes 500/-32603 and a log line with the request id.

"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

from mcp_lambda.handlers import http_messages as rpc
from mcp_lambda.handlers import oauth
from mcp_lambda.handlers.cors import CorsPolicy, cors_headers, preflight_headers
from mcp_lambda.handlers.identity import is_authenticated
from mcp_lambda.jsonrpc import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    PARSE_ERROR,
    REQUEST_TIMEOUT,
    MessageKind,
    classify,
    error_reply,
    too_large_replies,
)
from mcp_lambda.types import LAMBDA_RESPONSE_LIMIT, JSONObject, LambdaContext, MCPRequest, RequestHandler

__all__ = [
    "LAMBDA_RESPONSE_LIMIT",
    "Authenticator",
    "CorsPolicy",
    "HttpOptions",
    "HttpRequest",
    "HttpResponse",
    "error_response",
    "json_response",
    "serve",
]

logger = logging.getLogger(__name__)

"""Lambda's buffered response payload limit, in bytes, for the whole proxy result."""
_RESULT_OVERHEAD = 512  # statusCode, isBase64Encoded and JSON punctuation of the proxy result
_BACKSTOP_MARGIN = 0.05  # seconds kept back if the request handler overruns its own deadline


@dataclass(frozen=True)
class HttpOptions:
    """How the HTTP front doors treat requests beyond the MCP rules. Shared by all three.

    Attributes:
        cors: Answer preflight and decorate responses for these origins; ``None``
            sends no CORS headers (the platform's own CORS settings may still apply).
        allowed_origins: DNS-rebinding protection: a request whose ``Origin`` is not
            listed gets 403. ``None`` (the default) checks nothing, which suits
            API Gateway; requests without ``Origin`` always pass.
        oauth: RFC 9728 metadata to serve at ``/.well-known/oauth-protected-resource``
            and to name in 401 challenges.
        require_identity: Answer 401 with a ``WWW-Authenticate`` challenge when the
            platform authenticated nobody (no authorizer, JWT or IAM identity).
        forward_identity: Forward the caller identity to the server under
            ``params._meta["mcp-lambda/caller"]``; ``False`` forwards nothing (a
            client-sent value is still removed).
        max_response_bytes: The proxy result size above which replies are replaced
            by an error (Lambda's limit by default).
        authenticate: Checks each request before it reaches the server (a bearer
            token verifier, `mcp_lambda.auth.BearerAuthenticator`): returns what it
            established about the caller, merged into the forwarded identity, or
            the response that refuses the request (401/403 with a challenge).
            Runs after CORS preflight and the metadata document, which stay open.
    """

    cors: CorsPolicy | None = None
    allowed_origins: Sequence[str] | None = None
    oauth: oauth.ProtectedResourceMetadata | None = None
    require_identity: bool = False
    forward_identity: bool = True
    max_response_bytes: int = LAMBDA_RESPONSE_LIMIT
    authenticate: Authenticator | None = None


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request as a front door saw it, with no AWS shapes left.

    Attributes:
        method: Upper-case HTTP method.
        path: The route path, without an API Gateway stage prefix.
        headers: Lower-case names; repeated headers joined with ``", "``.
        body: The body as the platform delivered it (``None`` when absent).
        is_base64_encoded: Whether ``body`` is base64 text to decode first.
        base_url: ``https://host[/stage]`` as the client addressed it, if known.
        caller: What the platform authenticated, from `mcp_lambda.handlers.identity`.
    """

    method: str
    path: str = "/"
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str | bytes | None = None
    is_base64_encoded: bool = False
    base_url: str | None = None
    caller: Mapping[str, Any] | None = None

    def body_bytes(self) -> bytes:
        """The decoded body. Raises ValueError when base64 decoding fails."""
        raw = self.body or b""
        if isinstance(raw, str):
            if self.is_base64_encoded:
                try:
                    return base64.b64decode(raw, validate=True)
                except binascii.Error as exc:
                    raise ValueError("body is not valid base64") from exc
            return raw.encode("utf-8", "surrogatepass")
        return base64.b64decode(raw, validate=True) if self.is_base64_encoded else raw


@dataclass
class HttpResponse:
    """A response to render into a Lambda proxy result. Header names are lower-case."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


Authenticator: TypeAlias = Callable[[HttpRequest, HttpOptions], Awaitable["Mapping[str, Any] | HttpResponse"]]
"""``HttpOptions.authenticate``: caller facts to forward, or the `HttpResponse` that refuses the request."""


def _dumps(value: Any) -> str:
    # ensure_ascii keeps the body pure ASCII, so its length is its byte size.
    return json.dumps(value, separators=(",", ":"))


def json_response(status: int, payload: Any, headers: Mapping[str, str] | None = None) -> HttpResponse:
    """A JSON response with ``status``."""
    return HttpResponse(status, {"content-type": "application/json", **(headers or {})}, _dumps(payload))


def error_response(status: int, code: int, message: str, *, request_id: Any = None, data: Any = None) -> HttpResponse:
    """A JSON-RPC error reply (``id`` null unless known) as a JSON response with ``status``."""
    return json_response(status, error_reply(request_id, code, message, data))


def _admits_json(accept: str | None) -> bool:
    if accept is None or not accept.strip():
        return True  # RFC 9110 §12.5.1: no Accept means any media type
    for item in accept.split(","):
        media, *params = (part.strip().lower() for part in item.split(";"))
        if media in ("application/json", "application/*", "*/*") and "q=0" not in (p.replace(" ", "") for p in params):
            return True
    return False


def _is_json_content_type(content_type: str | None) -> bool:
    if content_type is None or not content_type.strip():
        return True  # lenient: some clients and proxies omit it on JSON bodies
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


async def serve(
    request: HttpRequest,
    handler: RequestHandler,
    options: HttpOptions,
    context: LambdaContext | None = None,
) -> HttpResponse:
    """Answer one HTTP request by the MCP streamable HTTP rules. Never raises.

    Args:
        request: The request, as parsed by a front door.
        handler: Where the JSON-RPC messages go.
        options: CORS, origin, OAuth and identity settings.
        context: The Lambda context (deadline, request id for logs).

    Returns:
        The response to render into the front door's proxy result.
    """
    try:
        response = await _serve(request, handler, options, context)
        if options.cors is not None and request.method != "OPTIONS":
            response.headers.update(cors_headers(options.cors, request.headers.get("origin")))
    except Exception:
        logger.exception(
            "unexpected error answering %s %s (request id %s)",
            request.method,
            request.path,
            getattr(context, "aws_request_id", None),
        )
        response = error_response(500, INTERNAL_ERROR, "Internal error")
    return response


async def _serve(
    request: HttpRequest, handler: RequestHandler, options: HttpOptions, context: LambdaContext | None
) -> HttpResponse:
    headers = request.headers
    origin = headers.get("origin")
    if options.allowed_origins is not None and origin is not None and origin not in options.allowed_origins:
        return error_response(403, INVALID_REQUEST, "Forbidden: Origin not allowed")
    methods = "GET, OPTIONS, POST" if options.oauth is not None else "OPTIONS, POST"
    if request.method == "OPTIONS":
        return HttpResponse(204, preflight_headers(options.cors, headers, methods=methods))
    if options.oauth is not None and oauth.is_metadata_path(request.path):
        return _metadata(options.oauth, request)
    if options.authenticate is not None:
        outcome = await options.authenticate(request, options)
        if isinstance(outcome, HttpResponse):
            return outcome
        request = replace(request, caller={**(request.caller or {}), **outcome})
    if options.require_identity and not is_authenticated(request.caller):
        resource = options.oauth.resource if options.oauth else None
        base = _base_url(request)
        www = oauth.challenge(
            options.oauth, resource or (base + request.path if base else None), invalid_token="authorization" in headers
        )
        response = error_response(401, INVALID_REQUEST, "Unauthorized: no authenticated caller")
        response.headers["www-authenticate"] = www
        return response
    if request.method != "POST":
        response = error_response(405, INVALID_REQUEST, "Method Not Allowed: MCP over Lambda takes POST only")
        response.headers["allow"] = methods
        return response
    if not _admits_json(headers.get("accept")):
        return error_response(406, INVALID_REQUEST, "Not Acceptable: the client must accept application/json")
    if not _is_json_content_type(headers.get("content-type")):
        return error_response(415, INVALID_REQUEST, "Unsupported Media Type: Content-Type must be application/json")
    header_version = headers.get("mcp-protocol-version")
    try:
        decoded = rpc.decode_messages(request.body_bytes())
    except ValueError:
        decoded = rpc.Rejection(400, PARSE_ERROR, "Parse error: the body is not valid base64")
    if isinstance(decoded, rpc.Rejection):
        return _rejected(decoded)
    messages, batch = decoded
    requests = [m for m in messages if classify(m) is MessageKind.REQUEST]
    if header_version is not None:
        modern_body = any(rpc.is_modern(m, None) for m in requests)
        request_id = requests[0]["id"] if len(requests) == 1 and not batch else None
        unsupported = rpc.unsupported_version(header_version, modern=modern_body, request_id=request_id)
        if unsupported is not None:
            return _rejected(unsupported)
    modern = any(rpc.is_modern(m, header_version) for m in requests)
    for message in requests if modern else ():
        if (rejection := rpc.modern_rejection(message, headers)) is not None:
            return _rejected(rejection)
    caller = request.caller if options.forward_identity else None
    calls = modern and any(m.get("method") == "tools/call" for m in requests)
    mcp_request = MCPRequest(
        messages=messages,
        context=context,
        protocol_version=header_version,
        caller=caller,
        tool_call_check=rpc.param_header_check(headers) if calls else None,
    )
    replies = await _call(handler, mcp_request, requests)
    if not requests:
        return HttpResponse(202)
    if not replies:
        logger.error("request handler returned no reply to %d request(s)", len(requests))
        return error_response(500, INTERNAL_ERROR, "Internal error: the server returned no reply")
    payload: Any = replies if batch else replies[0]
    status = rpc.modern_status(replies[0]) if modern and not batch else 200
    response = json_response(status, payload)
    if _result_size(response) > options.max_response_bytes:
        response = _too_large(requests, batch, _result_size(response), options.max_response_bytes)
    return response


def _rejected(rejection: rpc.Rejection) -> HttpResponse:
    return error_response(
        rejection.status, rejection.code, rejection.message, request_id=rejection.request_id, data=rejection.data
    )


def _base_url(request: HttpRequest) -> str | None:
    host = request.headers.get("host")
    return request.base_url or (f"https://{host}" if host else None)


def _metadata(config: oauth.ProtectedResourceMetadata, request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        response = error_response(405, INVALID_REQUEST, "Method Not Allowed")
        response.headers["allow"] = "GET, HEAD, OPTIONS"
        return response
    base = _base_url(request)
    resource = config.resource or (oauth.resource_from_metadata_path(base, request.path) if base else None)
    if resource is None:
        return error_response(500, INTERNAL_ERROR, "Internal error: configure the OAuth resource URL")
    response = json_response(200, config.document(resource), {"cache-control": "max-age=300"})
    if request.method == "HEAD":
        response.body = ""
    return response


async def _call(handler: RequestHandler, mcp_request: MCPRequest, requests: list[JSONObject]) -> list[JSONObject]:
    """Call the request handler; a backstop deadline turns an overrun into -32001 replies."""
    budget = mcp_request.remaining_seconds(_BACKSTOP_MARGIN)
    if budget is None:
        return await handler.handle_request(mcp_request)
    try:
        async with asyncio.timeout(max(budget, 0.0)):
            return await handler.handle_request(mcp_request)
    except TimeoutError:
        logger.error("request handler overran the invocation deadline (request id %s)", mcp_request.request_id)
        return [
            error_reply(m["id"], REQUEST_TIMEOUT, "Request timed out: the Lambda deadline passed") for m in requests
        ]


def _result_size(response: HttpResponse) -> int:
    # The proxy result JSON-encodes the body again: each quote and backslash gains one byte.
    body = response.body
    header_bytes = sum(len(k) + len(v) + 6 for k, v in response.headers.items())
    return len(body) + body.count('"') + body.count("\\") + header_bytes + _RESULT_OVERHEAD


def _too_large(requests: list[JSONObject], batch: bool, size: int, limit: int) -> HttpResponse:
    replies = too_large_replies([m["id"] for m in requests], size, limit)
    logger.error("%s", replies[0]["error"]["message"])
    return json_response(200, replies if batch else replies[0])
