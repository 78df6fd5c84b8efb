"""A test OAuth issuer on 127.0.0.1: OIDC discovery, a JWKS endpoint, RSA keys that rotate, tokens it signs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.loopback import serve_http

AUDIENCE = "https://mcp.example.test/mcp"


@dataclass
class SigningKey:
    """One RSA key pair and its ``kid``."""

    kid: str
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(kid=uuid.uuid4().hex[:8], private=rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def jwk(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        return {**data, "kid": self.kid, "use": "sig", "alg": "RS256"}


@dataclass
class TestIssuer:
    """The issuer's state: published keys, the signing key, and what was fetched."""

    __test__ = False  # not a pytest test class

    url: str = ""
    published: list[SigningKey] = field(default_factory=list)
    fetches: list[str] = field(default_factory=list)
    discovery_issuer: str | None = None  # override to simulate a mismatching discovery document

    @property
    def current(self) -> SigningKey:
        return self.published[-1]

    def rotate(self, *, keep_old: bool = False) -> SigningKey:
        """Publish a new signing key (and retire the old ones unless ``keep_old``)."""
        key = SigningKey.generate()
        self.published = [*self.published, key] if keep_old else [key]
        return key

    def token(
        self,
        *,
        key: SigningKey | None = None,
        scope: str = "mcp",
        lifetime: float = 300.0,
        **claims: Any,
    ) -> str:
        """A signed access token; keyword arguments override or add claims."""
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.url,
            "aud": AUDIENCE,
            "sub": "alice",
            "iat": now,
            "exp": now + int(lifetime),
            "scope": scope,
        }
        body.update(claims)
        signer = key or self.current
        return jwt.encode(body, signer.private, algorithm="RS256", headers={"kid": signer.kid})

    def documents(self, path: str) -> Any:
        if path == "/.well-known/openid-configuration":
            issuer = self.discovery_issuer or self.url
            return {"issuer": issuer, "jwks_uri": self.url + "/jwks.json", "token_endpoint": self.url + "/token"}
        if path == "/jwks.json":
            return {"keys": [key.jwk() for key in self.published]}
        return None


@contextmanager
def serve_issuer() -> Iterator[TestIssuer]:
    """Run a `TestIssuer` on an ephemeral loopback port."""
    issuer = TestIssuer()
    issuer.rotate()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            issuer.fetches.append(self.path)
            document = issuer.documents(self.path)
            body = json.dumps(document).encode()
            self.send_response(200 if document is not None else 404)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    with serve_http(Handler) as url:
        issuer.url = url
        yield issuer
