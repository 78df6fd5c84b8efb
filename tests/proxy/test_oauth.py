"""The proxy's OAuth helpers: the per-server token cache and the local redirect listener."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

from mcp_lambda.proxy.oauth import CallbackServer, FileTokenStorage, oauth_provider


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.anyio
async def test_tokens_are_cached_per_server_and_private(tmp_path: Path) -> None:
    one = FileTokenStorage("https://a.example.test/mcp", tmp_path)
    other = FileTokenStorage("https://b.example.test/mcp", tmp_path)
    assert await one.get_tokens() is None
    await one.set_tokens(OAuthToken(access_token="abc", token_type="Bearer", refresh_token="r"))
    info = OAuthClientInformationFull.model_validate({"client_id": "cid", "redirect_uris": ["http://127.0.0.1:1/cb"]})
    await one.set_client_info(info)
    again = FileTokenStorage("https://a.example.test/mcp", tmp_path)  # a later proxy start
    tokens = await again.get_tokens()
    assert tokens is not None and (tokens.access_token, tokens.refresh_token) == ("abc", "r")
    stored = await again.get_client_info()
    assert stored is not None and stored.client_id == "cid"
    assert await other.get_tokens() is None
    assert stat.S_IMODE(one.path.stat().st_mode) == 0o600


@pytest.mark.anyio
async def test_callback_server_returns_code_and_state() -> None:
    callback = CallbackServer(free_port())
    async with anyio.create_task_group() as tg, httpx2.AsyncClient() as http:
        results = []

        async def wait() -> None:
            results.append(await callback.wait(timeout=5))

        tg.start_soon(wait)
        await anyio.sleep(0.1)
        assert (await http.get(callback.redirect_uri.replace("/callback", "/favicon.ico"))).status_code == 404
        response = await http.get(callback.redirect_uri, params={"code": "c0de", "state": "s1"})
        assert response.status_code == 200 and "Signed in" in response.text
    assert (results[0].code, results[0].state) == ("c0de", "s1")


@pytest.mark.anyio
async def test_callback_server_reports_a_denied_authorization() -> None:
    callback = CallbackServer(free_port())
    async with anyio.create_task_group() as tg, httpx2.AsyncClient() as http:

        async def deny() -> None:
            await anyio.sleep(0.1)
            await http.get(callback.redirect_uri, params={"error": "access_denied", "state": "s"})

        tg.start_soon(deny)
        with pytest.raises(RuntimeError, match="access_denied"):
            await callback.wait(timeout=5)


@pytest.mark.anyio
async def test_a_preregistered_client_skips_dynamic_registration(tmp_path: Path) -> None:
    oauth_provider("https://a.example.test/mcp", client_id="public-client", callback_port=4711, cache_dir=tmp_path)
    info = await FileTokenStorage("https://a.example.test/mcp", tmp_path).get_client_info()
    assert info is not None
    assert info.client_id == "public-client"
    assert [str(uri) for uri in info.redirect_uris or []] == ["http://127.0.0.1:4711/callback"]
