"""The local Runtime API against a real ``awslambdaric`` process: what the handler sees, and how failures end."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path

import pytest

from mcp_lambda.dev.process import FunctionConfig
from mcp_lambda.dev.runtime_api import LambdaRuntime
from tests.dev.conftest import ECHO_HANDLER, write_handler

pytestmark = pytest.mark.anyio


def _alive(pid: int) -> bool:
    # A killed orphan may linger as a zombie until init reaps it: that is not alive.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat[stat.rfind(")") + 2] != "Z"


def _runtime(task_root: Path, timeout: float = 5.0) -> LambdaRuntime:
    return LambdaRuntime(
        FunctionConfig("app.handler", task_root, function_name="echo", timeout=timeout, memory_size=256)
    )


async def test_handler_sees_request_id_deadline_context_and_lambda_environment(handler_dir: Path) -> None:
    runtime = _runtime(handler_dir, timeout=5.0)
    assert await runtime.start() is None
    try:
        result = await runtime.invoke(b'{"x": 1}', client_context={"custom": {"k": "v"}}, request_id="req-1")
    finally:
        await runtime.aclose()
    assert result.function_error is None
    seen = json.loads(result.payload)
    assert seen["event"] == {"x": 1}
    assert seen["request_id"] == result.request_id == "req-1"
    assert 4000 < seen["remaining_ms"] <= 5000
    assert seen["custom"] == {"k": "v"}
    assert (seen["function_name"], seen["memory"]) == ("echo", "256")
    assert seen["arn"].endswith(":function:echo")
    env = seen["env"]
    assert env["LAMBDA_TASK_ROOT"] == str(handler_dir)
    assert env["_HANDLER"] == "app.handler"
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_EXECUTION_ENV"].startswith("AWS_Lambda_python3.")
    assert env["_X_AMZN_TRACE_ID"].startswith("Root=1-")


async def test_handler_exception_is_an_unhandled_function_error(handler_dir: Path) -> None:
    runtime = _runtime(handler_dir)
    await runtime.start()
    try:
        result = await runtime.invoke(b'{"fail": true}')
        after = await runtime.invoke(b"{}")
    finally:
        await runtime.aclose()
    assert result.function_error == "Unhandled"
    error = json.loads(result.payload)
    assert (error["errorType"], error["errorMessage"]) == ("ValueError", "asked to fail")
    assert error["requestId"] == result.request_id
    assert after.function_error is None


async def test_timeout_kills_the_environment_and_the_next_invocation_gets_a_fresh_one(tmp_path: Path) -> None:
    # The handler starts a grandchild in its own session, like a warm stdio MCP server.
    write_handler(
        tmp_path,
        ECHO_HANDLER
        + """
import subprocess, sys
def spawning(event, context):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    open("child.pid", "w").write(str(child.pid))
    time.sleep(10)
""",
    )
    runtime = LambdaRuntime(FunctionConfig("app.spawning", tmp_path, timeout=1.0))
    await runtime.start()
    try:
        started = time.monotonic()
        result = await runtime.invoke(b"{}")
        elapsed = time.monotonic() - started
        child_pid = int((tmp_path / "child.pid").read_text())
    finally:
        await runtime.aclose()
    assert result.function_error == "Unhandled"
    assert "Task timed out after 1.00 seconds" in json.loads(result.payload)["errorMessage"]
    assert 1.0 <= elapsed < 2.0
    for _ in range(100):  # SIGKILL is delivered asynchronously
        if not _alive(child_pid):
            break
        await asyncio.sleep(0.01)
    assert not _alive(child_pid)


async def test_invocation_after_a_timeout_runs_in_a_new_process(handler_dir: Path) -> None:
    runtime = _runtime(handler_dir, timeout=1.0)
    await runtime.start()
    try:
        first = json.loads((await runtime.invoke(b"{}")).payload)
        timed_out = await runtime.invoke(b'{"sleep": 3}')
        second = await runtime.invoke(b"{}")
    finally:
        await runtime.aclose()
    assert timed_out.function_error == "Unhandled"
    assert second.function_error is None
    assert second.init_ms is not None  # a cold start, as on Lambda
    assert json.loads(second.payload)["pid"] != first["pid"]


async def test_runtime_exit_mid_invocation_is_reported_and_recovered(handler_dir: Path) -> None:
    runtime = _runtime(handler_dir)
    await runtime.start()
    try:
        crashed = await runtime.invoke(b'{"exit": true}')
        after = await runtime.invoke(b"{}")
    finally:
        await runtime.aclose()
    error = json.loads(crashed.payload)
    assert crashed.function_error == "Unhandled"
    assert error["errorType"] == "Runtime.ExitError"
    assert "exit status 3" in error["errorMessage"]
    assert after.function_error is None


async def test_import_error_is_reported_at_start_and_on_invoke_until_fixed(tmp_path: Path) -> None:
    write_handler(tmp_path, "import no_such_module_here\n")
    runtime = _runtime(tmp_path)
    init_error = await runtime.start()
    try:
        assert init_error is not None
        error = json.loads(init_error)
        assert error["errorType"] == "Runtime.ImportModuleError"
        assert "No module named 'no_such_module_here'" in error["errorMessage"]
        result = await runtime.invoke(b"{}")
        assert result.function_error == "Unhandled"
        assert json.loads(result.payload)["errorType"] == "Runtime.ImportModuleError"
        write_handler(tmp_path, ECHO_HANDLER)
        # Lambda retries INIT on the next invocation; so does the emulator.
        fixed = await runtime.invoke(b'{"ok": 1}')
    finally:
        await runtime.aclose()
    assert fixed.function_error is None
    assert json.loads(fixed.payload)["event"] == {"ok": 1}


async def test_one_invocation_at_a_time(handler_dir: Path) -> None:
    runtime = _runtime(handler_dir)
    await runtime.start()
    try:
        results = await asyncio.gather(*(runtime.invoke(b'{"sleep": 0.2}') for _ in range(3)))
    finally:
        await runtime.aclose()
    starts = sorted(json.loads(r.payload)["started"] for r in results)
    assert all(later - earlier >= 0.19 for earlier, later in itertools.pairwise(starts))
