"""Front door for Amazon Bedrock AgentCore Gateway Lambda targets.

Gateway does not speak JSON-RPC to a Lambda target. It invokes the function with
the bare tool arguments as ``event`` and puts the tool name and call metadata in
``context.client_context.custom``; it expects a CallToolResult-shaped object back,
and a raised exception becomes a Lambda function error that Gateway reports.
This module turns one such invocation into a single ``tools/call`` and back.

AWS docs: https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-add-target-lambda.html
(Lambda function input format) and .../gateway-tool-naming.html (``<target>___<tool>``);
propagated headers and query parameters: .../gateway-headers.html.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, Final

from mcp_lambda.errors import InvalidEventError, ToolError
from mcp_lambda.handlers.base import EventHandler
from mcp_lambda.jsonrpc import INTERNAL_ERROR
from mcp_lambda.types import JSONObject, LambdaContext, LambdaEvent, MCPRequest

__all__ = ["BedrockAgentCoreGatewayTargetHandler"]

logger = logging.getLogger(__name__)

TOOL_NAME_KEY: Final = "bedrockagentcoretoolname"
"""The ``client_context.custom`` key naming the tool, lower-cased (AWS docs have varied its case)."""

TOOL_NAME_SEPARATOR: Final = "___"
"""Gateway names a target's tool ``<target>___<tool>``; the target name is stripped at the first one."""

HANDSHAKE_PROTOCOL_VERSION: Final = "2025-11-25"
"""Gateway sends no MCP version of its own, so the call runs in the latest handshake era, which
every stdio server understands (the adapter performs ``initialize`` with the child). Pinned to
``mcp.client.session.HANDSHAKE_PROTOCOL_VERSIONS[-1]`` by a test; not imported, for cold start."""

# custom key (lower-cased) -> caller field forwarded to the server under CALLER_META_KEY.
_CALLER_FIELDS: Final = {
    "bedrockagentcoregatewayid": "gatewayId",
    "bedrockagentcoretargetid": "targetId",
    "bedrockagentcoremcpmessageid": "mcpMessageId",
    "bedrockagentcoreawsrequestid": "awsRequestId",
    "bedrockagentcoremessageversion": "messageVersion",
}
_JSON_FIELDS: Final = {
    "bedrockagentcorepropagatedheaders": "propagatedHeaders",
    "bedrockagentcorepropagatedqueryparameters": "propagatedQueryParameters",
}


def _custom(context: LambdaContext | None) -> dict[str, Any]:
    """``context.client_context.custom`` with lower-cased keys; empty when absent."""
    client_context = getattr(context, "client_context", None)
    custom = getattr(client_context, "custom", None)
    if not isinstance(custom, Mapping):
        return {}
    return {key.lower(): value for key, value in custom.items() if isinstance(key, str)}


def _json_object(name: str, value: Any) -> JSONObject | None:
    """A propagated-headers style value: a dict, or a JSON string holding one."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if isinstance(value, dict):
        return value
    # Malformed metadata is Gateway's doing, not the caller's: forward nothing rather than fail the call.
    logger.warning("AgentCore Gateway sent %s that is not a JSON object; not forwarding it", name)
    return None


def tool_name_from_context(context: LambdaContext | None) -> str:
    """The tool to call: the Gateway tool name with its ``<target>___`` prefix stripped.

    Raises:
        InvalidEventError: The name is missing, not a string, or empty once stripped.
    """
    full = _custom(context).get(TOOL_NAME_KEY)
    if not isinstance(full, str) or not full:
        raise InvalidEventError("AgentCore Gateway invocation has no bedrockAgentCoreToolName in client_context.custom")
    _, separator, tool = full.partition(TOOL_NAME_SEPARATOR)
    name = tool if separator else full
    if not name:
        raise InvalidEventError(f"AgentCore Gateway tool name {full!r} has no tool after the target prefix")
    return name


def caller_from_context(context: LambdaContext | None) -> JSONObject:
    """What Gateway told us about the call, as forwarded to the server under ``CALLER_META_KEY``."""
    custom = _custom(context)
    caller: JSONObject = {"frontDoor": "agentcore"}
    if isinstance(full := custom.get(TOOL_NAME_KEY), str):
        caller["toolName"] = full
    for key, field in _CALLER_FIELDS.items():
        if custom.get(key) is not None:
            caller[field] = custom[key]
    for key, field in _JSON_FIELDS.items():
        if custom.get(key) is not None and (value := _json_object(field, custom[key])) is not None:
            caller[field] = value
    return caller


def _call_tool_result(reply: JSONObject) -> JSONObject:
    """The CallToolResult Gateway expects, or ToolError for a JSON-RPC error reply."""
    error = reply.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        raise ToolError(code if isinstance(code, int) else INTERNAL_ERROR, str(error.get("message", "")))
    result = reply.get("result")
    if not isinstance(result, dict) or not isinstance(result.get("content"), list):
        raise ToolError(INTERNAL_ERROR, "the server's tools/call result is not a CallToolResult")
    out: JSONObject = {"content": result["content"], "isError": result.get("isError") is True}
    if result.get("structuredContent") is not None:
        out["structuredContent"] = result["structuredContent"]
    return out


class BedrockAgentCoreGatewayTargetHandler(EventHandler):
    """Serve an AgentCore Gateway Lambda target from a stdio MCP server.

    ``event`` (the tool arguments; ``null`` is taken as no arguments) becomes one
    ``tools/call`` for the tool named in ``context.client_context.custom``. Returns
    ``{"content", "isError", "structuredContent"?}``. A tool failure is a result
    with ``isError: true``; a protocol error (unknown tool, invalid params, the
    server failing) raises `ToolError` so that Gateway reports a function error.
    Gateway's metadata reaches the server in ``params._meta[CALLER_META_KEY]``.

    Example::

        handler = BedrockAgentCoreGatewayTargetHandler(StdioServerAdapterRequestHandler(params))

        def lambda_handler(event, context):
            return handler.handle(event, context)
    """

    @classmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext | None) -> bool:
        """True when the invocation carries a Gateway tool name (any key case)."""
        try:
            return TOOL_NAME_KEY in _custom(context)
        except Exception:  # a context object we cannot read is simply not ours
            return False

    async def handle_async(self, event: LambdaEvent, context: LambdaContext) -> JSONObject:
        """Call the tool and return its CallToolResult.

        Raises:
            InvalidEventError: No usable tool name, or the arguments are not a JSON object.
            ToolError: The server answered with a JSON-RPC error (or no CallToolResult).
        """
        name = tool_name_from_context(context)
        arguments = {} if event is None else event
        if not isinstance(arguments, dict):
            raise InvalidEventError(
                f"AgentCore Gateway event must be the tool-arguments JSON object, not {type(arguments).__name__}"
            )
        message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
        request = MCPRequest(
            messages=[message],
            context=context,
            protocol_version=HANDSHAKE_PROTOCOL_VERSION,
            caller=caller_from_context(context),
        )
        replies = await self.request_handler.handle_request(request)
        if len(replies) != 1:
            raise ToolError(INTERNAL_ERROR, f"expected one reply to tools/call, got {len(replies)}")
        return _call_tool_result(replies[0])
