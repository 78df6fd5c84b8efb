"""The ``mcp-lambda`` command.

- ``mcp-lambda dev HANDLER``: run a Lambda handler locally in the real Python
  runtime (``awslambdaric``) behind the Invoke API, Function URL, API Gateway and
  AgentCore Gateway fronts, reloading it on change.
- ``mcp-lambda call TARGET [TOOL [ARGS]]``: list tools, or call one, on a URL or a
  function, and print the result as JSON.
- ``mcp-lambda demo``: both at once on ``examples/quickstart/handler.py`` (a Lambda
  wrapping ``mcp-server-time``): start, make one real ``tools/call``, print, stop.
- ``mcp-lambda schema -- COMMAND ...``: write the tool schemas an AgentCore Gateway
  Lambda target needs (`mcp_lambda.schema`); it has its own options (``--help``).
- ``mcp-lambda proxy TARGET``: a local stdio MCP server forwarding to a Lambda-hosted
  one over Invoke or signed/OAuth streamable HTTP (`mcp_lambda.proxy`).

The heavy imports (the mcp client, boto3) happen inside the subcommands, so
``--help`` is instant.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from mcp_lambda.errors import describe_error

__all__ = ["main"]

DEFAULT_PORT = 9000
DEMO_HANDLER = "examples/quickstart/handler.py:handler"


def _json_arg(text: str) -> Any:
    """Parse JSON given inline or as ``@file``."""
    if text.startswith("@"):
        text = Path(text[1:]).read_text()
    try:
        return json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not valid JSON: {exc}") from None


def _env_arg(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME=VALUE")
    return name, value


def _header_arg(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError("expected 'Name: value'")
    return name.strip(), value.strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mcp-lambda", description="Run and call MCP servers on AWS Lambda.")
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run a Lambda handler locally behind every front")
    dev.add_argument("handler", help="path/to/app.py:function or package.module.function")
    dev.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback)")
    dev.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 picks one)")
    dev.add_argument("--task-root", help="directory the handler module is imported from")
    dev.add_argument("--timeout", type=float, default=30.0, help="function timeout in seconds (default 30)")
    dev.add_argument("--memory", type=int, default=1024, help="memory size in MB, informational (default 1024)")
    dev.add_argument("--function-name", help="function name (default: the handler file's directory name)")
    dev.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))
    dev.add_argument("--env", type=_env_arg, action="append", default=[], metavar="NAME=VALUE")
    dev.add_argument("--no-reload", action="store_true", help="do not restart the handler when files change")
    dev.add_argument("--front", choices=["url", "restapi", "httpapi"], default="url", help="front for other paths")
    dev.add_argument("--authorizer", type=_json_arg, help="authorizer context (JSON or @file) put in HTTP events")
    dev.add_argument("--verify-sigv4", action="store_true", help="reject requests not signed with your AWS keys")
    dev.add_argument("--agentcore-target", default="target", help="AgentCore Gateway target name")
    dev.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also accept browser requests from this Origin (loopback origins always are)",
    )
    dev.add_argument("-v", "--verbose", action="store_true")

    call = commands.add_parser("call", help="list tools or call one, print JSON")
    call.add_argument("target", help="http(s) URL of an MCP endpoint, or a Lambda function name/ARN")
    call.add_argument("tool", nargs="?", help="tool to call (default: list the tools)")
    call.add_argument("arguments", nargs="?", type=_json_arg, default={}, help="tool arguments as JSON or @file")
    call.add_argument("--sigv4", action="store_true", help="sign HTTP requests with your AWS credentials")
    call.add_argument("--service", default="lambda", help="SigV4 service: lambda or execute-api")
    call.add_argument("--region", default=os.environ.get("AWS_REGION"))
    call.add_argument("--endpoint-url", help="Invoke API endpoint, e.g. http://127.0.0.1:9000 for mcp-lambda dev")
    call.add_argument("--header", type=_header_arg, action="append", default=[], metavar="'NAME: VALUE'")
    call.add_argument("--mode", default="auto", help="auto, legacy or a protocol version (default auto)")
    call.add_argument("--timeout", type=float, default=60.0)
    call.add_argument("-v", "--verbose", action="store_true")

    # Subcommands with parsers of their own: listed here for --help, dispatched in `main`.
    for name, text in _DELEGATED_HELP.items():
        commands.add_parser(name, help=text, add_help=False)

    demo = commands.add_parser("demo", help="start the dev server on the quickstart handler and call a tool")
    demo.add_argument("--handler", default=DEMO_HANDLER, help=f"handler to run (default {DEMO_HANDLER})")
    demo.add_argument("--tool", default="get_current_time")
    demo.add_argument("--arguments", type=_json_arg, default={"timezone": "UTC"})
    demo.add_argument("-v", "--verbose", action="store_true")
    return parser


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S"
    )
    # The one-line invocation log is the point of the dev server: always show it.
    logging.getLogger("mcp_lambda.dev").setLevel(logging.DEBUG if verbose else logging.INFO)


def _config(args: argparse.Namespace) -> Any:
    from mcp_lambda.dev.process import FunctionConfig, resolve_handler

    task_root, handler = resolve_handler(args.handler, args.task_root)
    name = args.function_name or (task_root.name if task_root.name.isidentifier() else "mcp-lambda-dev")
    return FunctionConfig(
        handler, task_root, name, args.timeout, args.memory, args.region, environment=dict(getattr(args, "env", []))
    )


def _verifier() -> Any:
    import botocore.session

    from mcp_lambda.dev.sigv4 import SigV4Verifier

    credentials = botocore.session.get_session().get_credentials()
    if credentials is None:
        raise SystemExit("--verify-sigv4 needs AWS credentials (environment or profile) to verify against")
    frozen = credentials.get_frozen_credentials()
    key, secret, token = str(frozen.access_key), str(frozen.secret_key), frozen.token
    return SigV4Verifier({key: secret}, {key: str(token)} if token else None)


async def _dev(args: argparse.Namespace) -> int:
    from mcp_lambda.dev.app import run_dev
    from mcp_lambda.dev.server import DevOptions

    # Ending through cancellation runs the cleanup that kills the runtime and its children.
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    options = DevOptions(
        default_front=args.front,
        authorizer=args.authorizer,
        verifier=_verifier() if args.verify_sigv4 else None,
        agentcore_target=args.agentcore_target,
        allowed_origins=args.allow_origin,
    )
    try:
        await run_dev(_config(args), options, host=args.host, port=args.port, reload=not args.no_reload)
    except asyncio.CancelledError:
        pass
    return 0


async def _call(args: argparse.Namespace) -> int:
    from mcp_lambda.dev.call import CallOptions, call_server

    options = CallOptions(
        sigv4=args.sigv4,
        region=args.region,
        service=args.service,
        endpoint_url=args.endpoint_url,
        headers=dict(args.header),
        mode=args.mode,
        timeout=args.timeout,
    )
    try:
        result = await call_server(args.target, args.tool, args.arguments, options)
    except Exception as exc:  # the point of a smoke test is a readable failure
        print(f"mcp-lambda call: {describe_error(exc)}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result.get("isError") else 0


async def _demo(args: argparse.Namespace) -> int:
    from mcp_lambda.dev.app import describe_init_error, dev_server
    from mcp_lambda.dev.call import call_server
    from mcp_lambda.dev.process import FunctionConfig, resolve_handler

    task_root, handler = resolve_handler(args.handler)
    async with dev_server(FunctionConfig(handler, task_root, "quickstart"), port=0) as server:
        if server.runtime.init_error is not None:
            print(describe_init_error(server.runtime.init_error), file=sys.stderr)
            return 1
        url = f"{server.base_url}/mcp"
        print(
            f"dev server up at {url}; calling {args.tool}({json.dumps(args.arguments)}) with mcp.Client",
            file=sys.stderr,
        )
        result = await call_server(url, args.tool, args.arguments)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 1 if result.get("isError") else 0


def _run(coro: Coroutine[Any, Any, int]) -> int:
    try:
        return asyncio.run(coro)
    except KeyboardInterrupt:
        return 130


_DELEGATED_HELP = {
    "schema": "write AgentCore Gateway tool schemas from a stdio server (see: schema --help)",
    "proxy": "a local stdio MCP server forwarding to a Lambda-hosted one (see: proxy --help)",
}


def _delegated(name: str, rest: list[str]) -> int:
    if name == "schema":
        from mcp_lambda.schema import main_schema

        return main_schema(rest)
    if name == "proxy":
        from mcp_lambda.proxy import main_proxy

        return main_proxy(rest)
    raise AssertionError(name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``mcp-lambda`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in _DELEGATED_HELP:
        return _delegated(argv[0], argv[1:])
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose)
    try:
        if args.command == "dev":
            return _run(_dev(args))
        if args.command == "call":
            return _run(_call(args))
        if not Path(args.handler.partition(":")[0]).exists():
            print(f"{args.handler} not found: run this from the mcp-lambda repository root", file=sys.stderr)
            return 2
        return _run(_demo(args))
    except ValueError as exc:  # a bad handler reference, mostly
        print(f"mcp-lambda {args.command}: {exc}", file=sys.stderr)
        return 2
