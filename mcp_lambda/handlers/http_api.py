"""API Gateway HTTP API (payload format 2.0) front door.

Event and result shapes:
https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html

A payload v2 event has ``version: "2.0"`` and ``requestContext.http.method``.
Function URL events have the same format; they are told apart by their
``requestContext.domainName`` (``<url-id>.lambda-url.<region>.on.aws``) and
served by `LambdaFunctionURLEventHandler`, a subclass of this one. The caller
identity comes from ``requestContext.authorizer`` (``jwt``, ``lambda`` or
``iam``); see `mcp_lambda.handlers.identity`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_proxy_event import APIGatewayProxyEventV2

from mcp_lambda.handlers.http_base import HttpEventHandler, body_text, merge_headers, v2_base_infer
from mcp_lambda.handlers.identity import v2_caller
from mcp_lambda.http import HttpRequest, HttpResponse
from mcp_lambda.types import LambdaContext, LambdaEvent

__all__ = ["APIGatewayProxyEventV2Handler", "is_function_url_domain"]


def is_function_url_domain(domain: Any) -> bool:
    """True for a Function URL host: ``<url-id>.lambda-url.<region>.on.aws`` (or a partition's variant)."""
    return isinstance(domain, str) and ".lambda-url." in domain


class APIGatewayProxyEventV2Handler(HttpEventHandler):
    """Serve MCP over streamable HTTP behind an API Gateway HTTP API (payload format 2.0).

    Example::

        handler = APIGatewayProxyEventV2Handler(StdioServerAdapterRequestHandler(params))

        def lambda_handler(event, context):
            return handler.handle(event, context)
    """

    front_door = "http_api"

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext | None) -> bool:
        """True for payload v2 events that do not come from a Function URL."""
        request_context = v2_base_infer(event)
        return request_context is not None and not is_function_url_domain(request_context.get("domainName"))

    def parse(self, event: Mapping[str, Any]) -> HttpRequest:
        """Read method, path, headers and body through Powertools' `APIGatewayProxyEventV2`."""
        view = APIGatewayProxyEventV2(dict(event))
        request_context = event.get("requestContext")
        request_context = request_context if isinstance(request_context, dict) else {}
        path, base_url = self.route(str(view.get("rawPath") or "/"), request_context)
        return HttpRequest(
            method=str(view.request_context.http.method).upper(),
            path=path,
            # Payload v2 already joins repeated headers with commas; cookies travel apart and are not needed.
            headers=merge_headers(view.headers),
            body=body_text(view.body),
            is_base64_encoded=view.is_base64_encoded is True,
            base_url=base_url,
            caller=v2_caller(event, self.front_door),
        )

    def route(self, raw_path: str, request_context: Mapping[str, Any]) -> tuple[str, str | None]:
        """The route path and base URL: a named stage is part of ``rawPath`` and moves to the base URL."""
        domain = request_context.get("domainName")
        base_url = f"https://{domain}" if isinstance(domain, str) and domain else None
        stage = request_context.get("stage")
        if isinstance(stage, str) and stage and stage != "$default":
            prefix = f"/{stage}"
            if raw_path == prefix or raw_path.startswith(prefix + "/"):
                raw_path = raw_path[len(prefix) :] or "/"
                base_url = base_url + prefix if base_url else None
        return raw_path, base_url

    def render(self, response: HttpResponse) -> dict[str, Any]:
        """The payload v2 result: ``statusCode``, ``headers``, ``body``, ``isBase64Encoded``."""
        return {
            "statusCode": response.status,
            "headers": dict(response.headers),
            "body": response.body,
            "isBase64Encoded": False,
        }
