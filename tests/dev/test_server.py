"""The loopback fronts against a real runtime process: Invoke API (boto3), HTTP fronts, AgentCore, SigV4."""

from __future__ import annotations

import base64
import json
import logging
import time
from pathlib import Path
from typing import Any

import anyio
import boto3
import httpx2
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mcp_lambda.dev.server import DevOptions, DevServer
from mcp_lambda.dev.sigv4 import SigV4Verifier
from tests.dev.conftest import HTTP_ECHO_HANDLER, running, write_handler

pytestmark = pytest.mark.anyio

KEY, SECRET = "AKIDLOCALTEST", "local-secret"


def _lambda(server: DevServer, secret: str = SECRET) -> Any:
    session = boto3.Session(aws_access_key_id=KEY, aws_secret_access_key=secret, region_name="us-east-1")
    config = Config(retries={"max_attempts": 1})
    return session.client("lambda", endpoint_url=server.base_url, config=config)


async def test_boto3_invoke_returns_payload_and_passes_client_context(handler_dir: Path) -> None:
    async with running(handler_dir) as server:
        client = _lambda(server)
        context = base64.b64encode(json.dumps({"custom": {"tenant": "t1"}}).encode()).decode()
        response = await anyio.to_thread.run_sync(
            lambda: client.invoke(FunctionName="echo", Payload=b'{"q": 1}', ClientContext=context)
        )
    assert "FunctionError" not in response
    assert response["ExecutedVersion"] == "$LATEST"
    body = json.loads(response["Payload"].read())
    assert body["event"] == {"q": 1}
    assert body["custom"] == {"tenant": "t1"}
    assert response["ResponseMetadata"]["RequestId"] == body["request_id"]


async def test_boto3_invoke_reports_function_errors_and_unknown_functions(handler_dir: Path) -> None:
    async with running(handler_dir) as server:
        client = _lambda(server)
        failed = await anyio.to_thread.run_sync(lambda: client.invoke(FunctionName="echo", Payload=b'{"fail": 1}'))
        with pytest.raises(ClientError) as missing:
            await anyio.to_thread.run_sync(lambda: client.invoke(FunctionName="other", Payload=b"{}"))
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "ValueError"
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("path", "version", "event_path"),
    [
        ("/url/mcp", "2.0", "/mcp"),
        ("/mcp", "2.0", "/mcp"),
        ("/httpapi/mcp", "2.0", "/mcp"),
        ("/restapi/prod/mcp", None, "/mcp"),
    ],
)
async def test_http_fronts_send_real_events_and_render_proxy_results(
    tmp_path: Path, path: str, version: str | None, event_path: str
) -> None:
    write_handler(tmp_path, HTTP_ECHO_HANDLER)
    authorizer = {"lambda": {"user": "alice"}}
    async with running(tmp_path, options=DevOptions(authorizer=authorizer)) as server, httpx2.AsyncClient() as http:
        response = await http.post(
            server.base_url + path + "?a=1", content=b'{"x":1}', headers={"content-type": "application/json"}
        )
    assert response.status_code == 201
    assert response.headers["x-echo"] == "yes"
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    event = response.json()
    assert event.get("version") == version
    assert (event.get("rawPath") or event.get("path")) == event_path
    assert event["body"] == '{"x":1}'
    assert event["requestContext"]["authorizer"] == authorizer


async def test_http_front_turns_a_function_error_into_502(tmp_path: Path) -> None:
    write_handler(tmp_path, HTTP_ECHO_HANDLER)
    async with running(tmp_path) as server, httpx2.AsyncClient() as http:
        response = await http.post(server.base_url + "/mcp", content=b"fail", headers={"content-type": "text/plain"})
    assert response.status_code == 502


async def test_agentcore_front_sends_arguments_and_gateway_client_context(handler_dir: Path) -> None:
    options = DevOptions(agentcore_target="weather", agentcore_gateway_id="gw-1")
    async with running(handler_dir, options=options) as server, httpx2.AsyncClient() as http:
        direct = await http.post(server.base_url + "/agentcore/get_forecast", json={"city": "Oslo"})
        rpc = {
            "jsonrpc": "2.0",
            "id": 7,
            "method": "tools/call",
            "params": {"name": "get_forecast", "arguments": {"city": "Rome"}},
        }
        wrapped = await http.post(server.base_url + "/agentcore", json=rpc)
    seen = direct.json()
    assert seen["event"] == {"city": "Oslo"}
    assert seen["custom"]["bedrockAgentCoreToolName"] == "weather___get_forecast"
    assert seen["custom"]["bedrockAgentCoreGatewayId"] == "gw-1"
    reply = wrapped.json()
    assert reply["id"] == 7
    assert reply["result"]["event"] == {"city": "Rome"}
    assert reply["result"]["custom"]["bedrockAgentCoreToolName"] == "weather___get_forecast"


async def test_sigv4_is_verified_when_asked(handler_dir: Path) -> None:
    options = DevOptions(verifier=SigV4Verifier({KEY: SECRET}))
    async with running(handler_dir, options=options) as server:
        good = await anyio.to_thread.run_sync(lambda: _lambda(server).invoke(FunctionName="echo", Payload=b"{}"))
        with pytest.raises(ClientError) as bad:
            await anyio.to_thread.run_sync(lambda: _lambda(server, "wrong").invoke(FunctionName="echo", Payload=b"{}"))
        async with httpx2.AsyncClient() as http:
            unsigned = await http.post(server.base_url + "/mcp", json={})
    assert "FunctionError" not in good
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert unsigned.status_code == 403


async def test_each_invocation_is_logged_in_one_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_handler(tmp_path, HTTP_ECHO_HANDLER)
    caplog.set_level(logging.INFO, logger="mcp_lambda.dev.server")
    async with running(tmp_path) as server, httpx2.AsyncClient() as http:
        await http.post(server.base_url + "/url/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    lines = [r.getMessage() for r in caplog.records if r.name == "mcp_lambda.dev.server"]
    assert len(lines) == 1
    assert lines[0].startswith("POST /url/mcp [url] tools/list 201 ")
    assert lines[0].endswith(" ms")


async def test_sigv4_signed_http_request_reaches_the_function_with_its_iam_identity(tmp_path: Path) -> None:
    from botocore.credentials import Credentials

    from mcp_lambda.client.streamable_http_sigv4 import SigV4Auth

    write_handler(tmp_path, HTTP_ECHO_HANDLER)
    auth = SigV4Auth(region="us-east-1", service="lambda", credentials=Credentials(KEY, SECRET))
    options = DevOptions(verifier=SigV4Verifier({KEY: SECRET}))
    async with running(tmp_path, options=options) as server, httpx2.AsyncClient(auth=auth) as http:
        response = await http.post(server.base_url + "/url/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 201
    assert response.json()["requestContext"]["authorizer"]["iam"]["accessKey"] == KEY


async def test_event_invocations_are_accepted_at_once_and_run_after(handler_dir: Path) -> None:
    async with running(handler_dir) as server:
        client = _lambda(server)
        wall, started = time.time(), anyio.current_time()
        accepted = await anyio.to_thread.run_sync(
            lambda: client.invoke(FunctionName="echo", InvocationType="Event", Payload=b'{"sleep": 0.5}')
        )
        accepted_after = anyio.current_time() - started
        # The next synchronous invoke waits for the queued one: one invocation at a time.
        after = await server.runtime.invoke(b"{}")
    assert accepted["StatusCode"] == 202
    assert accepted_after < 0.4
    assert after.function_error is None
    # It started only once the queued event's 0.5 s had run.
    assert json.loads(after.payload)["started"] >= wall + 0.45


async def test_browser_requests_from_foreign_origins_are_refused(tmp_path: Path) -> None:
    """DNS-rebinding protection: the dev server listens on the developer's machine."""
    write_handler(tmp_path, HTTP_ECHO_HANDLER)
    options = DevOptions(allowed_origins=["https://app.example.com"])
    async with running(tmp_path, options=options) as server, httpx2.AsyncClient() as http:
        statuses = {}
        for origin in ("http://evil.example.com", "http://localhost:3000", "https://app.example.com", None):
            headers = {"content-type": "application/json"} | ({"origin": origin} if origin else {})
            response = await http.post(server.base_url + "/mcp", content=b'{"x":1}', headers=headers)
            statuses[origin] = response.status_code
    assert statuses == {
        "http://evil.example.com": 403,
        "http://localhost:3000": 201,
        "https://app.example.com": 201,
        None: 201,
    }
