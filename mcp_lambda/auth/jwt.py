"""`JWTVerifier`: check an OAuth access token (a JWT) the way a resource server must, inside the function.

For front doors with no authorizer in front (a Function URL with auth ``NONE``,
an HTTP API without a JWT authorizer), the function itself validates the bearer
token: the signature against the issuer's published keys (`KeySetCache`), the
issuer, the audience (this MCP server, RFC 8707), expiry and not-before with a
small leeway, and the scopes, globally and per tool. Only asymmetric algorithms
are accepted, so a token cannot be "signed" with a public key or with ``none``.

Signature and claim checks are PyJWT's; this module chooses the rules.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jwt

from mcp_lambda.auth.jwks import Fetch, KeySetCache, fetch_json
from mcp_lambda.errors import MCPLambdaError
from mcp_lambda.handlers.oauth import ProtectedResourceMetadata

__all__ = ["DEFAULT_ALGORITHMS", "JWTVerifier", "TokenError", "VerifiedToken"]

logger = logging.getLogger(__name__)

DEFAULT_ALGORITHMS: tuple[str, ...] = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
"""Asymmetric JWS algorithms accepted by default (never ``none`` or HMAC)."""


class TokenError(MCPLambdaError):
    """A bearer token was refused.

    Attributes:
        error: The RFC 6750 error code: ``invalid_token`` (answer 401) or
            ``insufficient_scope`` (answer 403).
        description: Why, safe to send to the client.
        scopes: With ``insufficient_scope``, the scopes the request needs.
    """

    def __init__(
        self, error: Literal["invalid_token", "insufficient_scope"], description: str, scopes: Sequence[str] = ()
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.scopes = tuple(scopes)


@dataclass(frozen=True)
class VerifiedToken:
    """What a valid token says: its claims and the scopes it grants."""

    claims: Mapping[str, Any]
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def subject(self) -> str | None:
        """The ``sub`` claim, if any."""
        sub = self.claims.get("sub")
        return sub if isinstance(sub, str) else None


def _scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    # RFC 8693 / RFC 9068 use a space-separated "scope"; Entra ID and others use "scp".
    found: set[str] = set()
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            found.update(value.split())
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, str))
    return frozenset(found)


class JWTVerifier:
    """Verify JWT access tokens issued by one OAuth / OIDC issuer.

    Example::

        verifier = JWTVerifier(
            issuer="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example",
            audience="https://abc.lambda-url.eu-west-1.on.aws/mcp",
            required_scopes=["mcp/read"],
            tool_scopes={"delete_note": ["mcp/write"]},
        )

    Args:
        issuer: The expected ``iss``; its discovery document gives the key set.
        audience: The accepted audience value(s): this server's resource URL or
            the API identifier the issuer puts in tokens.
        required_scopes: Scopes every request needs.
        tool_scopes: Extra scopes needed to call a tool, by tool name.
        audience_claim: The claim holding the audience (``aud``; Cognito access
            tokens carry ``client_id`` instead).
        algorithms: Accepted signature algorithms.
        leeway: Seconds of clock skew tolerated on ``exp``, ``nbf`` and ``iat``.
        jwks_uri: The key set URL, skipping discovery.
        fetch: How to GET JSON documents (a seam for tests and custom HTTP).
        clock: Monotonic seconds, for the key cache.
        cache_ttl: Seconds a fetched key set is trusted before being refreshed.
        min_refresh_interval: Least seconds between refreshes forced by an unknown key id.
    """

    def __init__(
        self,
        issuer: str,
        audience: str | Sequence[str],
        *,
        required_scopes: Iterable[str] = (),
        tool_scopes: Mapping[str, Iterable[str]] | None = None,
        audience_claim: str = "aud",
        algorithms: Sequence[str] = DEFAULT_ALGORITHMS,
        leeway: float = 30.0,
        jwks_uri: str | None = None,
        fetch: Fetch = fetch_json,
        clock: Callable[[], float] = time.monotonic,
        cache_ttl: float = 3600.0,
        min_refresh_interval: float = 30.0,
    ) -> None:
        if unsafe := [a for a in algorithms if a.lower() == "none" or a.upper().startswith("HS")]:
            raise ValueError(f"refusing symmetric or unsigned algorithms: {unsafe}")
        self.issuer = issuer
        self.audiences = (audience,) if isinstance(audience, str) else tuple(audience)
        if not self.audiences:
            raise ValueError("an audience is required: a token for another resource must not be accepted")
        self.required_scopes = frozenset(required_scopes)
        self.tool_scopes = {name: frozenset(scopes) for name, scopes in (tool_scopes or {}).items()}
        self.audience_claim = audience_claim
        self.algorithms = tuple(algorithms)
        self.leeway = leeway
        self.keys = KeySetCache(
            issuer,
            jwks_uri=jwks_uri,
            fetch=fetch,
            clock=clock,
            cache_ttl=cache_ttl,
            min_refresh_interval=min_refresh_interval,
        )

    def resource_metadata(self, resource: str | None = None) -> ProtectedResourceMetadata:
        """RFC 9728 metadata naming this issuer, for ``HttpOptions(oauth=...)``.

        ``resource`` is the MCP endpoint URL (``None`` derives it from each request).
        """
        return ProtectedResourceMetadata(
            authorization_servers=[self.issuer], resource=resource, scopes_supported=sorted(self.required_scopes)
        )

    def scopes_needed(self, tools: Iterable[str] = ()) -> frozenset[str]:
        """The scopes a request calling ``tools`` needs."""
        needed = set(self.required_scopes)
        for tool in tools:
            needed |= self.tool_scopes.get(tool, frozenset())
        return frozenset(needed)

    async def verify(self, token: str, *, tools: Iterable[str] = ()) -> VerifiedToken:
        """Check ``token`` for a request that calls ``tools``.

        Raises:
            TokenError: The token is invalid (``invalid_token``) or lacks a scope
                (``insufficient_scope``).
            KeySetUnavailableError: The issuer's keys could not be fetched.
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenError("invalid_token", "the token is not a JWT") from None
        algorithm = header.get("alg")
        if algorithm not in self.algorithms:
            raise TokenError("invalid_token", f"the token's algorithm {algorithm!r} is not accepted")
        kid = header.get("kid")
        key = await self.keys.key_for(kid if isinstance(kid, str) else None)
        if key is None:
            raise TokenError("invalid_token", "the token is signed with an unknown key")
        claims = self._decode(token, key, str(algorithm))
        verified = VerifiedToken(claims=claims, scopes=_scopes(claims))
        missing = self.scopes_needed(tools) - verified.scopes
        if missing:
            raise TokenError("insufficient_scope", "the token lacks a required scope", sorted(missing))
        return verified

    def _decode(self, token: str, key: jwt.PyJWK, algorithm: str) -> dict[str, Any]:
        check_aud = self.audience_claim == "aud"
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=list(self.audiences) if check_aud else None,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", *(["aud"] if check_aud else [])], "verify_aud": check_aud},
            )
        except jwt.ExpiredSignatureError:
            raise TokenError("invalid_token", "the token has expired") from None
        except jwt.InvalidAudienceError:
            raise TokenError("invalid_token", "the token is not meant for this server (audience)") from None
        except jwt.InvalidIssuerError:
            raise TokenError("invalid_token", "the token comes from another issuer") from None
        except jwt.InvalidSignatureError:
            raise TokenError("invalid_token", "the token's signature does not verify") from None
        except jwt.PyJWTError as exc:
            raise TokenError("invalid_token", f"the token is invalid: {exc}") from None
        if not check_aud and claims.get(self.audience_claim) not in self.audiences:
            raise TokenError("invalid_token", "the token is not meant for this server (audience)")
        return claims
