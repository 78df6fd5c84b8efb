"""The wrapped stdio server as a child process: spawn, talk, drain stderr, stop.

Lifecycle, with every wait bounded:

1. spawn in a new session (so the whole process group can be signalled: ``npx``
   starts ``node`` as a grandchild), with a minimal environment (`child_environment`);
2. exchange newline-delimited JSON on stdin/stdout as raw dicts (nothing the
   server says is lost to model validation);
3. drain stderr line by line into logging while an invocation runs (`pump_stderr`),
   keeping the last lines for fault reports; a flood is rate-capped, never buffered;
4. stop (`close`): close stdin, give the server `EXIT_GRACE` seconds to leave,
   SIGTERM the group, `TERM_GRACE` seconds later SIGKILL it, and reap. Per-invocation
   children are stateless, so this does not wait out the SDK's 2 s + 2 s grace.

Hand-written instead of ``mcp.client.stdio.stdio_client`` because a faithful
forwarder needs raw messages, bounded stderr capture and this fast shutdown.
"""

from __future__ import annotations

import collections
import json
import logging
import os
import signal
import subprocess
from collections.abc import Mapping
from typing import Any, Protocol

import anyio
import anyio.abc
from anyio.streams.buffered import BufferedByteReceiveStream

from mcp_lambda.errors import ServerExitedError, ServerOutputError, ServerStartError
from mcp_lambda.types import JSONObject

__all__ = ["ChildProcess", "ServerParamsLike", "child_environment"]

logger = logging.getLogger(__name__)
stderr_logger = logging.getLogger("mcp_lambda.server")

EXIT_GRACE = 0.05
"""Seconds a server gets to exit by itself after stdin closes, before SIGTERM."""
TERM_GRACE = 0.5
"""Seconds between SIGTERM and SIGKILL of the process group."""
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""Longest stdout line accepted; a server writing more without a newline is broken."""
STDERR_LINE_CHARS = 4096
"""Longest stderr line logged as is; the rest of a longer line is cut."""
STDERR_LINES_PER_INVOCATION = 500
"""stderr lines logged per invocation; more are counted and dropped (a flood must not drown the logs)."""
STDERR_TAIL_LINES = 20
"""stderr lines kept for fault reports."""

_DEFAULT_ENV_KEYS = ("HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG", "LC_ALL", "TZ")
# What a child needs to act as the function on Lambda: credentials, region, and where
# the deployment package and layers live.
_LAMBDA_ENV_KEYS = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
    "LD_LIBRARY_PATH",
    "NODE_PATH",
    "PYTHONPATH",
    "SSL_CERT_FILE",
)


class ServerParamsLike(Protocol):
    """What we read from server parameters: ours (`ServerParams`) or the SDK's."""

    @property
    def command(self) -> str:
        """The executable."""
        ...

    @property
    def args(self) -> Any:
        """Its arguments."""
        ...

    @property
    def env(self) -> Mapping[str, str] | None:
        """Extra environment variables."""
        ...

    @property
    def cwd(self) -> Any:
        """Working directory, or ``None``."""
        ...


def child_environment(
    extra: Mapping[str, str] | None, *, lambda_environment: bool, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The environment a child starts with.

    Args:
        extra: Variables from the server parameters; they win over everything else.
        lambda_environment: Also pass the function's AWS credentials and region, and
            the package and layer paths (``LAMBDA_TASK_ROOT`` and ``/opt/python`` are
            appended to ``PYTHONPATH``, ``/opt/lib`` to ``LD_LIBRARY_PATH``).
        base: The environment to pick from; defaults to ``os.environ``.
    """
    source = os.environ if base is None else base
    # Values starting with "()" are shell functions, a known injection vector.
    env = {k: source[k] for k in _DEFAULT_ENV_KEYS if k in source and not source[k].startswith("()")}
    if lambda_environment:
        env.update({k: source[k] for k in _LAMBDA_ENV_KEYS if k in source})
        if "LAMBDA_TASK_ROOT" in source:
            paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
            for extra_path in (source["LAMBDA_TASK_ROOT"], "/opt/python"):
                if extra_path not in paths:
                    paths.append(extra_path)
            env["PYTHONPATH"] = os.pathsep.join(paths)
            libs = [p for p in env.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p]
            if "/opt/lib" not in libs:
                env["LD_LIBRARY_PATH"] = os.pathsep.join([*libs, "/opt/lib"])
    if extra:
        env.update(extra)
    return env


class ChildProcess:
    """One running stdio server. Create with `spawn`; always `close` it."""

    def __init__(self, process: anyio.abc.Process, description: str) -> None:
        self.process = process
        self.description = description
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=STDERR_TAIL_LINES)
        assert process.stdout is not None and process.stdin is not None and process.stderr is not None
        self._stdout = BufferedByteReceiveStream(process.stdout)
        self._stdin = process.stdin
        self._stderr = process.stderr
        self._stderr_partial = b""
        self._closed = False

    @classmethod
    async def spawn(cls, params: ServerParamsLike, *, lambda_environment: bool = False) -> ChildProcess:
        """Start the server described by ``params``.

        Raises:
            ServerStartError: The executable is missing or cannot be run.
        """
        argv = [params.command, *(str(a) for a in (params.args or ()))]
        env = child_environment(params.env, lambda_environment=lambda_environment)
        description = " ".join(argv)
        try:
            process = await anyio.open_process(
                argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                cwd=params.cwd,
                start_new_session=True,
            )
        except FileNotFoundError as exc:
            raise ServerStartError(
                f"the MCP server command {params.command!r} was not found"
                f" (PATH={env.get('PATH', '')!r}, cwd={params.cwd!r})"
            ) from exc
        except PermissionError as exc:
            raise ServerStartError(f"the MCP server command {params.command!r} is not executable") from exc
        except OSError as exc:
            raise ServerStartError(f"the MCP server {description!r} could not be started: {exc}") from exc
        logger.debug("started MCP server pid=%s: %s", process.pid, description)
        return cls(process, description)

    @property
    def pid(self) -> int:
        """The server's process id (also its process group id)."""
        return self.process.pid

    @property
    def alive(self) -> bool:
        """True while the process has not exited and has not been closed.

        Asks the kernel (without reaping) rather than trusting ``returncode``, which
        the event loop updates only some time after the exit: a warm child may have
        died while Lambda had the environment frozen.
        """
        if self._closed or self.process.returncode is not None:
            return False
        try:
            status = os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:  # already reaped by the loop's child watcher
            return False
        return status is None

    def _exited_error(self, when: str) -> ServerExitedError:
        code = self.process.returncode
        how = f"exited with code {code}" if code is not None and code >= 0 else "was killed"
        if code is not None and code < 0:
            how = f"was killed by signal {-code}"
        if code is None:
            how = "closed its stdout"
        return ServerExitedError(f"the MCP server {how} {when}", stderr_tail=self.stderr_tail)

    async def send(self, message: JSONObject, *, when: str = "while receiving a request") -> None:
        """Write one message as a line of JSON.

        Raises:
            ServerExitedError: The server is gone (its stdin is closed).
        """
        data = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        try:
            await self._stdin.send(data)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, BrokenPipeError, ConnectionResetError):
            await self._settle()
            raise self._exited_error(when) from None

    async def receive(self, *, when: str = "before answering") -> JSONObject:
        """Read the next message the server writes.

        Raises:
            ServerExitedError: stdout reached end of file.
            ServerOutputError: The line is not a JSON object, or is absurdly long.
        """
        while True:
            try:
                line = await self._stdout.receive_until(b"\n", MAX_MESSAGE_BYTES)
            except (anyio.IncompleteRead, anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
                await self._settle()
                raise self._exited_error(when) from None
            except anyio.DelimiterNotFound:
                raise ServerOutputError(
                    f"the MCP server wrote more than {MAX_MESSAGE_BYTES} bytes to stdout without a newline",
                    stderr_tail=self.stderr_tail,
                ) from None
            if not line.strip():
                continue  # blank lines are harmless keep-alives
            try:
                message = json.loads(line)
            except ValueError:
                message = None
            if not isinstance(message, dict):
                snippet = line[:120].decode("utf-8", "replace")
                raise ServerOutputError(
                    f"the MCP server wrote a line to stdout that is not a JSON-RPC message: {snippet!r}",
                    stderr_tail=self.stderr_tail,
                )
            return message

    async def _settle(self) -> None:
        # After EOF the exit status is usually a moment away; wait briefly so errors can name it.
        with anyio.move_on_after(0.2):
            await self.process.wait()

    async def pump_stderr(self, request_id: str | None) -> None:
        """Log stderr lines until cancelled or EOF. Run it in a task group during an invocation."""
        logged = dropped = 0
        extra = {"request_id": request_id, "mcp_server_pid": self.pid}
        try:
            while True:
                chunk = await self._stderr.receive(65536)
                lines = (self._stderr_partial + chunk).split(b"\n")
                self._stderr_partial = lines.pop()
                if len(self._stderr_partial) > STDERR_LINE_CHARS:
                    lines.append(self._stderr_partial)  # an endless line: log what we have, drop the rest
                    self._stderr_partial = b""
                for raw in lines:
                    text = raw[:STDERR_LINE_CHARS].decode("utf-8", "replace").rstrip("\r")
                    self.stderr_tail.append(text)
                    if logged < STDERR_LINES_PER_INVOCATION:
                        logged += 1
                        stderr_logger.info("%s", text, extra=extra)
                    else:
                        dropped += 1
        except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        finally:
            if dropped:
                stderr_logger.warning("dropped %d further stderr lines from the MCP server", dropped, extra=extra)

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    async def close(self, *, grace: float = EXIT_GRACE, term_grace: float = TERM_GRACE) -> None:
        """Stop the server and its process group, reap it, and release its pipes. Idempotent.

        Args:
            grace: Seconds the server gets to exit by itself once stdin is closed.
            term_grace: Seconds between SIGTERM and SIGKILL; with both at 0 the group
                is killed at once (a wedged server, or no time left).
        """
        if self._closed:
            return
        self._closed = True
        with anyio.CancelScope(shield=True):
            try:
                await self._stdin.aclose()
            except (OSError, anyio.BrokenResourceError):
                pass
            if grace > 0:
                with anyio.move_on_after(grace):
                    await self.process.wait()
            if self.process.returncode is None and term_grace > 0:
                self._signal_group(signal.SIGTERM)
                with anyio.move_on_after(term_grace):
                    await self.process.wait()
            # Also after the leader exited: grandchildren (node under npx) must not outlive it.
            self._signal_group(signal.SIGKILL)
            if self.process.returncode is None:
                await self.process.wait()
            await self.process.aclose()
        if self.stderr_tail and self.process.returncode not in (0, None, -signal.SIGTERM, -signal.SIGKILL):
            logger.debug("MCP server pid=%s exited with %s", self.pid, self.process.returncode)
