"""OAuth for the proxy: authorization code with PKCE through a local callback, tokens cached per server.

The flow itself (discovery from the 401's ``resource_metadata``, dynamic client
registration, PKCE, refresh) is the SDK's ``OAuthClientProvider``; this module
supplies what a command-line tool needs around it:

* `FileTokenStorage`: tokens and client registration in one JSON file per server
  URL (mode 0600), so the user logs in once, not on every start;
* `CallbackServer`: a one-shot HTTP listener on 127.0.0.1 that receives the
  authorization server's redirect (``/callback?code=...&state=...``);
* the redirect handler starts that listener, prints the authorization URL on
  stderr (stdout belongs to the MCP client) and opens a browser (the system's, or
  a command given with ``--oauth-browser``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import sys
import webbrowser
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import anyio.to_thread
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

__all__ = ["DEFAULT_CALLBACK_PORT", "CallbackServer", "FileTokenStorage", "default_cache_dir", "oauth_provider"]

logger = logging.getLogger(__name__)

DEFAULT_CALLBACK_PORT = 33418
"""A fixed port: the redirect URI is registered with the authorization server and must not change."""
_CALLBACK_TIMEOUT = 300.0  # seconds a person has to finish logging in
_PAGE = b"<!doctype html><title>mcp-lambda</title><p>Signed in. You can close this window.</p>"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/mcp-lambda/oauth`` (``~/.cache/mcp-lambda/oauth`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mcp-lambda" / "oauth"


class FileTokenStorage:
    """The SDK's ``TokenStorage`` over one JSON file per server, readable only by the user."""

    def __init__(self, server_url: str, cache_dir: Path | None = None) -> None:
        digest = hashlib.sha256(server_url.encode()).hexdigest()[:24]
        self.path = (cache_dir or default_cache_dir()) / f"{digest}.json"

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, key: str, value: dict[str, Any]) -> None:
        data = self._load()
        data[key] = value
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle)
        os.replace(tmp, self.path)

    async def get_tokens(self) -> OAuthToken | None:
        """The cached tokens, if any."""
        raw = self._load().get("tokens")
        return OAuthToken.model_validate(raw) if isinstance(raw, dict) else None

    async def set_tokens(self, tokens: OAuthToken) -> None:
        """Cache new tokens."""
        self._save("tokens", tokens.model_dump(mode="json", exclude_none=True))

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        """The cached client registration, if any."""
        raw = self._load().get("client_info")
        return OAuthClientInformationFull.model_validate(raw) if isinstance(raw, dict) else None

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        """Cache the client registration."""
        self._save("client_info", client_info.model_dump(mode="json", exclude_none=True))


class CallbackServer:
    """Receive one OAuth redirect on ``http://127.0.0.1:<port>/callback``."""

    def __init__(self, port: int = DEFAULT_CALLBACK_PORT) -> None:
        self.port = port
        self.redirect_uri = f"http://127.0.0.1:{port}/callback"
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[dict[str, list[str]]] | None = None

    async def start(self) -> None:
        """Start listening, before the browser opens: a browser command may only return once the
        redirect is done, and a signed-in user is redirected back at once."""
        if self._server is not None:
            return
        self._result = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._on_connection, "127.0.0.1", self.port)

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        query: dict[str, list[str]] | None = None
        try:
            request_line = (await reader.readline()).decode("latin-1")
            while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                pass  # headers: nothing needed from them
            parts = request_line.split(" ")
            target = urlsplit(parts[1]) if len(parts) >= 2 else None
            if target is not None and target.path == "/callback":
                query = parse_qs(target.query)
            status, body = (b"200 OK", _PAGE) if query is not None else (b"404 Not Found", b"not found")
            head = b"HTTP/1.1 " + status + b"\r\ncontent-type: text/html\r\nconnection: close\r\n"
            writer.write(head + f"content-length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()
        # Only now: the listener stops once the result is in, and the browser must get its page first.
        if query is not None and self._result is not None and not self._result.done():
            self._result.set_result(query)

    async def wait(self, timeout: float = _CALLBACK_TIMEOUT) -> AuthorizationCodeResult:
        """Listen (if `start` did not already) until the redirect arrives; return its code and state.

        Raises:
            RuntimeError: The authorization server redirected with an error.
            TimeoutError: Nobody finished logging in within ``timeout``.
        """
        await self.start()
        assert self._server is not None and self._result is not None
        try:
            with anyio.fail_after(timeout):
                query = await self._result
        finally:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if "error" in query:
            raise RuntimeError(f"authorization failed: {query['error'][0]} {query.get('error_description', [''])[0]}")
        # ``iss`` (RFC 9207) is passed on: the SDK refuses a redirect without it from a server that advertises it.
        return AuthorizationCodeResult(
            code=query.get("code", [""])[0], state=query.get("state", [None])[0], iss=query.get("iss", [None])[0]
        )


def _browser_opener(callback: CallbackServer, command: Sequence[str] | None) -> Callable[[str], Awaitable[None]]:
    async def open_browser(url: str) -> None:
        await callback.start()
        print(f"mcp-lambda proxy: sign in at {url}", file=sys.stderr, flush=True)
        if command is None:
            await anyio.to_thread.run_sync(webbrowser.open, url)
            return
        # stdio_server points fds 0 and 1 away from the MCP wire while serving, so the command cannot touch it.
        result = await anyio.run_process([*command, url], check=False, stdout=None, stderr=None)
        if result.returncode != 0:
            logger.warning("the browser command exited with status %d", result.returncode)

    return open_browser


def oauth_provider(
    server_url: str,
    *,
    scope: str | None = None,
    client_id: str | None = None,
    callback_port: int = DEFAULT_CALLBACK_PORT,
    cache_dir: Path | None = None,
    browser: Sequence[str] | None = None,
) -> OAuthClientProvider:
    """The SDK's OAuth provider, set up for an interactive command-line login.

    Args:
        server_url: The MCP endpoint (tokens are cached under it).
        scope: Scopes to ask for; ``None`` takes what the server advertises.
        client_id: A client registered beforehand (public client, PKCE); ``None``
            registers one dynamically (RFC 7591) on first use.
        callback_port: The local port of the redirect URI.
        cache_dir: Where tokens are cached.
        browser: The command that opens the sign-in page (the URL is appended);
            ``None`` uses the system's browser (`webbrowser`, which honours ``$BROWSER``).
    """
    callback = CallbackServer(callback_port)
    storage = FileTokenStorage(server_url, cache_dir)
    metadata = OAuthClientMetadata.model_validate(
        {
            "client_name": "mcp-lambda proxy",
            "redirect_uris": [callback.redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
            **({"scope": scope} if scope else {}),
        }
    )
    if client_id is not None:
        info = OAuthClientInformationFull.model_validate({**metadata.model_dump(mode="json"), "client_id": client_id})
        storage._save("client_info", info.model_dump(mode="json", exclude_none=True))
    return OAuthClientProvider(
        server_url,
        metadata,
        storage,
        redirect_handler=_browser_opener(callback, browser),
        callback_handler=callback.wait,
    )
