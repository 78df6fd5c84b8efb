"""Stack: mcp-server-time behind an API Gateway REST API with a Cognito user pool authorizer.

- ``POST /mcp`` requires a Cognito access token with the ``mcp/tools`` scope.
- ``GET /.well-known/oauth-protected-resource/mcp`` (no authorizer) serves the
  RFC 9728 protected-resource metadata, from the function.
- A 401 from the authorizer (which the function never sees) carries
  ``WWW-Authenticate: Bearer resource_metadata="...", scope="mcp/tools"`` through
  an API Gateway gateway response, so MCP clients can discover the authorization server.
- The function timeout (28 s) stays below the REST API's 29 s integration limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aws_cdk import Aws, CfnOutput, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from constructs import Construct
from mcp_lambda_examples import SCOPE, McpFunction, McpUserPool, acknowledge

__all__ = ["STAGE", "RestApiCognitoStack"]

STAGE = "prod"


class RestApiCognitoStack(Stack):
    """The REST API, its authorizer and gateway responses, and the function."""

    def __init__(self, scope: Construct, construct_id: str, *, auth: McpUserPool, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        mcp = McpFunction(self, "TimeServer", source_dir=Path(__file__).parent / "function", timeout_seconds=28)
        mcp.function.add_environment("OAUTH_ISSUER", auth.issuer)
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH, removal_policy=RemovalPolicy.DESTROY
        )
        api = apigw.RestApi(
            self,
            "Api",
            description="MCP server (mcp-server-time) behind a Cognito authorizer",
            cloud_watch_role=False,
            endpoint_types=[apigw.EndpointType.REGIONAL],
            deploy_options=apigw.StageOptions(
                stage_name=STAGE,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
        )
        acknowledge(
            api,
            {
                "AwsSolutions-APIG2": "The function validates every body itself (JSON-RPC 400/-32700/-32600).",
                "AwsSolutions-APIG3": "WAF costs per account; attach a web ACL to the stage for production.",
                "AwsSolutions-APIG6": "Execution logs need an account-wide API Gateway role; access logs are on.",
            },
        )
        integration = apigw.LambdaIntegration(mcp.function)
        authorizer = apigw.CognitoUserPoolsAuthorizer(self, "Authorizer", cognito_user_pools=[auth.user_pool])
        api.root.add_resource("mcp").add_method(
            "POST",
            integration,
            authorizer=authorizer,
            authorization_type=apigw.AuthorizationType.COGNITO,
            authorization_scopes=[SCOPE],
        )
        metadata = api.root.add_resource(".well-known").add_resource("oauth-protected-resource").add_resource("mcp")
        public = metadata.add_method("GET", integration)
        acknowledge(
            public,
            {
                "AwsSolutions-APIG4": "RFC 9728: protected-resource metadata must be readable without a token.",
                "AwsSolutions-COG4": "RFC 9728: protected-resource metadata must be readable without a token.",
            },
        )
        # Built from the API id, not api.url, which would make the response depend on the stage (a cycle).
        base = f"https://{api.rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}/{STAGE}"
        metadata_url = f"{base}/.well-known/oauth-protected-resource/mcp"
        challenge = f'Bearer resource_metadata="{metadata_url}", scope="{SCOPE}"'
        api.add_gateway_response(
            "Unauthorized",
            type=apigw.ResponseType.UNAUTHORIZED,
            response_headers={"WWW-Authenticate": f"'{challenge}'"},
        )
        api.add_gateway_response(
            "Forbidden",
            type=apigw.ResponseType.ACCESS_DENIED,
            response_headers={"WWW-Authenticate": f"'{challenge}, error=\"insufficient_scope\"'"},
        )
        CfnOutput(self, "McpUrl", value=f"{base}/mcp", description="Streamable HTTP endpoint (Bearer token)")
        CfnOutput(self, "MetadataUrl", value=metadata_url, description="RFC 9728 protected-resource metadata")
