"""Call an MCP server behind an OAuth authorizer as a user: authorization code + PKCE (rest_api_cognito, http_api_jwt).

    python examples/clients/oauth_interactive.py --stack McpRestApi --auth-stack McpRestCognito

Uses the mcp SDK's `OAuthClientProvider`: the first request gets 401 with
``WWW-Authenticate: Bearer resource_metadata=...``; the SDK reads the RFC 9728
metadata, then the Cognito issuer's OpenID configuration, opens your browser at
the hosted sign-in page, receives the code on ``http://localhost:3030/callback``
and exchanges it (with the PKCE verifier) for an access token with ``mcp/tools``.
Cognito has no dynamic client registration, so the stack's public client id is
given to the SDK as already registered. Create a user first (see DEVELOP.md, "Deploying the examples").
"""

from __future__ import annotations

import json
import sys
import webbrowser
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx2
from _common import arguments, list_or_call, output, stack_outputs
from mcp.client.auth import OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

CALLBACK_PORT = 3030
CALLBACK_URL = AnyUrl(f"http://localhost:{CALLBACK_PORT}/callback")


class MemoryStorage:
    """Tokens in memory; the client registration fixed to the stack's public client."""

    def __init__(self, client_id: str) -> None:
        self.tokens: OAuthToken | None = None
        self.client = OAuthClientInformationFull(
            client_id=client_id,
            redirect_uris=[CALLBACK_URL],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        )

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def _wait_for_code() -> dict[str, Any]:
    received: dict[str, Any] = {}

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            received.update({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"Signed in; you can close this tab.")

        def log_message(self, *_: Any) -> None:
            pass

    with HTTPServer(("127.0.0.1", CALLBACK_PORT), Callback) as server:
        while "code" not in received and "error" not in received:
            server.handle_request()
    return received


async def _redirect(url: str) -> None:
    print(f"Opening {url}", file=sys.stderr)
    webbrowser.open(url)


async def _callback() -> AuthorizationCodeResult:
    params = await anyio.to_thread.run_sync(_wait_for_code)
    if "error" in params:
        raise RuntimeError(f"authorization failed: {params}")
    return AuthorizationCodeResult(code=params["code"], state=params.get("state"), iss=params.get("iss"))


def main(argv: list[str] | None = None) -> None:
    parser = arguments(__doc__.splitlines()[0], "McpRestApi")
    parser.add_argument("--auth-stack", default="McpRestCognito", help="the Cognito stack")
    args = parser.parse_args(argv)
    url = output(stack_outputs(args.stack, args.outputs_file, args.region), "McpUrl")
    client_id = output(stack_outputs(args.auth_stack, args.outputs_file, args.region), "InteractiveClientId")
    provider = OAuthClientProvider(
        url,
        OAuthClientMetadata(redirect_uris=[CALLBACK_URL], scope="openid mcp/tools", token_endpoint_auth_method="none"),
        MemoryStorage(client_id),
        redirect_handler=_redirect,
        callback_handler=_callback,
    )
    transport = streamable_http_client(url, http_client=httpx2.AsyncClient(auth=provider, timeout=30))
    json.dump(anyio.run(list_or_call, transport, args.tool, args.arguments), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
