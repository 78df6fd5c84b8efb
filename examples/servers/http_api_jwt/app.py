#!/usr/bin/env python3
"""CDK app: the Cognito stack and the HTTP API stack (see README.md)."""

import sys
from pathlib import Path

from aws_cdk import App

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "_shared"))

from http_api_jwt_stack import HttpApiJwtStack
from mcp_lambda_examples import CognitoStack, run


def build(app: App) -> None:
    """Add this example's stacks to ``app`` (the tests call this too)."""
    cognito = CognitoStack(app, "McpHttpCognito")
    HttpApiJwtStack(app, "McpHttpApi", auth=cognito.pool)


if __name__ == "__main__":
    run(build)
