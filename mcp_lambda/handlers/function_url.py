"""Lambda Function URL front door: payload format 2.0, minus API Gateway's routes and stages.

Event and result shapes:
https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html#urls-payloads

A Function URL event is a payload v2 event whose ``requestContext.domainName``
is the URL's own host, ``<url-id>.lambda-url.<region>.on.aws``; ``routeKey`` and
``stage`` are always ``$default``. With ``AuthType: AWS_IAM`` the SigV4 caller is
in ``requestContext.authorizer.iam`` and is forwarded as ``caller["iam"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler, is_function_url_domain
from mcp_lambda.handlers.http_base import v2_base_infer
from mcp_lambda.types import LambdaContext, LambdaEvent

__all__ = ["LambdaFunctionURLEventHandler"]


class LambdaFunctionURLEventHandler(APIGatewayProxyEventV2Handler):
    """Serve MCP over streamable HTTP on a Lambda Function URL.

    Example::

        handler = LambdaFunctionURLEventHandler(StdioServerAdapterRequestHandler(params))

        def lambda_handler(event, context):
            return handler.handle(event, context)
    """

    front_door = "function_url"

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext | None) -> bool:
        """True for payload v2 events addressed to a ``*.lambda-url.*`` host."""
        request_context = v2_base_infer(event)
        return request_context is not None and is_function_url_domain(request_context.get("domainName"))

    def route(self, raw_path: str, request_context: Mapping[str, Any]) -> tuple[str, str | None]:
        """Function URLs have no stages: the path is ``rawPath`` as sent."""
        domain = request_context.get("domainName")
        return raw_path, (f"https://{domain}" if isinstance(domain, str) and domain else None)
