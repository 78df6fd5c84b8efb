"""What the example clients share: reading a stack's outputs, and listing or calling tools.

Outputs come from ``cdk deploy --outputs-file cdk-outputs.json`` when that file is
given, else from CloudFormation (``DescribeStacks``) with your default AWS credentials.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import mcp

__all__ = ["arguments", "list_or_call", "output", "stack_outputs"]


def stack_outputs(stack: str, outputs_file: Path | None = None, region: str | None = None) -> dict[str, str]:
    """The outputs of ``stack`` by key (CDK suffixes nested construct outputs; keys are matched by suffix)."""
    if outputs_file is not None:
        data: dict[str, dict[str, str]] = json.loads(outputs_file.read_text())
        return data[stack]
    import boto3

    described = boto3.client("cloudformation", region_name=region).describe_stacks(StackName=stack)
    return {item["OutputKey"]: item["OutputValue"] for item in described["Stacks"][0].get("Outputs", [])}


def output(outputs: dict[str, str], suffix: str) -> str:
    """The output whose key ends with ``suffix`` (CDK prefixes outputs of nested constructs)."""
    (value,) = [value for key, value in outputs.items() if key.endswith(suffix)]
    return value


def arguments(description: str, default_stack: str) -> argparse.ArgumentParser:
    """The command line every client takes: the stack, the outputs file, a tool and its JSON arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--stack", default=default_stack, help=f"stack name (default {default_stack})")
    parser.add_argument("--outputs-file", type=Path, help="cdk deploy --outputs-file JSON")
    parser.add_argument("--region", help="AWS region (default: your configuration)")
    parser.add_argument("tool", nargs="?", help="tool to call; lists the tools when omitted")
    parser.add_argument("arguments", nargs="?", default="{}", help="tool arguments as JSON")
    return parser


async def list_or_call(server: Any, tool: str | None, arguments: str) -> dict[str, Any]:
    """List the server's tools, or call ``tool``; the result as JSON-ready data."""
    async with mcp.Client(server) as client:
        if tool is None:
            listed = await client.list_tools()
            return {"tools": [t.name for t in listed.tools]}
        result = await client.call_tool(tool, json.loads(arguments))
        return result.model_dump(mode="json", by_alias=True, exclude_none=True)
