"""REST API front door (payload 1.0): recognising events, reading them, and the result shape."""

from __future__ import annotations

import pytest

from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler
from tests.conftest import EVENTS_DIR, FakeLambdaContext, load_event
from tests.handlers.http_support import make_event, make_handler, reply_of

HTTP_DOORS = {
    "rest_api": APIGatewayProxyEventHandler,
    "http_api": APIGatewayProxyEventV2Handler,
    "function_url": LambdaFunctionURLEventHandler,
}
ALB_EVENT = {
    "requestContext": {
        "elb": {"targetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1"}
    },
    "httpMethod": "POST",
    "path": "/mcp",
    "headers": {},
    "body": "",
    "isBase64Encoded": False,
}


@pytest.mark.parametrize("fixture", sorted(p.stem for p in EVENTS_DIR.glob("*.json")))
def test_each_fixture_is_claimed_by_at_most_one_http_front_door(fixture: str) -> None:
    event = load_event(fixture)
    claimed = [name for name, cls in HTTP_DOORS.items() if cls.infer(event, None)]
    expected = [name for name in HTTP_DOORS if fixture == name or fixture.startswith(name + "_")]
    assert claimed == expected


@pytest.mark.parametrize("event", [ALB_EVENT, {"httpMethod": "POST"}, None, [], "x", {"version": "2.0"}])
def test_not_a_rest_event(event: object) -> None:
    assert not APIGatewayProxyEventHandler.infer(event, None)


@pytest.mark.anyio
async def test_result_shape() -> None:
    handler, _ = make_handler("rest_api")
    result = await handler.handle_async(load_event("rest_api"), FakeLambdaContext())
    assert set(result) == {"statusCode", "headers", "body", "isBase64Encoded"}
    assert result["statusCode"] == 200 and result["isBase64Encoded"] is False
    assert result["headers"]["content-type"] == "application/json"
    assert reply_of(result)["result"]["method"] == "tools/list"


@pytest.mark.anyio
async def test_repeated_headers_from_multi_value_headers_are_joined() -> None:
    handler, _ = make_handler("rest_api")
    event = make_event("rest_api", body={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    # API Gateway puts the last value in `headers` and every value in `multiValueHeaders`.
    event["headers"]["Accept"] = "application/json"
    event["multiValueHeaders"]["Accept"] = ["text/html", "application/json"]
    assert (await handler.handle_async(event, FakeLambdaContext()))["statusCode"] == 200
    event["headers"]["Accept"] = "text/html"
    event["multiValueHeaders"]["Accept"] = ["text/html"]
    assert (await handler.handle_async(event, FakeLambdaContext()))["statusCode"] == 406


@pytest.mark.anyio
async def test_malformed_event_is_400_not_an_exception() -> None:
    handler, echo = make_handler("rest_api")
    event = load_event("rest_api")
    event["body"] = {"not": "a string"}
    result = await handler.handle_async(event, FakeLambdaContext())
    assert result["statusCode"] == 400 and reply_of(result)["error"]["code"] == -32600
    assert echo.requests == []


def test_sync_entry_point() -> None:
    handler, _ = make_handler("rest_api")
    assert handler.handle(load_event("rest_api"), FakeLambdaContext())["statusCode"] == 200
