"""`McpFunction`: the Lambda function every example deploys, with the defaults they share.

- Python runtime and architecture declared once (`PYTHON_RUNTIME`, x86_64 unless
  asked), and the package bundled for exactly those (`mcp_lambda_examples.bundling`).
- 1024 MB: Lambda gives CPU in proportion to memory, and starting a Python MCP
  server is CPU-bound (about 0.7 s at this size).
- A timeout chosen by each example below its front door's own limit (API Gateway
  REST 29 s, HTTP API 30 s).
- Its own log group with a retention period (never "never expire"), deleted with the stack.
- Its own role allowed to write to that log group only: no AWS managed policy and
  no ``*`` resource.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from mcp_lambda_examples.bundling import BundleSpec, function_code

__all__ = ["PYTHON_RUNTIME", "PYTHON_VERSION", "McpFunction", "invoke_api_access"]

PYTHON_RUNTIME = lambda_.Runtime.PYTHON_3_14
"""The Lambda runtime of every example (wheels are chosen for it)."""
PYTHON_VERSION = "3.14"
"""`PYTHON_RUNTIME`'s Python version, as pip's ``--python-version`` takes it."""

_ARCHITECTURES = {"x86_64": lambda_.Architecture.X86_64, "arm64": lambda_.Architecture.ARM_64}


class McpFunction(Construct):
    """A Lambda function running an mcp-lambda handler, with its log group and role.

    Args:
        scope: Parent construct.
        construct_id: Construct id.
        source_dir: The function directory (``handler.py``, ``requirements.txt``, shipped servers).
        timeout_seconds: Function timeout; keep it below the front door's limit.
        architecture: ``"x86_64"`` or ``"arm64"``.
        memory_mb: Memory size.
        npm_packages: npm packages (and a ``node`` binary) to bundle, for node servers.
        handler: The handler as Lambda takes it.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        source_dir: Path,
        timeout_seconds: int,
        architecture: str = "x86_64",
        memory_mb: int = 1024,
        npm_packages: tuple[str, ...] = (),
        handler: str = "handler.lambda_handler",
    ) -> None:
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(
            self, "Logs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Runs the MCP server function; may only write its own logs.",
        )
        self.log_group.grant_write(self.role)
        spec = BundleSpec(
            source_dir=source_dir,
            architecture=architecture,
            python_version=PYTHON_VERSION,
            npm_packages=npm_packages,
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=PYTHON_RUNTIME,
            architecture=_ARCHITECTURES[architecture],
            handler=handler,
            code=function_code(spec),
            memory_size=memory_mb,
            timeout=Duration.seconds(timeout_seconds),
            role=self.role,
            log_group=self.log_group,
        )

    def caller_policy(self, construct_id: str, *, actions: list[str], description: str) -> iam.ManagedPolicy:
        """A managed policy granting ``actions`` on this function only, for callers to attach."""
        return iam.ManagedPolicy(
            self,
            construct_id,
            description=description,
            statements=[iam.PolicyStatement(actions=actions, resources=[self.function.function_arn])],
        )


def invoke_api_access(stack: Stack, mcp: McpFunction) -> None:
    """Invoke API examples: a caller policy (``lambda:InvokeFunction`` here only) and the client's outputs."""
    policy = mcp.caller_policy(
        "InvokePolicy",
        actions=["lambda:InvokeFunction"],
        description="Lets a caller use the MCP server (lambda:InvokeFunction on this function only).",
    )
    CfnOutput(stack, "FunctionName", value=mcp.function.function_name, description="Pass to the invoke client")
    CfnOutput(stack, "InvokePolicyArn", value=policy.managed_policy_arn, description="Attach to callers")
