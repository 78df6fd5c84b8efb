"""Reloading the handler when its files change."""

from __future__ import annotations

import json
import os
from pathlib import Path

import anyio
import pytest

from mcp_lambda.dev.reload import FileWatcher
from tests.dev.conftest import running, write_handler

pytestmark = pytest.mark.anyio


def test_watcher_reports_added_changed_and_removed_python_files(tmp_path: Path) -> None:
    app = write_handler(tmp_path, "x = 1\n")
    (tmp_path / "__pycache__").mkdir()
    watcher = FileWatcher([tmp_path])
    assert watcher.changes() == []
    os.utime(app, ns=(1, 1))
    other = write_handler(tmp_path, "y = 2\n", module="other")
    (tmp_path / "__pycache__" / "app.cpython-311.py").write_text("")  # ignored directory
    (tmp_path / "notes.txt").write_text("")  # not source
    assert watcher.changes() == sorted([str(app), str(other)])
    other.unlink()
    assert watcher.changes() == [str(other)]
    assert watcher.changes() == []


async def test_changed_handler_is_reloaded(tmp_path: Path) -> None:
    write_handler(tmp_path, "def handler(event, context):\n    return 'v1'\n")
    async with running(tmp_path, reload=True, reload_interval=0.05) as server:
        first = await server.runtime.invoke(b"{}")
        write_handler(tmp_path, "def handler(event, context):\n    return 'v2'\n")
        for _ in range(100):  # the watcher polls every 50 ms
            second = await server.runtime.invoke(b"{}")
            if json.loads(second.payload) == "v2":
                break
            await anyio.sleep(0.05)
    assert json.loads(first.payload) == "v1"
    assert json.loads(second.payload) == "v2"


async def test_reload_after_an_import_error_recovers(tmp_path: Path) -> None:
    write_handler(tmp_path, "def handler(event, context:\n")  # a syntax error
    async with running(tmp_path, reload=True, reload_interval=0.05) as server:
        assert server.runtime.init_error is not None
        assert json.loads(server.runtime.init_error)["errorType"] == "Runtime.UserCodeSyntaxError"
        write_handler(tmp_path, "def handler(event, context):\n    return 'fixed'\n")
        for _ in range(100):
            result = await server.runtime.invoke(b"{}")
            if result.function_error is None:
                break
            await anyio.sleep(0.05)
    assert json.loads(result.payload) == "fixed"
