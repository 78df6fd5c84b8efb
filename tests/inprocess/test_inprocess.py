"""`MCPServerRequestHandler` driven directly (`handle_request`) and through a front door's sync `handle()`."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from mcp_lambda.dev import events
from mcp_lambda.engine.inprocess import MCPServerRequestHandler, caller_identity
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.invoke import LambdaInvokeEventHandler
from mcp_lambda.jsonrpc import REQUEST_TIMEOUT
from mcp_lambda.types import CALLER_META_KEY, MCPRequest
from tests.conftest import FakeLambdaContext
from tests.inprocess.servers import LifespanLog, counting_server, lowlevel_server

MODERN = "2026-07-28"
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
}


def call(
    request_id: int, tool: str, arguments: dict[str, Any] | None = None, *, modern: bool = False
) -> dict[str, Any]:
    params: dict[str, Any] = {"name": tool, "arguments": arguments or {}}
    if modern:
        params["_meta"] = dict(ENVELOPE)
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def text_of(reply: dict[str, Any]) -> str:
    assert "result" in reply, reply
    return str(reply["result"]["content"][0]["text"])


@pytest.mark.anyio
async def test_both_eras_without_a_handshake_on_record() -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()))
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
    }
    discover = {"jsonrpc": "2.0", "id": 2, "method": "server/discover", "params": {"_meta": dict(ENVELOPE)}}
    replies = await handler.handle_request(
        MCPRequest(messages=[init, {"jsonrpc": "2.0", "method": "notifications/initialized"}, discover])
    )
    assert [r["id"] for r in replies] == [1, 2]
    assert replies[0]["result"]["protocolVersion"] == "2025-06-18"
    assert replies[0]["result"]["serverInfo"] == {"name": "inprocess-fixture", "version": "9.9.9"}
    assert MODERN in replies[1]["result"]["supportedVersions"]
    legacy, modern = await handler.handle_request(
        MCPRequest(messages=[call(3, "count"), call(4, "count", modern=True)])
    )
    assert (text_of(legacy), text_of(modern)) == ("1", "2")
    assert "resultType" not in legacy["result"]  # handshake-era result shape
    assert modern["result"]["resultType"] == "complete"
    await handler.aclose()


@pytest.mark.anyio
async def test_handshake_requests_run_at_the_hinted_or_latest_revision() -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()))
    hinted, unhinted = [
        (await handler.handle_request(MCPRequest(messages=[call(1, "protocol")], protocol_version=hint)))[0]
        for hint in ("2025-03-26", None)
    ]
    (modern,) = await handler.handle_request(MCPRequest(messages=[call(2, "protocol", modern=True)]))
    assert (text_of(hinted), text_of(unhinted), text_of(modern)) == ("2025-03-26", "2025-11-25", MODERN)
    await handler.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("modern", [False, True])
async def test_caller_identity_reaches_the_tool_and_cannot_be_forged(modern: bool) -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()))
    forged = call(1, "whoami", modern=modern)
    forged["params"].setdefault("_meta", {})[CALLER_META_KEY] = {"claims": {"sub": "mallory"}}
    (reply,) = await handler.handle_request(MCPRequest(messages=[forged], caller={"claims": {"sub": "alice"}}))
    assert json.loads(text_of(reply)) == {"claims": {"sub": "alice"}}
    (reply,) = await handler.handle_request(MCPRequest(messages=[forged]))
    assert json.loads(text_of(reply)) is None
    await handler.aclose()


def test_caller_identity_helper_ignores_non_objects() -> None:
    assert caller_identity(None) is None
    assert caller_identity({CALLER_META_KEY: "alice"}) is None
    assert caller_identity({CALLER_META_KEY: {"sub": "a"}}) == {"sub": "a"}


@pytest.mark.anyio
async def test_lambda_context_reaches_tools_through_the_request_context() -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()))
    context = FakeLambdaContext(aws_request_id="req-42")
    (reply,) = await handler.handle_request(MCPRequest(messages=[call(1, "lambda_request_id")], context=context))
    assert text_of(reply) == "req-42"
    await handler.aclose()


@pytest.mark.anyio
async def test_lowlevel_server_is_served() -> None:
    handler = MCPServerRequestHandler(lowlevel_server())
    listed, shouted = await handler.handle_request(
        MCPRequest(
            messages=[
                {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": dict(ENVELOPE)}},
                {
                    "jsonrpc": "2.0",
                    "id": 2,
                    "method": "tools/call",
                    "params": {"name": "shout", "arguments": {"text": "hi"}},
                },
            ]
        )
    )
    assert [t["name"] for t in listed["result"]["tools"]] == ["shout"]
    assert text_of(shouted) == "HI"
    await handler.aclose()


def test_rejects_what_is_not_a_server() -> None:
    with pytest.raises(TypeError, match="MCPServer"):
        MCPServerRequestHandler(object())  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_protocol_errors_are_replies_not_exceptions() -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()))
    half_envelope = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/list",
        "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": MODERN}},
    }
    unknown = {"jsonrpc": "2.0", "id": 2, "method": "no/such/method"}
    bad_version = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "tools/list",
        "params": {"_meta": {**ENVELOPE, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}},
    }
    elicit = call(4, "ask", modern=True)
    replies = await handler.handle_request(MCPRequest(messages=[half_envelope, unknown, bad_version, elicit]))
    assert [r["error"]["code"] for r in replies[:3]] == [-32602, -32601, -32022]
    # A tool that needs a back-channel (elicitation) fails at once, never hangs.
    assert replies[3]["error"]["code"] == -32600
    assert "back-channel" in replies[3]["error"]["message"]
    await handler.aclose()


@pytest.mark.anyio
async def test_deadline_turns_unfinished_requests_into_timeouts() -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()), deadline_margin=0.0)
    context = FakeLambdaContext(timeout_ms=300)
    messages = [call(1, "count"), call(2, "sleep", {"seconds": 5}), call(3, "count")]
    replies = await handler.handle_request(MCPRequest(messages=messages, context=context))
    assert text_of(replies[0]) == "1"
    assert [r["error"]["code"] for r in replies[1:]] == [REQUEST_TIMEOUT, REQUEST_TIMEOUT]
    assert [r["id"] for r in replies] == [1, 2, 3]
    await handler.aclose()


@pytest.mark.anyio
async def test_a_failing_lifespan_is_reported_and_retried() -> None:
    log = LifespanLog(fail_next=[RuntimeError("database down")])
    handler = MCPServerRequestHandler(counting_server(log))
    (reply,) = await handler.handle_request(MCPRequest(messages=[call(1, "count")]))
    assert reply["error"]["code"] == -32603
    assert "database down" not in json.dumps(reply)  # internals stay in the log
    (reply,) = await handler.handle_request(MCPRequest(messages=[call(2, "count")]))
    assert text_of(reply) == "1"
    assert log.entered == 1
    await handler.aclose()
    assert log.exited == 1


@pytest.mark.anyio
async def test_notifications_only_get_no_replies() -> None:
    handler = MCPServerRequestHandler(counting_server(LifespanLog()))
    note = {"jsonrpc": "2.0", "method": "notifications/roots/list_changed"}
    assert await handler.handle_request(MCPRequest(messages=[note])) == []
    await handler.aclose()


def _function_url_event(message: dict[str, Any]) -> dict[str, Any]:
    headers = [("content-type", "application/json"), ("accept", "application/json, text/event-stream")]
    if "_meta" in message.get("params", {}):  # 2026-07-28 routing headers, required over HTTP
        headers += [("mcp-protocol-version", MODERN), ("mcp-method", message["method"])]
        headers.append(("mcp-name", message["params"]["name"]))
    return events.function_url_event("POST", "/mcp", headers=headers, body=json.dumps(message).encode())


def test_hundreds_of_warm_sync_invocations_share_one_lifespan() -> None:
    """The sync Lambda entry point, invocation after invocation, as in one execution environment."""
    log = LifespanLog()
    inner = MCPServerRequestHandler(counting_server(log), prestart=True)
    assert log.entered == 1  # entered during INIT
    url = LambdaFunctionURLEventHandler(inner)
    invoke = LambdaInvokeEventHandler(inner)
    for n in range(1, 301):
        if n % 3 == 0:
            reply = invoke.handle(call(n, "count", modern=n % 2 == 0), FakeLambdaContext())
        else:
            result = url.handle(_function_url_event(call(n, "count", modern=n % 2 == 0)), FakeLambdaContext())
            assert result["statusCode"] == 200
            reply = json.loads(result["body"])
        assert text_of(reply) == str(n)
    assert (log.entered, log.exited, log.calls) == (1, 0, 300)


def test_each_event_loop_gets_its_own_lifespan() -> None:
    """An emulator running execution environments as threads: one lifespan per environment, kept."""
    log = LifespanLog()
    door = LambdaInvokeEventHandler(MCPServerRequestHandler(counting_server(log)))
    replies: list[Any] = []

    def environment() -> None:
        replies.extend(door.handle(call(n, "count"), FakeLambdaContext()) for n in range(20))

    threads = [threading.Thread(target=environment) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(replies) == 40 and all("result" in reply for reply in replies)
    assert (log.entered, log.exited, log.calls) == (2, 0, 40)
