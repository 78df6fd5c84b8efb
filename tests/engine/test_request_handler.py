"""Warm mode, pre-spawning, and the child's environment."""

from __future__ import annotations

import json
import os
import signal
from typing import Any

import anyio
import pytest

from mcp_lambda.engine.child import child_environment
from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.types import MCPRequest
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import (
    call,
    children_of_this_process,
    handshake_server,
    modern_server,
    pid_alive,
    req,
    text_of,
)

pytestmark = pytest.mark.anyio


async def run(handler: StdioServerAdapterRequestHandler, *messages: dict[str, Any]) -> Any:
    return await handler.handle_request(MCPRequest(messages=list(messages), context=FakeLambdaContext()))


async def test_per_invocation_mode_starts_a_child_each_time() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    [a] = await run(h, call(1, "pid"))
    [b] = await run(h, call(2, "pid"))
    assert text_of(a) != text_of(b)
    assert not pid_alive(int(text_of(a)))


async def test_warm_mode_reuses_one_child() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server(), warm=True)
    try:
        pids = {text_of((await run(h, call(i, "pid")))[0]) for i in range(5)}
        assert len(pids) == 1
        assert pid_alive(int(pids.pop()))
    finally:
        await h.aclose()
    assert children_of_this_process() == []


async def test_warm_child_that_died_is_replaced_transparently() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server(), warm=True)
    try:
        [first] = await run(h, call(1, "pid"))
        os.kill(int(text_of(first)), signal.SIGKILL)
        for _ in range(100):  # as if it died while the environment was frozen
            if not pid_alive(int(text_of(first))):
                break
            await anyio.sleep(0.01)
        [second] = await run(h, call(2, "pid"))
        assert "result" in second, second
        assert text_of(second) != text_of(first)
    finally:
        await h.aclose()


async def test_wedged_warm_child_is_replaced_after_idle() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server(), warm=True, idle_check_after=0.0)
    try:
        [first] = await run(h, call(1, "pid"))
        os.kill(int(text_of(first)), signal.SIGSTOP)  # alive but never answers
        [second] = await run(h, call(2, "pid"))
        assert text_of(second) != text_of(first)
        assert not pid_alive(int(text_of(first)))
    finally:
        await h.aclose()


async def test_warm_handshake_only_server_serves_both_eras_with_one_child() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server(), warm=True)
    try:
        [legacy] = await run(h, call(1, "pid"))
        await run(h, call(2, "pid", modern=True))  # learns the server is handshake-only
        [modern] = await run(h, call(3, "pid", modern=True))
        assert text_of(legacy) == text_of(modern)
        assert len(children_of_this_process()) == 1
    finally:
        await h.aclose()


async def test_warm_modern_server_gets_a_native_child_per_caller_era() -> None:
    h = StdioServerAdapterRequestHandler(modern_server(), warm=True)
    try:
        [legacy] = await run(h, call(1, "whoami"))
        [modern] = await run(h, call(2, "whoami", modern=True))
        [legacy_again] = await run(h, req(3, "ping"))
        # The 2026-07-28 child sees the caller's own envelope, not a bridged one.
        assert json.loads(text_of(modern))["io.modelcontextprotocol/clientInfo"]["name"] == "test"
        assert "resultType" not in legacy["result"] or legacy["result"]["resultType"] == "complete"
        assert "result" in legacy_again  # a handshake-era method still works on the handshake child
        assert len(children_of_this_process()) == 2
    finally:
        await h.aclose()
    assert children_of_this_process() == []


def test_prespawn_starts_the_child_at_construction(tmp_path: Any) -> None:
    marker = tmp_path / "starts"
    h = StdioServerAdapterRequestHandler(handshake_server("--touch", str(marker)), warm=True, prespawn=True)
    assert len(marker.read_text().splitlines()) == 1
    from mcp_lambda._sync import run_sync

    replies = run_sync(run(h, call(1, "echo", {"text": "ready"})))
    assert text_of(replies[0]) == "ready"
    assert len(marker.read_text().splitlines()) == 1
    run_sync(h.aclose())


def test_prespawn_requires_warm() -> None:
    with pytest.raises(ValueError, match="warm=True"):
        StdioServerAdapterRequestHandler(handshake_server(), prespawn=True)


async def test_child_environment_is_minimal_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    h = StdioServerAdapterRequestHandler(handshake_server(env={"EXTRA": "1"}))
    [reply] = await run(h, call(1, "env"))
    names = set(json.loads(text_of(reply)))
    assert "AWS_SECRET_ACCESS_KEY" not in names
    assert {"PATH", "EXTRA"} <= names


def test_lambda_environment_passes_credentials_and_layer_paths() -> None:
    base = {
        "PATH": "/usr/bin",
        "AWS_ACCESS_KEY_ID": "AKIA",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "AWS_SESSION_TOKEN": "token",
        "AWS_REGION": "eu-west-1",
        "LAMBDA_TASK_ROOT": "/var/task",
        "PYTHONPATH": "/var/runtime",
        "UNRELATED": "x",
        "BASH_FUNC_x%%": "() { evil; }",
    }
    off = child_environment(None, lambda_environment=False, base=base)
    assert off == {"PATH": "/usr/bin"}
    on = child_environment({"PYTHONPATH": "/override"}, lambda_environment=True, base=base)
    assert on["AWS_SECRET_ACCESS_KEY"] == "secret" and on["AWS_REGION"] == "eu-west-1"
    assert on["PYTHONPATH"] == "/override"  # explicit parameters win
    on = child_environment(None, lambda_environment=True, base=base)
    assert on["PYTHONPATH"].split(":") == ["/var/runtime", "/var/task", "/opt/python"]
    assert on["LD_LIBRARY_PATH"] == "/opt/lib"
    assert "UNRELATED" not in on
