"""The loopback HTTP server of ``mcp-lambda dev``: every way AWS can invoke a function.

One port, routed by path (``{p}`` is any path, passed on as the event's path):

- ``POST /2015-03-31/functions/{name}/invocations``: the Lambda Invoke API, so
  boto3 (``endpoint_url=``) and `lambda_function_client` work unchanged;
- ``/url/{p}``: a Function URL (payload v2);
- ``/restapi/{stage}/{p}``: an API Gateway REST API with a ``{proxy+}`` resource (payload v1);
- ``/httpapi/{p}``: an API Gateway HTTP API ``$default`` route (payload v2);
- ``/agentcore/{tool}`` (JSON arguments) and ``/agentcore`` (a JSON-RPC ``tools/call``):
  a Bedrock AgentCore Gateway Lambda target;
- anything else: the default front (Function URL unless chosen otherwise), so an
  MCP client can be pointed at ``http://127.0.0.1:PORT/mcp``.

HTTP fronts build real event shapes with `mcp_lambda.dev.events`; the authorizer
context can be injected to test identity handling, and SigV4 is verified when a
`SigV4Verifier` is given (its caller becomes the IAM authorizer context). Each
invocation is logged in one line: method, path, front, status, duration.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import time
import urllib.parse
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from mcp_lambda.dev import fronts
from mcp_lambda.dev.agentcore import agentcore
from mcp_lambda.dev.http11 import HttpServer, Request, Response
from mcp_lambda.dev.runtime_api import InvokeResult, LambdaRuntime
from mcp_lambda.dev.sigv4 import SignatureError, SigV4Verifier

__all__ = ["DevOptions", "DevServer"]

logger = logging.getLogger(__name__)

_INVOKE_PREFIX = "/2015-03-31/functions/"
_JSON = [("content-type", "application/json")]


@dataclass(frozen=True)
class DevOptions:
    """How the fronts behave.

    Attributes:
        default_front: The front for paths outside the reserved prefixes: ``url``, ``restapi`` or ``httpapi``.
        authorizer: Injected into HTTP events as the authorizer context (claims, IAM
            identity or Lambda authorizer output), as if the caller had authenticated.
        verifier: When set, requests must be SigV4-signed with one of its credentials.
        agentcore_target: The Gateway target name prefixed to AgentCore tool names.
        agentcore_gateway_id: The ``bedrockAgentCoreGatewayId`` sent in the client context.
        allowed_origins: DNS-rebinding protection for a server on the developer's machine:
            a browser request whose ``Origin`` is not loopback (or listed here) gets 403
            before it reaches the function. Requests without ``Origin`` always pass.
    """

    default_front: str = "url"
    authorizer: Mapping[str, Any] | None = None
    verifier: SigV4Verifier | None = None
    agentcore_target: str = "target"
    agentcore_gateway_id: str = "local-gateway"
    allowed_origins: Sequence[str] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


class DevServer:
    """Serve the fronts of one emulated function on a loopback port.

    Args:
        runtime: The execution environment every invocation goes to.
        options: Front behaviour (default front, injected identity, SigV4).
        host: Interface to bind; loopback by default.
        port: Port to bind; ``0`` picks a free one.
    """

    def __init__(
        self, runtime: LambdaRuntime, options: DevOptions | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.runtime = runtime
        self.options = options or DevOptions()
        self._host = host
        self._http = HttpServer(self._route, host, port)
        self._background: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound port."""
        return self._http.port

    @property
    def base_url(self) -> str:
        """``http://host:port``."""
        return f"http://{self._host}:{self.port}"

    def urls(self) -> dict[str, str]:
        """The URL of each front, for printing."""
        base = self.base_url
        return {
            "MCP endpoint (default front)": f"{base}/mcp",
            "Function URL": f"{base}/url/mcp",
            "API Gateway REST API": f"{base}/restapi/dev/mcp",
            "API Gateway HTTP API": f"{base}/httpapi/mcp",
            "AgentCore Gateway target": f"{base}/agentcore/{{tool}}",
            "Lambda Invoke API": f"{base}  (function {self.runtime.config.function_name})",
        }

    async def start(self) -> None:
        """Start serving (the runtime is started separately)."""
        await self._http.start()

    async def aclose(self) -> None:
        """Stop serving (queued ``Event`` invocations are dropped)."""
        await self._http.close()
        for task in list(self._background):
            task.cancel()

    async def _route(self, request: Request) -> Response:
        started = time.perf_counter()
        front, response, result = "-", Response(404, _JSON, b'{"message":"Not Found"}'), None
        try:
            if not self._origin_allowed(request):
                response = Response(403, _JSON, b'{"message":"Forbidden: Origin not allowed"}')
                self._log(request, front, response, result, started)
                return response
            caller = self._authenticate(request)
            if request.path.startswith(_INVOKE_PREFIX):
                front = "invoke"
                response, result = await self._invoke_api(request)
            elif request.path == "/agentcore" or request.path.startswith("/agentcore/"):
                front = "agentcore"
                options = self.options
                response, result = await agentcore(
                    self.runtime, request, target=options.agentcore_target, gateway_id=options.agentcore_gateway_id
                )
            else:
                front, path, stage = fronts.split_front(request.path, self.options.default_front)
                codec = fronts.CODECS[front]
                event = codec.to_event(request, path=path, stage=stage, authorizer=self._authorizer(caller))
                result = await self.runtime.invoke(json.dumps(event).encode())
                response = codec.to_response(result)
        except SignatureError as exc:
            response = Response(403, _JSON, json.dumps({"message": str(exc)}).encode())
        self._log(request, front, response, result, started)
        return response

    def _origin_allowed(self, request: Request) -> bool:
        origin = next((value for name, value in request.headers if name == "origin"), None)
        if origin is None or origin in self.options.allowed_origins:
            return True
        host = urllib.parse.urlsplit(origin).hostname
        return host in ("localhost", "127.0.0.1", "::1")

    def _authenticate(self, request: Request) -> dict[str, str] | None:
        if self.options.verifier is None:
            return None
        return self.options.verifier.verify(request, f"{self._host}:{self.port}")

    def _authorizer(self, caller: Mapping[str, str] | None) -> Mapping[str, Any] | None:
        if self.options.authorizer is not None or caller is None:
            return self.options.authorizer
        return {"iam": {"accessKey": caller["accessKey"], "accountId": "000000000000", "callerId": caller["accessKey"]}}

    async def _invoke_api(self, request: Request) -> tuple[Response, InvokeResult | None]:
        name, _, tail = request.path[len(_INVOKE_PREFIX) :].partition("/")
        name = unquote(name)
        if request.method != "POST" or tail != "invocations":
            return Response(404, _JSON, b'{"message":"Unknown operation"}'), None
        config = self.runtime.config
        if name not in (config.function_name, config.arn) and not name.endswith(f":function:{config.function_name}"):
            return _aws_error(404, "ResourceNotFoundException", f"Function not found: {name}"), None
        client_context = None
        if (encoded := request.header("x-amz-client-context")) is not None:
            try:
                client_context = json.loads(base64.b64decode(encoded, validate=True))
            except (binascii.Error, ValueError):
                return _aws_error(400, "InvalidRequestContentException", "Client context must be base64 JSON"), None
        invocation_type = request.header("x-amz-invocation-type", "RequestResponse")
        if invocation_type == "DryRun":
            return Response(204, _JSON), None
        if invocation_type == "Event":
            # Lambda queues the event and answers at once; the invocation runs after (and is logged then).
            request_id = str(uuid.uuid4())
            task = asyncio.create_task(self._run_event(request, request.body or b"{}", client_context, request_id))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return Response(202, [("x-amzn-requestid", request_id)]), None
        result = await self.runtime.invoke(request.body or b"{}", client_context=client_context)
        headers = [*_JSON, ("x-amzn-requestid", result.request_id), ("x-amz-executed-version", "$LATEST")]
        if result.function_error:
            headers.append(("x-amz-function-error", result.function_error))
        return Response(200, headers, result.payload), result

    async def _run_event(
        self, request: Request, payload: bytes, client_context: Mapping[str, Any] | None, request_id: str
    ) -> None:
        started = time.perf_counter()
        result = await self.runtime.invoke(payload, client_context=client_context, request_id=request_id)
        self._log(request, "invoke:Event", Response(202), result, started)

    def _log(
        self, request: Request, front: str, response: Response, result: InvokeResult | None, started: float
    ) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        extra = ""
        if result is not None and result.init_ms is not None:
            extra += f" (cold start, init {result.init_ms:.0f} ms)"
        if result is not None and result.function_error is not None:
            try:
                error = json.loads(result.payload)
                extra += f" {result.function_error}: {error.get('errorType', '')}: {error.get('errorMessage', '')}"
            except ValueError:
                extra += f" {result.function_error}"
        logger.info(
            "%s %s [%s]%s %d %.1f ms%s",
            request.method,
            request.path,
            front,
            _rpc_methods(request.body),
            response.status,
            elapsed,
            extra,
        )


def _rpc_methods(body: bytes) -> str:
    # Naming the JSON-RPC method(s) makes the log line say what the client asked for.
    if not body.startswith((b"{", b"[")) or len(body) > 65536:
        return ""
    try:
        value = json.loads(body)
    except ValueError:
        return ""
    messages = value if isinstance(value, list) else [value]
    methods = [str(m["method"]) for m in messages if isinstance(m, dict) and "method" in m]
    return " " + ",".join(methods) if methods else ""


def _aws_error(status: int, error_type: str, message: str) -> Response:
    headers = [*_JSON, ("x-amzn-errortype", error_type)]
    return Response(status, headers, json.dumps({"Type": "User", "message": message}).encode())
