"""mcp_lambda: run stdio MCP servers inside AWS Lambda, and call them.

The three-line handler::

    from mcp_lambda import LambdaFunctionURLEventHandler, ServerParams, StdioServerAdapterRequestHandler

    handler = LambdaFunctionURLEventHandler(StdioServerAdapterRequestHandler(
        ServerParams(command="python", args=["-m", "mcp_server_time"])))

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
    "BedrockAgentCoreGatewayTargetHandler",
    "CALLER_META_KEY",
    "EventHandler",
    "LambdaContext",
    "LambdaInvokeEventHandler",
    "MCPLambdaError",
    "MCPRequest",
    "RequestHandler",
    "ServerParams",
    "StdioServerAdapter",
    "StdioServerAdapterRequestHandler",
    "StdioServerParameters",
    "stdio_server_adapter",
]

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "BedrockAgentCoreGatewayTargetHandler": "mcp_lambda.handlers.agentcore",
    "CALLER_META_KEY": "mcp_lambda.types",
    "EventHandler": "mcp_lambda.handlers.base",
    "LambdaContext": "mcp_lambda.types",
    "LambdaInvokeEventHandler": "mcp_lambda.handlers.invoke",
    "MCPLambdaError": "mcp_lambda.errors",
    "MCPRequest": "mcp_lambda.types",
    "RequestHandler": "mcp_lambda.types",
    "ServerParams": "mcp_lambda.types",
    "StdioServerAdapter": "mcp_lambda.engine.adapter",
    "StdioServerAdapterRequestHandler": "mcp_lambda.engine.request_handler",
    "StdioServerParameters": "mcp.client.stdio",
    "stdio_server_adapter": "mcp_lambda.handlers.invoke",
}

if TYPE_CHECKING:
    from mcp.client.stdio import StdioServerParameters

    from mcp_lambda.engine.adapter import StdioServerAdapter
    from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
    from mcp_lambda.errors import MCPLambdaError
    from mcp_lambda.handlers.agentcore import BedrockAgentCoreGatewayTargetHandler
    from mcp_lambda.handlers.base import EventHandler
    from mcp_lambda.handlers.invoke import LambdaInvokeEventHandler, stdio_server_adapter
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
