"""Real Lambda event shapes from plain HTTP requests, and proxy results back to HTTP.

The local dev server and the loopback tests turn each HTTP request into the
event AWS would deliver, so the front doors run unchanged:

- `rest_api_event`: API Gateway REST API proxy integration, payload format 1.0;
- `http_api_event`: API Gateway HTTP API, payload format 2.0;
- `function_url_event`: Lambda Function URL (payload 2.0 on a ``lambda-url`` host);
- `http_from_proxy_result`: a proxy result dict back to status, headers and body.

Bodies are base64-encoded the way the platforms do it for binary media types
(decided by ``Content-Type``, or when the bytes are not UTF-8). An authorizer
context can be injected to stand in for the authorizer a deployment would run.
Pure functions: no I/O, no clock except the timestamps in the events.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeAlias
from urllib.parse import parse_qsl

__all__ = [
    "EventBuilder",
    "HeaderList",
    "function_url_event",
    "http_api_event",
    "http_from_proxy_result",
    "rest_api_event",
]

HeaderList: TypeAlias = Sequence[tuple[str, str]] | Mapping[str, str]
"""Request headers as raw ``(name, value)`` pairs (repeats allowed) or a mapping."""

EventBuilder: TypeAlias = Callable[..., dict[str, Any]]
"""The common shape of the builders: ``(method, path, *, query, headers, body, authorizer, ...)``."""

_TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/x-www-form-urlencoded")


def _pairs(headers: HeaderList) -> list[tuple[str, str]]:
    return list(headers.items()) if isinstance(headers, Mapping) else list(headers)


def _is_text(content_type: str | None) -> bool:
    if not content_type:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES or media.endswith(("+json", "+xml"))


def _encode_body(body: bytes, headers: list[tuple[str, str]], binary: bool | None) -> tuple[str | None, bool]:
    """The event's ``body`` and ``isBase64Encoded``."""
    if not body:
        return None, False
    if binary is None:
        content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        binary = not _is_text(content_type)
    if not binary:
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def _query(query: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _now() -> tuple[int, str]:
    epoch_ms = int(time.time() * 1000)
    return epoch_ms, time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(epoch_ms / 1000))


def rest_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: HeaderList = (),
    body: bytes = b"",
    authorizer: Mapping[str, Any] | None = None,
    identity: Mapping[str, Any] | None = None,
    stage: str = "prod",
    domain_name: str = "abcdef1234.execute-api.us-east-1.amazonaws.com",
    source_ip: str = "127.0.0.1",
    binary: bool | None = None,
) -> dict[str, Any]:
    """A REST API proxy event (payload 1.0) for one request.

    Args:
        method: HTTP method.
        path: The resource path, without the stage (``/mcp``).
        query: The raw query string, without ``?``.
        headers: Request headers; repeats go to ``multiValueHeaders``.
        body: Request body bytes.
        authorizer: ``requestContext.authorizer`` (``{"claims": {...}}`` for Cognito,
            ``{"principalId": ..., ...}`` for a Lambda authorizer).
        identity: Fields merged into ``requestContext.identity`` (e.g. ``userArn`` for IAM).
        stage: The deployment stage.
        domain_name: The API's host.
        source_ip: The client address.
        binary: Force (or forbid) base64; ``None`` decides by ``Content-Type``.
    """
    pairs = _pairs(headers)
    single_headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in pairs:
        single_headers[name] = value
        multi_headers.setdefault(name, []).append(value)
    single_query, multi_query = _query(query)
    encoded, is_base64 = _encode_body(body, pairs, binary)
    epoch_ms, _ = _now()
    user_agent = next((v for k, v in pairs if k.lower() == "user-agent"), None)
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": domain_name.split(".", 1)[0],
        "domainName": domain_name,
        "domainPrefix": domain_name.split(".", 1)[0],
        "httpMethod": method,
        "path": f"/{stage}{path}",
        "protocol": "HTTP/1.1",
        "requestId": str(uuid.uuid4()),
        "requestTimeEpoch": epoch_ms,
        "resourceId": "abc123",
        "resourcePath": "/{proxy+}",
        "stage": stage,
        "identity": {
            "sourceIp": source_ip,
            "userAgent": user_agent,
            "userArn": None,
            "caller": None,
            **(identity or {}),
        },
    }
    if authorizer is not None:
        request_context["authorizer"] = dict(authorizer)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": single_headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": single_query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": {"proxy": path.lstrip("/")} if path.strip("/") else None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": encoded,
        "isBase64Encoded": is_base64,
    }


def http_api_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: HeaderList = (),
    body: bytes = b"",
    authorizer: Mapping[str, Any] | None = None,
    stage: str = "$default",
    route_key: str = "$default",
    domain_name: str = "abcdef1234.execute-api.us-east-1.amazonaws.com",
    source_ip: str = "127.0.0.1",
    binary: bool | None = None,
) -> dict[str, Any]:
    """An HTTP API event (payload 2.0) for one request.

    ``authorizer`` is ``requestContext.authorizer``: ``{"jwt": {"claims": ..., "scopes": ...}}``,
    ``{"lambda": {...}}`` or ``{"iam": {...}}``. A named ``stage`` prefixes ``rawPath``.
    Other arguments as for `rest_api_event`.
    """
    pairs = _pairs(headers)
    joined: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in pairs:
        lower = name.lower()
        if lower == "cookie":
            cookies.extend(c.strip() for c in value.split(";") if c.strip())
        else:
            joined[lower] = f"{joined[lower]},{value}" if lower in joined else value
    single_query, multi_query = _query(query)
    encoded, is_base64 = _encode_body(body, pairs, binary)
    epoch_ms, time_text = _now()
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": joined,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": domain_name.split(".", 1)[0],
            "domainName": domain_name,
            "domainPrefix": domain_name.split(".", 1)[0],
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": stage,
            "time": time_text,
            "timeEpoch": epoch_ms,
        },
        "isBase64Encoded": is_base64,
    }
    if cookies:
        event["cookies"] = cookies
    if single_query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in multi_query.items()}
    if encoded is not None:
        event["body"] = encoded
    if authorizer is not None:
        event["requestContext"]["authorizer"] = dict(authorizer)
    return event


def function_url_event(
    method: str,
    path: str,
    *,
    query: str = "",
    headers: HeaderList = (),
    body: bytes = b"",
    authorizer: Mapping[str, Any] | None = None,
    domain_name: str = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
    source_ip: str = "127.0.0.1",
    binary: bool | None = None,
) -> dict[str, Any]:
    """A Function URL event for one request: payload 2.0 on a ``lambda-url`` host, no stage.

    ``authorizer`` is ``{"iam": {...}}`` for ``AuthType: AWS_IAM``. Other arguments as
    for `http_api_event`.
    """
    event = http_api_event(
        method,
        path,
        query=query,
        headers=headers,
        body=body,
        authorizer=authorizer,
        domain_name=domain_name,
        source_ip=source_ip,
        binary=binary,
    )
    event["requestContext"]["accountId"] = "anonymous" if authorizer is None else "123456789012"
    return event


def http_from_proxy_result(result: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    """A Lambda proxy result (payload 1.0 or 2.0) as ``(status, headers, body)``.

    Reads ``headers``, ``multiValueHeaders`` and ``cookies`` (as ``set-cookie``), and
    decodes a base64 body. A payload 2.0 result without ``statusCode`` is, as on
    AWS, a 200 whose JSON body is the whole result.
    """

    if not isinstance(result, dict) or "statusCode" not in result:
        return 200, [("content-type", "application/json")], json.dumps(result).encode()
    headers: dict[str, list[str]] = {}
    for name, value in (result.get("headers") or {}).items():
        headers[name.lower()] = [str(value)]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.setdefault(name.lower(), []).extend(
            str(v) for v in values if str(v) not in headers.get(name.lower(), [])
        )
    pairs = [(name, value) for name, values in headers.items() for value in values]
    pairs.extend(("set-cookie", str(c)) for c in _iter(result.get("cookies")))
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode("utf-8")
    return int(result["statusCode"]), pairs, raw


def _iter(value: Any) -> Iterable[Any]:
    return value if isinstance(value, list) else ()
