"""Call an MCP server behind an OAuth authorizer as a machine: client credentials (rest_api_cognito, http_api_jwt).

    python examples/clients/client_credentials.py --stack McpHttpApi --auth-stack McpHttpCognito whoami

Uses the mcp SDK's `ClientCredentialsOAuthProvider` with the stack's machine
client. The secret is read from ``MCP_CLIENT_SECRET``, else from Cognito
(``DescribeUserPoolClient``, which needs ``cognito-idp:DescribeUserPoolClient``).
"""

from __future__ import annotations

import json
import os
import sys

import anyio
import httpx2
from _common import arguments, list_or_call, output, stack_outputs
from mcp.client.auth.extensions.client_credentials import ClientCredentialsOAuthProvider
from mcp.client.streamable_http import streamable_http_client
from oauth_interactive import MemoryStorage


def client_secret(user_pool_id: str, client_id: str, region: str | None) -> str:
    """The machine client's secret: ``MCP_CLIENT_SECRET`` or Cognito's record of it."""
    if secret := os.environ.get("MCP_CLIENT_SECRET"):
        return secret
    import boto3

    cognito = boto3.client("cognito-idp", region_name=region)
    described = cognito.describe_user_pool_client(UserPoolId=user_pool_id, ClientId=client_id)
    return str(described["UserPoolClient"]["ClientSecret"])


def main(argv: list[str] | None = None) -> None:
    parser = arguments(__doc__.splitlines()[0], "McpHttpApi")
    parser.add_argument("--auth-stack", default="McpHttpCognito", help="the Cognito stack")
    args = parser.parse_args(argv)
    url = output(stack_outputs(args.stack, args.outputs_file, args.region), "McpUrl")
    auth = stack_outputs(args.auth_stack, args.outputs_file, args.region)
    client_id = output(auth, "MachineClientId")
    provider = ClientCredentialsOAuthProvider(
        url,
        MemoryStorage(client_id),
        client_id,
        client_secret(output(auth, "UserPoolId"), client_id, args.region),
        scope="mcp/tools",
        issuer=output(auth, "Issuer"),
    )
    transport = streamable_http_client(url, http_client=httpx2.AsyncClient(auth=provider, timeout=30))
    json.dump(anyio.run(list_or_call, transport, args.tool, args.arguments), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
