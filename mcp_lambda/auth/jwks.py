"""The issuer's signing keys: OIDC / RFC 8414 discovery and a JWKS cache kept for the execution environment.

Lambda reuses an execution environment for many invocations, so the discovery
document and the key set are fetched once and kept: the keys are refreshed after
``cache_ttl`` (a refresh failure keeps the old keys and logs), and a token
signed with an unknown ``kid`` triggers an early refresh, which is how key
rotation is picked up. Those early refreshes are rate-limited by
``min_refresh_interval``, so tokens with made-up ``kid`` values cannot make the
function hammer the issuer.

Key parsing is PyJWT's (``jwt.PyJWK``, over ``cryptography``); this module only
fetches and caches. Fetches use the standard library in a worker thread (no
HTTP client to import at cold start); `Fetch` is the seam to replace it.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias
from urllib.parse import urlsplit

import anyio
import anyio.to_thread
import jwt

from mcp_lambda.errors import MCPLambdaError

__all__ = ["Fetch", "KeySetCache", "KeySetUnavailableError", "fetch_json"]

logger = logging.getLogger(__name__)

Fetch: TypeAlias = Callable[[str], Awaitable[Any]]
"""Fetches a URL and returns the decoded JSON body; raises on any failure."""

_FETCH_TIMEOUT = 5.0  # seconds; an issuer slower than this would eat the invocation's budget
_MAX_DOCUMENT_BYTES = 1024 * 1024


class KeySetUnavailableError(MCPLambdaError):
    """The issuer's discovery document or key set could not be fetched (and none is cached)."""


def _get(url: str) -> Any:
    request = urllib.request.Request(url, headers={"accept": "application/json", "user-agent": "mcp-lambda"})
    with urllib.request.urlopen(request, timeout=_FETCH_TIMEOUT) as response:
        return json.loads(response.read(_MAX_DOCUMENT_BYTES))


async def fetch_json(url: str) -> Any:
    """The default `Fetch`: GET ``url`` with the standard library, in a worker thread."""
    return await anyio.to_thread.run_sync(_get, url)


def discovery_urls(issuer: str) -> list[str]:
    """Where an issuer's metadata may live: OIDC discovery, then RFC 8414 (path-inserted form)."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    return [
        issuer.rstrip("/") + "/.well-known/openid-configuration",
        f"{parts.scheme}://{parts.netloc}/.well-known/oauth-authorization-server{path}",
    ]


class KeySetCache:
    """The signing keys of one issuer, fetched on first use and kept for the environment.

    Args:
        issuer: The issuer URL; its metadata must name the same issuer.
        jwks_uri: The key set URL; ``None`` discovers it from the issuer's metadata.
        fetch: How to GET a JSON document.
        clock: Monotonic seconds (a seam for tests).
        cache_ttl: Seconds after which the key set is fetched again.
        min_refresh_interval: Least seconds between refreshes caused by an unknown ``kid``.
    """

    def __init__(
        self,
        issuer: str,
        *,
        jwks_uri: str | None = None,
        fetch: Fetch = fetch_json,
        clock: Callable[[], float] = time.monotonic,
        cache_ttl: float = 3600.0,
        min_refresh_interval: float = 30.0,
    ) -> None:
        self.issuer = issuer
        self.jwks_uri = jwks_uri
        self._fetch = fetch
        self._clock = clock
        self.cache_ttl = cache_ttl
        self.min_refresh_interval = min_refresh_interval
        self._keys: dict[str | None, jwt.PyJWK] | None = None
        self._fetched_at = float("-inf")
        self._lock = anyio.Lock()

    async def key_for(self, kid: str | None) -> jwt.PyJWK | None:
        """The signing key with ``kid`` (or the only key, when the token names none); ``None`` if unknown."""
        if self._keys is None or self._clock() - self._fetched_at >= self.cache_ttl:
            await self._refresh(self._fetched_at)
        key = self._find(kid)
        if key is None and self._clock() - self._fetched_at >= self.min_refresh_interval:
            logger.info("no signing key %r cached for %s; fetching the key set again", kid, self.issuer)
            await self._refresh(self._fetched_at)
            key = self._find(kid)
        return key

    def _find(self, kid: str | None) -> jwt.PyJWK | None:
        keys = self._keys or {}
        if kid is None and len(keys) == 1:
            return next(iter(keys.values()))
        return keys.get(kid) if kid is not None else None

    async def _refresh(self, seen: float) -> None:
        async with self._lock:
            if self._fetched_at != seen:
                return  # another task refreshed while we waited
            try:
                if self.jwks_uri is None:
                    self.jwks_uri = await self._discover()
                self._keys = self._parse(await self._fetch(self.jwks_uri))
            except Exception as exc:
                if self._keys is None:
                    raise KeySetUnavailableError(f"could not fetch the signing keys of {self.issuer}: {exc}") from exc
                logger.warning("could not refresh the keys of %s (keeping the cached ones): %r", self.issuer, exc)
            self._fetched_at = self._clock()

    async def _discover(self) -> str:
        failures: list[str] = []
        for url in discovery_urls(self.issuer):
            try:
                document = await self._fetch(url)
            except Exception as exc:
                failures.append(f"{url}: {exc}")
                continue
            if not isinstance(document, dict) or not isinstance(document.get("jwks_uri"), str):
                failures.append(f"{url}: no jwks_uri")
                continue
            if document.get("issuer") != self.issuer:
                # OIDC Discovery §4.3: a mismatch means the document is not this issuer's.
                raise KeySetUnavailableError(f"{url} names issuer {document.get('issuer')!r}, not {self.issuer!r}")
            return str(document["jwks_uri"])
        raise KeySetUnavailableError("issuer metadata not found: " + "; ".join(failures))

    @staticmethod
    def _parse(document: Any) -> dict[str | None, jwt.PyJWK]:
        raw = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(raw, list):
            raise ValueError("the key set has no 'keys' array")
        keys: dict[str | None, jwt.PyJWK] = {}
        for item in raw:
            if not isinstance(item, dict) or item.get("use", "sig") != "sig":
                continue
            try:
                keys[item.get("kid")] = jwt.PyJWK(item)
            except jwt.PyJWTError as exc:  # an algorithm or key type we cannot use: skip it
                logger.debug("skipping key %r: %s", item.get("kid"), exc)
        if not keys:
            raise ValueError("the key set holds no usable signing key")
        return keys
