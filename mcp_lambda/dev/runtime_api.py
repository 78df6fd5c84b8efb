"""A local Lambda Runtime API, and the supervisor of the real runtime process polling it.

`LambdaRuntime` plays the part of the Lambda service for one execution
environment: it serves the Runtime API (``/2018-06-01/runtime/...``) that
``awslambdaric`` long-polls, runs ``python -m awslambdaric module.function`` as a
child process with Lambda's environment, and hands it one invocation at a time.
As on Lambda:

- an import failure is posted to ``/runtime/init/error``; the invoker gets that
  error with ``Unhandled`` and the next invocation tries a fresh INIT;
- the deadline (``Lambda-Runtime-Deadline-Ms``) is the invoke time plus the
  function timeout; past it the whole environment (the runtime, its process group
  and every descendant) is killed, the invoker gets ``Task timed out after N
  seconds`` with ``Unhandled``, and the next invocation starts a new INIT;
- a runtime that exits mid-invocation yields ``Runtime.ExitError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from mcp_lambda.dev.http11 import HttpServer, Request, Response
from mcp_lambda.dev.process import FunctionConfig, kill_tree, runtime_environment

__all__ = ["InvokeResult", "LambdaRuntime"]

logger = logging.getLogger(__name__)

_PREFIX = "/2018-06-01/runtime/"
# Lambda bounds an on-demand INIT at 10 s; a slower local import gets the function timeout instead.
_MIN_INIT_SECONDS = 10.0
_JSON = [("content-type", "application/json")]


@dataclass(frozen=True)
class InvokeResult:
    """What the Invoke API returns for one invocation.

    Attributes:
        request_id: The invocation's ``aws_request_id``.
        payload: The function's JSON result, or the error object on failure.
        function_error: ``"Unhandled"`` when the function failed (``X-Amz-Function-Error``), else ``None``.
        duration_ms: Wall time from invoke to result, excluding INIT.
        init_ms: INIT duration when this invocation started a new environment, else ``None``.
    """

    request_id: str
    payload: bytes
    function_error: str | None
    duration_ms: float
    init_ms: float | None = None


@dataclass
class _Invocation:
    request_id: str
    payload: bytes
    deadline_ms: int
    client_context: str | None
    cognito_identity: str | None
    result: asyncio.Future[tuple[bytes, str | None]]


def _error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode()


class LambdaRuntime:
    """One emulated execution environment running the real ``awslambdaric``.

    Args:
        config: The function to run.
        stdout: Where the runtime's stdout goes (the function's logs); ``None`` inherits ours.
        stderr: Where the runtime's stderr goes; ``None`` inherits ours.
    """

    def __init__(
        self, config: FunctionConfig, *, stdout: IO[Any] | int | None = None, stderr: IO[Any] | int | None = None
    ):
        self.config = config
        self._stdout = stdout
        self._stderr = stderr
        self._api = HttpServer(self._route)
        self._lock = asyncio.Lock()
        self._proc: asyncio.subprocess.Process | None = None
        self._exited: asyncio.Task[int] | None = None
        self._ready: asyncio.Future[bytes | None] | None = None
        self._queue: asyncio.Queue[_Invocation] = asyncio.Queue()
        self._current: _Invocation | None = None
        self.init_error: bytes | None = None
        """The last INIT failure as posted by the runtime (JSON), or ``None``."""

    @property
    def api_address(self) -> str:
        """``host:port`` of the Runtime API (``AWS_LAMBDA_RUNTIME_API``)."""
        return f"127.0.0.1:{self._api.port}"

    async def start(self) -> bytes | None:
        """Serve the Runtime API and INIT the function; return the INIT error, if any."""
        await self._api.start()
        async with self._lock:
            return await self._ensure_initialised()

    async def aclose(self) -> None:
        """Destroy the environment and stop serving."""
        async with self._lock:
            await self._destroy()
        await self._api.close()

    async def restart(self) -> bytes | None:
        """Replace the environment (new code): wait for the running invocation, kill, INIT again."""
        async with self._lock:
            await self._destroy()
            return await self._ensure_initialised()

    async def invoke(
        self,
        payload: bytes,
        *,
        client_context: Mapping[str, Any] | None = None,
        cognito_identity: Mapping[str, Any] | None = None,
        request_id: str | None = None,
    ) -> InvokeResult:
        """Run one invocation (waiting for the previous one, as one environment does).

        Args:
            payload: The event, as JSON bytes.
            client_context: Becomes ``context.client_context`` (keys ``custom``, ``env``, ``client``).
            cognito_identity: Becomes ``context.identity``.
            request_id: The ``aws_request_id``; a fresh UUID by default.
        """
        request_id = request_id or str(uuid.uuid4())
        async with self._lock:
            init_started = time.perf_counter() if self._proc is None else None
            init_error = await self._ensure_initialised()
            init_ms = (time.perf_counter() - init_started) * 1000 if init_started is not None else None
            started = time.perf_counter()
            if init_error is not None:
                return InvokeResult(request_id, init_error, "Unhandled", 0.0, init_ms)
            body, error = await self._run(request_id, payload, client_context, cognito_identity)
            return InvokeResult(request_id, body, error, (time.perf_counter() - started) * 1000, init_ms)

    async def _run(
        self,
        request_id: str,
        payload: bytes,
        client_context: Mapping[str, Any] | None,
        cognito_identity: Mapping[str, Any] | None,
    ) -> tuple[bytes, str | None]:
        assert self._exited is not None
        timeout = self.config.timeout
        invocation = _Invocation(
            request_id=request_id,
            payload=payload,
            deadline_ms=int((time.time() + timeout) * 1000),
            client_context=json.dumps(client_context) if client_context is not None else None,
            cognito_identity=json.dumps(cognito_identity) if cognito_identity is not None else None,
            result=asyncio.get_running_loop().create_future(),
        )
        self._current = invocation
        self._queue.put_nowait(invocation)
        try:
            waiting: set[asyncio.Future[Any]] = {invocation.result, self._exited}
            done, _ = await asyncio.wait(waiting, timeout=timeout, return_when="FIRST_COMPLETED")
        finally:
            self._current = None
        if invocation.result in done:
            return invocation.result.result()
        if self._exited in done:
            status = self._exited.result()
            await self._destroy()
            message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"
            return _error("Runtime.ExitError", message), "Unhandled"
        logger.warning("invocation %s timed out after %.2f s; restarting the environment", request_id, timeout)
        await self._destroy()
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"
        message = f"{stamp} {request_id} Task timed out after {timeout:.2f} seconds"
        return _error("Sandbox.Timedout", message), "Unhandled"

    async def _ensure_initialised(self) -> bytes | None:
        if self._exited is not None and self._exited.done():
            # The runtime died between invocations (os._exit in a handler, OOM-like crash): Lambda starts afresh.
            await self._destroy()
        if self._proc is None:
            await self._spawn()
        assert self._ready is not None and self._exited is not None
        init_timeout = max(_MIN_INIT_SECONDS, self.config.timeout)
        waiting: set[asyncio.Future[Any]] = {self._ready, self._exited}
        done, _ = await asyncio.wait(waiting, timeout=init_timeout, return_when="FIRST_COMPLETED")
        if self._ready in done and self._ready.result() is None:
            return None
        if self._ready in done:
            error = self._ready.result()
        elif self._exited in done:
            error = _error("Runtime.ExitError", f"Runtime exited during INIT: exit status {self._exited.result()}")
        else:
            error = _error("Sandbox.Timedout", f"INIT did not complete within {init_timeout:.0f} seconds")
        self.init_error = error
        # Lambda retries INIT on the next invocation: start from a fresh environment.
        await self._destroy()
        return error

    async def _spawn(self) -> None:
        self.init_error = None
        self._queue = asyncio.Queue()
        self._ready = asyncio.get_running_loop().create_future()
        env = runtime_environment(self.config, self.api_address)
        self._proc = await asyncio.create_subprocess_exec(
            self.config.python,
            "-m",
            "awslambdaric",
            self.config.handler,
            cwd=str(self.config.task_root),
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._stdout,
            stderr=self._stderr,
            start_new_session=True,
        )
        self._exited = asyncio.create_task(self._proc.wait())
        logger.debug("runtime pid %d started for %s", self._proc.pid, self.config.handler)

    async def _destroy(self) -> None:
        proc, exited = self._proc, self._exited
        self._proc = self._exited = None
        if proc is not None and exited is not None:
            kill_tree(proc.pid)
            with contextlib.suppress(asyncio.CancelledError):
                await exited
        # Connections of the dead runtime (its pending long poll) must not receive the next invocation.
        await self._api.drop_connections()
        if self._ready is not None and not self._ready.done():
            self._ready.cancel()

    async def _route(self, request: Request) -> Response:
        path = request.path
        if not path.startswith(_PREFIX):
            return Response(404, _JSON, _error("InvalidRequest", f"unknown path {path}"))
        tail = path[len(_PREFIX) :]
        if request.method == "GET" and tail == "invocation/next":
            return await self._next()
        if request.method == "POST" and tail == "init/error":
            if self._ready is not None and not self._ready.done():
                self._ready.set_result(request.body or _error("Runtime.Unknown", "INIT failed"))
            return Response(202, _JSON, b'{"status":"OK"}')
        parts = tail.split("/")
        if (
            request.method == "POST"
            and len(parts) == 3
            and parts[0] == "invocation"
            and parts[2] in ("response", "error")
        ):
            current = self._current
            if current is None or current.request_id != parts[1] or current.result.done():
                return Response(400, _JSON, _error("InvalidRequestID", "Invalid request ID"))
            current.result.set_result((request.body, "Unhandled" if parts[2] == "error" else None))
            return Response(202, _JSON, b'{"status":"OK"}')
        return Response(404, _JSON, _error("InvalidRequest", f"unsupported {request.method} {path}"))

    async def _next(self) -> Response:
        # The first long poll marks the end of INIT: the handler module imported fine.
        if self._ready is not None and not self._ready.done():
            self._ready.set_result(None)
        invocation = await self._queue.get()
        trace = f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"
        headers = [
            ("content-type", "application/json"),
            ("lambda-runtime-aws-request-id", invocation.request_id),
            ("lambda-runtime-deadline-ms", str(invocation.deadline_ms)),
            ("lambda-runtime-invoked-function-arn", self.config.arn),
            ("lambda-runtime-trace-id", trace),
        ]
        if invocation.client_context is not None:
            headers.append(("lambda-runtime-client-context", invocation.client_context))
        if invocation.cognito_identity is not None:
            headers.append(("lambda-runtime-cognito-identity", invocation.cognito_identity))
        return Response(200, headers, invocation.payload)
