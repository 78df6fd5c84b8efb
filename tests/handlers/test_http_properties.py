"""Property: no event, header set or body makes an HTTP front door raise or return a malformed result."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FakeLambdaContext
from tests.handlers.http_support import FRONT_DOORS, make_event, make_handler

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
header_names = st.sampled_from(
    [
        "accept",
        "content-type",
        "mcp-protocol-version",
        "mcp-method",
        "mcp-name",
        "origin",
        "authorization",
        "mcp-session-id",
        "host",
        "access-control-request-headers",
    ]
) | st.text(max_size=12)
header_values = st.sampled_from(
    ["application/json", "*/*", "text/event-stream", "2026-07-28", "2025-11-25", "tools/call", "", "=?base64?!!?="]
) | st.text(max_size=30)
messages = st.fixed_dictionaries(
    {"jsonrpc": st.sampled_from(["2.0", "1.0"]), "method": st.sampled_from(["tools/list", "tools/call", "x"])},
    optional={"id": json_values, "params": json_values},
)
bodies = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64),
    messages.map(json.dumps),
    st.lists(messages, max_size=3).map(json.dumps),
    json_values.map(json.dumps),
)


def _run(handler: Any, event: Any) -> Any:
    return asyncio.run(handler.handle_async(event, FakeLambdaContext()))


def _well_formed(result: Any) -> None:
    assert isinstance(result, dict)
    assert isinstance(result["statusCode"], int) and 200 <= result["statusCode"] < 600
    assert isinstance(result["body"], str)
    assert isinstance(result["headers"], dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in result["headers"].items())
    assert result["isBase64Encoded"] is False
    json.dumps(result)
    if result["statusCode"] == 500:
        assert "Traceback" not in result["body"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    front=st.sampled_from(list(FRONT_DOORS)),
    method=st.sampled_from(["POST", "GET", "OPTIONS", "DELETE", "post", ""]) | st.text(max_size=8),
    headers=st.dictionaries(header_names, header_values, max_size=6),
    body=bodies,
    b64=st.booleans(),
)
def test_any_request_gets_a_well_formed_result(
    front: str, method: str, headers: dict[str, str], body: Any, b64: bool
) -> None:
    handler, _ = make_handler(front)
    _well_formed(_run(handler, make_event(front, method=method, headers=headers, body=body, b64=b64)))


def _mutations(event: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    keys = sorted(set(event) | {"requestContext", "headers", "body", "multiValueHeaders", "isBase64Encoded"})
    return st.dictionaries(st.sampled_from(keys), json_values, max_size=4).map(lambda changes: {**event, **changes})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), front=st.sampled_from(list(FRONT_DOORS)))
def test_any_event_shape_gets_a_well_formed_result(data: st.DataObject, front: str) -> None:
    handler, _ = make_handler(front)
    event = data.draw(_mutations(make_event(front, body={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})))
    _well_formed(_run(handler, event))
    _well_formed(_run(handler, data.draw(json_values)))
