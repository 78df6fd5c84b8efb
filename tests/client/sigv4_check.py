"""Server-side SigV4 verification for tests: recompute a received request's signature with botocore.

The loopback servers in these tests use it the way AWS does: rebuild the request from
what arrived on the wire (method, path and query, the headers listed in
``SignedHeaders``, the body), sign it again with the secret that belongs to the
access key in the ``Credential`` scope and the ``X-Amz-Date`` it carries, and compare.
Any change after signing (a tampered body, an unsigned header swapped in) fails.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from collections.abc import Mapping

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import ReadOnlyCredentials

__all__ = ["ALGORITHM", "signature_problem"]

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=5)


def signature_problem(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    secrets: Mapping[str, str],
    *,
    region: str,
    service: str,
) -> str | None:
    """Why the request's SigV4 signature is invalid, or ``None`` if it is valid.

    Args:
        method: The HTTP method received.
        url: ``http://host/path?query`` exactly as received.
        headers: The received headers (case-insensitive lookup expected).
        body: The received body.
        secrets: Secret access key by access key id.
        region: The region the server is in.
        service: The service name the signature must be scoped to.
    """
    lower = {name.lower(): value for name, value in headers.items()}
    authorization = lower.get("authorization", "")
    if not authorization.startswith(ALGORITHM + " "):
        return "missing SigV4 Authorization header"
    fields = dict(part.strip().split("=", 1) for part in authorization[len(ALGORITHM) + 1 :].split(","))
    try:
        access_key, day, scope_region, scope_service, terminator = fields["Credential"].split("/")
        signed_headers = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
        amz_date = lower["x-amz-date"]
    except (KeyError, ValueError):
        return "malformed SigV4 Authorization header"
    if (scope_region, scope_service, terminator) != (region, service, "aws4_request") or day != amz_date[:8]:
        return f"wrong credential scope {fields['Credential']!r}"
    if access_key not in secrets:
        return f"unknown access key {access_key!r}"
    signed_at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    if abs(datetime.datetime.now(datetime.UTC) - signed_at) > MAX_CLOCK_SKEW:
        return "signature expired"
    if "host" not in signed_headers:
        return "host header not signed"
    if "x-amz-content-sha256" in lower and lower["x-amz-content-sha256"] != hashlib.sha256(body).hexdigest():
        return "x-amz-content-sha256 does not match the body"
    if any(name not in lower for name in signed_headers):
        return "a signed header is missing"
    request = AWSRequest(method=method, url=url, data=body, headers={name: lower[name] for name in signed_headers})
    request.context["timestamp"] = amz_date
    signer = SigV4Auth(
        ReadOnlyCredentials(access_key, secrets[access_key], lower.get("x-amz-security-token")), service, region
    )
    expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None
