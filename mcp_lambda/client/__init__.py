"""Clients for MCP servers hosted on AWS Lambda.

- `lambda_function_client` / `LambdaFunctionParameters` (``invoke.py``): call a function
  directly through the Lambda Invoke API, one Invoke per JSON-RPC message.
- `SigV4Auth` / `streamablehttp_client_with_sigv4` (``streamable_http_sigv4.py``): reach an
  IAM-protected streamable HTTP endpoint (Function URL, API Gateway) with signed requests.

These modules import boto3 and botocore; the server side of mcp_lambda never imports them.
"""

from __future__ import annotations

from mcp_lambda.client.invoke import LambdaFunctionParameters, lambda_function_client
from mcp_lambda.client.streamable_http_sigv4 import SigV4Auth, streamablehttp_client_with_sigv4

__all__ = ["LambdaFunctionParameters", "SigV4Auth", "lambda_function_client", "streamablehttp_client_with_sigv4"]
