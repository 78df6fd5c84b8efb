"""Routing of the dev server's paths to its HTTP fronts, and each front's codec.

A codec turns one buffered HTTP request into the event AWS would send for it
(REST API payload 1.0, HTTP API payload 2.0, Function URL) and the function's
result back into the HTTP response AWS would send, using the pure builders of
`mcp_lambda.dev.events`. What the platforms add on top lives here: a function
error or a malformed result is a 502, and a REST API (payload 1.0) result must be
a proxy result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mcp_lambda.dev.events import function_url_event, http_api_event, http_from_proxy_result, rest_api_event
from mcp_lambda.dev.http11 import Request, Response
from mcp_lambda.dev.runtime_api import InvokeResult

__all__ = ["CODECS", "FRONTS", "Codec", "split_front"]

FRONTS = ("url", "restapi", "httpapi")
"""The HTTP fronts, by path prefix."""

_BAD_GATEWAY = Response(502, [("content-type", "application/json")], b'{"message":"Internal Server Error"}')
# The server frames the body itself; a function's own framing headers would contradict it.
_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})


def split_front(path: str, default: str) -> tuple[str, str, str]:
    """Split a dev-server path into ``(front, event_path, stage)``."""
    head, _, rest = path.lstrip("/").partition("/")
    if head == "restapi":
        stage, _, rest = rest.partition("/")
        return "restapi", "/" + rest, stage or "dev"
    if head in ("url", "httpapi"):
        return head, "/" + rest, "$default"
    return default, path, "dev" if default == "restapi" else "$default"


def _common(request: Request, authorizer: Mapping[str, Any] | None) -> dict[str, Any]:
    """What every HTTP event builder takes from the request, the same for all fronts."""
    return {
        "query": request.query_string,
        "headers": request.headers,
        "body": request.body,
        "authorizer": authorizer,
        "source_ip": request.peer.rpartition(":")[0],
    }


def _rest_api(request: Request, path: str, stage: str, authorizer: Mapping[str, Any] | None) -> dict[str, Any]:
    return rest_api_event(request.method, path, stage=stage, **_common(request, authorizer))


def _http_api(request: Request, path: str, stage: str, authorizer: Mapping[str, Any] | None) -> dict[str, Any]:
    return http_api_event(request.method, path, stage=stage, **_common(request, authorizer))


def _function_url(request: Request, path: str, stage: str, authorizer: Mapping[str, Any] | None) -> dict[str, Any]:
    return function_url_event(request.method, path, **_common(request, authorizer))


@dataclass(frozen=True)
class Codec:
    """One HTTP front.

    Attributes:
        build: Builds the event from the request, the event's path, the stage and the authorizer context.
        payload_version: ``"1.0"`` (REST API: the result must be a proxy result) or ``"2.0"``.
    """

    build: Callable[[Request, str, str, Mapping[str, Any] | None], dict[str, Any]]
    payload_version: str

    def to_event(
        self, request: Request, *, path: str, stage: str, authorizer: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """The event this front sends for ``request`` (``path`` is the path the function sees)."""
        return self.build(request, path, stage, authorizer)

    def to_response(self, result: InvokeResult) -> Response:
        """The HTTP response this front sends for the function's result."""
        if result.function_error is not None:
            return _BAD_GATEWAY
        try:
            value = json.loads(result.payload)
        except ValueError:
            return _BAD_GATEWAY
        if self.payload_version == "1.0" and not (isinstance(value, dict) and "statusCode" in value):
            return _BAD_GATEWAY
        try:
            status, headers, body = http_from_proxy_result(value)
        except (TypeError, ValueError, AttributeError):
            return _BAD_GATEWAY
        return Response(status, [(k, v) for k, v in headers if k not in _HOP_BY_HOP], body)


CODECS: dict[str, Codec] = {
    "url": Codec(_function_url, "2.0"),
    "restapi": Codec(_rest_api, "1.0"),
    "httpapi": Codec(_http_api, "2.0"),
}
"""The codec of each front, by path prefix."""
