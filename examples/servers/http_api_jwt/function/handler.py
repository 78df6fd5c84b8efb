"""A shipped ``whoami`` server behind an API Gateway HTTP API with a JWT authorizer: it sees the caller's claims."""

import os
import sys

from mcp_lambda import (
    APIGatewayProxyEventV2Handler,
    HttpOptions,
    ProtectedResourceMetadata,
    ServerParams,
    StdioServerAdapterRequestHandler,
)

oauth = ProtectedResourceMetadata(authorization_servers=[os.environ["OAUTH_ISSUER"]], scopes_supported=["mcp/tools"])
server = ServerParams(
    command=sys.executable,
    args=["whoami_server.py"],
    cwd=os.path.dirname(os.path.abspath(__file__)),
    env={"PYTHONPYCACHEPREFIX": "/tmp/pyc"},
)
handler = APIGatewayProxyEventV2Handler(
    StdioServerAdapterRequestHandler(server, lambda_environment=True),
    HttpOptions(oauth=oauth, require_identity=True),
)


def lambda_handler(event, context):
    return handler.handle(event, context)
