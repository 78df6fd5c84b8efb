"""`JWTVerifier` against tokens signed by a test issuer whose discovery document and JWKS are served on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest

from mcp_lambda.auth import JWTVerifier, KeySetUnavailableError, TokenError
from mcp_lambda.auth.jwks import discovery_urls
from tests.auth.issuer import AUDIENCE, SigningKey, TestIssuer, serve_issuer


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def issuer() -> Iterator[TestIssuer]:
    with serve_issuer() as running:
        yield running


def verifier_for(issuer: TestIssuer, clock: Clock | None = None, **kwargs: Any) -> JWTVerifier:
    return JWTVerifier(issuer.url, AUDIENCE, clock=clock or Clock(), **kwargs)


@pytest.mark.anyio
async def test_valid_token_and_the_key_set_is_cached(issuer: TestIssuer) -> None:
    verifier = verifier_for(issuer, required_scopes=["mcp"])
    for _ in range(20):
        verified = await verifier.verify(issuer.token(scope="mcp extra"))
    assert verified.subject == "alice"
    assert verified.scopes == {"mcp", "extra"}
    assert verified.claims["aud"] == AUDIENCE
    assert issuer.fetches == ["/.well-known/openid-configuration", "/jwks.json"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"lifetime": -120}, "expired"),
        ({"aud": "https://other.example.test/mcp"}, "audience"),
        ({"iss": "https://evil.example.test"}, "another issuer"),
        ({"exp": None}, "exp"),
    ],
    ids=["expired", "wrong-audience", "wrong-issuer", "no-expiry"],
)
async def test_invalid_claims_are_refused(issuer: TestIssuer, claims: dict[str, Any], reason: str) -> None:
    verifier = verifier_for(issuer)
    if claims.get("exp", 0) is None:
        token = jwt.encode(
            {"iss": issuer.url, "aud": AUDIENCE, "sub": "a"},
            issuer.current.private,
            algorithm="RS256",
            headers={"kid": issuer.current.kid},
        )
    else:
        token = issuer.token(**claims)
    with pytest.raises(TokenError) as caught:
        await verifier.verify(token)
    assert caught.value.error == "invalid_token"
    assert reason in caught.value.description


@pytest.mark.anyio
async def test_expiry_leeway_tolerates_small_clock_skew(issuer: TestIssuer) -> None:
    verifier = verifier_for(issuer, leeway=60)
    assert (await verifier.verify(issuer.token(lifetime=-10))).subject == "alice"


@pytest.mark.anyio
async def test_missing_scopes_global_and_per_tool(issuer: TestIssuer) -> None:
    verifier = verifier_for(issuer, required_scopes=["mcp"], tool_scopes={"delete": ["admin", "write"]})
    with pytest.raises(TokenError) as caught:
        await verifier.verify(issuer.token(scope="other"))
    assert (caught.value.error, caught.value.scopes) == ("insufficient_scope", ("mcp",))
    await verifier.verify(issuer.token(scope="mcp"), tools=["list"])
    with pytest.raises(TokenError) as caught:
        await verifier.verify(issuer.token(scope="mcp write"), tools=["list", "delete"])
    assert (caught.value.error, caught.value.scopes) == ("insufficient_scope", ("admin",))
    await verifier.verify(issuer.token(scope="mcp write admin"), tools=["delete"])


@pytest.mark.anyio
async def test_scp_claim_as_list_is_read(issuer: TestIssuer) -> None:
    verifier = verifier_for(issuer, required_scopes=["mcp"])
    token = issuer.token(scope="", scp=["mcp"])
    assert (await verifier.verify(token)).scopes == {"mcp"}


@pytest.mark.anyio
async def test_rotated_key_is_fetched_and_retired_key_refused(issuer: TestIssuer) -> None:
    clock = Clock()
    verifier = verifier_for(issuer, clock, min_refresh_interval=30, cache_ttl=3600)
    old_key = issuer.current
    old_token = issuer.token()
    await verifier.verify(old_token)
    issuer.rotate()  # the old key is withdrawn from the JWKS
    clock.now += 31
    assert (await verifier.verify(issuer.token())).subject == "alice"  # unknown kid -> refetch
    assert issuer.fetches.count("/jwks.json") == 2
    with pytest.raises(TokenError, match="unknown key"):
        await verifier.verify(issuer.token(key=old_key))


@pytest.mark.anyio
async def test_unknown_kid_refetches_are_rate_limited(issuer: TestIssuer) -> None:
    clock = Clock()
    verifier = verifier_for(issuer, clock, min_refresh_interval=30)
    await verifier.verify(issuer.token())
    stranger = SigningKey.generate()
    for _ in range(5):
        with pytest.raises(TokenError, match="unknown key"):
            await verifier.verify(issuer.token(key=stranger))
    assert issuer.fetches.count("/jwks.json") == 1  # within the interval: no refetch at all
    clock.now += 30
    with pytest.raises(TokenError, match="unknown key"):
        await verifier.verify(issuer.token(key=stranger))
    assert issuer.fetches.count("/jwks.json") == 2


@pytest.mark.anyio
async def test_key_set_is_refreshed_after_its_ttl_and_kept_when_the_issuer_is_down(issuer: TestIssuer) -> None:
    clock = Clock()
    fetched: list[str] = []
    down = False

    async def fetch(url: str) -> Any:
        fetched.append(url)
        if down:
            raise OSError("connection refused")
        path = url[len(issuer.url) :]
        return issuer.documents(path)

    verifier = verifier_for(issuer, clock, fetch=fetch, cache_ttl=60)
    await verifier.verify(issuer.token())
    clock.now += 61
    down = True
    assert (await verifier.verify(issuer.token())).subject == "alice"  # stale keys beat no keys
    assert fetched[-1].endswith("/jwks.json") and len(fetched) == 3


@pytest.mark.anyio
async def test_signature_and_algorithm_attacks_are_refused(issuer: TestIssuer) -> None:
    verifier = verifier_for(issuer)
    forged = issuer.token()[:-4] + "AAAA"
    with pytest.raises(TokenError, match="signature"):
        await verifier.verify(forged)
    unsigned = jwt.encode({"iss": issuer.url, "aud": AUDIENCE, "exp": time.time() + 60}, "", algorithm="none")
    with pytest.raises(TokenError, match="algorithm"):
        await verifier.verify(unsigned)
    hmac = jwt.encode({"iss": issuer.url, "aud": AUDIENCE, "exp": time.time() + 60}, "k" * 32, algorithm="HS256")
    with pytest.raises(TokenError, match="algorithm"):
        await verifier.verify(hmac)
    with pytest.raises(TokenError, match="not a JWT"):
        await verifier.verify("not-a-token")
    with pytest.raises(ValueError, match="symmetric"):
        JWTVerifier(issuer.url, AUDIENCE, algorithms=["HS256"])
    with pytest.raises(ValueError, match="audience"):
        JWTVerifier(issuer.url, [])


@pytest.mark.anyio
async def test_discovery_must_name_the_configured_issuer(issuer: TestIssuer) -> None:
    issuer.discovery_issuer = "https://impostor.example.test"
    with pytest.raises(KeySetUnavailableError, match="impostor"):
        await verifier_for(issuer).verify(issuer.token())


@pytest.mark.anyio
async def test_unreachable_issuer_is_unavailable_not_invalid() -> None:
    with serve_issuer() as gone:
        url = gone.url
        token = gone.token()
    verifier = JWTVerifier(url, AUDIENCE)
    with pytest.raises(KeySetUnavailableError):
        await verifier.verify(token)


@pytest.mark.anyio
async def test_audience_claim_other_than_aud(issuer: TestIssuer) -> None:
    verifier = JWTVerifier(issuer.url, "my-client-id", audience_claim="client_id", clock=Clock())
    token = issuer.token(aud=None, client_id="my-client-id")
    assert (await verifier.verify(token)).subject == "alice"
    with pytest.raises(TokenError, match="audience"):
        await verifier.verify(issuer.token(aud=None, client_id="another-client"))


def test_discovery_urls_cover_oidc_and_rfc8414() -> None:
    assert discovery_urls("https://id.example.test/tenant/") == [
        "https://id.example.test/tenant/.well-known/openid-configuration",
        "https://id.example.test/.well-known/oauth-authorization-server/tenant",
    ]
