"""The one sync boundary: run a coroutine from Lambda's synchronous entry point.

A warm child's pipes belong to the event loop that spawned it, so every sync
call in the process runs on the same long-lived loop (an ``asyncio.Runner``)
instead of ``asyncio.run``'s fresh loop per invocation. When the caller is itself
inside a running loop (a test, a notebook), the coroutine runs on a private
worker thread with its own long-lived loop, so the call still works.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

__all__ = ["run_sync"]

_T = TypeVar("_T")

_lock = threading.Lock()
_runners: dict[int, asyncio.Runner] = {}
_worker: ThreadPoolExecutor | None = None


def _runner_for_this_thread() -> asyncio.Runner:
    ident = threading.get_ident()
    with _lock:
        runner = _runners.get(ident)
        if runner is None:
            runner = _runners[ident] = asyncio.Runner()
        return runner


def _run_here(coro: Coroutine[Any, Any, _T]) -> _T:
    return _runner_for_this_thread().run(coro)


def run_sync(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coro`` to completion on this process's long-lived event loop and return its result."""
    global _worker
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run_here(coro)
    with _lock:
        if _worker is None:
            _worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mcp-lambda-loop")
        worker = _worker
    return worker.submit(_run_here, coro).result()
