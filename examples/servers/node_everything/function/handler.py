"""The Node server ``@modelcontextprotocol/server-everything``, run by a node binary shipped in the package.

The Python runtime has no node: bundling puts one in ``bin/node`` and the server
in ``node_modules`` (see the stack). Behind the Lambda Invoke API, IAM auth.
"""

from pathlib import Path

from mcp_lambda import LambdaInvokeEventHandler, ServerParams, StdioServerAdapterRequestHandler

ROOT = Path(__file__).resolve().parent  # /var/task on Lambda
SERVER = ROOT / "node_modules" / "@modelcontextprotocol" / "server-everything" / "dist" / "index.js"
handler = LambdaInvokeEventHandler(
    StdioServerAdapterRequestHandler(ServerParams(command=str(ROOT / "bin" / "node"), args=[str(SERVER), "stdio"]))
)


def lambda_handler(event, context):
    return handler.handle(event, context)
