"""Stack: a shipped ``whoami`` server behind an API Gateway HTTP API with a JWT authorizer.

- ``POST /mcp`` requires a JWT from the Cognito pool (issuer) issued to one of its
  two app clients (audience: Cognito access tokens carry ``client_id``) with the
  ``mcp/tools`` scope. The authorizer's claims and scopes reach the server in
  ``params._meta["mcp-lambda/caller"]``; its ``whoami`` tool returns them.
- ``GET /.well-known/oauth-protected-resource/mcp`` (no authorizer): RFC 9728 metadata.
  The HTTP API's ``$default`` stage has no path prefix, so this is the standard location.
- The function timeout (28 s) stays below the HTTP API's 30 s integration limit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_cdk import CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_logs as logs
from constructs import Construct
from mcp_lambda_examples import SCOPE, McpFunction, McpUserPool, acknowledge

__all__ = ["HttpApiJwtStack"]

_ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "sub": "$context.authorizer.claims.sub",
    "latency": "$context.integrationLatency",
}


class HttpApiJwtStack(Stack):
    """The HTTP API with its JWT authorizer, and the function."""

    def __init__(self, scope: Construct, construct_id: str, *, auth: McpUserPool, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        mcp = McpFunction(self, "WhoamiServer", source_dir=Path(__file__).parent / "function", timeout_seconds=28)
        mcp.function.add_environment("OAUTH_ISSUER", auth.issuer)
        api = apigw.HttpApi(self, "Api", description="MCP server (whoami) behind a JWT authorizer")
        integration = integrations.HttpLambdaIntegration("Function", mcp.function)
        jwt = authorizers.HttpJwtAuthorizer(
            "Jwt",
            auth.issuer,
            jwt_audience=[auth.interactive_client.user_pool_client_id, auth.machine_client.user_pool_client_id],
        )
        api.add_routes(
            path="/mcp",
            methods=[apigw.HttpMethod.POST],
            integration=integration,
            authorizer=jwt,
            authorization_scopes=[SCOPE],
        )
        (public,) = api.add_routes(
            path="/.well-known/oauth-protected-resource/mcp", methods=[apigw.HttpMethod.GET], integration=integration
        )
        acknowledge(
            public, {"AwsSolutions-APIG4": "RFC 9728: protected-resource metadata must be readable without a token."}
        )
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        stage = api.default_stage.node.default_child  # type: ignore[union-attr]
        stage.access_log_settings = apigw.CfnStage.AccessLogSettingsProperty(  # type: ignore[union-attr]
            destination_arn=access_logs.log_group_arn, format=json.dumps(_ACCESS_LOG_FORMAT)
        )
        CfnOutput(
            self, "McpUrl", value=f"{api.api_endpoint}/mcp", description="Streamable HTTP endpoint (Bearer token)"
        )
