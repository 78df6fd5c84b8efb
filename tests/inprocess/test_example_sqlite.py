"""The native SQLite example: one database connection per environment, notes kept per caller."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from mcp_lambda.dev import events
from tests.conftest import FakeLambdaContext

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "servers" / "native_sqlite" / "handler.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("native_sqlite_handler", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the tools' annotations through it
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def call(module: ModuleType, user: str, tool: str, arguments: dict[str, Any]) -> Any:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    event = events.function_url_event(
        "POST",
        "/mcp",
        headers=[("content-type", "application/json")],
        body=json.dumps(body).encode(),
        authorizer={"iam": {"userArn": f"arn:aws:iam::123456789012:user/{user}"}},
    )
    result = module.lambda_handler(event, FakeLambdaContext())
    assert result["statusCode"] == 200
    return json.loads(result["body"])["result"]["structuredContent"]["result"]


def test_notes_survive_warm_invocations_and_stay_per_caller(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTES_DB", str(tmp_path / "notes.sqlite3"))
    module = load_example()  # INIT: the lifespan opens the database now
    assert (tmp_path / "notes.sqlite3").exists()
    for n in range(1, 51):
        assert call(module, "alice", "add_note", {"text": f"note {n}"}) == n
    assert call(module, "bob", "add_note", {"text": "bob's"}) == 1
    assert call(module, "alice", "list_notes", {}) == [f"note {n}" for n in range(1, 51)]
    assert call(module, "bob", "list_notes", {}) == ["bob's"]
