"""CORS preflight and response headers, and the Origin allow-list (DNS-rebinding protection)."""

from __future__ import annotations

import pytest

from mcp_lambda.handlers.cors import CorsPolicy
from mcp_lambda.http import HttpOptions
from tests.conftest import FakeLambdaContext
from tests.handlers.http_support import FRONT_DOORS, header, make_event, make_handler

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
APP = "https://app.example.com"
POLICY = CorsPolicy(allow_origins=[APP])


def _preflight(origin: str, requested: str = "content-type, mcp-protocol-version") -> dict[str, str]:
    return {"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": requested}


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_preflight_from_allowed_origin(front: str) -> None:
    handler, echo = make_handler(front, HttpOptions(cors=POLICY))
    requested = "content-type, mcp-protocol-version, mcp-param-region, x-evil"
    event = make_event(front, method="OPTIONS", headers=_preflight(APP, requested))
    result = await handler.handle_async(event, FakeLambdaContext())
    assert result["statusCode"] == 204 and result["body"] == ""
    assert header(result, "access-control-allow-origin") == APP
    assert header(result, "access-control-allow-methods") == "OPTIONS, POST"
    assert header(result, "access-control-allow-headers") == "content-type, mcp-protocol-version, mcp-param-region"
    assert header(result, "access-control-max-age") == "600"
    assert echo.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
@pytest.mark.parametrize("options", [HttpOptions(cors=POLICY), HttpOptions()], ids=["other-origin", "no-policy"])
async def test_preflight_grants_nothing_otherwise(front: str, options: HttpOptions) -> None:
    handler, _ = make_handler(front, options)
    event = make_event(front, method="OPTIONS", headers=_preflight("https://evil.example"))
    result = await handler.handle_async(event, FakeLambdaContext())
    assert result["statusCode"] == 204
    assert header(result, "allow") == "OPTIONS, POST"
    assert header(result, "access-control-allow-origin") is None


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_responses_carry_cors_headers_for_allowed_origin(front: str) -> None:
    handler, _ = make_handler(front, HttpOptions(cors=POLICY))
    headers = {"Accept": "application/json", "Content-Type": "application/json", "Origin": APP}
    result = await handler.handle_async(make_event(front, headers=headers, body=LIST), FakeLambdaContext())
    assert header(result, "access-control-allow-origin") == APP
    assert "mcp-session-id" in (header(result, "access-control-expose-headers") or "")
    headers["Origin"] = "https://evil.example"
    result = await handler.handle_async(make_event(front, headers=headers, body=LIST), FakeLambdaContext())
    assert header(result, "access-control-allow-origin") is None


def test_wildcard_must_be_explicit_and_not_with_credentials() -> None:
    assert CorsPolicy(allow_origins=["*"]).allowed_origin("https://any.example") == "*"
    assert CorsPolicy(allow_origins=[APP]).allowed_origin("https://any.example") is None
    with pytest.raises(ValueError, match="wildcard"):
        CorsPolicy(allow_origins=["*"], allow_credentials=True)
    with pytest.raises(TypeError):
        CorsPolicy(allow_origins="*")


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_origin_allow_list(front: str) -> None:
    handler, echo = make_handler(front, HttpOptions(allowed_origins=[APP]))
    base = {"Accept": "application/json", "Content-Type": "application/json"}
    for origin, status in [(APP, 200), ("https://evil.example", 403), (None, 200)]:
        headers = dict(base) if origin is None else {**base, "Origin": origin}
        result = await handler.handle_async(make_event(front, headers=headers, body=LIST), FakeLambdaContext())
        assert result["statusCode"] == status
    assert len(echo.requests) == 2


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_origin_is_not_checked_by_default(front: str) -> None:
    handler, _ = make_handler(front)
    headers = {"Accept": "application/json", "Content-Type": "application/json", "Origin": "https://evil.example"}
    result = await handler.handle_async(make_event(front, headers=headers, body=LIST), FakeLambdaContext())
    assert result["statusCode"] == 200
