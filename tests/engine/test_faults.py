"""Misbehaving servers: every fault is a clear JSON-RPC error, nothing hangs or leaks."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.types import MCPRequest, ServerParams
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import call, children_of_this_process, handshake_server, open_fds, text_of

pytestmark = pytest.mark.anyio


async def run(handler: StdioServerAdapterRequestHandler, *messages: dict[str, Any], timeout_ms: int = 30_000) -> Any:
    context = FakeLambdaContext(timeout_ms=timeout_ms)
    return await handler.handle_request(MCPRequest(messages=list(messages), context=context))


FAULTS = {
    "missing executable": (ServerParams("/nonexistent/mcp-server-binary"), "was not found"),
    "exits at start": (handshake_server("--mode", "exit-at-start"), "exited with code 3"),
    "exits during handshake": (handshake_server("--mode", "exit-at-initialize"), "exited with code 4"),
    "garbage on stdout": (handshake_server("--mode", "garbage"), "not a JSON-RPC message"),
}


@pytest.mark.parametrize(("params", "expected"), FAULTS.values(), ids=FAULTS.keys())
async def test_fault_is_a_clear_error(params: ServerParams, expected: str, caplog: pytest.LogCaptureFixture) -> None:
    h = StdioServerAdapterRequestHandler(params)
    fds = open_fds()
    with caplog.at_level(logging.INFO):
        replies = await run(h, call(1, "echo", {"text": "x"}), call(2, "echo", {"text": "y"}))
    assert [r["id"] for r in replies] == [1, 2]
    for reply in replies:
        assert reply["error"]["code"] == -32603
        assert expected in reply["error"]["message"]
    assert children_of_this_process() == []
    assert open_fds() == fds


async def test_stderr_tail_is_logged_with_the_fault(caplog: pytest.LogCaptureFixture) -> None:
    h = StdioServerAdapterRequestHandler(handshake_server("--mode", "exit-at-start"))
    with caplog.at_level(logging.INFO):
        await run(h, call(1, "echo"))
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and "fatal: cannot start" in errors[0].getMessage()


async def test_crash_mid_request_then_next_invocation_works() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    [crashed] = await run(h, call(1, "crash"))
    assert crashed["error"]["code"] == -32603
    assert "exited with code 5" in crashed["error"]["message"]
    [ok] = await run(h, call(2, "echo", {"text": "again"}))
    assert text_of(ok) == "again"
    assert children_of_this_process() == []


async def test_deadline_answers_with_request_timeout_and_kills_the_child() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server("--mode", "hang"), deadline_margin=0.5)
    started = time.monotonic()
    [reply] = await run(h, call(1, "echo"), timeout_ms=1500)
    elapsed = time.monotonic() - started
    assert reply["error"]["code"] == -32001
    assert "budget of 1000 ms" in reply["error"]["message"] or "budget of 99" in reply["error"]["message"]
    assert elapsed < 1.45, "must answer before Lambda's own deadline"
    assert children_of_this_process() == []


async def test_slow_tool_past_the_deadline() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server(), deadline_margin=0.2)
    replies = await run(h, call(1, "echo", {"text": "fast"}), call(2, "sleep", {"seconds": 30}), timeout_ms=1200)
    assert text_of(replies[0]) == "fast"
    assert replies[1]["error"]["code"] == -32001


async def test_no_time_left_spawns_nothing(tmp_path: Any) -> None:
    marker = tmp_path / "starts"
    h = StdioServerAdapterRequestHandler(handshake_server("--touch", str(marker)), deadline_margin=0.5)
    [reply] = await run(h, call(1, "echo"), timeout_ms=100)
    assert reply["error"]["code"] == -32001
    assert not marker.exists()


async def test_stderr_flood_neither_blocks_nor_drowns(caplog: pytest.LogCaptureFixture) -> None:
    # 20,000 lines of ~215 bytes (4 MB) before the answer: far beyond a pipe buffer.
    h = StdioServerAdapterRequestHandler(handshake_server("--mode", "flood", "--flood-lines", "20000"))
    with caplog.at_level(logging.INFO, logger="mcp_lambda.server"):
        [reply] = await run(h, call(1, "echo", {"text": "survived"}))
    assert text_of(reply) == "survived"
    server_lines = [r for r in caplog.records if r.name == "mcp_lambda.server"]
    assert len(server_lines) <= 502
    assert any("dropped" in r.getMessage() for r in server_lines)


async def test_stderr_lines_carry_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    context = FakeLambdaContext(aws_request_id="req-123")
    with caplog.at_level(logging.INFO, logger="mcp_lambda.server"):
        await h.handle_request(MCPRequest(messages=[call(1, "echo")], context=context))
    lines = [r for r in caplog.records if r.name == "mcp_lambda.server"]
    assert any("handshake fixture starting" in r.getMessage() for r in lines)
    assert all(getattr(r, "request_id", None) == "req-123" for r in lines)


async def test_many_invocations_leak_nothing() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    await run(h, call(0, "echo"))  # warm up imports and the loop's internals
    fds = open_fds()
    for i in range(15):
        await run(h, call(i, "crash" if i % 3 == 0 else "echo", {"text": "x"}))
    assert open_fds() == fds
    assert children_of_this_process() == []


async def test_a_server_that_ignores_sigterm_is_killed_within_the_deadline() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server("--mode", "stubborn"), deadline_margin=0.5)
    started = time.monotonic()
    [reply] = await run(h, call(1, "echo"), timeout_ms=1500)
    assert reply["error"]["code"] == -32001
    assert time.monotonic() - started < 1.45, "must return before Lambda's own deadline"
    assert children_of_this_process() == []
