"""RFC 9728 discovery and 401 challenges, on every HTTP front door."""

from __future__ import annotations

import pytest

from mcp_lambda.handlers import oauth
from mcp_lambda.http import HttpOptions
from tests.conftest import FakeLambdaContext
from tests.handlers.http_support import FRONT_DOORS, header, make_event, make_handler, reply_of

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
CONFIG = oauth.ProtectedResourceMetadata(
    authorization_servers=["https://auth.example.com"], scopes_supported=["mcp:read"], resource_name="Time"
)
# (front door, unauthenticated fixture, authenticated fixture, base URL the client used)
SETUPS = [
    ("rest_api", "rest_api", "rest_api_cognito", "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod"),
    ("http_api", "http_api", "http_api_jwt", "https://abcdef1234.execute-api.us-east-1.amazonaws.com"),
    (
        "function_url",
        "function_url",
        "function_url_iam",
        "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("front", "anon", "authed", "base"), SETUPS, ids=[s[0] for s in SETUPS])
@pytest.mark.parametrize("suffix", ["", "/mcp"])
async def test_metadata_is_served(front: str, anon: str, authed: str, base: str, suffix: str) -> None:
    handler, echo = make_handler(front, HttpOptions(oauth=CONFIG, require_identity=True))
    event = make_event(front, fixture=anon, method="GET", headers={}, path=oauth.WELL_KNOWN_PATH + suffix)
    result = await handler.handle_async(event, FakeLambdaContext())
    assert result["statusCode"] == 200
    doc = reply_of(result)
    assert doc["resource"] == base + suffix
    assert doc["authorization_servers"] == ["https://auth.example.com"]
    assert doc["scopes_supported"] == ["mcp:read"] and doc["resource_name"] == "Time"
    assert echo.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("front", "anon", "authed", "base"), SETUPS, ids=[s[0] for s in SETUPS])
async def test_unauthenticated_request_gets_challenge(front: str, anon: str, authed: str, base: str) -> None:
    handler, echo = make_handler(front, HttpOptions(oauth=CONFIG, require_identity=True))
    event = make_event(front, fixture=anon, body=LIST, path="/mcp")
    result = await handler.handle_async(event, FakeLambdaContext())
    assert result["statusCode"] == 401
    expected_url = oauth.metadata_url(base + "/mcp")
    assert header(result, "www-authenticate") == f'Bearer resource_metadata="{expected_url}", scope="mcp:read"'
    assert echo.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize(("front", "anon", "authed", "base"), SETUPS, ids=[s[0] for s in SETUPS])
async def test_authenticated_request_passes(front: str, anon: str, authed: str, base: str) -> None:
    handler, echo = make_handler(front, HttpOptions(oauth=CONFIG, require_identity=True))
    result = await handler.handle_async(make_event(front, fixture=authed, body=LIST), FakeLambdaContext())
    assert result["statusCode"] == 200
    assert len(echo.requests) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_sent_but_unverified_token_is_invalid_token(front: str) -> None:
    handler, _ = make_handler(front, HttpOptions(oauth=CONFIG, require_identity=True))
    headers = {"Accept": "application/json", "Content-Type": "application/json", "Authorization": "Bearer x"}
    result = await handler.handle_async(make_event(front, headers=headers, body=LIST), FakeLambdaContext())
    assert 'error="invalid_token"' in (header(result, "www-authenticate") or "")


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_configured_resource_wins(front: str) -> None:
    config = oauth.ProtectedResourceMetadata(
        authorization_servers=["https://auth.example.com"], resource="https://mcp.example.com/time"
    )
    handler, _ = make_handler(front, HttpOptions(oauth=config, require_identity=True))
    meta = make_event(front, method="GET", headers={}, path=oauth.WELL_KNOWN_PATH + "/time")
    assert reply_of(await handler.handle_async(meta, FakeLambdaContext()))["resource"] == "https://mcp.example.com/time"
    result = await handler.handle_async(make_event(front, body=LIST), FakeLambdaContext())
    assert header(result, "www-authenticate") == (
        'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/time"'
    )


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_without_oauth_config_well_known_is_not_served(front: str) -> None:
    handler, _ = make_handler(front)
    event = make_event(front, method="GET", headers={}, path=oauth.WELL_KNOWN_PATH)
    assert (await handler.handle_async(event, FakeLambdaContext()))["statusCode"] == 405


def test_metadata_url_inserts_well_known_between_host_and_path() -> None:
    assert oauth.metadata_url("https://h.example/a/b/") == "https://h.example/.well-known/oauth-protected-resource/a/b"
    assert oauth.metadata_url("https://h.example") == "https://h.example/.well-known/oauth-protected-resource"


def test_challenge_without_config_is_bare_bearer() -> None:
    assert oauth.challenge(None, None, invalid_token=False) == "Bearer"


def test_single_string_is_rejected_where_a_list_is_meant() -> None:
    with pytest.raises(TypeError):
        oauth.ProtectedResourceMetadata(authorization_servers="https://auth.example.com")
