"""mcp-server-time as a Bedrock AgentCore Gateway Lambda target (tool schema in ../tools.json)."""

import sys

from mcp_lambda import BedrockAgentCoreGatewayTargetHandler, ServerParams, StdioServerAdapterRequestHandler

server = ServerParams(command=sys.executable, args=["-m", "mcp_server_time"], env={"PYTHONPYCACHEPREFIX": "/tmp/pyc"})
handler = BedrockAgentCoreGatewayTargetHandler(StdioServerAdapterRequestHandler(server, lambda_environment=True))


def lambda_handler(event, context):
    return handler.handle(event, context)
