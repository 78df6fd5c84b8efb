"""Handler files written for the proxy's end-to-end tests, and the dev emulator running them.

The proxy is tested against ``mcp-lambda dev`` (`mcp_lambda.dev.app.dev_server`: the
real ``awslambdaric`` runtime polling a local Runtime API) rather than against stand-ins,
so the whole path is real: proxy process -> boto3 or httpx2 -> emulator front -> Lambda
event -> front door -> stdio adapter -> `tests/fixtures/handshake_server.py` (a
dependency-free handshake-only child, fast to spawn, whose ``whoami`` tool echoes the
request's ``_meta``, caller identity included).
"""

from __future__ import annotations

import socket
import sys
import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import pytest

from mcp_lambda.dev.app import describe_init_error, dev_server
from mcp_lambda.dev.process import FunctionConfig
from mcp_lambda.dev.server import DevOptions, DevServer

__all__ = [
    "AWS_ENV",
    "FUNCTION",
    "HANDSHAKE_SERVER",
    "OAUTH_HANDLER",
    "QUICKSTART_HANDLER",
    "emulate",
    "free_port",
    "proxy_argv",
]

HANDSHAKE_SERVER = Path(__file__).resolve().parents[1] / "fixtures" / "handshake_server.py"
FUNCTION = "proxied"
"""The emulated function's name, as the Invoke API answers to it."""

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDPROXYTEST",
    "AWS_SECRET_ACCESS_KEY": "proxy-test-secret",
    "AWS_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}
"""Fake credentials for the proxy process: requests are really signed, and only loopback is called."""

QUICKSTART_HANDLER = f"""
import sys
from mcp_lambda import ServerParams, StdioServerAdapterRequestHandler
from mcp_lambda.handlers import infer

server = StdioServerAdapterRequestHandler(ServerParams(command=sys.executable, args=[{str(HANDSHAKE_SERVER)!r}]))
doors = {{}}

def handler(event, context):
    door = infer(event, context)  # one function behind every front, like examples/quickstart
    return doors.setdefault(door, door(server)).handle(event, context)
"""

OAUTH_HANDLER = f"""
import os, sys
from mcp_lambda import (BearerAuthenticator, HttpOptions, JWTVerifier, LambdaFunctionURLEventHandler,
                        ServerParams, StdioServerAdapterRequestHandler)

verifier = JWTVerifier(issuer=os.environ["ISSUER"], audience=os.environ["RESOURCE"], required_scopes=["mcp"])
door = LambdaFunctionURLEventHandler(
    StdioServerAdapterRequestHandler(ServerParams(command=sys.executable, args=[{str(HANDSHAKE_SERVER)!r}])),
    HttpOptions(oauth=verifier.resource_metadata(os.environ["RESOURCE"]), authenticate=BearerAuthenticator(verifier)))

def handler(event, context):
    return door.handle(event, context)
"""


def free_port() -> int:
    """A loopback port free right now (for URLs that must be known before their server starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proxy_argv(*args: str) -> list[str]:
    """``python -m mcp_lambda.proxy ARGS`` as a command line."""
    return [sys.executable, "-m", "mcp_lambda.proxy", *args]


@asynccontextmanager
async def emulate(
    source: str,
    directory: Path,
    options: DevOptions | None = None,
    *,
    environment: Mapping[str, str] | None = None,
    port: int = 0,
) -> AsyncIterator[DevServer]:
    """Write ``source`` as ``directory/handler.py`` and serve it with the dev emulator.

    The function's own output goes to a temporary file rather than pytest's captured
    stdout, which the runtime process would otherwise hold open.
    """
    await anyio.Path(directory).mkdir(parents=True, exist_ok=True)
    await anyio.Path(directory / "handler.py").write_text(source)
    config = FunctionConfig("handler.handler", directory, FUNCTION, timeout=20.0, environment=dict(environment or {}))
    with tempfile.TemporaryFile() as log:
        async with dev_server(config, options, port=port, stdout=log, stderr=log) as server:
            if server.runtime.init_error is not None:
                pytest.fail(describe_init_error(server.runtime.init_error))
            yield server
