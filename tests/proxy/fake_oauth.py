"""A fake OAuth 2.1 authorization server on 127.0.0.1, for the proxy's end-to-end login test.

Just enough of a real one for an MCP client's login, and strict where the client
could get it wrong:

* RFC 8414 metadata (also served as the OIDC discovery document, which
  `mcp_lambda.auth.JWTVerifier` reads to find the keys), advertising RFC 9207 ``iss``;
* ``POST /register``: dynamic client registration (RFC 7591), public clients only;
* ``GET /authorize``: no login page, the "user" consents at once: checks the client,
  its registered redirect URI and an S256 PKCE challenge, then redirects back with a
  code, the state and ``iss``;
* ``POST /token``: the code for a JWT signed with a test RSA key, only with the
  matching PKCE verifier; the audience is the RFC 8707 ``resource`` the client asked for;
* ``GET /jwks.json``: the public key.

Every request is recorded (``server.requests``) so a test can tell a login from a reuse.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import jwt

from tests.auth.issuer import SigningKey
from tests.loopback import serve_http

__all__ = ["FakeAuthorizationServer", "serve_authorization_server"]


@dataclass
class FakeAuthorizationServer:
    """The server's state: registered clients, pending codes, issued tokens, and the request log."""

    url: str = ""
    key: SigningKey = field(default_factory=SigningKey.generate)
    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    """``(method, path, parameters)`` of every request, query or form parameters included."""

    def paths(self, method: str, path: str) -> list[dict[str, str]]:
        """The parameters of each ``method path`` request received."""
        return [params for m, p, params in self.requests if (m, p) == (method, path)]

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "registration_endpoint": f"{self.url}/register",
            "jwks_uri": f"{self.url}/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": ["mcp"],
            "authorization_response_iss_parameter_supported": True,
        }

    def register(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if body.get("token_endpoint_auth_method", "none") != "none" or not body.get("redirect_uris"):
            return 400, {"error": "invalid_client_metadata"}
        client = {**body, "client_id": secrets.token_hex(8), "client_id_issued_at": int(time.time())}
        self.clients[client["client_id"]] = client
        return 201, client

    def authorize(self, query: dict[str, str]) -> tuple[int, str]:
        """The redirect location on consent, or a 400 reason (never redirect to an unchecked URI)."""
        client = self.clients.get(query.get("client_id", ""))
        if client is None or query.get("redirect_uri") not in client["redirect_uris"]:
            return 400, "unknown client or unregistered redirect_uri"
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return 400, "response_type=code with an S256 PKCE challenge is required"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "client_id": client["client_id"],
            "redirect_uri": query["redirect_uri"],
            "challenge": query.get("code_challenge", ""),
            "scope": query.get("scope", ""),
        }
        back = {"code": code, "state": query.get("state", ""), "iss": self.url}
        return 302, f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = self.codes.pop(form.get("code", ""), None)  # single use
        verifier = form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or (form.get("client_id"), form.get("redirect_uri")) != (grant["client_id"], grant["redirect_uri"])
            or not secrets.compare_digest(digest, grant["challenge"])
        ):
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": form.get("resource", ""),
            "sub": "alice",
            "client_id": grant["client_id"],
            "scope": grant["scope"],
            "iat": now,
            "exp": now + 600,
        }
        token = jwt.encode(claims, self.key.private, algorithm="RS256", headers={"kid": self.key.kid})
        self.issued.append(token)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": 600, "scope": grant["scope"]}


@contextmanager
def serve_authorization_server() -> Iterator[FakeAuthorizationServer]:
    """Run a `FakeAuthorizationServer` on an ephemeral loopback port, in a thread.

    A thread rather than the test's event loop: the proxy and the emulated function
    reach it from other processes, and the function's key fetch blocks.
    """
    state = FakeAuthorizationServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            target = urlsplit(self.path)
            query = dict(parse_qsl(target.query))
            state.requests.append(("GET", target.path, query))
            if target.path in ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"):
                self._json(200, state.metadata())
            elif target.path == "/jwks.json":
                self._json(200, {"keys": [state.key.jwk()]})
            elif target.path == "/authorize":
                status, location = state.authorize(query)
                self._reply(status, b"" if status == 302 else location.encode(), [("location", location)])
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            path = urlsplit(self.path).path
            if path == "/register":
                body = json.loads(raw)
                state.requests.append(("POST", path, {k: json.dumps(v) for k, v in body.items()}))
                self._json(*state.register(body))
            elif path == "/token":
                form = dict(parse_qsl(raw.decode()))
                state.requests.append(("POST", path, form))
                self._json(*state.token(form))
            else:
                self._json(404, {"error": "not_found"})

        def _json(self, status: int, document: Any) -> None:
            self._reply(status, json.dumps(document).encode(), [("content-type", "application/json")])

        def _reply(self, status: int, body: bytes, headers: list[tuple[str, str]]) -> None:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    with serve_http(Handler) as url:
        state.url = url
        yield state
