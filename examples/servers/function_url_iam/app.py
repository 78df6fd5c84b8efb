#!/usr/bin/env python3
"""CDK app: ``cdk deploy`` from this directory (see README.md)."""

import sys
from pathlib import Path

from aws_cdk import App

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_shared"))

from function_url_iam_stack import FunctionUrlIamStack
from mcp_lambda_examples import run


def build(app: App) -> None:
    """Add this example's stacks to ``app`` (the tests call this too)."""
    FunctionUrlIamStack(app, "McpFunctionUrl")


if __name__ == "__main__":
    run(build)
