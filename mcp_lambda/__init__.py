"""mcp_lambda: run stdio MCP servers inside AWS Lambda, and call them.

The three-line handler::

    import sys
    from mcp_lambda import LambdaFunctionURLEventHandler, ServerParams, StdioServerAdapterRequestHandler

    handler = LambdaFunctionURLEventHandler(StdioServerAdapterRequestHandler(
        ServerParams(command=sys.executable, args=["-m", "mcp_server_time"]), lambda_environment=True))

    def lambda_handler(event, context):
        return handler.handle(event, context)

Names are imported lazily on first use: Lambda cold starts pay only for the
front door a function uses, and the client side (boto3) is never imported on the
server path.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "APIGatewayProxyEventHandler",
    "APIGatewayProxyEventV2Handler",
    "BearerAuthenticator",
    "BedrockAgentCoreGatewayTargetHandler",
    "caller_identity",
    "CALLER_META_KEY",
    "CorsPolicy",
    "EventHandler",
    "HttpOptions",
    "JWTVerifier",
    "lambda_function_client",
    "LambdaContext",
    "LambdaFunctionParameters",
    "LambdaFunctionURLEventHandler",
    "LambdaInvokeEventHandler",
    "MCPLambdaError",
    "MCPRequest",
    "MCPServerRequestHandler",
    "ProtectedResourceMetadata",
    "RequestHandler",
    "ServerParams",
    "SigV4Auth",
    "stdio_server_adapter",
    "StdioServerAdapter",
    "StdioServerAdapterRequestHandler",
    "StdioServerParameters",
    "streamablehttp_client_with_sigv4",
    "TokenError",
]

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "APIGatewayProxyEventHandler": "mcp_lambda.handlers.rest_api",
    "APIGatewayProxyEventV2Handler": "mcp_lambda.handlers.http_api",
    "BearerAuthenticator": "mcp_lambda.auth",
    "BedrockAgentCoreGatewayTargetHandler": "mcp_lambda.handlers.agentcore",
    "caller_identity": "mcp_lambda.engine.inprocess",
    "CALLER_META_KEY": "mcp_lambda.types",
    "CorsPolicy": "mcp_lambda.handlers.cors",
    "EventHandler": "mcp_lambda.handlers.base",
    "HttpOptions": "mcp_lambda.http",
    "JWTVerifier": "mcp_lambda.auth",
    "lambda_function_client": "mcp_lambda.client.invoke",
    "LambdaContext": "mcp_lambda.types",
    "LambdaFunctionParameters": "mcp_lambda.client.invoke",
    "LambdaFunctionURLEventHandler": "mcp_lambda.handlers.function_url",
    "LambdaInvokeEventHandler": "mcp_lambda.handlers.invoke",
    "MCPLambdaError": "mcp_lambda.errors",
    "MCPRequest": "mcp_lambda.types",
    "MCPServerRequestHandler": "mcp_lambda.engine.inprocess",
    "ProtectedResourceMetadata": "mcp_lambda.handlers.oauth",
    "RequestHandler": "mcp_lambda.types",
    "ServerParams": "mcp_lambda.types",
    "SigV4Auth": "mcp_lambda.client.streamable_http_sigv4",
    "stdio_server_adapter": "mcp_lambda.handlers.invoke",
    "StdioServerAdapter": "mcp_lambda.engine.adapter",
    "StdioServerAdapterRequestHandler": "mcp_lambda.engine.request_handler",
    "StdioServerParameters": "mcp.client.stdio",
    "streamablehttp_client_with_sigv4": "mcp_lambda.client.streamable_http_sigv4",
    "TokenError": "mcp_lambda.auth",
}

if TYPE_CHECKING:
    from mcp.client.stdio import StdioServerParameters

    from mcp_lambda.auth import BearerAuthenticator, JWTVerifier, TokenError
    from mcp_lambda.client.invoke import LambdaFunctionParameters, lambda_function_client
    from mcp_lambda.client.streamable_http_sigv4 import SigV4Auth, streamablehttp_client_with_sigv4
    from mcp_lambda.engine.adapter import StdioServerAdapter
    from mcp_lambda.engine.inprocess import MCPServerRequestHandler, caller_identity
    from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
    from mcp_lambda.errors import MCPLambdaError
    from mcp_lambda.handlers.agentcore import BedrockAgentCoreGatewayTargetHandler
    from mcp_lambda.handlers.base import EventHandler
    from mcp_lambda.handlers.cors import CorsPolicy
    from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
    from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
    from mcp_lambda.handlers.invoke import LambdaInvokeEventHandler, stdio_server_adapter
    from mcp_lambda.handlers.oauth import ProtectedResourceMetadata
    from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler
    from mcp_lambda.http import HttpOptions
    from mcp_lambda.types import CALLER_META_KEY, LambdaContext, MCPRequest, RequestHandler, ServerParams


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mcp_lambda' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
