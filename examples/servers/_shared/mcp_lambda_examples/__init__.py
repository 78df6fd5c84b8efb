"""Shared CDK code of the mcp-lambda server examples: bundling, the function construct, cdk-nag.

Each example's ``app.py`` puts ``examples/servers/_shared`` on ``sys.path`` and
imports from here, so the examples differ only in what they are about: the front
door, its authentication, and the wrapped server.
"""

from mcp_lambda_examples.app import acknowledge, example_app, run
from mcp_lambda_examples.bundling import BundleSpec, bundle, function_code
from mcp_lambda_examples.cognito import CALLBACK_URL, SCOPE, CognitoStack, McpUserPool
from mcp_lambda_examples.function import PYTHON_RUNTIME, PYTHON_VERSION, McpFunction, invoke_api_access

__all__ = [
    "CALLBACK_URL",
    "SCOPE",
    "CognitoStack",
    "McpUserPool",
    "PYTHON_RUNTIME",
    "PYTHON_VERSION",
    "BundleSpec",
    "McpFunction",
    "acknowledge",
    "bundle",
    "example_app",
    "function_code",
    "invoke_api_access",
    "run",
]
