"""A one-shot MCP client for smoke tests: list the tools, or call one, and return JSON.

The target is either a URL (Streamable HTTP, optionally SigV4-signed for IAM-auth
Function URLs and API Gateway) or a Lambda function name or ARN, reached through
the Invoke API with `lambda_function_client` (``endpoint_url`` points it at
``mcp-lambda dev``). The real ``mcp.Client`` is used in both cases, so a
successful call proves the protocol works end to end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = ["CallOptions", "call_server"]

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class CallOptions:
    """How to reach the server.

    Attributes:
        sigv4: Sign HTTP requests with the default AWS credentials (URL targets).
        region: AWS region for signing and for the Invoke API.
        service: SigV4 service name: ``lambda`` (Function URL) or ``execute-api`` (API Gateway).
        endpoint_url: Invoke API endpoint for function targets (e.g. ``mcp-lambda dev``'s URL).
        headers: Extra HTTP headers (URL targets).
        mode: ``mcp.Client`` protocol mode: ``auto``, ``legacy`` or a modern version.
        timeout: Seconds to wait for each reply.
        client_context: Invoke ``ClientContext`` for function targets.
    """

    sigv4: bool = False
    region: str | None = None
    service: str = "lambda"
    endpoint_url: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    mode: str = "auto"
    timeout: float = 60.0
    client_context: Mapping[str, Any] | None = None


def _is_url(target: str) -> bool:
    return target.startswith(("http://", "https://"))


@asynccontextmanager
async def _http_transport(url: str, options: CallOptions) -> AsyncIterator[Any]:
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    auth: httpx2.Auth | None = None
    if options.sigv4:
        from mcp_lambda.client.streamable_http_sigv4 import SigV4Auth

        auth = SigV4Auth(service=options.service, region=options.region or "us-east-1")
    timeout = httpx2.Timeout(options.timeout)
    async with (
        httpx2.AsyncClient(headers=dict(options.headers), auth=auth, timeout=timeout) as http_client,
        streamable_http_client(url, http_client=http_client) as (read, write),
    ):
        yield read, write


def _invoke_transport(function: str, options: CallOptions) -> AbstractAsyncContextManager[Any]:
    import boto3

    from mcp_lambda.client.invoke import LambdaFunctionParameters, lambda_function_client

    session = boto3.Session(region_name=options.region or "us-east-1")
    endpoint_host = urlsplit(options.endpoint_url or "").hostname
    if endpoint_host in _LOCAL_HOSTS and session.get_credentials() is None:
        # The local emulator does not check keys unless asked; boto3 still needs some to sign.
        session = boto3.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=session.region_name
        )
    params = LambdaFunctionParameters(
        function,
        session.region_name,
        boto3_session=session,
        endpoint_url=options.endpoint_url,
        client_context=options.client_context,
    )
    return lambda_function_client(params)


async def call_server(
    target: str, tool: str | None = None, arguments: Mapping[str, Any] | None = None, options: CallOptions | None = None
) -> dict[str, Any]:
    """List the tools of the server at ``target``, or call ``tool`` with ``arguments``.

    Args:
        target: A Streamable HTTP URL, or a Lambda function name or ARN.
        tool: The tool to call; ``None`` lists the tools instead.
        arguments: The tool's arguments.
        options: Transport options.

    Returns:
        The ``tools/list`` result or the ``CallToolResult``, as JSON-ready dicts.
    """
    from mcp import Client

    options = options or CallOptions()
    transport = _http_transport(target, options) if _is_url(target) else _invoke_transport(target, options)
    async with Client(transport, mode=options.mode, read_timeout_seconds=options.timeout) as client:
        if tool is None:
            result: Any = await client.list_tools()
        else:
            result = await client.call_tool(tool, dict(arguments or {}))
    dumped: dict[str, Any] = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    return dumped
