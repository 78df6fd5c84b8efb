"""`BearerAuthenticator` in the HTTP front doors: 401/403 challenges, forwarded claims, both engines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from mcp_lambda.auth import BearerAuthenticator, JWTVerifier, bearer_token
from mcp_lambda.dev import events
from mcp_lambda.engine.inprocess import MCPServerRequestHandler
from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.http import HttpOptions
from mcp_lambda.types import CALLER_META_KEY, RequestHandler
from tests.auth.issuer import AUDIENCE, TestIssuer, serve_issuer
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import modern_server
from tests.inprocess.servers import LifespanLog, counting_server
from tests.interaction.http_loopback import serve_front_door

METADATA_URL = "https://mcp.example.test/.well-known/oauth-protected-resource/mcp"


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with serve_issuer() as running:
        yield running


def options_for(issuer: TestIssuer) -> HttpOptions:
    verifier = JWTVerifier(issuer.url, AUDIENCE, required_scopes=["mcp"], tool_scopes={"count": ["count"]})
    return HttpOptions(oauth=verifier.resource_metadata(AUDIENCE), authenticate=BearerAuthenticator(verifier))


def post(door: LambdaFunctionURLEventHandler, message: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    headers = [("content-type", "application/json"), ("accept", "application/json, text/event-stream")]
    if token is not None:
        headers.append(("authorization", f"Bearer {token}"))
    event = events.function_url_event("POST", "/mcp", headers=headers, body=json.dumps(message).encode())
    result: dict[str, Any] = door.handle(event, FakeLambdaContext())
    return result


def tool_call(name: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": {}}}


def test_bearer_token_parsing() -> None:
    assert bearer_token("Bearer abc.def.ghi") == "abc.def.ghi"
    assert bearer_token("bearer   abc ") == "abc"
    assert bearer_token("Basic dXNlcjpwYXNz") is None
    assert bearer_token("Bearer") is None
    assert bearer_token("Bearer a b") is None
    assert bearer_token(None) is None


def test_challenges_and_forwarded_claims_in_process(issuer: TestIssuer) -> None:
    door = LambdaFunctionURLEventHandler(MCPServerRequestHandler(counting_server(LifespanLog())), options_for(issuer))

    missing = post(door, tool_call("whoami"))
    assert missing["statusCode"] == 401
    assert missing["headers"]["www-authenticate"] == f'Bearer resource_metadata="{METADATA_URL}", scope="mcp"'

    invalid = post(door, tool_call("whoami"), issuer.token(lifetime=-300))
    assert invalid["statusCode"] == 401
    challenge = invalid["headers"]["www-authenticate"]
    assert 'error="invalid_token"' in challenge and "expired" in challenge and METADATA_URL in challenge

    scoped = post(door, tool_call("count"), issuer.token(scope="mcp"))
    assert scoped["statusCode"] == 403
    assert 'error="insufficient_scope"' in scoped["headers"]["www-authenticate"]
    assert 'scope="count"' in scoped["headers"]["www-authenticate"]

    assert json.loads(post(door, tool_call("count"), issuer.token(scope="mcp count"))["body"])["result"]["content"]

    ok = post(door, tool_call("whoami"), issuer.token(scope="mcp"))
    assert ok["statusCode"] == 200
    caller = json.loads(json.loads(ok["body"])["result"]["content"][0]["text"])
    assert caller["claims"]["sub"] == "alice"
    assert caller["scopes"] == ["mcp"]
    assert caller["frontDoor"] == "function_url"  # platform facts are kept alongside


def test_discovery_and_preflight_need_no_token(issuer: TestIssuer) -> None:
    door = LambdaFunctionURLEventHandler(MCPServerRequestHandler(counting_server(LifespanLog())), options_for(issuer))
    document = door.handle(events.function_url_event("GET", "/.well-known/oauth-protected-resource/mcp"), None)  # type: ignore[arg-type]
    assert document["statusCode"] == 200
    assert json.loads(document["body"])["authorization_servers"] == [issuer.url]
    assert issuer.fetches == []  # no token checked, nothing fetched


def test_unreachable_issuer_is_503_not_401() -> None:
    with serve_issuer() as gone:
        options, token = options_for(gone), gone.token()
    door = LambdaFunctionURLEventHandler(MCPServerRequestHandler(counting_server(LifespanLog())), options)
    result = post(door, tool_call("whoami"), token)
    assert result["statusCode"] == 503
    assert "www-authenticate" not in result["headers"]


def test_stdio_adapter_is_protected_alike(issuer: TestIssuer) -> None:
    adapter: RequestHandler = StdioServerAdapterRequestHandler(modern_server())
    door = LambdaFunctionURLEventHandler(adapter, options_for(issuer))
    assert post(door, tool_call("whoami"))["statusCode"] == 401
    ok = post(door, tool_call("whoami"), issuer.token(sub="bob"))
    meta = json.loads(json.loads(ok["body"])["result"]["content"][0]["text"])
    assert meta[CALLER_META_KEY]["claims"]["sub"] == "bob"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_mcp_client_with_a_bearer_token(issuer: TestIssuer, mode: str) -> None:
    door = LambdaFunctionURLEventHandler(MCPServerRequestHandler(counting_server(LifespanLog())), options_for(issuer))
    async with serve_front_door(door, "function_url") as url:
        headers = {"authorization": "Bearer " + issuer.token()}
        async with (
            httpx2.AsyncClient(headers=headers) as http,
            Client(streamable_http_client(url, http_client=http), mode=mode) as client,
        ):
            caller = json.loads((await client.call_tool("whoami", {})).content[0].text)  # type: ignore[union-attr]
            assert caller["claims"]["sub"] == "alice"
        async with httpx2.AsyncClient() as anonymous:
            response = await anonymous.post(url, json=tool_call("whoami"))
            assert response.status_code == 401
            assert "resource_metadata=" in response.headers["www-authenticate"]
