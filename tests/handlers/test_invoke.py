"""The direct Invoke front door: raw JSON-RPC in, raw JSON-RPC out."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_lambda import LambdaInvokeEventHandler, StdioServerAdapterRequestHandler, stdio_server_adapter
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import call, handshake_server, initialize, text_of


def test_single_message_returns_one_reply() -> None:
    reply = stdio_server_adapter(handshake_server(), call(1, "echo", {"text": "hi"}), FakeLambdaContext())
    assert reply["id"] == 1 and text_of(reply) == "hi"


def test_batch_returns_a_list_in_order() -> None:
    replies = stdio_server_adapter(
        handshake_server(),
        [initialize(1), {"jsonrpc": "2.0", "method": "notifications/initialized"}, call(2, "echo", {"text": "b"})],
        FakeLambdaContext(),
    )
    assert [r["id"] for r in replies] == [1, 2]


@pytest.mark.parametrize(
    "payload",
    [
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        [{"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}}],
    ],
)
def test_notifications_only_return_none(payload: Any) -> None:
    assert stdio_server_adapter(handshake_server(), payload, FakeLambdaContext()) is None


@pytest.mark.parametrize("payload", [[], "text", 42, None])
def test_non_jsonrpc_payloads_get_invalid_request(payload: Any) -> None:
    reply = stdio_server_adapter(handshake_server(), payload, FakeLambdaContext())
    assert reply["error"]["code"] == -32600 and reply["id"] is None


def test_handler_instance_is_a_lambda_handler() -> None:
    handler = LambdaInvokeEventHandler(StdioServerAdapterRequestHandler(handshake_server()))
    reply = handler(call("x", "echo", {"text": "called"}), FakeLambdaContext())
    assert text_of(reply) == "called"


@pytest.mark.parametrize(
    ("event", "claimed"),
    [
        ({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, True),
        ([{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}], True),
        ([], False),
        ({"httpMethod": "POST", "body": "{}"}, False),
        ({"version": "2.0", "requestContext": {"http": {"method": "POST"}}}, False),
        ({"timezone": "UTC"}, False),
    ],
)
def test_infer(event: Any, claimed: bool) -> None:
    assert LambdaInvokeEventHandler.infer(event, None) is claimed


def test_a_result_over_the_lambda_limit_becomes_an_error() -> None:
    handler = LambdaInvokeEventHandler(StdioServerAdapterRequestHandler(handshake_server()), max_response_bytes=2000)
    replies = handler([call(1, "echo", {"text": "x" * 5000}), call(2, "echo", {"text": "y"})], FakeLambdaContext())
    assert [r["id"] for r in replies] == [1, 2]
    assert all(r["error"]["code"] == -32603 and "Response too large" in r["error"]["message"] for r in replies)
    small = handler(call(3, "echo", {"text": "fits"}), FakeLambdaContext())
    assert text_of(small) == "fits"
