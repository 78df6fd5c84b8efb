"""Caller identity: what the platform authenticated, in one shape for every HTTP front door.

The HTTP front doors forward this dict to the wrapped server under
``params._meta["mcp-lambda/caller"]`` (`mcp_lambda.types.CALLER_META_KEY`) on
every request, so a server can act per user. It is read only from the event's
``requestContext``, which API Gateway and Lambda fill in; nothing comes from
client headers, and the adapter drops any client-sent value under that key, so
a client cannot forge it. Pass ``HttpOptions(forward_identity=False)`` to
forward nothing.

The shape (keys are omitted when the platform supplied nothing for them)::

    {
      "frontDoor": "rest_api" | "http_api" | "function_url",
      "requestId": "<API Gateway / Lambda URL request id>",
      "sourceIp": "203.0.113.7",
      "userAgent": "...",
      "claims": {...},      # JWT claims: REST Cognito authorizer, HTTP API JWT authorizer
      "scopes": [...],      # HTTP API JWT authorizer scopes
      "authorizer": {...},  # Lambda authorizer context (REST: principalId and context keys)
      "iam": {...}          # SigV4 caller: REST identity fields, HTTP API / Function URL authorizer.iam
    }

A caller counts as authenticated (`is_authenticated`) when it has claims, an
authorizer context or an IAM identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["is_authenticated", "rest_api_caller", "v2_caller"]

# REST API requestContext.identity fields that describe a SigV4 (IAM) caller.
_REST_IAM_FIELDS = (
    "accountId",
    "caller",
    "user",
    "userArn",
    "accessKey",
    "principalOrgId",
    "cognitoIdentityId",
    "cognitoIdentityPoolId",
    "cognitoAuthenticationType",
    "cognitoAuthenticationProvider",
)
# Authorizer keys API Gateway adds itself; they say nothing about the caller.
_REST_AUTHORIZER_NOISE = frozenset({"claims", "integrationLatency"})


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _base(front_door: str, context: Mapping[str, Any], source_ip: Any, user_agent: Any) -> dict[str, Any]:
    caller: dict[str, Any] = {"frontDoor": front_door}
    for key, value in (("requestId", context.get("requestId")), ("sourceIp", source_ip), ("userAgent", user_agent)):
        if isinstance(value, str) and value:
            caller[key] = value
    return caller


def rest_api_caller(event: Mapping[str, Any]) -> dict[str, Any]:
    """The caller of a REST API (payload v1) event: Cognito claims, Lambda authorizer context, IAM."""
    context = _mapping(event.get("requestContext"))
    identity = _mapping(context.get("identity"))
    caller = _base("rest_api", context, identity.get("sourceIp"), identity.get("userAgent"))
    authorizer = _mapping(context.get("authorizer"))
    claims = authorizer.get("claims")
    if isinstance(claims, Mapping) and claims:
        caller["claims"] = dict(claims)
    rest = {k: v for k, v in authorizer.items() if k not in _REST_AUTHORIZER_NOISE and v is not None}
    if rest:
        caller["authorizer"] = rest
    if identity.get("userArn") or identity.get("caller"):
        caller["iam"] = {k: identity[k] for k in _REST_IAM_FIELDS if identity.get(k) is not None}
    return caller


def v2_caller(event: Mapping[str, Any], front_door: str) -> dict[str, Any]:
    """The caller of a payload v2 event (HTTP API or Function URL): JWT claims, Lambda context, IAM."""
    context = _mapping(event.get("requestContext"))
    http = _mapping(context.get("http"))
    caller = _base(front_door, context, http.get("sourceIp"), http.get("userAgent"))
    authorizer = _mapping(context.get("authorizer"))
    jwt = _mapping(authorizer.get("jwt"))
    claims = jwt.get("claims")
    if isinstance(claims, Mapping) and claims:
        caller["claims"] = dict(claims)
        scopes = jwt.get("scopes")
        if isinstance(scopes, list):
            caller["scopes"] = list(scopes)
    lambda_context = authorizer.get("lambda")
    if isinstance(lambda_context, Mapping) and lambda_context:
        caller["authorizer"] = dict(lambda_context)
    iam = authorizer.get("iam")
    if isinstance(iam, Mapping) and iam:
        caller["iam"] = {k: v for k, v in iam.items() if v is not None}
    return caller


def is_authenticated(caller: Mapping[str, Any] | None) -> bool:
    """True when the platform established who the caller is (claims, authorizer context or IAM)."""
    return caller is not None and any(caller.get(key) for key in ("claims", "authorizer", "iam"))
