"""The sync boundary: one long-lived loop per thread, usable from inside a running loop too."""

from __future__ import annotations

import asyncio
import threading

import pytest

from mcp_lambda._sync import run_sync


async def _loop_and_thread() -> tuple[asyncio.AbstractEventLoop, int]:
    return asyncio.get_running_loop(), threading.get_ident()


def test_successive_calls_share_one_loop() -> None:
    first, _ = run_sync(_loop_and_thread())
    second, _ = run_sync(_loop_and_thread())
    assert first is second and not first.is_closed()


@pytest.mark.anyio
async def test_called_inside_a_running_loop_it_runs_on_a_worker_thread() -> None:
    loop, thread = run_sync(_loop_and_thread())
    assert loop is not asyncio.get_running_loop()
    assert thread != threading.get_ident()
    again, _ = run_sync(_loop_and_thread())
    assert again is loop  # the worker's loop is long-lived as well


def test_exceptions_propagate() -> None:
    async def boom() -> None:
        raise ValueError("from the loop")

    with pytest.raises(ValueError, match="from the loop"):
        run_sync(boom())
