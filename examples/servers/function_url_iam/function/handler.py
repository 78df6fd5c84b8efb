"""mcp-server-time behind a Lambda Function URL with ``AWS_IAM`` auth (callers sign with SigV4)."""

import sys

from mcp_lambda import LambdaFunctionURLEventHandler, ServerParams, StdioServerAdapterRequestHandler

server = ServerParams(command=sys.executable, args=["-m", "mcp_server_time"], env={"PYTHONPYCACHEPREFIX": "/tmp/pyc"})
handler = LambdaFunctionURLEventHandler(StdioServerAdapterRequestHandler(server, lambda_environment=True))


def lambda_handler(event, context):
    return handler.handle(event, context)
