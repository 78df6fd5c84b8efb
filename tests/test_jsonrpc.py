"""JSON-RPC classification, and error codes pinned to the SDK's."""

from __future__ import annotations

from typing import Any

import pytest
from mcp_types import jsonrpc as sdk

from mcp_lambda import jsonrpc
from mcp_lambda.jsonrpc import MessageKind, classify


def test_error_codes_match_the_sdk() -> None:
    for name in (
        "PARSE_ERROR",
        "INVALID_REQUEST",
        "METHOD_NOT_FOUND",
        "INVALID_PARAMS",
        "INTERNAL_ERROR",
        "REQUEST_TIMEOUT",
        "HEADER_MISMATCH",
        "UNSUPPORTED_PROTOCOL_VERSION",
    ):
        assert getattr(jsonrpc, name) == getattr(sdk, name), name


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ({"jsonrpc": "2.0", "id": 1, "method": "m"}, MessageKind.REQUEST),
        ({"jsonrpc": "2.0", "id": "a", "method": "m", "params": {}}, MessageKind.REQUEST),
        ({"jsonrpc": "2.0", "method": "m"}, MessageKind.NOTIFICATION),
        ({"jsonrpc": "2.0", "id": 1, "result": {}}, MessageKind.RESPONSE),
        ({"jsonrpc": "2.0", "id": 1, "error": {"code": 1, "message": "x"}}, MessageKind.RESPONSE),
        ({"jsonrpc": "2.0", "id": None, "method": "m"}, MessageKind.INVALID),
        ({"jsonrpc": "2.0", "id": True, "method": "m"}, MessageKind.INVALID),
        ({"jsonrpc": "2.0", "id": [1], "method": "m"}, MessageKind.INVALID),
        ({"jsonrpc": "2.0", "id": 1, "method": 5}, MessageKind.INVALID),
        ({"jsonrpc": "2.0", "id": 1, "method": "m", "params": "x"}, MessageKind.INVALID),
        ({"jsonrpc": "2.0", "id": 1, "result": {}, "error": {}}, MessageKind.INVALID),
        ({"jsonrpc": "1.0", "id": 1, "method": "m"}, MessageKind.INVALID),
        ({"id": 1, "method": "m"}, MessageKind.INVALID),
        ([], MessageKind.INVALID),
        ("x", MessageKind.INVALID),
    ],
)
def test_classify(message: Any, kind: MessageKind) -> None:
    assert classify(message) is kind


def test_error_reply_shape() -> None:
    assert jsonrpc.error_reply(3, -1, "m") == {"jsonrpc": "2.0", "id": 3, "error": {"code": -1, "message": "m"}}
    assert jsonrpc.error_reply(None, -1, "m", {"d": 1})["error"]["data"] == {"d": 1}
