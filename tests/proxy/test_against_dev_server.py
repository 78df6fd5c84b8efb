"""``python -m mcp_lambda.proxy`` driven as a stdio server by ``mcp.Client``, against the local emulator.

One handler file (`tests.proxy.emulated.QUICKSTART_HANDLER`: the handshake-only fixture
behind `StdioServerAdapterRequestHandler`, the front door picked per event) runs in
``mcp-lambda dev`` twice: once with ``--verify-sigv4`` (``DevOptions(verifier=...)``),
once without. Through it the proxy, in both protocol eras, reaches the function:

* over the Lambda Invoke API (``--endpoint-url``), SigV4-signed by boto3 and verified;
* over the Function URL front, signed by ``--auth sigv4`` and verified, the signer
  arriving at the server as the IAM caller;
* over the HTTP API front with ``--auth none``;

and an unsigned proxy is refused by the verifying emulator.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, MCPError
from mcp.client.stdio import StdioServerParameters

from mcp_lambda.dev.server import DevOptions, DevServer
from mcp_lambda.dev.sigv4 import SigV4Verifier
from tests.proxy.emulated import AWS_ENV, FUNCTION, QUICKSTART_HANDLER, emulate, proxy_argv

MODES = ["legacy", "2026-07-28"]
REGION = AWS_ENV["AWS_REGION"]
ACCESS_KEY = AWS_ENV["AWS_ACCESS_KEY_ID"]
CALLER_KEY = "mcp-lambda/caller"
INITIALIZE = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "pipe", "version": "1"}}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Module-scoped, so each emulator (and its warm runtime) serves every test in the module."""
    return "asyncio"


@pytest.fixture(scope="module")
def handler_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("function")


@pytest.fixture(scope="module")
async def verifying(handler_dir: Path) -> AsyncIterator[DevServer]:
    """``mcp-lambda dev --verify-sigv4``: every request must be signed with the proxy's fake keys."""
    options = DevOptions(verifier=SigV4Verifier({ACCESS_KEY: AWS_ENV["AWS_SECRET_ACCESS_KEY"]}))
    async with emulate(QUICKSTART_HANDLER, handler_dir / "verifying", options) as server:
        yield server


@pytest.fixture(scope="module")
async def plain(handler_dir: Path) -> AsyncIterator[DevServer]:
    """``mcp-lambda dev`` with no request authentication."""
    async with emulate(QUICKSTART_HANDLER, handler_dir / "plain") as server:
        yield server


def proxy(*args: str) -> StdioServerParameters:
    argv = proxy_argv(*args)
    return StdioServerParameters(command=argv[0], args=argv[1:], env=AWS_ENV)


async def list_and_call(params: StdioServerParameters, mode: str) -> dict[str, Any]:
    """List the tools, call ``echo``, and return the ``_meta`` the server saw on a ``whoami`` call."""
    async with Client(params, mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert {"echo", "whoami", "regional"} <= names
        echoed = await client.call_tool("echo", {"text": f"through the proxy in {mode}"})
        assert not echoed.is_error
        assert echoed.content[0].text == f"through the proxy in {mode}"  # type: ignore[union-attr]
        whoami = await client.call_tool("whoami", {})
    meta: dict[str, Any] = json.loads(whoami.content[0].text)  # type: ignore[union-attr]
    return meta


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_invoke_api_signed_by_boto3_and_verified(verifying: DevServer, mode: str) -> None:
    # The emulator refuses unsigned or badly signed Invoke calls, so getting through is the check.
    meta = await list_and_call(proxy(FUNCTION, "--region", REGION, "--endpoint-url", verifying.base_url), mode)
    assert CALLER_KEY not in meta  # the Invoke API carries no caller identity to forward


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_function_url_with_sigv4_reaches_the_server_as_the_signer(verifying: DevServer, mode: str) -> None:
    url = f"{verifying.base_url}/url/mcp"
    meta = await list_and_call(proxy(url, "--auth", "sigv4", "--region", REGION), mode)
    caller = meta[CALLER_KEY]
    assert caller["frontDoor"] == "function_url"
    # The emulator turns the verified signer into the event's IAM authorizer context.
    assert caller["iam"]["accessKey"] == ACCESS_KEY


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_http_api_without_auth(plain: DevServer, mode: str) -> None:
    meta = await list_and_call(proxy(f"{plain.base_url}/httpapi/mcp", "--auth", "none"), mode)
    caller = meta[CALLER_KEY]
    assert caller["frontDoor"] == "http_api"
    assert "iam" not in caller


@pytest.mark.anyio
async def test_an_unsigned_proxy_is_refused_by_verify_sigv4(
    verifying: DevServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mcp_lambda.dev.server")
    with pytest.raises(BaseException) as caught:  # an error reply to the client, not a hang
        await list_and_call(proxy(f"{verifying.base_url}/url/mcp", "--auth", "none"), "legacy")
    assert (
        caught.group_contains(MCPError)
        if isinstance(caught.value, BaseExceptionGroup)
        else caught.errisinstance(MCPError)
    )
    # The emulator's one line per request: (method, path, front, MCP methods, status, ms, extra).
    statuses = [record.args[4] for record in caplog.records if isinstance(record.args, tuple) and len(record.args) == 7]
    assert statuses and set(statuses) == {403}


@pytest.mark.anyio
async def test_the_proxy_exits_when_its_input_ends(plain: DevServer) -> None:
    """``printf REQUESTS | mcp-lambda proxy ...``: every reply is written, then the process exits by itself."""
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": INITIALIZE},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "echo", "arguments": {"text": "bye"}}},
    ]
    argv = proxy_argv(f"{plain.base_url}/httpapi/mcp", "--auth", "none")
    process = await anyio.open_process(argv, env={**os.environ, **AWS_ENV}, stderr=subprocess.DEVNULL)
    async with process:
        assert process.stdin is not None and process.stdout is not None
        await process.stdin.send("".join(json.dumps(r) + "\n" for r in requests).encode())
        await process.stdin.aclose()
        output = b""
        try:
            with anyio.fail_after(15):  # a proxy that outlives its input is killed here, failing the test
                async for chunk in process.stdout:
                    output += chunk
                assert await process.wait() == 0
        finally:
            if process.returncode is None:
                process.kill()
    replies = [json.loads(line) for line in output.splitlines()]
    assert [reply["id"] for reply in replies] == [1, 2]
    assert replies[1]["result"]["content"][0]["text"] == "bye"
