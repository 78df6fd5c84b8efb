"""API Gateway REST API (Lambda proxy integration, payload format 1.0) front door.

Event and result shapes:
https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html

A REST API event has ``httpMethod`` at the top level and ``requestContext``
(without the ``elb`` key that marks an ALB event, which shares ``httpMethod``).
Payload v1 from an HTTP API (``version: "1.0"``) has the same shape and is
served here too. The caller identity comes from ``requestContext.authorizer``
(Cognito claims or Lambda authorizer context) and ``requestContext.identity``
(IAM); see `mcp_lambda.handlers.identity`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_proxy_event import APIGatewayProxyEvent

from mcp_lambda.handlers.http_base import HttpEventHandler, body_text, merge_headers
from mcp_lambda.handlers.identity import rest_api_caller
from mcp_lambda.http import HttpRequest, HttpResponse
from mcp_lambda.types import LambdaContext, LambdaEvent

__all__ = ["APIGatewayProxyEventHandler"]


class APIGatewayProxyEventHandler(HttpEventHandler):
    """Serve MCP over streamable HTTP behind an API Gateway REST API proxy integration.

    Example::

        handler = APIGatewayProxyEventHandler(StdioServerAdapterRequestHandler(params))

        def lambda_handler(event, context):
            return handler.handle(event, context)
    """

    front_door = "rest_api"

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext | None) -> bool:
        """True for payload v1 events: ``httpMethod`` plus a non-ALB ``requestContext``."""
        if not isinstance(event, dict) or event.get("version") == "2.0":
            return False
        request_context = event.get("requestContext")
        return (
            isinstance(event.get("httpMethod"), str)
            and isinstance(request_context, dict)
            and "elb" not in request_context
        )

    def parse(self, event: Mapping[str, Any]) -> HttpRequest:
        """Read method, path, headers and body through Powertools' `APIGatewayProxyEvent`."""
        view = APIGatewayProxyEvent(dict(event))
        request_context = event.get("requestContext")
        request_context = request_context if isinstance(request_context, dict) else {}
        headers = merge_headers(view.headers, view.get("multiValueHeaders"))
        domain = request_context.get("domainName")
        stage = request_context.get("stage")
        base_url = None
        if isinstance(domain, str) and domain:
            # The default execute-api host addresses the stage in the path; custom domains map it away.
            on_default_host = ".execute-api." in domain and isinstance(stage, str) and stage
            base_url = f"https://{domain}/{stage}" if on_default_host else f"https://{domain}"
        return HttpRequest(
            method=str(view.http_method).upper(),
            path=str(view.get("path") or "/"),
            headers=headers,
            body=body_text(view.body),
            is_base64_encoded=view.is_base64_encoded is True,
            base_url=base_url,
            caller=rest_api_caller(event),
        )

    def render(self, response: HttpResponse) -> dict[str, Any]:
        """The proxy integration result: ``statusCode``, ``headers``, ``body``, ``isBase64Encoded``."""
        return {
            "statusCode": response.status,
            "headers": dict(response.headers),
            "body": response.body,
            "isBase64Encoded": False,
        }
