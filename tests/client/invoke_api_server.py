"""A local Lambda Invoke API for tests: ``POST /2015-03-31/functions/{name}/invocations`` on 127.0.0.1.

Real boto3 clients (fake credentials, ``endpoint_url`` pointing here) call it; it runs
the registered Python function ``(event, context) -> result`` in-process and answers
the way the Invoke API does:

- the result as the JSON payload (``null`` for ``None``), status 200;
- when the function raises, status 200 with ``X-Amz-Function-Error: Unhandled`` and
  the ``{"errorMessage", "errorType", "requestId", "stackTrace"}`` payload;
- an unknown function: 404 ``ResourceNotFoundException``;
- after `InvokeAPIServer.throttle`: 429 ``TooManyRequestsException``.

The context has a ticking deadline and ``client_context`` built from the
``X-Amz-Client-Context`` header. Functions run on a small pool of "execution
environments" (worker threads), so a sync handler that keeps an event loop per thread
behaves as on Lambda. Given ``secrets``, each call's SigV4 signature is verified (403).
"""

from __future__ import annotations

import base64
import json
import threading
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote

from tests.client.sigv4_check import signature_problem
from tests.conftest import ClientContext, FakeLambdaContext
from tests.loopback import serve_http

__all__ = ["Invocation", "InvokeAPIServer", "LambdaFunction", "serve_invoke_api"]

LambdaFunction = Callable[[Any, Any], Any]
"""A Lambda handler: ``(event, context) -> JSON-serialisable result``."""

_PATH_PREFIX = "/2015-03-31/functions/"
_PATH_SUFFIX = "/invocations"


@dataclass
class Invocation:
    """One call the server received, for assertions."""

    function_name: str
    qualifier: str | None
    event: Any
    client_context: ClientContext | None


@dataclass
class InvokeAPIServer:
    """The server's state: registered functions, what they were sent, and what to answer."""

    functions: dict[str, LambdaFunction]
    region: str = "us-east-1"
    secrets: Mapping[str, str] | None = None
    timeout_ms: int = 30_000
    invocations: list[Invocation] = field(default_factory=list)
    url: str = ""
    _throttled: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def throttle(self, times: int = 1_000_000) -> None:
        """Answer the next ``times`` calls with 429 TooManyRequestsException."""
        with self._lock:
            self._throttled = times

    def _take_throttle(self) -> bool:
        with self._lock:
            if self._throttled <= 0:
                return False
            self._throttled -= 1
            return True


@contextmanager
def serve_invoke_api(
    functions: dict[str, LambdaFunction], *, environments: int = 4, **options: Any
) -> Iterator[InvokeAPIServer]:
    """Run an `InvokeAPIServer` on a free loopback port for the duration of the block."""
    state = InvokeAPIServer(functions, **options)
    pool = ThreadPoolExecutor(max_workers=environments, thread_name_prefix="lambda-env")
    handler = type("Handler", (_Handler,), {"state": state, "pool": pool})
    try:
        with serve_http(handler) as url:
            state.url = url
            yield state
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _resolve(raw_name: str, query: str) -> tuple[str, str | None]:
    """Split a FunctionName (name, partial or full ARN, ``name:qualifier``) and the Qualifier."""
    name = unquote(raw_name)
    qualifier = parse_qs(query).get("Qualifier", [None])[0]
    parts = name.split(":")
    if name.startswith("arn:"):
        name, qualifier = parts[6], parts[7] if len(parts) > 7 else qualifier
    elif len(parts) == 2:
        name, qualifier = parts
    return name, qualifier


class _Handler(BaseHTTPRequestHandler):
    state: InvokeAPIServer
    pool: ThreadPoolExecutor

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _reply(self, status: int, body: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a read-timeout test); nothing to tell it

    def _aws_error(self, status: int, code: str, message: str, **extra: Any) -> None:
        self._reply(status, {"Type": "User", "message": message, **extra}, {"x-amzn-ErrorType": code})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path, _, query = self.path.partition("?")
        if not (path.startswith(_PATH_PREFIX) and path.endswith(_PATH_SUFFIX)):
            self._aws_error(404, "UnknownOperationException", f"Unknown operation {path}")
            return
        state = self.state
        if state.secrets is not None:
            problem = signature_problem(
                "POST",
                f"http://{self.headers['Host']}{self.path}",
                dict(self.headers.items()),
                body,
                state.secrets,
                region=state.region,
                service="lambda",
            )
            if problem:
                self._aws_error(403, "InvalidSignatureException", problem)
                return
        if state._take_throttle():
            self._aws_error(429, "TooManyRequestsException", "Rate Exceeded.", Reason="CallerRateLimitExceeded")
            return
        name, qualifier = _resolve(path[len(_PATH_PREFIX) : -len(_PATH_SUFFIX)], query)
        function = state.functions.get(name)
        if function is None:
            arn = f"arn:aws:lambda:{state.region}:123456789012:function:{name}"
            self._aws_error(404, "ResourceNotFoundException", f"Function not found: {arn}")
            return
        client_context = None
        if header := self.headers.get("X-Amz-Client-Context"):
            decoded = json.loads(base64.b64decode(header))
            client_context = ClientContext(
                custom=decoded.get("custom"), env=decoded.get("env"), client=decoded.get("client")
            )
        event = json.loads(body) if body else None
        state.invocations.append(Invocation(name, qualifier, event, client_context))
        context = FakeLambdaContext(timeout_ms=state.timeout_ms, function_name=name, client_context=client_context)
        try:
            result = self.pool.submit(function, event, context).result()
        except Exception as exc:
            error = {
                "errorMessage": str(exc),
                "errorType": type(exc).__name__,
                "requestId": context.aws_request_id,
                "stackTrace": traceback.format_tb(exc.__traceback__),
            }
            self._reply(200, error, {"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "$LATEST"})
            return
        self._reply(200, result, {"X-Amz-Executed-Version": qualifier or "$LATEST"})
