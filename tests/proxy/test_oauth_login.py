"""``mcp-lambda proxy --auth oauth`` end to end: a real login once, then the cached token.

The function (`tests.proxy.emulated.OAUTH_HANDLER`) runs in the dev emulator behind a
Function URL protected by ``BearerAuthenticator(JWTVerifier(...))``; the authorization
server is `tests.proxy.fake_oauth`. The proxy, driven by ``mcp.Client`` over
``stdio_client``, meets the 401, discovers the authorization server through the
resource's RFC 9728 metadata, registers itself, and sends the "browser" (here
``--oauth-browser``: a command that follows the authorization redirect back to the
proxy's local callback) to sign in; then it swaps the code for a token with PKCE and
caches it. A second proxy process uses the cached token and never signs in.
"""

from __future__ import annotations

import json
import shlex
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from tests.proxy.emulated import AWS_ENV, OAUTH_HANDLER, emulate, free_port, proxy_argv
from tests.proxy.fake_oauth import serve_authorization_server

# The "browser": fetch the authorization URL and follow its redirect to the proxy's callback.
BROWSER = shlex.join([sys.executable, "-c", "import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()"])
SIGN_IN = "mcp-lambda proxy: sign in at "


@pytest.fixture
def errlogs(tmp_path: Path) -> Iterator[tuple[TextIO, TextIO]]:
    """Files for the two proxy runs' stderr (``stdio_client`` needs real files)."""
    with open(tmp_path / "first.log", "w+") as first, open(tmp_path / "second.log", "w+") as second:
        yield first, second


async def whoami(argv: list[str], mode: str, errlog: TextIO) -> dict[str, Any]:
    """List the tools through the proxy, call ``whoami``, and return the caller the server saw."""
    params = StdioServerParameters(command=argv[0], args=argv[1:], env=AWS_ENV)
    with anyio.fail_after(30):  # a login that never completes must fail the test, not hang it
        async with Client(stdio_client(params, errlog=errlog), mode=mode) as client:
            assert "whoami" in {tool.name for tool in (await client.list_tools()).tools}
            result = await client.call_tool("whoami", {})
    caller: dict[str, Any] = json.loads(result.content[0].text)["mcp-lambda/caller"]  # type: ignore[union-attr]
    return caller


def log_text(errlog: TextIO) -> str:
    errlog.seek(0)
    return errlog.read()


@pytest.mark.anyio
async def test_first_run_signs_in_and_caches_the_token_and_the_next_run_reuses_it(
    tmp_path: Path, errlogs: tuple[TextIO, TextIO]
) -> None:
    cache = tmp_path / "tokens"
    port, callback_port = free_port(), free_port()
    resource = f"http://127.0.0.1:{port}/mcp"
    oauth = [resource, "--auth", "oauth", "--token-cache", str(cache)]
    with serve_authorization_server() as auth:
        environment = {"ISSUER": auth.url, "RESOURCE": resource}
        async with emulate(OAUTH_HANDLER, tmp_path / "function", environment=environment, port=port):
            first_argv = proxy_argv(*oauth, "--oauth-callback-port", str(callback_port), "--oauth-browser", BROWSER)
            first = await whoami(first_argv, "legacy", errlogs[0])
            after_first = len(auth.requests)
            # No browser this time: a login attempt would wait for a redirect that never comes.
            second = await whoami(proxy_argv(*oauth, "--oauth-browser", "false"), "2026-07-28", errlogs[1])

    # The first run signed in: registered, went through /authorize with PKCE and RFC 8707, got a token.
    assert len(auth.paths("POST", "/register")) == 1
    [authorize] = auth.paths("GET", "/authorize")
    assert authorize["redirect_uri"] == f"http://127.0.0.1:{callback_port}/callback"
    assert (authorize["code_challenge_method"], authorize["resource"], authorize["scope"]) == ("S256", resource, "mcp")
    assert len(auth.paths("POST", "/token")) == len(auth.issued) == 1
    assert SIGN_IN + auth.url + "/authorize?" in log_text(errlogs[0])
    # The function verified the token and forwarded its claims.
    assert (first["frontDoor"], first["claims"]["sub"], first["scopes"]) == ("function_url", "alice", ["mcp"])

    # The token is cached in one file per server, readable by the user alone.
    [cached] = cache.iterdir()
    assert stat.S_IMODE(cached.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert json.loads(cached.read_text())["tokens"]["access_token"] == auth.issued[0]

    # The second run presented the cached token: no discovery, registration, sign-in or token request.
    assert auth.requests[after_first:] == []
    assert SIGN_IN not in log_text(errlogs[1])
    assert second["claims"] == first["claims"]
