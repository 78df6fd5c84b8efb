"""Stack: mcp-server-time as a Lambda target of a Bedrock AgentCore Gateway.

Gateway needs the target's tool schemas up front. ``tools.json`` is generated
from the real server by ``mcp-lambda schema -o tools.json -- python -m
mcp_server_time`` and checked in; the example's test runs ``--check`` so it
cannot go stale. Gateway callers authenticate with IAM (SigV4, service
``bedrock-agentcore``); the Gateway's role may invoke this one function.
The schema is passed inline (in the template), so the Gateway needs no S3 access.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_bedrockagentcore as agentcore
from constructs import Construct
from mcp_lambda_examples import McpFunction, acknowledge

__all__ = ["TARGET_NAME", "TOOL_SCHEMA", "AgentCoreGatewayStack"]

TOOL_SCHEMA = Path(__file__).parent / "tools.json"
TARGET_NAME = "time"


class AgentCoreGatewayStack(Stack):
    """The Gateway, its Lambda target, and the function."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        mcp = McpFunction(self, "TimeServer", source_dir=Path(__file__).parent / "function", timeout_seconds=60)
        gateway = agentcore.Gateway(
            self,
            "Gateway",
            description="MCP tools from mcp-server-time in Lambda",
            authorizer_configuration=agentcore.GatewayAuthorizer.using_aws_iam(),
        )
        gateway.add_lambda_target(
            "TimeTarget",
            gateway_target_name=TARGET_NAME,
            lambda_function=mcp.function,
            tool_schema=agentcore.ToolSchema.from_inline([_tool(tool) for tool in json.loads(TOOL_SCHEMA.read_text())]),
        )
        acknowledge(
            gateway,
            {
                "AwsSolutions-IAM5[Resource::<TimeServerFunctionE3CAA0EF.Arn>:*]": (
                    "Invoke on this one function's versions and aliases, as the Gateway construct grants it."
                )
            },
        )
        CfnOutput(
            self, "GatewayUrl", value=gateway.gateway_url or "", description="MCP endpoint (SigV4, bedrock-agentcore)"
        )
        CfnOutput(self, "GatewayId", value=gateway.gateway_id)


def _schema(node: dict[str, Any]) -> agentcore.SchemaDefinition:
    """One ``mcp-lambda schema`` node as CDK's typed SchemaDefinition (the dialects are the same)."""
    return agentcore.SchemaDefinition(
        type=getattr(agentcore.SchemaDefinitionType, node["type"].upper()),
        description=node.get("description"),
        items=_schema(node["items"]) if "items" in node else None,
        properties={key: _schema(value) for key, value in node["properties"].items()} if "properties" in node else None,
        required=node.get("required"),
    )


def _tool(tool: dict[str, Any]) -> agentcore.ToolDefinition:
    output = tool.get("outputSchema")
    return agentcore.ToolDefinition(
        name=tool["name"],
        description=tool["description"],
        input_schema=_schema(tool["inputSchema"]),
        output_schema=_schema(output) if output is not None else None,
    )
