"""``python -m mcp_lambda.proxy`` driven as a stdio server by ``mcp.Client``, against local stand-ins of AWS.

* Invoke: the local Invoke API (`tests.client.invoke_api_server`) runs an in-process
  MCPServer behind `LambdaInvokeEventHandler`, called through boto3 with fake credentials.
* Streamable HTTP, no auth: a loopback Function URL in front of the same server.
* Streamable HTTP, SigV4: an endpoint that recomputes every signature (`tests.client.sigv4_server`).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from mcp_lambda.engine.inprocess import MCPServerRequestHandler
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.invoke import LambdaInvokeEventHandler
from tests.client.conftest import ACCESS_KEY, REGION, SECRET_KEY
from tests.client.invoke_api_server import InvokeAPIServer, serve_invoke_api
from tests.client.sigv4_server import serve_sigv4_mcp
from tests.inprocess.servers import LifespanLog, counting_server
from tests.interaction.http_loopback import serve_front_door

MODES = ["legacy", "auto", "2026-07-28"]
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    "AWS_CONFIG_FILE": "/dev/null",
    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def proxy(*args: str) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "mcp_lambda.proxy", *args], env=AWS_ENV)


@pytest.fixture
def invoke_api() -> Iterator[tuple[InvokeAPIServer, LifespanLog]]:
    log = LifespanLog()
    door = LambdaInvokeEventHandler(MCPServerRequestHandler(counting_server(log)))
    with serve_invoke_api({"notes": door.handle}, environments=1) as server:
        yield server, log


async def exercise(params: StdioServerParameters, mode: str, tools: Sequence[str] = ("count", "whoami")) -> Any:
    async with Client(params, mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert set(tools) <= names
        return client, [await client.call_tool(tools[0], {}) for _ in range(2)]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_invoke_api_both_eras(invoke_api: tuple[InvokeAPIServer, LifespanLog], mode: str) -> None:
    server, log = invoke_api
    params = proxy("notes", "--region", REGION, "--endpoint-url", server.url)
    _, results = await exercise(params, mode)
    assert [r.content[0].text for r in results] == ["1", "2"]
    assert log.entered == 1
    sent = [inv.event for inv in server.invocations if isinstance(inv.event, dict)]
    modern = [e for e in sent if "io.modelcontextprotocol/protocolVersion" in (e.get("params") or {}).get("_meta", {})]
    first = {"legacy": "initialize", "auto": "server/discover", "2026-07-28": "tools/list"}[mode]
    assert sent[0]["method"] == first
    assert len(modern) == (0 if mode == "legacy" else len(sent))


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_streamable_http_without_auth(mode: str) -> None:
    log = LifespanLog()
    door = LambdaFunctionURLEventHandler(MCPServerRequestHandler(counting_server(log)))
    async with serve_front_door(door, "function_url") as url:
        _, results = await exercise(proxy(url, "--auth", "none", "--header", "X-Test: 1"), mode)
    assert [r.content[0].text for r in results] == ["1", "2"]


@pytest.mark.anyio
async def test_streamable_http_signed_with_sigv4() -> None:
    with serve_sigv4_mcp({ACCESS_KEY: SECRET_KEY}) as endpoint:
        params = proxy(endpoint.url, "--region", REGION)
        _, results = await exercise(params, "2026-07-28", tools=("echo",))
    assert json.loads(results[0].content[0].text)["arguments"] == {}
    assert endpoint.rejections == []
    assert endpoint.accepted and all(req.access_key == ACCESS_KEY for req in endpoint.accepted)


@pytest.mark.anyio
async def test_a_failing_remote_becomes_an_error_reply_not_a_hang(invoke_api: tuple[InvokeAPIServer, Any]) -> None:
    server, _ = invoke_api
    params = proxy("no-such-function", "--region", REGION, "--endpoint-url", server.url)
    with pytest.raises(BaseException) as caught:
        await exercise(params, "legacy")
    assert "no-such-function" in _messages(caught.value)


def _messages(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        return " ".join(_messages(inner) for inner in exc.exceptions)
    return f"{type(exc).__name__}: {exc}"
