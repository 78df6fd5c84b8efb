"""Example http_api_jwt: HTTP API with a JWT authorizer; the caller identity reaches the wrapped server."""

from __future__ import annotations

import json

import pytest

from tests.examples.conftest import (
    SERVERS,
    SynthCache,
    emulated,
    outputs_of,
    resources_of,
    synthesize,
    tools_list,
)

FUNCTION_DIR = SERVERS / "http_api_jwt" / "function"


def test_route_requires_a_jwt_with_the_scope(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "http_api_jwt")
    (authorizer,) = resources_of(synth, "AWS::ApiGatewayV2::Authorizer")
    assert authorizer["AuthorizerType"] == "JWT"
    assert len(authorizer["JwtConfiguration"]["Audience"]) == 2  # the interactive and the machine client
    routes = {r["RouteKey"]: r for r in resources_of(synth, "AWS::ApiGatewayV2::Route")}
    assert routes["POST /mcp"]["AuthorizationType"] == "JWT"
    assert routes["POST /mcp"]["AuthorizationScopes"] == ["mcp/tools"]
    assert routes["GET /.well-known/oauth-protected-resource/mcp"].get("AuthorizationType", "NONE") == "NONE"
    (stage,) = resources_of(synth, "AWS::ApiGatewayV2::Stage")
    assert "AccessLogSettings" in stage
    (function,) = resources_of(synth, "AWS::Lambda::Function")
    assert function["Timeout"] < 30  # below the HTTP API integration limit
    assert "McpUrl" in outputs_of(synth)


@pytest.mark.anyio
async def test_whoami_sees_the_jwt_claims_the_authorizer_passed() -> None:
    from mcp_lambda.dev.server import DevOptions

    jwt = {"claims": {"sub": "user-7", "client_id": "machine-1"}, "scopes": ["mcp/tools"]}
    options = DevOptions(authorizer={"jwt": jwt})
    async with emulated(FUNCTION_DIR, options, {"OAUTH_ISSUER": "https://issuer.example"}) as server:
        url = f"{server.base_url}/httpapi/mcp"
        listed = await tools_list(url)
        import httpx2

        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}
        async with httpx2.AsyncClient(timeout=30) as client:
            called = await client.post(url, json=call, headers={"accept": "application/json, text/event-stream"})
    assert [tool["name"] for tool in listed.json()["result"]["tools"]] == ["whoami"]
    who = json.loads(called.json()["result"]["content"][0]["text"])
    assert who == {
        "caller": {"sub": "user-7", "client_id": "machine-1"},
        "scopes": ["mcp/tools"],
        "frontDoor": "http_api",
    }
