"""`SigV4Auth` and `streamablehttp_client_with_sigv4` against a loopback endpoint that verifies signatures.

The endpoint recomputes each signature with botocore and the same fake credentials,
so a pass means AWS would accept the request, and a changed byte means 403.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from typing import Any

import anyio
import boto3
import httpx2
import pytest
from botocore.credentials import Credentials, RefreshableCredentials
from mcp import Client, ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from mcp_lambda.client.streamable_http_sigv4 import SigV4Auth, streamablehttp_client_with_sigv4
from tests.client.conftest import ACCESS_KEY, REGION, SECRET_KEY
from tests.client.sigv4_server import SigV4Endpoint, serve_sigv4_mcp

pytestmark = pytest.mark.anyio


@pytest.fixture
def endpoint() -> Iterator[SigV4Endpoint]:
    with serve_sigv4_mcp({ACCESS_KEY: SECRET_KEY}) as state:
        yield state


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
async def test_client_with_sigv4_auth_lists_tools(
    endpoint: SigV4Endpoint, aws_session: boto3.Session, mode: str
) -> None:
    auth = SigV4Auth(region=REGION, boto3_session=aws_session)
    async with (
        httpx2.AsyncClient(auth=auth) as http,
        Client(streamable_http_client(endpoint.url, http_client=http), mode=mode) as client,
    ):
        tools = await client.list_tools()
    assert [tool.name for tool in tools.tools] == ["echo", "sleep", "fail"]
    assert endpoint.rejections == []
    signed = endpoint.accepted[-1].signed_headers
    # MCP's own headers are covered; what proxies rewrite is not.
    assert {"host", "content-type", "mcp-protocol-version", "x-amz-date"} <= set(signed)
    assert not {"content-length", "accept-encoding", "user-agent", "connection"} & set(signed)


async def test_streamablehttp_client_with_sigv4_works_with_client_session(endpoint: SigV4Endpoint) -> None:
    credentials = Credentials(ACCESS_KEY, SECRET_KEY, token="session-token")
    transport = streamablehttp_client_with_sigv4(endpoint.url, region=REGION, credentials=credentials)
    async with transport as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        tools = await session.list_tools()
    assert "echo" in [tool.name for tool in tools.tools]
    assert endpoint.rejections == []
    # Temporary credentials: the session token travels signed.
    assert all("x-amz-security-token" in request.signed_headers for request in endpoint.accepted)


async def test_a_body_changed_after_signing_is_rejected(endpoint: SigV4Endpoint, aws_session: boto3.Session) -> None:
    class Tamper(httpx2.AsyncBaseTransport):
        """Sits below the auth flow, so it sees the signed request, and edits its body."""

        def __init__(self) -> None:
            self.inner = httpx2.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            body = request.content.replace(b'"id":', b'"id": ')
            headers = httpx2.Headers(request.headers)
            del headers["Content-Length"]
            return await self.inner.handle_async_request(
                httpx2.Request(request.method, request.url, headers=headers, content=body)
            )

        async def aclose(self) -> None:
            await self.inner.aclose()

    auth = SigV4Auth(region=REGION, boto3_session=aws_session)
    async with httpx2.AsyncClient(auth=auth, transport=Tamper()) as http:
        # The SDK reports the 403 on initialize as an MCPError inside exception groups.
        refused = pytest.RaisesGroup(pytest.RaisesExc(MCPError), flatten_subgroups=True)
        with anyio.fail_after(10), refused:
            async with Client(streamable_http_client(endpoint.url, http_client=http), mode="legacy"):
                pass
    assert endpoint.rejections == ["signature mismatch"]
    assert endpoint.accepted == []


async def test_an_unsigned_or_wrongly_scoped_request_is_rejected(
    endpoint: SigV4Endpoint, aws_session: boto3.Session
) -> None:
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    async with httpx2.AsyncClient() as http:
        unsigned = await http.post(endpoint.url, json=body)
    async with httpx2.AsyncClient(auth=SigV4Auth(region=REGION, service="execute-api", boto3_session=aws_session)) as h:
        wrong_service = await h.post(endpoint.url, json=body)
    assert (unsigned.status_code, wrong_service.status_code) == (403, 403)
    assert endpoint.rejections[0] == "missing SigV4 Authorization header"
    assert endpoint.rejections[1].startswith("wrong credential scope")


async def test_credentials_are_refreshed_off_the_event_loop() -> None:
    refresh_threads: list[int] = []
    keys = iter([("first", 1), ("second", 60)])

    def refresh() -> dict[str, Any]:
        refresh_threads.append(threading.get_ident())
        key, minutes = next(keys)
        # One minute left is inside botocore's mandatory refresh window: the first request must refresh.
        expiry = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=minutes)
        return {"access_key": key, "secret_key": f"{key}-secret", "token": "t", "expiry_time": expiry.isoformat()}

    credentials = RefreshableCredentials.create_from_metadata(refresh(), refresh, "test")
    refresh_threads.clear()  # the seeding call above ran here, not in a request
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    with serve_sigv4_mcp({"second": "second-secret"}) as endpoint:
        async with httpx2.AsyncClient(auth=SigV4Auth(region=REGION, credentials=credentials)) as http:
            statuses = [(await http.post(endpoint.url, json=body)).status_code for _ in range(2)]
    assert statuses == [200, 200]
    assert [request.access_key for request in endpoint.accepted] == ["second", "second"]
    assert refresh_threads and threading.get_ident() not in refresh_threads


def test_sync_clients_are_signed_too(endpoint: SigV4Endpoint, aws_session: boto3.Session) -> None:
    with httpx2.Client(auth=SigV4Auth(region=REGION, boto3_session=aws_session)) as http:
        response = http.post(endpoint.url, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert response.status_code == 200
    assert response.json()["result"]["tools"]


def test_a_region_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(ValueError, match="region"):
        SigV4Auth(credentials=Credentials(ACCESS_KEY, SECRET_KEY))
