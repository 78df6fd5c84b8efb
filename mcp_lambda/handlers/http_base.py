"""`HttpEventHandler`: what the three HTTP front doors share.

Each front door only parses its event into an `HttpRequest` and renders an
`HttpResponse` into its proxy result; this base class runs the MCP rules
(`mcp_lambda.http.serve`) in between and guarantees a well-formed proxy result
for any input: an event that cannot be parsed is answered 400, never raised.
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Mapping
from typing import Any

from mcp_lambda.handlers.base import EventHandler
from mcp_lambda.http import HttpOptions, HttpRequest, HttpResponse, error_response, serve
from mcp_lambda.jsonrpc import INTERNAL_ERROR, INVALID_REQUEST
from mcp_lambda.types import LambdaContext, LambdaEvent, RequestHandler

__all__ = ["HttpEventHandler", "body_text", "merge_headers", "v2_base_infer"]

logger = logging.getLogger(__name__)


def merge_headers(single: Any, multi: Any = None) -> dict[str, str]:
    """Lower-case header names, values without surrounding whitespace (RFC 9110 section 5.5:
    optional whitespace is not part of a field value); repeated values (from ``multi``)
    joined with ``", "``.

    Non-string names or values are dropped: they cannot come from a real request.
    """
    merged: dict[str, str] = {}
    if isinstance(single, Mapping):
        for name, value in single.items():
            if isinstance(name, str) and isinstance(value, str):
                merged[name.lower()] = value.strip()
    if isinstance(multi, Mapping):
        for name, values in multi.items():
            if isinstance(name, str) and isinstance(values, list) and values:
                strings = [v.strip() for v in values if isinstance(v, str)]
                if strings:
                    merged[name.lower()] = ", ".join(strings)
    return merged


def body_text(value: Any) -> str | None:
    """The event's ``body``: a string or absent. Raises TypeError for anything else."""
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"body must be a string, not {type(value).__name__}")


def v2_base_infer(event: Any) -> dict[str, Any] | None:
    """The ``requestContext`` of a payload v2 HTTP event (HTTP API, Function URL), else ``None``."""
    if not isinstance(event, dict) or event.get("version") != "2.0":
        return None
    context = event.get("requestContext")
    if not isinstance(context, dict):
        return None
    http = context.get("http")
    return context if isinstance(http, dict) and isinstance(http.get("method"), str) else None


class HttpEventHandler(EventHandler):
    """Base class of the HTTP front doors: parse, apply the MCP HTTP rules, render.

    Args:
        request_handler: Where the JSON-RPC messages go (the stdio adapter).
        options: CORS, Origin allow-list, OAuth discovery and identity settings,
            shared by every HTTP front door.
    """

    front_door: str = "http"
    """The ``frontDoor`` value in the forwarded caller identity."""

    def __init__(self, request_handler: RequestHandler, options: HttpOptions | None = None) -> None:
        super().__init__(request_handler)
        self.options = options if options is not None else HttpOptions()

    @abc.abstractmethod
    def parse(self, event: Mapping[str, Any]) -> HttpRequest:
        """Turn the event into an `HttpRequest`. May raise on malformed events."""

    @abc.abstractmethod
    def render(self, response: HttpResponse) -> dict[str, Any]:
        """Turn an `HttpResponse` into this front door's Lambda proxy result."""

    async def handle_async(self, event: LambdaEvent, context: LambdaContext) -> dict[str, Any]:
        """Answer one HTTP event with a proxy result. Never raises."""
        try:
            if not isinstance(event, Mapping):
                raise TypeError(f"an HTTP event is a JSON object, not {type(event).__name__}")
            request = self.parse(event)
        except Exception as exc:
            logger.warning("malformed %s event (request id %s): %r", self.front_door, _request_id(context), exc)
            return self.render(error_response(400, INVALID_REQUEST, "Invalid Request: malformed event"))
        response = await serve(request, self.request_handler, self.options, context)
        try:
            return self.render(response)
        except Exception:
            logger.exception("could not render the response (request id %s)", _request_id(context))
            return self.render(error_response(500, INTERNAL_ERROR, "Internal error"))


def _request_id(context: Any) -> Any:
    return getattr(context, "aws_request_id", None)
