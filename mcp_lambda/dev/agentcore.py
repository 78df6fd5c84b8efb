"""The dev server's Bedrock AgentCore Gateway front: a tool call becomes a Gateway-style invoke.

A Gateway Lambda target receives the bare tool arguments as the event and learns
which tool is meant from ``context.client_context.custom["bedrockAgentCoreToolName"]``
(``<target>___<tool>``), next to the gateway, target and message ids. Two request
forms are accepted:

- ``POST /agentcore/{tool}`` with the arguments object as the body; the response is
  the function's result as-is (a 502 with the error object on a function error);
- ``POST /agentcore`` with a JSON-RPC ``tools/call``, as the Gateway receives it
  from an MCP client; the reply is a JSON-RPC response wrapping the result.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import unquote

from mcp_lambda.dev.http11 import Request, Response
from mcp_lambda.dev.runtime_api import InvokeResult, LambdaRuntime

__all__ = ["agentcore", "agentcore_client_context"]

_JSON = [("content-type", "application/json")]
_PREFIX = "/agentcore/"


def agentcore_client_context(tool: str, *, target: str, gateway_id: str) -> dict[str, Any]:
    """The ``ClientContext`` a Gateway sends when it invokes ``target`` for ``tool``."""
    custom = {
        "bedrockAgentCoreMessageVersion": "1.0",
        "bedrockAgentCoreAwsRequestId": str(uuid.uuid4()),
        "bedrockAgentCoreMcpMessageId": str(uuid.uuid4()),
        "bedrockAgentCoreGatewayId": gateway_id,
        "bedrockAgentCoreTargetId": target,
        "bedrockAgentCoreToolName": f"{target}___{tool}",
    }
    return {"custom": custom, "env": None, "client": None}


async def agentcore(
    runtime: LambdaRuntime, request: Request, *, target: str, gateway_id: str
) -> tuple[Response, InvokeResult | None]:
    """Serve one AgentCore front request; returns the response and the invocation, if one ran."""
    tool = unquote(request.path[len(_PREFIX) :]) if request.path.startswith(_PREFIX) else ""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return Response(400, _JSON, b'{"message":"body must be JSON"}'), None
    if tool:
        context = agentcore_client_context(tool, target=target, gateway_id=gateway_id)
        result = await runtime.invoke(json.dumps(body).encode(), client_context=context)
        return Response(200 if result.function_error is None else 502, _JSON, result.payload), result
    rpc_id = body.get("id") if isinstance(body, dict) else None
    if not isinstance(body, dict) or body.get("method") != "tools/call":
        return _rpc_error(rpc_id, -32601, "only tools/call is routed to a Lambda target"), None
    params = body.get("params") or {}
    context = agentcore_client_context(str(params.get("name", "")), target=target, gateway_id=gateway_id)
    result = await runtime.invoke(json.dumps(params.get("arguments") or {}).encode(), client_context=context)
    if result.function_error is not None:
        return _rpc_error(rpc_id, -32603, json.loads(result.payload).get("errorMessage", "function error")), result
    reply = {"jsonrpc": "2.0", "id": rpc_id, "result": json.loads(result.payload)}
    return Response(200, _JSON, json.dumps(reply).encode()), result


def _rpc_error(rpc_id: Any, code: int, message: str) -> Response:
    reply = {"jsonrpc": "2.0", "id": rpc_id, "error": {"code": code, "message": message}}
    return Response(200, _JSON, json.dumps(reply).encode())
