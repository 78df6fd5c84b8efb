"""Helpers for the dev emulator tests: handler files written per test, and a running emulator."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from mcp_lambda.dev.app import dev_server
from mcp_lambda.dev.process import FunctionConfig
from mcp_lambda.dev.server import DevOptions, DevServer

# Returns everything the handler can see, so tests can check what the runtime delivered.
ECHO_HANDLER = """
import json, os, time

def handler(event, context):
    if isinstance(event, dict) and event.get("sleep"):
        time.sleep(event["sleep"])
    if isinstance(event, dict) and event.get("fail"):
        raise ValueError("asked to fail")
    if isinstance(event, dict) and event.get("exit"):
        os._exit(3)
    cc = context.client_context
    return {
        "event": event,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "custom": cc.custom if cc is not None else None,
        "env": {k: os.environ.get(k) for k in (
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "LAMBDA_TASK_ROOT", "_HANDLER",
            "AWS_LAMBDA_FUNCTION_VERSION", "AWS_EXECUTION_ENV", "_X_AMZN_TRACE_ID")},
        "pid": os.getpid(),
        "started": time.time(),
    }
"""

# Answers HTTP events with the event itself, so front tests can inspect the shape.
HTTP_ECHO_HANDLER = """
import base64, json

def handler(event, context):
    if event.get("body") == "fail":
        raise RuntimeError("nope")
    return {
        "statusCode": 201,
        "headers": {"content-type": "application/json", "x-echo": "yes"},
        "cookies": ["a=1", "b=2"],
        "body": base64.b64encode(json.dumps(event).encode()).decode(),
        "isBase64Encoded": True,
    }
"""


def write_handler(directory: Path, source: str, module: str = "app") -> Path:
    """Write ``source`` as ``directory/module.py`` and return its path."""
    path = directory / f"{module}.py"
    path.write_text(textwrap.dedent(source))
    return path


@pytest.fixture
def handler_dir(tmp_path: Path) -> Path:
    """A task root holding ``app.py`` with the echo handler."""
    write_handler(tmp_path, ECHO_HANDLER)
    return tmp_path


@asynccontextmanager
async def running(
    task_root: Path, handler: str = "app.handler", *, timeout: float = 5.0, options: DevOptions | None = None, **kw: Any
) -> AsyncIterator[DevServer]:
    """An emulator for ``handler`` in ``task_root`` on a free port."""
    config = FunctionConfig(handler, task_root, function_name="echo", timeout=timeout)
    async with dev_server(config, options, port=0, **kw) as server:
        yield server
