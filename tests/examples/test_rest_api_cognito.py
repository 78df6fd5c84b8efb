"""Example rest_api_cognito: REST API, Cognito authorizer with scopes, RFC 9728 metadata, 401 challenge."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.examples.conftest import (
    SERVERS,
    SynthCache,
    emulated,
    http_get,
    outputs_of,
    resources_of,
    synthesize,
    tools_list,
)

FUNCTION_DIR = SERVERS / "rest_api_cognito" / "function"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example"


def _text(value: Any) -> str:
    """A template value with its intrinsic functions flattened to text, for substring checks."""
    return json.dumps(value)


def test_post_mcp_requires_a_cognito_token_with_the_scope(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "rest_api_cognito")
    (authorizer,) = resources_of(synth, "AWS::ApiGateway::Authorizer")
    assert authorizer["Type"] == "COGNITO_USER_POOLS"
    methods = {m["HttpMethod"]: m for m in resources_of(synth, "AWS::ApiGateway::Method")}
    assert methods["POST"]["AuthorizationType"] == "COGNITO_USER_POOLS"
    assert methods["POST"]["AuthorizationScopes"] == ["mcp/tools"]
    assert methods["GET"]["AuthorizationType"] == "NONE"  # the metadata document is public
    paths = {r["PathPart"] for r in resources_of(synth, "AWS::ApiGateway::Resource")}
    assert {"mcp", ".well-known", "oauth-protected-resource"} <= paths
    (function,) = resources_of(synth, "AWS::Lambda::Function")
    assert function["Timeout"] < 29  # below the REST API integration limit
    assert "OAUTH_ISSUER" in function["Environment"]["Variables"]


def test_authorizer_rejections_carry_the_rfc9728_challenge(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "rest_api_cognito")
    responses = {r["ResponseType"]: r for r in resources_of(synth, "AWS::ApiGateway::GatewayResponse")}
    challenge = _text(responses["UNAUTHORIZED"]["ResponseParameters"]["gatewayresponse.header.WWW-Authenticate"])
    assert "Bearer resource_metadata=" in challenge and "/prod/.well-known/oauth-protected-resource/mcp" in challenge
    assert 'scope=\\"mcp/tools\\"' in challenge
    assert "insufficient_scope" in _text(responses["ACCESS_DENIED"]["ResponseParameters"])


def test_cognito_stack_has_an_interactive_pkce_client_and_a_machine_client(
    synthesized: SynthCache,
) -> None:
    synth = synthesize(synthesized, "rest_api_cognito")
    clients = resources_of(synth, "AWS::Cognito::UserPoolClient")
    by_flow = {tuple(c["AllowedOAuthFlows"]): c for c in clients}
    interactive, machine = by_flow[("code",)], by_flow[("client_credentials",)]
    assert interactive["GenerateSecret"] is False and interactive["CallbackURLs"] == ["http://localhost:3030/callback"]
    assert machine["GenerateSecret"] is True
    (server,) = resources_of(synth, "AWS::Cognito::UserPoolResourceServer")
    assert server["Identifier"] == "mcp" and server["Scopes"][0]["ScopeName"] == "tools"
    assert resources_of(synth, "AWS::Cognito::UserPoolDomain")
    assert {"McpUrl", "MetadataUrl"} <= outputs_of(synth)


@pytest.mark.anyio
async def test_handler_serves_metadata_and_tools_behind_the_rest_api_front() -> None:
    from mcp_lambda.dev.server import DevOptions

    claims = {"sub": "user-1", "client_id": "abc", "scope": "mcp/tools"}
    env = {"OAUTH_ISSUER": ISSUER}
    async with emulated(FUNCTION_DIR, DevOptions(authorizer={"claims": claims}), env) as server:
        metadata = await http_get(f"{server.base_url}/restapi/prod/.well-known/oauth-protected-resource/mcp")
        listed = await tools_list(f"{server.base_url}/restapi/prod/mcp")
    async with emulated(FUNCTION_DIR, None, env) as server:
        anonymous = await tools_list(f"{server.base_url}/restapi/prod/mcp")
    document = metadata.json()
    assert document["authorization_servers"] == [ISSUER]
    assert document["resource"].endswith("/prod/mcp") and document["scopes_supported"] == ["mcp/tools"]
    assert "get_current_time" in {tool["name"] for tool in listed.json()["result"]["tools"]}
    # Without the authorizer's identity the function itself refuses, with the same kind of challenge.
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer resource_metadata=")
