"""SigV4 for MCP over streamable HTTP: an ``httpx2.Auth`` and a ready-made client transport.

Lambda Function URLs with ``AWS_IAM`` auth, and API Gateway with IAM authorization,
want every request signed with AWS Signature Version 4 over its method, URL, headers
and body. The mcp SDK customises HTTP through the ``httpx2.AsyncClient`` it is given,
so signing is an `SigV4Auth` on that client, usable with ``streamable_http_client``
and therefore with ``mcp.Client``; `streamablehttp_client_with_sigv4` wires it up.

Each request is signed with botocore's own signer, using credentials frozen for that
request (``get_frozen_credentials`` refreshes expiring ones). Resolving or refreshing
credentials can do network I/O (instance metadata, STS), so in async clients it runs
on a worker thread and never blocks the event loop.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Mapping
from contextlib import asynccontextmanager
from typing import Final

import anyio
import boto3
import httpx2
from botocore.auth import SigV4Auth as BotocoreSigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.exceptions import NoCredentialsError
from mcp.client._transport import TransportStreams
from mcp.client.streamable_http import streamable_http_client

__all__ = ["SigV4Auth", "streamablehttp_client_with_sigv4"]

# Headers a proxy or the HTTP stack may add, drop or rewrite on the way (hop-by-hop
# headers, compression negotiation, length framing): signing them would make a valid
# request fail verification. The body hash already covers the content.
_UNSIGNED_HEADERS: Final = frozenset(
    {
        "accept-encoding",
        "authorization",
        "connection",
        "content-length",
        "expect",
        "keep-alive",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)
_SIGNATURE_HEADERS: Final = ("Authorization", "X-Amz-Date", "X-Amz-Security-Token")


class SigV4Auth(httpx2.Auth):
    """Sign every request (body included) with AWS Signature Version 4.

    Example:
        ```python
        auth = SigV4Auth(region="us-east-1")  # service "lambda": Function URLs
        async with httpx2.AsyncClient(auth=auth) as http, mcp.Client(
            streamable_http_client(url, http_client=http)
        ) as client:
            ...
        ```

    Args:
        region: The region to sign for; ``None`` takes the session's region or
            ``AWS_REGION`` / ``AWS_DEFAULT_REGION``.
        service: The signing name: ``lambda`` for Function URLs, ``execute-api`` for
            API Gateway, ``bedrock-agentcore`` for AgentCore.
        credentials: Credentials to sign with (refreshable ones are refreshed);
            ``None`` resolves them from ``boto3_session`` on first use.
        boto3_session: Where to find credentials; ``None`` uses a default session.

    Raises:
        ValueError: No region was given or found.
    """

    requires_request_body = True

    def __init__(
        self,
        *,
        region: str | None = None,
        service: str = "lambda",
        credentials: Credentials | None = None,
        boto3_session: boto3.Session | None = None,
    ) -> None:
        region = (
            region
            or (boto3_session.region_name if boto3_session is not None else None)
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
        )
        if not region:
            raise ValueError("SigV4Auth needs a region: pass region= or a boto3 session that has one")
        self.region = region
        self.service = service
        self._credentials = credentials
        self._session = boto3_session
        self._lock = threading.Lock()

    def frozen_credentials(self) -> ReadOnlyCredentials:
        """This request's credentials, resolving and refreshing them as needed. Blocking.

        Raises:
            botocore.exceptions.NoCredentialsError: None could be found.
        """
        with self._lock:
            if self._credentials is None:
                session = self._session if self._session is not None else boto3.Session()
                credentials = session.get_credentials()
                if credentials is None:
                    raise NoCredentialsError()
                self._credentials = credentials
            credentials = self._credentials
        return credentials.get_frozen_credentials()

    def sign(self, request: httpx2.Request, credentials: ReadOnlyCredentials) -> None:
        """Add the SigV4 headers to ``request``, whose body must have been read."""
        headers = {name: value for name, value in request.headers.items() if name.lower() not in _UNSIGNED_HEADERS}
        aws_request = AWSRequest(method=request.method, url=str(request.url), data=request.content, headers=headers)
        BotocoreSigV4Auth(credentials, self.service, self.region).add_auth(aws_request)
        for name in _SIGNATURE_HEADERS:
            value = aws_request.headers.get(name)
            if value is not None:
                request.headers[name] = value

    def auth_flow(self, request: httpx2.Request) -> Generator[httpx2.Request, httpx2.Response, None]:
        """Sign on the calling thread (used by synchronous ``httpx2.Client``)."""
        self.sign(request, self.frozen_credentials())
        yield request

    async def async_auth_flow(self, request: httpx2.Request) -> AsyncGenerator[httpx2.Request, httpx2.Response]:
        """Sign, resolving credentials on a worker thread so the event loop never waits on I/O."""
        await request.aread()
        credentials = await anyio.to_thread.run_sync(self.frozen_credentials)
        self.sign(request, credentials)
        yield request


@asynccontextmanager
async def streamablehttp_client_with_sigv4(
    url: str,
    *,
    service: str = "lambda",
    region: str | None = None,
    credentials: Credentials | None = None,
    boto3_session: boto3.Session | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    sse_read_timeout: float = 300.0,
    terminate_on_close: bool = True,
) -> AsyncIterator[TransportStreams]:
    """Connect to an IAM-protected streamable HTTP MCP endpoint, signing every request.

    Example:
        ```python
        async with streamablehttp_client_with_sigv4(function_url, region="us-east-1") as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
        ```

    Args:
        url: The MCP endpoint (a Function URL, an API Gateway stage path ...).
        service: The SigV4 signing name (see `SigV4Auth`).
        region: The region to sign for (see `SigV4Auth`).
        credentials: Credentials to sign with; ``None`` resolves them from ``boto3_session``.
        boto3_session: Where to find credentials and the default region.
        headers: Extra headers for every request (signed too).
        timeout: Seconds for connecting, writing and ordinary reads.
        sse_read_timeout: Seconds to wait for the next event on an open SSE stream.
        terminate_on_close: Send ``DELETE`` for the session on exit (stateful servers).

    Yields:
        ``(read_stream, write_stream)`` for ``ClientSession`` or ``mcp.Client``.
    """
    auth = SigV4Auth(region=region, service=service, credentials=credentials, boto3_session=boto3_session)
    http_client = httpx2.AsyncClient(
        auth=auth, headers=dict(headers or {}), timeout=httpx2.Timeout(timeout, read=sse_read_timeout)
    )
    async with (
        http_client,
        streamable_http_client(url, http_client=http_client, terminate_on_close=terminate_on_close) as streams,
    ):
        yield streams
