"""Direct Lambda Invoke: the event is raw JSON-RPC, the result is raw JSON-RPC.

The payload is one JSON-RPC message or a batch (a JSON array). The result is the
reply object, the array of replies, or ``null`` when the payload held only
notifications or responses (`mcp_lambda.client.invoke` reads ``null`` as "no
reply"). An empty batch or a payload that is not JSON-RPC at all gets a single
-32600 error, as JSON-RPC 2.0 prescribes.

This front door claims whatever no other front door recognises, so it comes last
in `mcp_lambda.handlers.FRONT_DOORS` and its `infer` only accepts JSON-RPC-shaped
payloads.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from mcp_lambda import jsonrpc
from mcp_lambda._sync import run_sync
from mcp_lambda.engine.child import ServerParamsLike
from mcp_lambda.handlers.base import EventHandler
from mcp_lambda.types import (
    LAMBDA_RESPONSE_LIMIT,
    JSONObject,
    LambdaContext,
    LambdaEvent,
    MCPRequest,
    RequestHandler,
)

__all__ = ["LambdaInvokeEventHandler", "stdio_server_adapter"]

logger = logging.getLogger(__name__)


def _looks_like_jsonrpc(value: Any) -> bool:
    return isinstance(value, dict) and value.get("jsonrpc") == "2.0"


class LambdaInvokeEventHandler(EventHandler):
    """Front door for direct Lambda Invoke payloads (``aws lambda invoke``, boto3, `lambda_function_client`).

    Args:
        request_handler: Where the JSON-RPC messages go.
        max_response_bytes: A result larger than this (Lambda's 6 MB limit by default)
            is replaced by JSON-RPC errors that say so, instead of failing in the platform.
    """

    def __init__(self, request_handler: RequestHandler, max_response_bytes: int = LAMBDA_RESPONSE_LIMIT) -> None:
        super().__init__(request_handler)
        self.max_response_bytes = max_response_bytes

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext | None) -> bool:
        """True for a JSON-RPC message or a non-empty list of them."""
        if isinstance(event, list):
            return bool(event) and all(_looks_like_jsonrpc(m) for m in event)
        return _looks_like_jsonrpc(event)

    async def handle_async(self, event: LambdaEvent, context: LambdaContext) -> Any:
        """Forward the payload; return the reply, the list of replies, or ``None``."""
        is_batch = isinstance(event, list)
        messages: list[Any] = list(event) if is_batch else [event]
        if not messages or (not is_batch and not isinstance(event, dict)):
            detail = "Invalid Request: expected a JSON-RPC message or a non-empty batch"
            return jsonrpc.error_reply(None, jsonrpc.INVALID_REQUEST, detail)
        try:
            replies: list[JSONObject] = await self.request_handler.handle_request(
                MCPRequest(messages=messages, context=context)
            )
        except Exception:
            request_id = getattr(context, "aws_request_id", None)
            logger.exception("unexpected error while handling an Invoke payload", extra={"request_id": request_id})
            replies = [
                jsonrpc.error_reply(m.get("id"), jsonrpc.INTERNAL_ERROR, "Internal error")
                for m in messages
                if jsonrpc.classify(m) is jsonrpc.MessageKind.REQUEST
            ]
        replies = self._within_limit(replies)
        if is_batch:
            return replies or None
        return replies[0] if replies else None

    def _within_limit(self, replies: list[JSONObject]) -> list[JSONObject]:
        size = len(json.dumps(replies, ensure_ascii=False).encode())
        if size <= self.max_response_bytes:
            return replies
        refused = jsonrpc.too_large_replies([r.get("id") for r in replies], size, self.max_response_bytes)
        logger.error("%s", refused[0]["error"]["message"])
        return refused


_handlers: dict[tuple[Any, ...], LambdaInvokeEventHandler] = {}


def stdio_server_adapter(server_params: ServerParamsLike, event: LambdaEvent, context: LambdaContext) -> Any:
    """Answer a direct Lambda Invoke payload by forwarding it to a stdio MCP server.

    One child per invocation. For warm mode or other options, use
    ``LambdaInvokeEventHandler(StdioServerAdapterRequestHandler(params, ...))``.

    Args:
        server_params: How to start the server.
        event: One JSON-RPC message or a list of them.
        context: The Lambda context (its remaining time bounds the call).

    Returns:
        The JSON-RPC reply, the list of replies for a batch, or ``None`` when the
        payload held no request.
    """
    from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler

    key = (server_params.command, tuple(server_params.args or ()), repr(server_params.env), str(server_params.cwd))
    handler = _handlers.get(key)
    if handler is None:
        handler = _handlers[key] = LambdaInvokeEventHandler(StdioServerAdapterRequestHandler(server_params))
    return run_sync(handler.handle_async(event, context))
