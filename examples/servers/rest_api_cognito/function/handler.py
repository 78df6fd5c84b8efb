"""mcp-server-time behind an API Gateway REST API whose Cognito authorizer requires the ``mcp/tools`` scope."""

import os
import sys

from mcp_lambda import (
    APIGatewayProxyEventHandler,
    HttpOptions,
    ProtectedResourceMetadata,
    ServerParams,
    StdioServerAdapterRequestHandler,
)

# RFC 9728 metadata served at <stage>/.well-known/oauth-protected-resource/mcp; the issuer comes from the stack.
oauth = ProtectedResourceMetadata(authorization_servers=[os.environ["OAUTH_ISSUER"]], scopes_supported=["mcp/tools"])
server = ServerParams(command=sys.executable, args=["-m", "mcp_server_time"], env={"PYTHONPYCACHEPREFIX": "/tmp/pyc"})
handler = APIGatewayProxyEventHandler(
    StdioServerAdapterRequestHandler(server, lambda_environment=True),
    HttpOptions(oauth=oauth, require_identity=True),
)


def lambda_handler(event, context):
    return handler.handle(event, context)
