"""Shared test helpers: a Lambda context, event fixtures, and the anyio backend."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

EVENTS_DIR = Path(__file__).parent / "events"
FIXTURES_DIR = Path(__file__).parent / "fixtures"


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio only (Lambda's Python runtime is asyncio)."""
    return "asyncio"


@dataclass
class ClientContext:
    """Stand-in for ``context.client_context`` (what Invoke's ClientContext becomes)."""

    custom: dict[str, Any] | None = None
    env: dict[str, Any] | None = None
    client: Any = None


@dataclass
class FakeLambdaContext:
    """A Lambda context with a real, ticking deadline."""

    timeout_ms: int = 30_000
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_name: str = "test-function"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    memory_limit_in_mb: int = 1024
    log_group_name: str = "/aws/lambda/test-function"
    log_stream_name: str = "2026/11/22/[$LATEST]0123456789abcdef"
    client_context: ClientContext | None = None
    identity: Any = None
    _start: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds left, counting down from construction."""
        return max(0, int(self.timeout_ms - (time.monotonic() - self._start) * 1000))


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """A fresh Lambda context with a 30 s budget."""
    return FakeLambdaContext()


def load_event(name: str) -> Any:
    """Load ``tests/events/<name>.json``."""
    return json.loads((EVENTS_DIR / f"{name}.json").read_text())
