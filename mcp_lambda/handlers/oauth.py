"""OAuth discovery for servers behind an authorizer (RFC 9728 protected resource metadata).

MCP clients find the authorization server through the resource's metadata
document at ``/.well-known/oauth-protected-resource`` (or the path-suffixed form,
``/.well-known/oauth-protected-resource/<resource path>``), and learn that URL
from a ``WWW-Authenticate: Bearer resource_metadata="..."`` challenge on a 401.
The HTTP front doors serve both from `ProtectedResourceMetadata`, so discovery
works on a Function URL or HTTP API as well as on API Gateway (route the
well-known path to the function without an authorizer).

This module builds the document, URLs and challenge values; `mcp_lambda.http`
turns them into responses. Nothing here is fetched or verified: token checking
is the platform authorizer's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "WELL_KNOWN_PATH",
    "ProtectedResourceMetadata",
    "challenge",
    "is_metadata_path",
    "metadata_url",
    "resource_from_metadata_path",
]

WELL_KNOWN_PATH = "/.well-known/oauth-protected-resource"
"""RFC 9728 §3: the well-known URI suffix of protected resource metadata."""


@dataclass(frozen=True)
class ProtectedResourceMetadata:
    """What to publish about this MCP server as an OAuth protected resource.

    Attributes:
        authorization_servers: Issuer URLs of the authorization servers that
            issue tokens for this resource (the authorizer's issuers).
        resource: The resource identifier: the MCP endpoint's absolute URL. ``None``
            derives it from each request (``https://<host>[/<stage>]<path>``).
        scopes_supported: Scopes to advertise, also named in 401 challenges.
        bearer_methods_supported: How tokens may be sent (RFC 6750 methods).
        resource_name: A human-readable name for the resource.
        resource_documentation: A URL of human-readable documentation.
        metadata_url: Where the document is served, when not at the RFC 9728
            default (for example behind an API Gateway stage that hides the host root).
        extra: Further metadata members, merged into the document as given.
    """

    authorization_servers: Sequence[str]
    resource: str | None = None
    scopes_supported: Sequence[str] = ()
    bearer_methods_supported: Sequence[str] = ("header",)
    resource_name: str | None = None
    resource_documentation: str | None = None
    metadata_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("authorization_servers", "scopes_supported", "bearer_methods_supported"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise TypeError(f"{name} must be a sequence of strings, not one string")
            object.__setattr__(self, name, tuple(value))

    def document(self, resource: str) -> dict[str, Any]:
        """The metadata JSON object for ``resource`` (the configured one wins)."""
        doc: dict[str, Any] = {
            **self.extra,
            "resource": self.resource or resource,
            "authorization_servers": list(self.authorization_servers),
            "bearer_methods_supported": list(self.bearer_methods_supported),
        }
        if self.scopes_supported:
            doc["scopes_supported"] = list(self.scopes_supported)
        if self.resource_name is not None:
            doc["resource_name"] = self.resource_name
        if self.resource_documentation is not None:
            doc["resource_documentation"] = self.resource_documentation
        return doc


def is_metadata_path(path: str) -> bool:
    """True for the well-known metadata path and its path-suffixed forms."""
    return path == WELL_KNOWN_PATH or path.startswith(WELL_KNOWN_PATH + "/")


def resource_from_metadata_path(base_url: str, path: str) -> str:
    """The resource a metadata request names: ``base_url`` plus the path suffix, if any."""
    suffix = path[len(WELL_KNOWN_PATH) :]
    return base_url.rstrip("/") + suffix if suffix not in ("", "/") else base_url


def metadata_url(resource: str) -> str:
    """RFC 9728 §3.1: insert the well-known segment between the resource's host and path."""
    parts = urlsplit(resource)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{WELL_KNOWN_PATH}{path}"


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def challenge(config: ProtectedResourceMetadata | None, resource: str | None, *, invalid_token: bool) -> str:
    """The ``WWW-Authenticate`` value for a 401: ``Bearer`` with ``resource_metadata`` and ``scope``.

    ``invalid_token`` adds RFC 6750's ``error="invalid_token"`` (a token was sent but
    the platform did not accept it); a request with no credentials gets no error code.
    """
    params: list[str] = []
    if config is not None:
        target = config.resource or resource
        url = config.metadata_url or (metadata_url(target) if target else None)
        if url is not None:
            params.append(f"resource_metadata={_quoted(url)}")
        if config.scopes_supported:
            params.append(f"scope={_quoted(' '.join(config.scopes_supported))}")
    if invalid_token:
        params.append('error="invalid_token"')
    return "Bearer " + ", ".join(params) if params else "Bearer"
