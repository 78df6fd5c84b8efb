"""Bearer-token verification inside the function, for front doors without an authorizer.

`JWTVerifier` checks OAuth access tokens (JWTs) against an issuer's published
keys; `BearerAuthenticator` plugs it into the HTTP front doors
(``HttpOptions(authenticate=...)``) and answers 401/403 with RFC 9728 challenges.
Needs PyJWT with ``cryptography`` (``pip install mcp-lambda[auth]``; the ``mcp``
SDK already depends on both).
"""

from __future__ import annotations

from mcp_lambda.auth.bearer import BearerAuthenticator, bearer_token
from mcp_lambda.auth.jwks import KeySetCache, KeySetUnavailableError
from mcp_lambda.auth.jwt import DEFAULT_ALGORITHMS, JWTVerifier, TokenError, VerifiedToken

__all__ = [
    "DEFAULT_ALGORITHMS",
    "BearerAuthenticator",
    "JWTVerifier",
    "KeySetCache",
    "KeySetUnavailableError",
    "TokenError",
    "VerifiedToken",
    "bearer_token",
]
