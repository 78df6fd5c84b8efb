"""Assembly of the dev emulator: runtime + fronts + reload, as a context manager and as a foreground app.

`dev_server` is what tests, the benchmark and ``mcp-lambda demo`` use; `run_dev` is
``mcp-lambda dev``: it prints the URLs, explains an import failure in plain words,
reloads on change, and serves until interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import IO, Any

from mcp_lambda.dev.process import FunctionConfig
from mcp_lambda.dev.reload import FileWatcher
from mcp_lambda.dev.runtime_api import LambdaRuntime
from mcp_lambda.dev.server import DevOptions, DevServer

__all__ = ["dev_server", "describe_init_error", "run_dev"]

logger = logging.getLogger(__name__)


def describe_init_error(error: bytes) -> str:
    """A readable, multi-line account of an INIT failure posted by the runtime."""
    try:
        data: Any = json.loads(error)
    except ValueError:
        return error.decode("utf-8", "replace")
    if not isinstance(data, dict):
        return str(data)
    lines = [
        f"The handler could not be loaded ({data.get('errorType', 'error')}):",
        f"  {data.get('errorMessage', '')}",
    ]
    for frame in data.get("stackTrace") or ():
        lines.extend("  " + line for line in str(frame).rstrip().splitlines())
    return "\n".join(lines)


@asynccontextmanager
async def dev_server(
    config: FunctionConfig,
    options: DevOptions | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    reload: bool = False,
    reload_interval: float = 0.5,
    stdout: IO[Any] | int | None = None,
    stderr: IO[Any] | int | None = None,
) -> AsyncIterator[DevServer]:
    """Run the emulator for ``config`` while the block runs.

    Args:
        config: The function.
        options: Front behaviour.
        host: Interface to bind (loopback by default).
        port: Port to bind; ``0`` picks a free one (read it from ``server.port``).
        reload: Restart the function when a ``.py`` file under its task root changes.
        reload_interval: Seconds between change scans.
        stdout: Where the function's stdout goes; ``None`` inherits ours.
        stderr: Where the function's stderr goes; ``None`` inherits ours.

    Yields:
        The started server; ``server.runtime.init_error`` tells whether INIT failed.
    """
    runtime = LambdaRuntime(config, stdout=stdout, stderr=stderr)
    server = DevServer(runtime, options, host=host, port=port)
    watcher_task: asyncio.Task[None] | None = None
    try:
        await server.start()
        await runtime.start()
        if reload:
            watcher = FileWatcher([config.task_root], interval=reload_interval)
            watcher_task = asyncio.create_task(watcher.watch(lambda changed: _reload(runtime, changed)))
        yield server
    finally:
        if watcher_task is not None:
            watcher_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher_task
        await server.aclose()
        await runtime.aclose()


async def _reload(runtime: LambdaRuntime, changed: list[str]) -> None:
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    logger.warning("changed: %s; reloading the handler", shown)
    error = await runtime.restart()
    if error is not None:
        logger.error("%s", describe_init_error(error))
    else:
        logger.warning("reloaded")


async def run_dev(
    config: FunctionConfig, options: DevOptions, *, host: str, port: int, reload: bool, out: IO[str] = sys.stderr
) -> None:
    """Serve ``config`` in the foreground until cancelled (``mcp-lambda dev``)."""
    async with dev_server(config, options, host=host, port=port, reload=reload) as server:
        print(f"mcp-lambda dev: {config.handler} from {config.task_root}", file=out)
        print(f"  timeout {config.timeout:g} s, reload {'on' if reload else 'off'}", file=out)
        for label, url in server.urls().items():
            print(f"  {label + ':':29} {url}", file=out)
        if server.runtime.init_error is not None:
            print("\n" + describe_init_error(server.runtime.init_error), file=out)
            print(
                "Invocations return this error until the file is fixed" + (" (it reloads on save)." if reload else "."),
                file=out,
            )
        print(f"Ready: {server.base_url}/mcp  (Ctrl+C to stop)", file=out, flush=True)
        await asyncio.Event().wait()
