"""Tool schemas for AgentCore Gateway Lambda targets: the rewriting rules (`rewrite`)
and the ``mcp-lambda schema`` command that exports them from a stdio server (`export`)."""

from __future__ import annotations

from mcp_lambda.schema.export import export_gateway_schema, list_tools, main_schema, render_schema
from mcp_lambda.schema.rewrite import GATEWAY_TYPES, SchemaChange, to_gateway_tool, to_gateway_tools

__all__ = [
    "GATEWAY_TYPES",
    "SchemaChange",
    "export_gateway_schema",
    "list_tools",
    "main_schema",
    "render_schema",
    "to_gateway_tool",
    "to_gateway_tools",
]
