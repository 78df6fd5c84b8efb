"""`lambda_function_client` against a local Invoke API, with real boto3 clients and fake credentials.

Each test runs the SDK's own ``mcp.Client`` (or ``ClientSession``) over the transport,
so what is checked is what a caller sees: tool lists, tool results, and ``MCPError``
for every way an Invoke can fail, always within a bounded time.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import boto3
import pytest
from botocore.config import Config
from mcp import Client, ClientSession
from mcp.shared.exceptions import MCPError
from mcp_types import TextContent

from mcp_lambda.client.invoke import LambdaFunctionParameters, lambda_function_client
from mcp_lambda.errors import InvokeError
from mcp_lambda.handlers.invoke import stdio_server_adapter
from mcp_lambda.jsonrpc import INTERNAL_ERROR
from mcp_lambda.types import ServerParams
from tests.client.conftest import FAST_CONFIG, REGION, SECRET_KEY, toy_mcp_function
from tests.client.invoke_api_server import InvokeAPIServer, serve_invoke_api

pytestmark = pytest.mark.anyio

ERROR_DEADLINE = 15.0
"""Every failure must reach the waiting request well within this many seconds."""


@pytest.fixture
def api() -> Iterator[InvokeAPIServer]:
    with serve_invoke_api({"toy": toy_mcp_function}) as server:
        yield server


def _params(
    api: InvokeAPIServer, session: boto3.Session, name: str = "toy", **options: Any
) -> LambdaFunctionParameters:
    return LambdaFunctionParameters(
        name, REGION, boto3_session=session, endpoint_url=api.url, botocore_config=FAST_CONFIG, **options
    )


def _text(result: Any) -> str:
    content = result.content[0]
    assert isinstance(content, TextContent)
    return content.text


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28", "auto"])
async def test_client_lists_and_calls_tools(api: InvokeAPIServer, aws_session: boto3.Session, mode: str) -> None:
    async with Client(lambda_function_client(_params(api, aws_session)), mode=mode) as client:
        tools = await client.list_tools()
        result = await client.call_tool("echo", {"word": "hi"})
    assert [tool.name for tool in tools.tools] == ["echo", "sleep", "fail"]
    assert json.loads(_text(result))["arguments"] == {"word": "hi"}
    methods = [invocation.event["method"] for invocation in api.invocations]
    assert ("initialize" in methods) == (mode == "legacy")
    assert all(invocation.function_name == "toy" for invocation in api.invocations)


async def test_client_session_works_over_the_transport(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    transport = lambda_function_client(_params(api, aws_session))
    async with transport as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
    assert "echo" in [tool.name for tool in tools.tools]


async def test_qualifier_and_client_context_reach_the_function(
    api: InvokeAPIServer, aws_session: boto3.Session
) -> None:
    params = _params(api, aws_session, qualifier="live", client_context={"custom": {"tenant": "t-1"}})
    async with Client(lambda_function_client(params), mode="2026-07-28") as client:
        result = await client.call_tool("echo", {})
    assert json.loads(_text(result))["custom"] == {"tenant": "t-1"}
    assert {invocation.qualifier for invocation in api.invocations} == {"live"}


async def test_injected_lambda_client_is_used(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    # No endpoint_url in the parameters: only the injected client knows where the API is.
    lambda_client = aws_session.client("lambda", endpoint_url=api.url, config=FAST_CONFIG)
    params = LambdaFunctionParameters("toy", REGION)
    async with Client(lambda_function_client(params, lambda_client=lambda_client), mode="2026-07-28") as client:
        tools = await client.list_tools()
    assert tools.tools


async def test_function_error_becomes_an_mcp_error(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    async with Client(lambda_function_client(_params(api, aws_session)), mode="2026-07-28") as client:
        with anyio.fail_after(ERROR_DEADLINE), pytest.raises(MCPError) as caught:
            await client.call_tool("fail", {})
        # The transport survives a failed Invoke.
        assert (await client.list_tools()).tools
    assert caught.value.code == INTERNAL_ERROR
    assert "'toy'" in caught.value.message
    assert "Unhandled" in caught.value.message
    assert "ValueError: boom" in caught.value.message
    assert caught.value.data["errorType"] == "ValueError"
    assert caught.value.data["stackTrace"]


async def test_error_replies_from_the_function_pass_through(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    transport = lambda_function_client(_params(api, aws_session))
    async with transport as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        with pytest.raises(MCPError) as caught:
            await session.call_tool("bad_args", {})
    assert (caught.value.code, caught.value.data) == (-32602, [1])
    assert "bad args" in caught.value.message


async def test_throttling_becomes_an_mcp_error(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    async with Client(lambda_function_client(_params(api, aws_session)), mode="2026-07-28") as client:
        api.throttle(1)
        with anyio.fail_after(ERROR_DEADLINE), pytest.raises(MCPError) as caught:
            await client.list_tools()
        assert (await client.list_tools()).tools
    assert caught.value.code == INTERNAL_ERROR
    assert "'toy' was throttled (TooManyRequestsException)" in caught.value.message
    assert caught.value.data["httpStatus"] == 429
    assert caught.value.data["reason"] == "CallerRateLimitExceeded"


async def test_unknown_function_becomes_an_mcp_error(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    async with Client(lambda_function_client(_params(api, aws_session, "nope")), mode="2026-07-28") as client:
        with anyio.fail_after(ERROR_DEADLINE), pytest.raises(MCPError) as caught:
            await client.list_tools()
    assert "'nope' was not found (ResourceNotFoundException)" in caught.value.message
    assert caught.value.data["errorCode"] == "ResourceNotFoundException"


async def test_connection_refused_becomes_an_mcp_error(aws_session: boto3.Session) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    params = LambdaFunctionParameters(
        "toy", REGION, boto3_session=aws_session, endpoint_url=f"http://127.0.0.1:{port}", botocore_config=FAST_CONFIG
    )
    async with Client(lambda_function_client(params), mode="2026-07-28") as client:
        with anyio.fail_after(ERROR_DEADLINE), pytest.raises(MCPError) as caught:
            await client.list_tools()
    assert caught.value.message.startswith("Could not invoke Lambda function 'toy': Could not connect")
    assert caught.value.data["errorType"] == "EndpointConnectionError"


async def test_a_read_timeout_becomes_an_mcp_error(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    impatient = Config(retries={"total_max_attempts": 1}, read_timeout=0.3)
    params = LambdaFunctionParameters(
        "toy", REGION, boto3_session=aws_session, endpoint_url=api.url, botocore_config=impatient
    )
    async with Client(lambda_function_client(params), mode="2026-07-28") as client:
        with anyio.fail_after(ERROR_DEADLINE), pytest.raises(MCPError) as caught:
            await client.call_tool("sleep", {"seconds": 1})
    assert caught.value.message.startswith("Could not invoke Lambda function 'toy': Read timeout")
    assert caught.value.data["errorType"] == "ReadTimeoutError"


async def test_a_handshake_that_fails_raises_instead_of_hanging(
    api: InvokeAPIServer, aws_session: boto3.Session
) -> None:
    api.throttle()
    # The SDK's Client reports a failed handshake inside an exception group.
    expected = pytest.RaisesGroup(pytest.RaisesExc(MCPError, match="throttled"), flatten_subgroups=True)
    with anyio.fail_after(ERROR_DEADLINE), expected:
        async with Client(lambda_function_client(_params(api, aws_session)), mode="legacy"):
            pass


@pytest.mark.parametrize(
    "result",
    ["hello", {"jsonrpc": "2.0", "id": 99_999, "result": {}}, None, [{"not": "json-rpc"}]],
    ids=["string", "wrong-id", "null", "junk-list"],
)
async def test_a_result_without_a_reply_becomes_an_mcp_error(aws_session: boto3.Session, result: Any) -> None:
    def function(event: Any, context: Any) -> Any:
        return result

    with serve_invoke_api({"odd": function}) as server:
        async with Client(lambda_function_client(_params(server, aws_session, "odd")), mode="2026-07-28") as client:
            with anyio.fail_after(ERROR_DEADLINE), pytest.raises(MCPError) as caught:
                await client.list_tools()
    assert caught.value.message.startswith("Lambda function 'odd' returned ")
    assert caught.value.data["result"] == result


async def test_a_failing_notification_does_not_disturb_requests(aws_session: boto3.Session) -> None:
    def function(event: Any, context: Any) -> Any:
        if "id" not in event:
            raise RuntimeError("notifications are not welcome")
        return toy_mcp_function(event, context)

    with serve_invoke_api({"toy": function}) as server:
        async with Client(lambda_function_client(_params(server, aws_session)), mode="legacy") as client:
            tools = await client.list_tools()
    assert tools.tools
    assert "notifications/initialized" in [invocation.event["method"] for invocation in server.invocations]


async def test_requests_are_invoked_concurrently(api: InvokeAPIServer, aws_session: boto3.Session) -> None:
    async with Client(lambda_function_client(_params(api, aws_session)), mode="2026-07-28") as client:
        await client.list_tools()
        started = time.monotonic()
        async with anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(client.call_tool, "sleep", {"seconds": 0.8})
        elapsed = time.monotonic() - started
    # Serial Invokes would take 3.2 s or more; concurrent ones about 0.8 s.
    assert elapsed < 2.4


async def test_signed_invokes_pass_the_api_signature_check(aws_session: boto3.Session) -> None:
    with serve_invoke_api({"toy": toy_mcp_function}, secrets={"testing": SECRET_KEY}) as server:
        async with Client(lambda_function_client(_params(server, aws_session)), mode="2026-07-28") as client:
            assert (await client.list_tools()).tools
        impostor = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="wrong", region_name=REGION)
        async with Client(lambda_function_client(_params(server, impostor)), mode="2026-07-28") as client:
            with pytest.raises(MCPError, match="InvalidSignatureException"):
                await client.list_tools()


async def test_a_client_that_cannot_be_built_raises_invoke_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No region anywhere (argument, environment, config file): botocore refuses to build the client.
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "absent"))
    session = boto3.Session(aws_access_key_id="a", aws_secret_access_key="b")
    params = LambdaFunctionParameters("toy", None, boto3_session=session)
    with pytest.raises(InvokeError, match="'toy'"):
        async with lambda_function_client(params):
            pass


def test_parameters_reject_an_oversized_client_context() -> None:
    with pytest.raises(ValueError, match="3583"):
        LambdaFunctionParameters("f", REGION, client_context={"custom": {"x": "y" * 4000}})
    params = LambdaFunctionParameters("f", REGION, client_context={"custom": {"a": 1}})
    assert params.encoded_client_context is not None


TIME_SERVER = ServerParams(sys.executable, ["-m", "mcp_server_time", "--local-timezone", "UTC"])


def time_function(event: Any, context: Any) -> Any:
    """The Lambda handler a user writes for mcp-server-time behind direct Invoke."""
    return stdio_server_adapter(TIME_SERVER, event, context)


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_end_to_end_with_the_stdio_adapter(aws_session: boto3.Session, mode: str) -> None:
    with serve_invoke_api({"mcp-server-time": time_function}, environments=2) as server:
        params = _params(server, aws_session, "mcp-server-time")
        async with Client(lambda_function_client(params), mode=mode) as client:
            tools = await client.list_tools()
            result = await client.call_tool("get_current_time", {"timezone": "UTC"})
    assert "get_current_time" in [tool.name for tool in tools.tools]
    assert not result.is_error
    assert json.loads(_text(result))["timezone"] == "UTC"
