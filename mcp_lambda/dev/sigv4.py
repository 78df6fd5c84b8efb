"""Verify AWS SigV4 signatures on requests reaching the local fronts.

Lambda's Invoke API and IAM-authorised Function URLs and HTTP APIs reject a
request whose signature does not match. The emulator recomputes the signature
with botocore's own signer from the pieces the client declared (the
``SignedHeaders`` list, the ``X-Amz-Date`` timestamp, the credential scope), so a
client that signs correctly against AWS signs correctly here, and vice versa.
botocore is imported lazily: verification is opt-in.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass

from mcp_lambda.dev.http11 import Request

__all__ = ["SigV4Verifier", "SignatureError"]

_AUTH = re.compile(
    r"AWS4-HMAC-SHA256\s+Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request,"
    r"\s*SignedHeaders=(?P<headers>[^,]+),\s*Signature=(?P<signature>[0-9a-f]{64})"
)


class SignatureError(Exception):
    """The request is unsigned, or its signature does not match."""


@dataclass(frozen=True)
class SigV4Verifier:
    """Checks SigV4 ``Authorization`` headers against known credentials.

    Attributes:
        secrets: Secret access key by access key id.
        session_tokens: Expected ``X-Amz-Security-Token`` by access key id, when temporary.
    """

    secrets: Mapping[str, str]
    session_tokens: Mapping[str, str] | None = None

    def verify(self, request: Request, host: str) -> dict[str, str]:
        """Verify ``request`` and return the caller (``accessKey``, ``region``, ``service``).

        Args:
            request: The received request.
            host: The ``Host`` to assume when the request did not send one.

        Raises:
            SignatureError: Missing, malformed or wrong signature, or an unknown key.
        """
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        match = _AUTH.fullmatch((request.header("authorization") or "").strip())
        if match is None:
            raise SignatureError("Missing Authentication Token")
        key = match["key"]
        if key not in self.secrets:
            raise SignatureError("The security token included in the request is invalid.")
        timestamp = request.header("x-amz-date")
        if timestamp is None or not timestamp.startswith(match["date"]):
            raise SignatureError("X-Amz-Date is missing or does not match the credential scope")
        token = (self.session_tokens or {}).get(key)
        signed = match["headers"].split(";")
        headers = {name: value for name, value in request.headers if name in signed}
        headers.setdefault("host", host)
        aws_request = AWSRequest(
            method=request.method, url=f"http://{headers['host']}{request.target}", data=request.body
        )
        for name in signed:
            if name in headers:
                aws_request.headers[name] = headers[name]
        aws_request.context["timestamp"] = timestamp
        signer = SigV4Auth(Credentials(key, self.secrets[key], token), match["service"], match["region"])
        canonical = signer.canonical_request(aws_request)
        expected = signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)
        if not hmac.compare_digest(expected, match["signature"]):
            raise SignatureError(
                "The request signature we calculated does not match the signature you provided. "
                "Check your AWS Secret Access Key and signing method."
            )
        return {"accessKey": key, "region": match["region"], "service": match["service"]}
