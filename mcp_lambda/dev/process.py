"""The emulated function's configuration, its runtime process environment, and killing it.

Lambda runs ``python -m awslambdaric module.function`` with ``/var/task`` as the
working directory and a fixed set of ``AWS_LAMBDA_*`` variables; when an
invocation times out it destroys the whole execution environment, including any
child process the handler started (a warm stdio MCP server lives in its own
session, so killing the runtime's process group alone would leak it). This module
reproduces both locally.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FunctionConfig", "kill_tree", "resolve_handler", "runtime_environment"]

# Variables that would switch awslambdaric into modes we do not emulate
# (multi-concurrency, the framed telemetry log pipe).
_STRIPPED_VARIABLES = (
    "AWS_LAMBDA_MAX_CONCURRENCY",
    "_LAMBDA_TELEMETRY_LOG_FD",
    "_LAMBDA_TELEMETRY_LOG_FD_PROVIDER_SOCKET",
)


@dataclass(frozen=True)
class FunctionConfig:
    """One emulated Lambda function.

    Attributes:
        handler: The handler as ``awslambdaric`` takes it: ``module.function``.
        task_root: Directory the module is imported from (``LAMBDA_TASK_ROOT``, the cwd).
        function_name: ``AWS_LAMBDA_FUNCTION_NAME`` and the name the Invoke API answers to.
        timeout: Function timeout in seconds; longer invocations are ended as Lambda ends them.
        memory_size: ``AWS_LAMBDA_FUNCTION_MEMORY_SIZE`` in MB (informational only).
        region: ``AWS_REGION`` and the region in the function ARN.
        environment: Extra variables for the function, like the function's configuration.
        inherit_environment: Also pass this process's environment (credentials, PATH, ...).
        python: The interpreter that runs ``awslambdaric``.
    """

    handler: str
    task_root: Path
    function_name: str = "mcp-lambda-dev"
    timeout: float = 30.0
    memory_size: int = 1024
    region: str = "us-east-1"
    environment: Mapping[str, str] = field(default_factory=dict)
    inherit_environment: bool = True
    python: str = sys.executable

    @property
    def arn(self) -> str:
        """The function's (fake) unqualified ARN, as sent in ``Lambda-Runtime-Invoked-Function-Arn``."""
        return f"arn:aws:lambda:{self.region}:000000000000:function:{self.function_name}"


def resolve_handler(reference: str, task_root: str | Path | None = None) -> tuple[Path, str]:
    """Turn a handler reference into ``(task_root, "module.function")``.

    Accepted forms: ``path/to/app.py:handler`` (the file's directory becomes the
    task root unless ``task_root`` is given, in which case the module path is
    taken relative to it), ``path/to/app.py`` (function ``handler``), and the
    Lambda form ``package.module.handler`` (task root: ``task_root`` or the cwd).

    Raises:
        ValueError: The reference cannot name a module and a function.
    """
    file_part, sep, function = reference.partition(":")
    if sep or file_part.endswith(".py"):
        function = function or "handler"
        path = Path(file_part).resolve()
        if path.suffix != ".py":
            raise ValueError(f"handler file must be a .py file: {file_part!r}")
        root = Path(task_root).resolve() if task_root is not None else path.parent
        try:
            relative = path.with_suffix("").relative_to(root)
        except ValueError:
            raise ValueError(f"{file_part!r} is not inside the task root {str(root)!r}") from None
        module = ".".join(relative.parts)
    else:
        module, dot, function = reference.rpartition(".")
        if not dot or not module:
            raise ValueError(f"handler must look like 'module.function' or 'file.py:function': {reference!r}")
        root = Path(task_root).resolve() if task_root is not None else Path.cwd()
    if not function.isidentifier() or not all(part.isidentifier() for part in module.split(".")):
        raise ValueError(f"not an importable handler: {module}.{function}")
    return root, f"{module}.{function}"


def runtime_environment(config: FunctionConfig, api_address: str) -> dict[str, str]:
    """The environment Lambda gives the runtime process, pointing it at ``api_address``."""
    env = dict(os.environ) if config.inherit_environment else {"PATH": os.environ.get("PATH", "")}
    env.update(config.environment)
    for name in _STRIPPED_VARIABLES:
        env.pop(name, None)
    task_root = str(config.task_root)
    python_path = [task_root, env.get("PYTHONPATH", "")]
    stream = time.strftime("%Y/%m/%d", time.gmtime()) + "/[$LATEST]" + uuid.uuid4().hex
    env.update(
        {
            "AWS_LAMBDA_RUNTIME_API": api_address,
            "_HANDLER": config.handler,
            "LAMBDA_TASK_ROOT": task_root,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_python{sys.version_info.major}.{sys.version_info.minor}",
            "AWS_LAMBDA_FUNCTION_NAME": config.function_name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.function_name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": stream,
            "AWS_REGION": config.region,
            "AWS_DEFAULT_REGION": config.region,
            "PYTHONPATH": os.pathsep.join(p for p in python_path if p),
            "TZ": ":UTC",
        }
    )
    return env


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            # The command name may contain spaces and parentheses: fields start after the last ')'.
            fields = stat[stat.rfind(b")") + 2 :].split()
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def kill_tree(pid: int) -> None:
    """SIGKILL process ``pid``, its process group and all its descendants (Linux: via ``/proc``).

    Descendants are collected before anything is killed, because orphans are
    re-parented and could no longer be found afterwards.
    """
    children = _children_map()
    doomed: list[int] = []
    todo = [pid]
    while todo:
        current = todo.pop()
        doomed.append(current)
        todo.extend(children.get(current, ()))
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    for victim in doomed:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(victim, signal.SIGKILL)
