"""Stack: mcp-server-time behind a Lambda Function URL with ``AWS_IAM`` auth.

Callers sign requests with SigV4 (`mcp_lambda.streamablehttp_client_with_sigv4`).
A Function URL has no fixed request-time limit of its own, so the function gets 60 s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, Stack
from aws_cdk import aws_lambda as lambda_
from constructs import Construct
from mcp_lambda_examples import McpFunction

__all__ = ["FunctionUrlIamStack"]


class FunctionUrlIamStack(Stack):
    """The function, its IAM-authenticated URL, and a policy for callers."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        mcp = McpFunction(self, "TimeServer", source_dir=Path(__file__).parent / "function", timeout_seconds=60)
        url = mcp.function.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
        caller_policy = mcp.caller_policy(
            "CallerPolicy",
            actions=["lambda:InvokeFunctionUrl", "lambda:InvokeFunction"],
            description="Lets a caller use the MCP server through its Function URL (and nothing else).",
        )
        CfnOutput(self, "McpUrl", value=url.url + "mcp", description="Streamable HTTP endpoint (SigV4, service lambda)")
        CfnOutput(self, "CallerPolicyArn", value=caller_policy.managed_policy_arn, description="Attach to callers")
