"""The ``mcp-lambda`` command: ``dev`` as a real process, ``call`` and ``demo`` against real MCP servers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx2
import pytest

from mcp_lambda.cli import main
from mcp_lambda.dev.app import dev_server
from mcp_lambda.dev.process import FunctionConfig, resolve_handler

REPO = Path(__file__).resolve().parent.parent
QUICKSTART = REPO / "examples" / "quickstart" / "handler.py"
READY = re.compile(r"Ready: (http://127\.0\.0\.1:\d+)/mcp")

INVOKE_HANDLER = """
import sys
from mcp_lambda.handlers.invoke import stdio_server_adapter
from mcp_lambda.types import ServerParams

PARAMS = ServerParams(command=sys.executable, args=["-m", "mcp_server_time"])

def handler(event, context):
    return stdio_server_adapter(PARAMS, event, context)
"""


def _start_dev(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mcp_lambda", "dev", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )


def _read_until_ready(proc: subprocess.Popen[str]) -> tuple[str, list[str]]:
    assert proc.stdout is not None
    lines: list[str] = []
    for line in proc.stdout:
        lines.append(line)
        if match := READY.search(line):
            return match.group(1), lines
    raise AssertionError("dev server exited before it was ready:\n" + "".join(lines))


@pytest.fixture
def stop_later() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # lets the dev server kill its runtime process
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def test_dev_serves_and_stops_cleanly(tmp_path: Path, stop_later: list[subprocess.Popen[str]]) -> None:
    app = tmp_path / "app.py"
    app.write_text("import os\n\ndef handler(event, context):\n    return {'pid': os.getpid()}\n")
    proc = _start_dev(f"{app}:handler", "--no-reload")
    stop_later.append(proc)
    base, _ = _read_until_ready(proc)
    # The start-up target (first response within 2 s) is measured by benchmarks/bench_dev_server.py.
    response = httpx2.post(base + "/url/anything", json={})
    assert response.status_code == 200
    runtime_pid = response.json()["pid"]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    # The runtime process went with it (it runs in its own session, so only our cleanup can end it).
    with pytest.raises(ProcessLookupError):
        for _ in range(100):
            os.kill(runtime_pid, 0)
            time.sleep(0.01)


def test_dev_explains_an_import_error(tmp_path: Path, stop_later: list[subprocess.Popen[str]]) -> None:
    app = tmp_path / "broken.py"
    app.write_text("import definitely_not_installed\n")
    proc = _start_dev(f"{app}:handler", "--no-reload")
    stop_later.append(proc)
    _, lines = _read_until_ready(proc)
    output = "".join(lines)
    assert "The handler could not be loaded (Runtime.ImportModuleError)" in output
    assert "No module named 'definitely_not_installed'" in output


def test_dev_rejects_a_bad_handler_reference(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dev", "not-a-handler"]) == 2
    assert "module.function" in capsys.readouterr().err


@pytest.mark.anyio
async def test_call_lists_tools_over_a_url_and_calls_one(capsys: pytest.CaptureFixture[str]) -> None:
    task_root, handler = resolve_handler(f"{QUICKSTART}:handler")
    async with dev_server(FunctionConfig(handler, task_root, "quickstart")) as server:
        assert server.runtime.init_error is None
        url = f"{server.base_url}/mcp"
        listed = await anyio.to_thread.run_sync(main, ["call", url])
        tools = json.loads(capsys.readouterr().out)
        called = await anyio.to_thread.run_sync(main, ["call", url, "get_current_time", '{"timezone": "Europe/Paris"}'])
        result = json.loads(capsys.readouterr().out)
    assert listed == 0
    assert "get_current_time" in {tool["name"] for tool in tools["tools"]}
    assert called == 0
    assert result["structuredContent"]["timezone"] == "Europe/Paris"


@pytest.mark.anyio
async def test_call_reaches_a_function_through_the_invoke_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(INVOKE_HANDLER))
    async with dev_server(FunctionConfig("app.handler", tmp_path, "time-fn")) as server:
        status = await anyio.to_thread.run_sync(main, ["call", "time-fn", "--endpoint-url", server.base_url])
    assert status == 0
    assert "convert_time" in {tool["name"] for tool in json.loads(capsys.readouterr().out)["tools"]}


def test_call_reports_an_unreachable_server_readably(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "http://127.0.0.1:9/mcp", "--timeout", "5"]) == 1
    assert capsys.readouterr().err.startswith("mcp-lambda call: ")


def test_demo_runs_the_quickstart_end_to_end() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mcp_lambda", "demo"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["isError"] is False
    assert result["structuredContent"]["timezone"] == "UTC"


def test_schema_subcommand_is_delegated(tmp_path: Path) -> None:
    import sys

    from mcp_lambda.cli import main

    out = tmp_path / "tools.json"
    server = [sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC"]
    assert main(["schema", "-o", str(out), "--", *server]) == 0
    tools = json.loads(out.read_text())
    assert [t["name"] for t in tools] == ["get_current_time", "convert_time"]
    assert main(["schema", "--check", str(out), "--", *server]) == 0
