"""HTTP request -> Lambda event shapes, and function result -> HTTP response, per front (no process)."""

from __future__ import annotations

import base64
import json

import pytest

from mcp_lambda.dev.fronts import CODECS, split_front
from mcp_lambda.dev.http11 import Request
from mcp_lambda.dev.runtime_api import InvokeResult


def _request(body: bytes = b'{"a":1}', content_type: str = "application/json", target: str = "/mcp?x=1&x=2") -> Request:
    headers = [
        ("host", "127.0.0.1:9000"),
        ("content-type", content_type),
        ("cookie", "s=1; t=2"),
        ("x-m", "a"),
        ("x-m", "b"),
    ]
    return Request("POST", target, headers, body, peer="127.0.0.1:5555")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/url/mcp", ("url", "/mcp", "$default")),
        ("/httpapi/a/b", ("httpapi", "/a/b", "$default")),
        ("/restapi/prod/mcp", ("restapi", "/mcp", "prod")),
        ("/mcp", ("url", "/mcp", "$default")),
    ],
)
def test_split_front(path: str, expected: tuple[str, str, str]) -> None:
    assert split_front(path, "url") == expected


def test_rest_api_event_is_payload_v1_with_multi_values_and_authorizer() -> None:
    event = CODECS["restapi"].to_event(_request(), path="/mcp", stage="prod", authorizer={"principalId": "u1"})
    assert event["httpMethod"] == "POST"
    assert event["path"] == "/mcp"
    assert event["multiValueHeaders"]["x-m"] == ["a", "b"]
    assert event["headers"]["x-m"] == "b"
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"]}
    assert event["requestContext"]["stage"] == "prod"
    assert event["requestContext"]["path"] == "/prod/mcp"
    assert event["requestContext"]["authorizer"] == {"principalId": "u1"}
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert (event["body"], event["isBase64Encoded"]) == ('{"a":1}', False)


@pytest.mark.parametrize("front", ["url", "httpapi"])
def test_v2_event_has_cookies_joined_values_and_injected_jwt_claims(front: str) -> None:
    authorizer = {"jwt": {"claims": {"sub": "alice"}, "scopes": None}}
    event = CODECS[front].to_event(_request(), path="/mcp", stage="$default", authorizer=authorizer)
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/mcp"
    assert event["rawQueryString"] == "x=1&x=2"
    assert event["queryStringParameters"] == {"x": "1,2"}
    assert event["headers"]["x-m"] == "a,b"
    assert "cookie" not in event["headers"]
    assert event["cookies"] == ["s=1", "t=2"]
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["authorizer"] == authorizer
    assert (event["body"], event["isBase64Encoded"]) == ('{"a":1}', False)


def test_binary_bodies_are_base64_encoded() -> None:
    raw = bytes(range(256))
    v2 = CODECS["url"].to_event(_request(raw, "application/octet-stream"), path="/", stage="$default", authorizer=None)
    v1 = CODECS["restapi"].to_event(_request(raw, "application/octet-stream"), path="/", stage="dev", authorizer=None)
    for event in (v1, v2):
        assert event["isBase64Encoded"] is True
        assert base64.b64decode(event["body"]) == raw


def _result(value: object, error: str | None = None) -> InvokeResult:
    return InvokeResult("id", json.dumps(value).encode(), error, 1.0)


def test_proxy_result_becomes_the_http_response() -> None:
    value = {
        "statusCode": 202,
        "headers": {"Content-Type": "text/plain", "Content-Length": "999"},
        "multiValueHeaders": {"X-Multi": ["1", "2"]},
        "cookies": ["c=1"],
        "body": base64.b64encode(b"\x00\x01").decode(),
        "isBase64Encoded": True,
    }
    response = CODECS["url"].to_response(_result(value))
    assert response.status == 202
    assert response.body == b"\x00\x01"
    assert ("content-type", "text/plain") in response.headers
    assert [v for k, v in response.headers if k == "x-multi"] == ["1", "2"]
    assert ("set-cookie", "c=1") in response.headers
    assert all(k != "content-length" for k, _ in response.headers)  # the server frames the body itself


def test_v2_serves_a_bare_json_result_but_v1_does_not() -> None:
    assert CODECS["httpapi"].to_response(_result({"hello": 1})).status == 200
    assert CODECS["httpapi"].to_response(_result({"hello": 1})).body == b'{"hello": 1}'
    assert CODECS["restapi"].to_response(_result({"hello": 1})).status == 502


def test_function_error_is_a_502() -> None:
    assert CODECS["url"].to_response(_result({"errorMessage": "x"}, "Unhandled")).status == 502
