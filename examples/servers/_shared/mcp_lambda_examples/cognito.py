"""`McpUserPool`: a Cognito user pool as the OAuth authorization server of the HTTP examples.

- A resource server ``mcp`` with the scope ``mcp/tools``: the scope the API
  authorizers require and the protected-resource metadata advertises.
- An interactive client (authorization code with PKCE, no secret: a public
  client, as MCP clients on a laptop are) whose redirect URI is the loopback
  callback the example client listens on.
- A machine client (client credentials, with a secret) for agents and jobs.
- A Cognito-hosted domain for the ``/oauth2/authorize`` and ``/oauth2/token`` endpoints.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from mcp_lambda_examples.app import acknowledge

__all__ = ["CALLBACK_URL", "SCOPE", "CognitoStack", "McpUserPool"]

SCOPE = "mcp/tools"
"""The OAuth scope a caller needs to use the MCP server."""
CALLBACK_URL = "http://localhost:3030/callback"
"""Where the interactive example client receives the authorization code."""


class McpUserPool(Construct):
    """The user pool, its ``mcp`` resource server, domain, and the two app clients.

    Attributes:
        user_pool: The pool.
        issuer: The token issuer URL (``https://cognito-idp.<region>.amazonaws.com/<pool id>``).
        interactive_client: Public client, authorization code + PKCE.
        machine_client: Confidential client, client credentials.
    """

    def __init__(self, scope: Construct, construct_id: str, *, domain_prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "Pool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            password_policy=cognito.PasswordPolicy(
                min_length=12, require_digits=True, require_lowercase=True, require_symbols=True, require_uppercase=True
            ),
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            removal_policy=RemovalPolicy.DESTROY,
        )
        acknowledge(
            self.user_pool,
            {
                "AwsSolutions-COG2": "Example pool: TOTP MFA is offered, not forced, so a first sign-in works.",
                "AwsSolutions-COG3": "Threat protection needs the paid Plus feature plan; not for an example.",
                "AwsSolutions-COG8": "The Plus feature plan is a paid tier; Essentials covers OAuth for the example.",
            },
        )
        tools_scope = cognito.ResourceServerScope(scope_name="tools", scope_description="Use the MCP server's tools")
        server = self.user_pool.add_resource_server("Mcp", identifier="mcp", scopes=[tools_scope])
        tools = cognito.OAuthScope.resource_server(server, tools_scope)
        self.domain = self.user_pool.add_domain(
            "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=domain_prefix)
        )
        self.interactive_client = self.user_pool.add_client(
            "Interactive",
            generate_secret=False,
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[tools, cognito.OAuthScope.OPENID],
                callback_urls=[CALLBACK_URL],
            ),
            access_token_validity=Duration.hours(1),
            prevent_user_existence_errors=True,
        )
        self.machine_client = self.user_pool.add_client(
            "Machine",
            generate_secret=True,
            o_auth=cognito.OAuthSettings(flows=cognito.OAuthFlows(client_credentials=True), scopes=[tools]),
            access_token_validity=Duration.hours(1),
        )
        self.issuer = f"https://cognito-idp.{Aws.REGION}.amazonaws.com/{self.user_pool.user_pool_id}"
        for name, value in {
            "Issuer": self.issuer,
            "OAuthDomain": self.domain.base_url(),
            "InteractiveClientId": self.interactive_client.user_pool_client_id,
            "MachineClientId": self.machine_client.user_pool_client_id,
            "UserPoolId": self.user_pool.user_pool_id,
        }.items():
            CfnOutput(self, name, value=value)


class CognitoStack(Stack):
    """A stack holding only `McpUserPool`, so an API stack can be torn down without losing users.

    The domain prefix must be unique in the region: pass ``-c domainPrefix=...``, or
    the default ``mcp-lambda-<account id>`` is used.
    """

    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        prefix = self.node.try_get_context("domainPrefix") or f"mcp-lambda-{Aws.ACCOUNT_ID}"
        self.pool = McpUserPool(self, "Auth", domain_prefix=prefix)
