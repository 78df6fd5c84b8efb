"""mcp-server-time behind the Lambda Invoke API, in warm mode (one server per execution environment)."""

import sys

from mcp_lambda import LambdaInvokeEventHandler, ServerParams, StdioServerAdapterRequestHandler

# PYTHONPYCACHEPREFIX: the package is read-only, so the child caches its bytecode in /tmp.
server = ServerParams(command=sys.executable, args=["-m", "mcp_server_time"], env={"PYTHONPYCACHEPREFIX": "/tmp/pyc"})
handler = LambdaInvokeEventHandler(StdioServerAdapterRequestHandler(server, lambda_environment=True, warm=True))


def lambda_handler(event, context):
    return handler.handle(event, context)
