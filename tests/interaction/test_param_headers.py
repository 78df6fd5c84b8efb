"""SEP-2243 ``Mcp-Param-*`` headers, end to end: Function URL event -> HTTP rules -> engine -> real child.

The handshake fixture declares a ``regional`` tool whose ``region`` argument is mirrored
into ``Mcp-Param-Region``. The engine reads the tool schemas from the child once, and the
front door holds the headers to the arguments before the call is forwarded.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mcp_lambda import LambdaFunctionURLEventHandler, StdioServerAdapterRequestHandler
from mcp_lambda.dev.events import function_url_event
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import call, handshake_server

pytestmark = pytest.mark.anyio

ROUTING = [
    ("content-type", "application/json"),
    ("accept", "application/json, text/event-stream"),
    ("mcp-protocol-version", "2026-07-28"),
    ("mcp-method", "tools/call"),
]


async def post(handler: LambdaFunctionURLEventHandler, message: Any, extra: list[tuple[str, str]]) -> tuple[int, Any]:
    event = function_url_event("POST", "/mcp", headers=[*ROUTING, *extra], body=json.dumps(message).encode())
    result = await handler.handle_async(event, FakeLambdaContext())
    return result["statusCode"], json.loads(result["body"]) if result.get("body") else None


CASES = [
    # (arguments, extra headers, expected status, expected error code or None)
    ({"region": "eu-west-1"}, [("mcp-param-region", "eu-west-1")], 200, None),
    ({"region": "eu-west-1"}, [("mcp-param-region", "  eu-west-1 ")], 200, None),  # OWS is not the value
    ({"region": "Zürich"}, [("mcp-param-region", "=?base64?WsO8cmljaA==?=")], 200, None),
    ({"region": "eu-west-1"}, [("mcp-param-region", "us-east-1")], 400, -32020),
    ({"region": "eu-west-1"}, [], 400, -32020),  # argument present, header missing
    ({"note": "x"}, [("mcp-param-region", "eu-west-1")], 400, -32020),  # header without argument
    ({"region": "Hello"}, [("mcp-param-region", "=?base64?SGVsbG8?=")], 400, -32020),  # bad padding
]


@pytest.mark.parametrize(("arguments", "extra", "status", "code"), CASES)
async def test_param_headers_are_held_to_the_arguments(
    arguments: dict[str, Any], extra: list[tuple[str, str]], status: int, code: int | None
) -> None:
    handler = LambdaFunctionURLEventHandler(StdioServerAdapterRequestHandler(handshake_server()))
    message = call(1, "regional", arguments, modern=True)
    got_status, reply = await post(handler, message, [("mcp-name", "regional"), *extra])
    assert got_status == status, reply
    if code is None:
        assert reply["result"]["content"][0]["text"] == f"region={arguments['region']}"
    else:
        assert reply["error"]["code"] == code and reply["id"] == 1


async def test_tools_without_param_headers_are_not_checked_on_a_warm_child() -> None:
    request_handler = StdioServerAdapterRequestHandler(handshake_server(), warm=True)
    handler = LambdaFunctionURLEventHandler(request_handler)
    try:
        for i in range(3):
            status, reply = await post(handler, call(i, "echo", {"text": "plain"}, modern=True), [("mcp-name", "echo")])
            assert status == 200 and reply["result"]["content"][0]["text"] == "plain"
        status, reply = await post(
            handler, call(9, "regional", {"region": "x"}, modern=True), [("mcp-name", "regional")]
        )
        assert status == 400 and reply["error"]["code"] == -32020
    finally:
        await request_handler.aclose()


async def test_a_changed_tool_list_is_read_again() -> None:
    request_handler = StdioServerAdapterRequestHandler(handshake_server(), warm=True)
    handler = LambdaFunctionURLEventHandler(request_handler)
    try:
        status, _ = await post(
            handler,
            call(1, "regional", {"region": "a"}, modern=True),
            [("mcp-name", "regional"), ("mcp-param-region", "a")],
        )
        assert status == 200  # schemas read and cached for this child
        status, _ = await post(handler, call(2, "grow", {}, modern=True), [("mcp-name", "grow")])
        assert status == 200  # the child announced notifications/tools/list_changed
        status, reply = await post(
            handler,
            call(3, "regional2", {"region": "a"}, modern=True),
            [("mcp-name", "regional2"), ("mcp-param-region", "b")],
        )
        assert status == 400 and reply["error"]["code"] == -32020  # checked against the new tool's schema
    finally:
        await request_handler.aclose()
