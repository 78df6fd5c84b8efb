"""``mcp-lambda proxy``: a local stdio MCP server that forwards everything to a Lambda-hosted one.

Desktop clients that only launch stdio servers get a Lambda-hosted server with one
config line::

    {"mcpServers": {"notes": {"command": "mcp-lambda",
                              "args": ["proxy", "my-function", "--region", "eu-west-1"]}}}

The target is a function name or ARN (called through the Lambda Invoke API,
`mcp_lambda.client.invoke`) or an ``https://`` URL (streamable HTTP: a Function
URL or API Gateway), signed with SigV4 (`mcp_lambda.client.streamable_http_sigv4`),
authorised with OAuth (`mcp_lambda.proxy.oauth`), or sent as is. Messages are
relayed raw (`mcp_lambda.proxy.forward`), so the local client's protocol era is
the one the remote sees. AWS credentials come from the usual chain, narrowed by
``--profile``.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from mcp.client._transport import TransportStreams

from mcp_lambda.errors import describe_error
from mcp_lambda.proxy.forward import forward, routing_headers

__all__ = ["build_parser", "main_proxy", "remote_transport", "routing_headers", "run_proxy"]

logger = logging.getLogger(__name__)


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The ``proxy`` command's arguments (added to ``parser`` when given, for ``mcp-lambda``'s subcommand)."""
    parser = parser or argparse.ArgumentParser(prog="mcp-lambda proxy", description=__doc__.splitlines()[0])
    parser.add_argument("target", help="a Lambda function name or ARN, or the https:// URL of an MCP endpoint")
    parser.add_argument("--region", help="the AWS region (default: from the profile or environment)")
    parser.add_argument("--profile", help="the AWS profile whose credentials sign requests")
    parser.add_argument("--qualifier", help="Invoke: the function version or alias")
    parser.add_argument("--endpoint-url", help="Invoke: another Lambda API endpoint (a local emulator)")
    parser.add_argument(
        "--auth", choices=("sigv4", "oauth", "none"), default="sigv4", help="URL targets: how to authenticate"
    )
    parser.add_argument("--service", default="lambda", help="SigV4 signing name: lambda (Function URL), execute-api")
    parser.add_argument("--header", action="append", default=[], metavar="NAME:VALUE", help="an extra HTTP header")
    parser.add_argument("--oauth-scope", help="OAuth scopes to request (space-separated)")
    parser.add_argument("--oauth-client-id", help="OAuth: a pre-registered public client (else registered dynamically)")
    parser.add_argument("--oauth-callback-port", type=int, default=None, help="OAuth: local redirect port")
    parser.add_argument(
        "--oauth-browser", metavar="COMMAND", help="OAuth: the command that opens the sign-in URL (appended to it)"
    )
    parser.add_argument("--token-cache", type=Path, default=None, help="OAuth: token cache directory")
    parser.add_argument("--timeout", type=float, default=905.0, help="HTTP: seconds to wait for a reply")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    return parser


def _headers(raw: Sequence[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise ValueError(f"--header needs NAME:VALUE, got {item!r}")
        headers[name.strip()] = value.strip()
    return headers


@asynccontextmanager
async def remote_transport(args: argparse.Namespace) -> AsyncIterator[tuple[TransportStreams, bool]]:
    """Connect to the remote server; yield its streams and whether it is streamable HTTP."""
    import boto3  # deferred: only the client side pays for boto3

    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    target: str = args.target
    if not target.startswith(("https://", "http://")):
        from mcp_lambda.client.invoke import LambdaFunctionParameters, lambda_function_client

        params = LambdaFunctionParameters(
            target, args.region, boto3_session=session, endpoint_url=args.endpoint_url, qualifier=args.qualifier
        )
        async with lambda_function_client(params) as streams:
            yield streams, False
        return

    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    auth: httpx2.Auth | None = None
    if args.auth == "sigv4":
        from mcp_lambda.client.streamable_http_sigv4 import SigV4Auth

        auth = SigV4Auth(region=args.region, service=args.service, boto3_session=session)
    elif args.auth == "oauth":
        from mcp_lambda.proxy.oauth import DEFAULT_CALLBACK_PORT, oauth_provider

        auth = oauth_provider(
            target,
            scope=args.oauth_scope,
            client_id=args.oauth_client_id,
            callback_port=args.oauth_callback_port or DEFAULT_CALLBACK_PORT,
            cache_dir=args.token_cache,
            browser=shlex.split(args.oauth_browser) if args.oauth_browser else None,
        )
    timeout = httpx2.Timeout(30.0, read=args.timeout)
    async with (
        httpx2.AsyncClient(auth=auth, headers=_headers(args.header), timeout=timeout) as client,
        streamable_http_client(target, http_client=client, terminate_on_close=False) as streams,
    ):
        yield streams, True


async def run_proxy(args: argparse.Namespace) -> None:
    """Serve stdin/stdout, relaying to the remote server, until stdin closes."""
    from mcp.server.stdio import stdio_server

    # The write streams are closed on the way out: stdio_server waits for its stdout writer,
    # which ends only then, so without that the process would outlive its client's stdin.
    async with (
        remote_transport(args) as ((remote_read, remote_write), is_http),
        stdio_server() as (local_read, local_write),
        local_write,
        remote_write,
    ):
        await forward(local_read, local_write, remote_read, remote_write, stamp_headers=is_http)


def main_proxy(argv: Sequence[str] | None = None) -> int:
    """Run ``mcp-lambda proxy`` with ``argv`` (without the ``proxy`` word); return the exit status."""
    args = build_parser().parse_args(argv)
    if args.verbose:
        logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    try:
        anyio.run(run_proxy, args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        print(f"mcp-lambda proxy: {describe_error(exc)}", file=sys.stderr)
        return 1
    return 0
