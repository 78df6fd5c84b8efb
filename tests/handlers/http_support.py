"""Shared helpers for the HTTP front-door tests: a fake request handler and event editing."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.handlers.http_base import HttpEventHandler
from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler
from mcp_lambda.http import HttpOptions
from mcp_lambda.jsonrpc import MessageKind, classify, error_reply
from mcp_lambda.types import JSONObject, MCPRequest
from tests.conftest import load_event

FRONT_DOORS: dict[str, tuple[type[HttpEventHandler], str]] = {
    "rest_api": (APIGatewayProxyEventHandler, "rest_api"),
    "http_api": (APIGatewayProxyEventV2Handler, "http_api"),
    "function_url": (LambdaFunctionURLEventHandler, "function_url"),
}
"""Front door name -> (handler class, base fixture in tests/events)."""

MODERN_META: JSONObject = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
}


class EchoHandler:
    """A fake `RequestHandler`: echoes each request's method, and obeys a few test methods.

    ``test/error`` answers with ``params["code"]``; ``test/raise`` raises;
    ``test/big`` answers with ``params["size"]`` bytes of text.
    """

    def __init__(self) -> None:
        self.requests: list[MCPRequest] = []

    async def handle_request(self, request: MCPRequest) -> list[JSONObject]:
        self.requests.append(request)
        replies: list[JSONObject] = []
        for message in request.messages:
            if classify(message) is not MessageKind.REQUEST:
                continue
            method = message["method"]
            params = message.get("params") or {}
            if method == "test/raise":
                raise RuntimeError("boom: secret internals")
            if method == "test/error":
                replies.append(error_reply(message["id"], params["code"], "test error"))
            elif method == "test/big":
                replies.append({"jsonrpc": "2.0", "id": message["id"], "result": {"text": "x" * params["size"]}})
            else:
                result = {"method": method, "caller": request.caller, "protocolVersion": request.protocol_version}
                replies.append({"jsonrpc": "2.0", "id": message["id"], "result": result})
        return replies

    async def aclose(self) -> None:
        return None


def make_handler(front: str, options: HttpOptions | None = None) -> tuple[HttpEventHandler, EchoHandler]:
    """A front-door handler of kind ``front`` around a fresh `EchoHandler`."""
    echo = EchoHandler()
    cls, _ = FRONT_DOORS[front]
    return cls(echo, options), echo


def make_event(
    front: str,
    *,
    fixture: str | None = None,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    body: Any = None,
    b64: bool = False,
    path: str | None = None,
) -> dict[str, Any]:
    """The front door's fixture event with method, headers, body and path replaced.

    ``headers=None`` keeps the fixture's; ``body`` may be bytes, a str, or any JSON
    value (serialised); ``b64`` base64-encodes it as the platform does for binary media.
    """
    event = copy.deepcopy(load_event(fixture or FRONT_DOORS[front][1]))
    if front == "rest_api":
        event["httpMethod"] = method
        if headers is not None:
            event["headers"] = dict(headers)
            event["multiValueHeaders"] = {k: [v] for k, v in headers.items()}
        if path is not None:
            event["path"] = path
    else:
        event["requestContext"]["http"]["method"] = method
        if headers is not None:
            event["headers"] = {k.lower(): v for k, v in headers.items()}
        if path is not None:
            event["rawPath"] = path
    raw: bytes | None
    if body is None:
        raw = None
    elif isinstance(body, bytes):
        raw = body
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = json.dumps(body).encode()
    if raw is None:
        event["body"] = None
        event["isBase64Encoded"] = False
    else:
        event["body"] = base64.b64encode(raw).decode() if b64 else raw.decode("utf-8", "replace")
        event["isBase64Encoded"] = b64
    return event


def reply_of(result: dict[str, Any]) -> Any:
    """The decoded JSON body of a proxy result (``None`` for an empty body)."""
    return json.loads(result["body"]) if result["body"] else None


def header(result: dict[str, Any], name: str) -> str | None:
    """A response header, by case-insensitive name."""
    return {k.lower(): v for k, v in result["headers"].items()}.get(name.lower())
