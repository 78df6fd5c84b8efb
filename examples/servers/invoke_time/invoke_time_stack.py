"""Stack: mcp-server-time behind the Lambda Invoke API, callers authorized by IAM, in warm mode.

There is no endpoint: callers use ``lambda:InvokeFunction`` (boto3, the AWS CLI, or
`mcp_lambda.lambda_function_client`). The stack creates a managed policy that
grants exactly that on this function, to attach to the callers' roles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Stack
from constructs import Construct
from mcp_lambda_examples import McpFunction, invoke_api_access

__all__ = ["InvokeTimeStack"]


class InvokeTimeStack(Stack):
    """The function and a least-privilege invoke policy for its callers."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        mcp = McpFunction(self, "TimeServer", source_dir=Path(__file__).parent / "function", timeout_seconds=60)
        invoke_api_access(self, mcp)
