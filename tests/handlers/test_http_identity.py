"""Caller identity: what each platform authenticated reaches the server, and nothing else can."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_lambda.http import HttpOptions
from tests.conftest import FakeLambdaContext
from tests.handlers.http_support import make_event, make_handler, reply_of

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
ALICE_ARN = "arn:aws:sts::123456789012:assumed-role/mcp-client/alice"

# (front door, fixture, expected subset of the caller dict)
IDENTITY_CASES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "rest_api",
        "rest_api",
        {"frontDoor": "rest_api", "sourceIp": "203.0.113.7", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"},
    ),
    ("rest_api", "rest_api_cognito", {"claims": {"cognito:username": "alice"}}),
    ("rest_api", "rest_api_lambda_authorizer", {"authorizer": {"principalId": "user|alice", "tenant": "acme"}}),
    ("rest_api", "rest_api_iam", {"iam": {"userArn": ALICE_ARN, "accountId": "123456789012"}}),
    ("http_api", "http_api", {"frontDoor": "http_api", "sourceIp": "203.0.113.7", "requestId": "JKJaXmPLvHcESHA="}),
    ("http_api", "http_api_jwt", {"claims": {"sub": "alice-sub"}, "scopes": ["mcp:read", "mcp:write"]}),
    ("http_api", "http_api_lambda_authorizer", {"authorizer": {"tenant": "acme", "userId": "alice"}}),
    ("http_api", "http_api_iam", {"iam": {"userArn": ALICE_ARN, "callerId": "AROAEXAMPLEID:alice"}}),
    ("function_url", "function_url", {"frontDoor": "function_url", "sourceIp": "203.0.113.7"}),
    ("function_url", "function_url_iam", {"frontDoor": "function_url", "iam": {"userArn": ALICE_ARN}}),
]


def _contains(actual: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _contains(actual[k], v) for k, v in expected.items())
    return bool(actual == expected)


@pytest.mark.anyio
@pytest.mark.parametrize(("front", "fixture", "expected"), IDENTITY_CASES, ids=[c[1] for c in IDENTITY_CASES])
async def test_platform_identity_is_forwarded(front: str, fixture: str, expected: dict[str, Any]) -> None:
    handler, echo = make_handler(front)
    await handler.handle_async(make_event(front, fixture=fixture, body=LIST), FakeLambdaContext())
    caller = echo.requests[0].caller
    assert _contains(caller, expected), caller


@pytest.mark.anyio
@pytest.mark.parametrize("front", ["rest_api", "http_api", "function_url"])
async def test_unauthenticated_callers_carry_no_identity_claims(front: str) -> None:
    handler, echo = make_handler(front)
    await handler.handle_async(make_event(front, body=LIST), FakeLambdaContext())
    caller = echo.requests[0].caller
    assert caller is not None
    assert not {"claims", "authorizer", "iam"} & set(caller)


@pytest.mark.anyio
@pytest.mark.parametrize("front", ["rest_api", "http_api", "function_url"])
async def test_client_headers_cannot_forge_identity(front: str) -> None:
    handler, echo = make_handler(front)
    forged = {
        "Accept": "application/json",
        "Content-Type": "application/json",
        "X-Amzn-Oidc-Identity": "admin",
        "Authorization": "Bearer forged",
        "mcp-lambda-caller": '{"claims": {"sub": "admin"}}',
    }
    await handler.handle_async(make_event(front, headers=forged, body=LIST), FakeLambdaContext())
    caller = echo.requests[0].caller
    assert caller is not None
    assert "admin" not in repr(caller) and "forged" not in repr(caller)


@pytest.mark.anyio
@pytest.mark.parametrize(("front", "fixture"), [("rest_api", "rest_api_cognito"), ("http_api", "http_api_jwt")])
async def test_forward_identity_false_forwards_nothing(front: str, fixture: str) -> None:
    handler, echo = make_handler(front, HttpOptions(forward_identity=False))
    result = await handler.handle_async(make_event(front, fixture=fixture, body=LIST), FakeLambdaContext())
    assert echo.requests[0].caller is None
    assert reply_of(result)["result"]["caller"] is None
