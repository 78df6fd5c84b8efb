"""HTTP API front door (payload 2.0): recognising events, stages, and the result shape."""

from __future__ import annotations

import pytest

from mcp_lambda.handlers import oauth
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.http import HttpOptions
from tests.conftest import FakeLambdaContext, load_event
from tests.handlers.http_support import make_event, make_handler, reply_of


def test_infers_http_api_but_not_function_url() -> None:
    assert APIGatewayProxyEventV2Handler.infer(load_event("http_api"), None)
    assert not APIGatewayProxyEventV2Handler.infer(load_event("function_url"), None)
    assert not APIGatewayProxyEventV2Handler.infer(load_event("rest_api"), None)
    assert not APIGatewayProxyEventV2Handler.infer({"version": "2.0", "requestContext": {"http": {}}}, None)


@pytest.mark.anyio
async def test_result_shape() -> None:
    handler, _ = make_handler("http_api")
    result = await handler.handle_async(load_event("http_api"), FakeLambdaContext())
    assert set(result) == {"statusCode", "headers", "body", "isBase64Encoded"}
    assert result["statusCode"] == 200 and result["headers"]["content-type"] == "application/json"


@pytest.mark.anyio
async def test_named_stage_moves_from_path_to_base_url() -> None:
    config = oauth.ProtectedResourceMetadata(authorization_servers=["https://auth.example.com"])
    handler, _ = make_handler("http_api", HttpOptions(oauth=config))
    event = make_event("http_api", method="GET", headers={}, path="/prod" + oauth.WELL_KNOWN_PATH + "/mcp")
    event["requestContext"]["stage"] = "prod"
    doc = reply_of(await handler.handle_async(event, FakeLambdaContext()))
    assert doc["resource"] == "https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod/mcp"


@pytest.mark.anyio
async def test_cookies_do_not_disturb_the_request() -> None:
    handler, _ = make_handler("http_api")
    event = load_event("http_api")
    event["cookies"] = ["session=abc", "theme=dark"]
    assert (await handler.handle_async(event, FakeLambdaContext()))["statusCode"] == 200
