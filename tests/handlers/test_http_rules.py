"""The MCP streamable HTTP rules, as a data matrix run against all three HTTP front doors.

Each case edits the front door's real event fixture (method, headers, body) and
states the expected status, JSON-RPC error code and body shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from mcp_lambda.http import HttpOptions
from tests.conftest import FakeLambdaContext
from tests.handlers.http_support import FRONT_DOORS, MODERN_META, header, make_event, make_handler, reply_of

JSON_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
NOTE = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def modern(method: str, id_: Any = 7, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": id_, "method": method, "params": {"_meta": MODERN_META, **params}}


def modern_headers(method: str, name: str | None = None) -> dict[str, str]:
    headers = {**JSON_HEADERS, "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": method}
    if name is not None:
        headers["Mcp-Name"] = name
    return headers


@dataclass
class Case:
    """One HTTP exchange and what must come back."""

    id: str
    body: Any = field(default_factory=lambda: LIST)
    headers: dict[str, str] = field(default_factory=lambda: dict(JSON_HEADERS))
    method: str = "POST"
    b64: bool = False
    status: int = 200
    code: int | None = None  # JSON-RPC error code expected in the (single) reply
    shape: str = "object"  # object | array | empty
    reply_id: Any = 1
    allow: str | None = None  # expected Allow header


def _with(**changes: str) -> dict[str, str]:
    headers = dict(JSON_HEADERS)
    for name, value in changes.items():
        name = name.replace("_", "-")
        if value == "":
            headers.pop(name, None)
        else:
            headers[name] = value
    return headers


CASES = [
    Case("post-json"),
    Case("accept-any", headers=_with(Accept="*/*")),
    Case("accept-application-wildcard", headers=_with(Accept="application/*")),
    Case("accept-json-only", headers=_with(Accept="application/json")),
    Case("accept-missing", headers=_with(Accept="")),
    Case("accept-sse-only", headers=_with(Accept="text/event-stream"), status=406, code=-32600, reply_id=None),
    Case("accept-html", headers=_with(Accept="text/html"), status=406, code=-32600, reply_id=None),
    Case("accept-json-q0", headers=_with(Accept="application/json;q=0"), status=406, code=-32600, reply_id=None),
    Case("content-type-charset", headers=_with(Content_Type="application/json; charset=utf-8")),
    Case("content-type-text", headers=_with(Content_Type="text/plain"), status=415, code=-32600, reply_id=None),
    Case(
        "content-type-form",
        headers=_with(Content_Type="application/x-www-form-urlencoded"),
        status=415,
        code=-32600,
        reply_id=None,
    ),
    Case("content-type-missing-is-tolerated", headers=_with(Content_Type="")),
    Case("get", method="GET", body=None, status=405, code=-32600, reply_id=None, allow="OPTIONS, POST"),
    Case("delete", method="DELETE", body=None, status=405, code=-32600, reply_id=None, allow="OPTIONS, POST"),
    Case("put", method="PUT", status=405, code=-32600, reply_id=None, allow="OPTIONS, POST"),
    Case("patch", method="PATCH", status=405, code=-32600, reply_id=None, allow="OPTIONS, POST"),
    Case("base64-body", b64=True),
    Case("empty-body", body=None, status=400, code=-32700, reply_id=None),
    Case("invalid-json", body='{"jsonrpc": "2.0", "id": 1,', status=400, code=-32700, reply_id=None),
    Case("json-scalar", body=42, status=400, code=-32600, reply_id=None),
    Case("not-jsonrpc", body={"hello": "world"}, status=400, code=-32600, reply_id=None),
    Case("wrong-version", body={"jsonrpc": "1.0", "id": 3, "method": "x"}, status=400, code=-32600, reply_id=3),
    Case(
        "null-id", body={"jsonrpc": "2.0", "id": None, "method": "tools/list"}, status=400, code=-32600, reply_id=None
    ),
    Case("empty-batch", body=[], status=400, code=-32600, reply_id=None),
    Case("batch-with-invalid-member", body=[LIST, {"id": 2}], status=400, code=-32600, reply_id=None),
    Case("notification-only", body=NOTE, status=202, shape="empty"),
    Case("response-only", body={"jsonrpc": "2.0", "id": "s1", "result": {}}, status=202, shape="empty"),
    Case("batch", body=[LIST, NOTE, {**LIST, "id": 2}], shape="array"),
    Case("handshake-version-header", headers=_with(MCP_Protocol_Version="2025-11-25")),
    Case(
        "unknown-version-header",
        headers=_with(MCP_Protocol_Version="1999-01-01"),
        status=400,
        code=-32022,
        reply_id=1,
    ),
    Case("session-headers-are-harmless", headers=_with(Mcp_Session_Id="abc123", Last_Event_ID="9")),
    Case(
        "handshake-error-is-200",
        body={"jsonrpc": "2.0", "id": 1, "method": "test/error", "params": {"code": -32601}},
        code=-32601,
    ),
    Case("modern-ok", body=modern("tools/list"), headers=modern_headers("tools/list"), reply_id=7),
    # SEP-2243: 2026-07-28 routing headers must be present, so intermediaries can route on them.
    Case("modern-headers-omitted", body=modern("tools/list"), status=400, code=-32020, reply_id=7),
    Case(
        "modern-method-mismatch",
        body=modern("tools/list"),
        headers=modern_headers("prompts/list"),
        status=400,
        code=-32020,
        reply_id=7,
    ),
    Case(
        "modern-name-mismatch",
        body=modern("tools/call", name="get_time", arguments={}),
        headers=modern_headers("tools/call", "other_tool"),
        status=400,
        code=-32020,
        reply_id=7,
    ),
    Case(
        "modern-name-match",
        body=modern("tools/call", name="get_time", arguments={}),
        headers=modern_headers("tools/call", "get_time"),
        reply_id=7,
    ),
    Case(
        "modern-version-header-mismatch",
        body=modern("tools/list"),
        headers={**modern_headers("tools/list"), "MCP-Protocol-Version": "2025-11-25"},
        status=400,
        code=-32020,
        reply_id=7,
    ),
    Case(
        "modern-missing-capabilities",
        body={
            "jsonrpc": "2.0",
            "id": 7,
            "method": "tools/list",
            "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}},
        },
        status=400,
        code=-32602,
        reply_id=7,
    ),
    Case(
        "modern-unsupported-envelope-version",
        body={
            "jsonrpc": "2.0",
            "id": 7,
            "method": "tools/list",
            "params": {"_meta": {**MODERN_META, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}},
        },
        headers={**modern_headers("tools/list"), "MCP-Protocol-Version": "2099-01-01"},
        status=400,
        code=-32022,
        reply_id=7,
    ),
    Case(
        "modern-method-not-found-is-404",
        body=modern("test/error", code=-32601),
        headers=modern_headers("test/error"),
        status=404,
        code=-32601,
        reply_id=7,
    ),
    Case(
        "modern-invalid-params-is-400",
        body=modern("test/error", code=-32602),
        headers=modern_headers("test/error"),
        status=400,
        code=-32602,
        reply_id=7,
    ),
    Case(
        "modern-internal-error-is-200",
        body=modern("test/error", code=-32603),
        headers=modern_headers("test/error"),
        status=200,
        code=-32603,
        reply_id=7,
    ),
    Case(
        "server-exception-is-500",
        body={"jsonrpc": "2.0", "id": 1, "method": "test/raise"},
        status=500,
        code=-32603,
        reply_id=None,
    ),
    Case(
        "too-large-for-lambda",
        body={"jsonrpc": "2.0", "id": 1, "method": "test/big", "params": {"size": 7_000_000}},
        code=-32603,
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_http_rule(front: str, case: Case) -> None:
    handler, echo = make_handler(front)
    event = make_event(front, method=case.method, headers=case.headers, body=case.body, b64=case.b64)
    result = await handler.handle_async(event, FakeLambdaContext())

    assert isinstance(result["statusCode"], int) and isinstance(result["body"], str)
    assert result["statusCode"] == case.status, result["body"]
    reply = reply_of(result)
    if case.shape == "empty":
        assert reply is None
        assert echo.requests, "a notification or response must still reach the server"
        return
    assert header(result, "content-type") == "application/json"
    if case.allow is not None:
        assert header(result, "allow") == case.allow
    if case.shape == "array":
        assert [r["id"] for r in reply] == [1, 2]
        return
    assert isinstance(reply, dict) and reply["jsonrpc"] == "2.0"
    assert reply["id"] == case.reply_id
    if case.code is None:
        assert "error" not in reply
    else:
        assert reply["error"]["code"] == case.code
        assert "Traceback" not in result["body"] and "secret internals" not in result["body"]


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_rejected_requests_never_reach_the_server(front: str) -> None:
    handler, echo = make_handler(front)
    for body, headers in [
        ({"jsonrpc": "2.0", "id": None, "method": "tools/call"}, JSON_HEADERS),
        ([LIST, {"jsonrpc": "2.0", "id": None, "method": "x"}], JSON_HEADERS),
        (modern("tools/list"), modern_headers("prompts/list")),
    ]:
        await handler.handle_async(make_event(front, headers=headers, body=body), FakeLambdaContext())
    assert echo.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_unsupported_version_names_what_is_served(front: str) -> None:
    handler, _ = make_handler(front)
    event = make_event(front, headers=_with(MCP_Protocol_Version="2099-01-01"), body=LIST)
    error = reply_of(await handler.handle_async(event, FakeLambdaContext()))["error"]
    assert error["data"]["requested"] == "2099-01-01"
    assert {"2025-11-25", "2026-07-28"} <= set(error["data"]["supported"])


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_forwards_protocol_version_header_and_messages(front: str) -> None:
    handler, echo = make_handler(front)
    event = make_event(front, headers=_with(MCP_Protocol_Version="2025-06-18"), body=[LIST, NOTE])
    await handler.handle_async(event, FakeLambdaContext())
    (request,) = echo.requests
    assert request.protocol_version == "2025-06-18"
    assert list(request.messages) == [LIST, NOTE]


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_too_large_reply_says_so_with_the_request_id(front: str) -> None:
    handler, _ = make_handler(front, HttpOptions(max_response_bytes=10_000))
    body = {"jsonrpc": "2.0", "id": "big", "method": "test/big", "params": {"size": 20_000}}
    reply = reply_of(await handler.handle_async(make_event(front, body=body), FakeLambdaContext()))
    assert reply["id"] == "big"
    assert "too large" in reply["error"]["message"] and "10000" in reply["error"]["message"]


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_exception_is_logged_with_request_id(front: str, caplog: pytest.LogCaptureFixture) -> None:
    handler, _ = make_handler(front)
    context = FakeLambdaContext()
    await handler.handle_async(make_event(front, body={"jsonrpc": "2.0", "id": 1, "method": "test/raise"}), context)
    assert any(context.aws_request_id in r.getMessage() for r in caplog.records if r.levelname == "ERROR")


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_a_handler_that_overruns_the_deadline_gets_a_timeout_reply(front: str) -> None:
    import asyncio

    class Stuck:
        async def handle_request(self, request: Any) -> list[Any]:
            await asyncio.sleep(30)
            return []

        async def aclose(self) -> None:
            return None

    cls, _ = FRONT_DOORS[front]
    handler = cls(Stuck())
    result = await handler.handle_async(make_event(front, body=LIST), FakeLambdaContext(timeout_ms=200))
    assert reply_of(result)["error"]["code"] == -32001


@pytest.mark.anyio
@pytest.mark.parametrize("front", list(FRONT_DOORS))
async def test_body_flagged_base64_that_is_not_base64_is_a_parse_error(front: str) -> None:
    handler, echo = make_handler(front)
    event = make_event(front, body=LIST)
    event["body"], event["isBase64Encoded"] = "%%%not base64%%%", True
    result = await handler.handle_async(event, FakeLambdaContext())
    assert result["statusCode"] == 400
    assert reply_of(result)["error"]["code"] == -32700
    assert echo.requests == []
