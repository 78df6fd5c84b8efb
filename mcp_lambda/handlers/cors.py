"""CORS for the HTTP front doors: a policy object, preflight answers, response headers.

Browser-based MCP clients (the Inspector, web agents) need CORS. There is no
built-in ``*``: the deployer lists origins in `CorsPolicy` (``("*",)`` must be
written out, and cannot be combined with credentials). Function URLs and HTTP
APIs can also answer CORS at the platform; when they do, OPTIONS never reaches
Lambda and this policy only decorates responses, so keep the two in agreement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_ALLOW_HEADERS", "DEFAULT_EXPOSE_HEADERS", "CorsPolicy", "cors_headers", "preflight_headers"]

DEFAULT_ALLOW_HEADERS: tuple[str, ...] = (
    "accept",
    "authorization",
    "content-type",
    "last-event-id",
    "mcp-method",
    "mcp-name",
    "mcp-protocol-version",
    "mcp-session-id",
)
"""Request headers MCP clients send; ``Mcp-Param-*`` headers are always allowed too."""

DEFAULT_EXPOSE_HEADERS: tuple[str, ...] = ("mcp-protocol-version", "mcp-session-id", "www-authenticate")
"""Response headers a browser client may read."""


@dataclass(frozen=True)
class CorsPolicy:
    """Which browser origins may call the server, and what they may send and read.

    Attributes:
        allow_origins: Exact origins (``https://app.example.com``), or ``("*",)``.
        allow_headers: Request headers a preflight may ask for (lower-case).
        expose_headers: Response headers scripts may read.
        allow_credentials: Send ``Access-Control-Allow-Credentials: true``.
        max_age: Seconds a browser may cache a preflight answer; ``None`` omits it.
    """

    allow_origins: Sequence[str]
    allow_headers: Sequence[str] = DEFAULT_ALLOW_HEADERS
    expose_headers: Sequence[str] = DEFAULT_EXPOSE_HEADERS
    allow_credentials: bool = False
    max_age: int | None = 600

    def __post_init__(self) -> None:
        if isinstance(self.allow_origins, str):
            raise TypeError("allow_origins must be a sequence of origins, not one string")
        object.__setattr__(self, "allow_origins", tuple(self.allow_origins))
        object.__setattr__(self, "allow_headers", tuple(h.lower() for h in self.allow_headers))
        object.__setattr__(self, "expose_headers", tuple(self.expose_headers))
        if self.allow_credentials and "*" in self.allow_origins:
            raise ValueError("CORS forbids credentials with a wildcard origin; list the origins instead")

    def allowed_origin(self, origin: str | None) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for ``origin``, or ``None`` if not allowed."""
        if origin is None:
            return None
        if origin in self.allow_origins:
            return origin
        return "*" if "*" in self.allow_origins else None


def cors_headers(policy: CorsPolicy, origin: str | None) -> dict[str, str]:
    """Headers that let a browser at ``origin`` read a response (none if it is not allowed)."""
    allowed = policy.allowed_origin(origin)
    if allowed is None:
        return {}
    headers = {"access-control-allow-origin": allowed, "vary": "origin"}
    if policy.expose_headers:
        headers["access-control-expose-headers"] = ", ".join(policy.expose_headers)
    if policy.allow_credentials:
        headers["access-control-allow-credentials"] = "true"
    return headers


def preflight_headers(policy: CorsPolicy | None, headers: Mapping[str, str], *, methods: str) -> dict[str, str]:
    """Headers answering an OPTIONS request: ``Allow``, plus CORS grants when the policy admits the origin."""
    answer = {"allow": methods}
    if policy is None or policy.allowed_origin(headers.get("origin")) is None:
        return answer
    answer.update(cors_headers(policy, headers.get("origin")))
    answer["access-control-allow-methods"] = methods
    requested = [h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",") if h.strip()]
    granted = [h for h in requested if h in policy.allow_headers or h.startswith("mcp-param-")]
    answer["access-control-allow-headers"] = ", ".join(granted or policy.allow_headers)
    if policy.max_age is not None:
        answer["access-control-max-age"] = str(policy.max_age)
    answer["vary"] = "origin, access-control-request-method, access-control-request-headers"
    return answer
