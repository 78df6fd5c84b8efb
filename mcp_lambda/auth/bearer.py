"""`BearerAuthenticator`: bearer-token checking for the HTTP front doors (``HttpOptions.authenticate``).

It runs in `mcp_lambda.http.serve` before anything reaches the request handler,
so it protects every engine alike (the stdio adapter, the in-process server).
It answers the MCP authorization spec's way:

* no token: 401 with ``WWW-Authenticate: Bearer resource_metadata="...", scope="..."``
  (RFC 9728), so the client can discover the authorization server;
* a token that fails verification: 401 with ``error="invalid_token"``;
* a valid token without a needed scope (globally or for a called tool): 403 with
  ``error="insufficient_scope"`` and the scopes needed, for step-up authorization;
* the issuer's keys unreachable: 503 (the client's token may be fine).

A valid token's claims and scopes are forwarded as the caller identity
(``claims``, ``scopes``), exactly where an API Gateway JWT authorizer puts them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from mcp_lambda.auth.jwks import KeySetUnavailableError
from mcp_lambda.auth.jwt import JWTVerifier, TokenError
from mcp_lambda.handlers import oauth
from mcp_lambda.http import HttpOptions, HttpRequest, HttpResponse, error_response
from mcp_lambda.jsonrpc import INTERNAL_ERROR, INVALID_REQUEST

__all__ = ["BearerAuthenticator", "bearer_token"]

logger = logging.getLogger(__name__)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (scheme case-insensitive), else ``None``."""
    if authorization is None:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token and " " not in token else None


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _called_tools(request: HttpRequest) -> list[str]:
    try:
        decoded = json.loads(request.body_bytes())
    except (ValueError, RecursionError):
        return []  # serve() answers the parse error; no tool runs
    messages = decoded if isinstance(decoded, list) else [decoded]
    names = []
    for message in messages:
        if isinstance(message, dict) and message.get("method") == "tools/call":
            params = message.get("params")
            name = params.get("name") if isinstance(params, dict) else None
            if isinstance(name, str):
                names.append(name)
    return names


class BearerAuthenticator:
    """Verify ``Authorization: Bearer`` tokens in the function; plug into ``HttpOptions(authenticate=...)``.

    Example::

        verifier = JWTVerifier(issuer=ISSUER, audience=RESOURCE, required_scopes=["mcp"])
        options = HttpOptions(oauth=verifier.resource_metadata(RESOURCE), authenticate=BearerAuthenticator(verifier))
        handler = LambdaFunctionURLEventHandler(MCPServerRequestHandler(server), options)

    Args:
        verifier: Checks tokens (`JWTVerifier`, or anything with the same ``verify``
            and ``scopes_needed`` methods).
    """

    def __init__(self, verifier: JWTVerifier) -> None:
        self.verifier = verifier

    async def __call__(self, request: HttpRequest, options: HttpOptions) -> Mapping[str, Any] | HttpResponse:
        """Return the caller facts of a valid token, or the 401/403/503 response."""
        token = bearer_token(request.headers.get("authorization"))
        tools = _called_tools(request) if self.verifier.tool_scopes else []
        if token is None:
            return self._refuse(401, request, options, None, "Unauthorized: a bearer token is required", ())
        try:
            verified = await self.verifier.verify(token, tools=tools)
        except TokenError as exc:
            logger.info("refused a bearer token: %s", exc.description)
            if exc.error == "insufficient_scope":
                message = f"Forbidden: the token lacks scope(s) {' '.join(exc.scopes)}"
                return self._refuse(403, request, options, exc, message, exc.scopes)
            return self._refuse(401, request, options, exc, f"Unauthorized: {exc.description}", ())
        except KeySetUnavailableError as exc:
            logger.error("cannot verify bearer tokens: %s", exc)
            response = error_response(503, INTERNAL_ERROR, "Service Unavailable: cannot verify tokens right now")
            response.headers["retry-after"] = "5"
            return response
        return {"claims": dict(verified.claims), "scopes": sorted(verified.scopes)}

    def _refuse(
        self,
        status: int,
        request: HttpRequest,
        options: HttpOptions,
        exc: TokenError | None,
        message: str,
        scopes: Iterable[str],
    ) -> HttpResponse:
        params = self._metadata_params(request, options)
        wanted = " ".join(scopes) or " ".join(sorted(self.verifier.scopes_needed()))
        if wanted:
            params.append(f"scope={_quoted(wanted)}")
        if exc is not None:
            params.append(f"error={_quoted(exc.error)}")
            params.append(f"error_description={_quoted(exc.description)}")
        response = error_response(status, INVALID_REQUEST, message)
        response.headers["www-authenticate"] = "Bearer " + ", ".join(params) if params else "Bearer"
        return response

    @staticmethod
    def _metadata_params(request: HttpRequest, options: HttpOptions) -> list[str]:
        config = options.oauth
        if config is None:
            return []
        host = request.headers.get("host")
        base = request.base_url or (f"https://{host}" if host else None)
        resource = config.resource or (base + request.path if base else None)
        url = config.metadata_url or (oauth.metadata_url(resource) if resource else None)
        return [f"resource_metadata={_quoted(url)}"] if url else []
