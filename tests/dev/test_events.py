"""The event builders produce what each front door claims, and proxy results decode back to HTTP."""

from __future__ import annotations

import base64

import pytest

from mcp_lambda.dev import events
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler

DOORS = [APIGatewayProxyEventHandler, APIGatewayProxyEventV2Handler, LambdaFunctionURLEventHandler]
BUILDERS = [events.rest_api_event, events.http_api_event, events.function_url_event]
HEADERS = [("Content-Type", "application/json"), ("Accept", "application/json"), ("X-Dup", "a"), ("X-Dup", "b")]


@pytest.mark.parametrize(("build", "door"), list(zip(BUILDERS, DOORS, strict=True)))
def test_each_builder_is_claimed_by_its_front_door_only(build: events.EventBuilder, door: type) -> None:
    event = build("POST", "/mcp", headers=HEADERS, body=b"{}")
    assert [d for d in DOORS if d.infer(event, None)] == [door]


def test_rest_api_event_shape() -> None:
    event = events.rest_api_event("POST", "/mcp", query="a=1&a=2", headers=HEADERS, body=b'{"x":1}')
    assert event["headers"]["X-Dup"] == "b" and event["multiValueHeaders"]["X-Dup"] == ["a", "b"]
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"]}
    assert event["requestContext"]["path"] == "/prod/mcp"
    assert event["body"] == '{"x":1}' and event["isBase64Encoded"] is False


def test_v2_event_shape_joins_headers_and_splits_cookies() -> None:
    event = events.http_api_event("POST", "/mcp", headers=[*HEADERS, ("Cookie", "a=1; b=2")], body=b"")
    assert event["headers"]["x-dup"] == "a,b"
    assert event["cookies"] == ["a=1", "b=2"] and "cookie" not in event["headers"]
    assert "body" not in event


@pytest.mark.parametrize("build", BUILDERS)
def test_binary_bodies_are_base64(build: events.EventBuilder) -> None:
    event = build("POST", "/mcp", headers=[("Content-Type", "application/octet-stream")], body=b"\x00\xff")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\xff"
    event = build("POST", "/mcp", headers=[("Content-Type", "application/json")], body=b"\xff")
    assert event["isBase64Encoded"] is True


def test_injected_authorizer() -> None:
    event = events.http_api_event("POST", "/", authorizer={"jwt": {"claims": {"sub": "a"}, "scopes": []}})
    assert event["requestContext"]["authorizer"]["jwt"]["claims"] == {"sub": "a"}


def test_proxy_result_back_to_http() -> None:
    result = {
        "statusCode": 201,
        "headers": {"A": "1"},
        "multiValueHeaders": {"B": ["2", "3"]},
        "cookies": ["c=1"],
        "body": base64.b64encode(b"\x01").decode(),
        "isBase64Encoded": True,
    }
    assert events.http_from_proxy_result(result) == (
        201,
        [("a", "1"), ("b", "2"), ("b", "3"), ("set-cookie", "c=1")],
        b"\x01",
    )
    assert events.http_from_proxy_result({"hello": "x"})[0] == 200
