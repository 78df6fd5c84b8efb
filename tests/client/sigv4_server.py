"""A SigV4-protected MCP streamable HTTP endpoint on 127.0.0.1, standing in for an IAM Function URL.

Every request's signature is recomputed with botocore (`tests.client.sigv4_check`);
a mismatch gets 403 with the reason, as AWS would answer. Valid POSTs are answered by
the toy MCP function from ``conftest`` (JSON reply, or 202 for a notification), which
is enough for ``mcp.Client`` to connect and list tools in either era. GET (the
optional SSE stream) and DELETE answer 405, as a stateless server does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.client.conftest import REGION, toy_mcp_function
from tests.client.sigv4_check import signature_problem
from tests.conftest import FakeLambdaContext
from tests.loopback import serve_http

__all__ = ["SignedRequest", "SigV4Endpoint", "serve_sigv4_mcp"]


@dataclass(frozen=True)
class SignedRequest:
    """What a request that passed verification was signed with."""

    method: str
    access_key: str
    signed_headers: tuple[str, ...]


@dataclass
class SigV4Endpoint:
    """The endpoint's state: who may call it, what it accepted, what it refused and why."""

    secrets: Mapping[str, str]
    service: str = "lambda"
    url: str = ""
    accepted: list[SignedRequest] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)


@contextmanager
def serve_sigv4_mcp(secrets: Mapping[str, str], *, service: str = "lambda") -> Iterator[SigV4Endpoint]:
    """Run the endpoint on a free loopback port; its MCP URL is ``state.url``."""
    state = SigV4Endpoint(secrets, service)
    with serve_http(type("Handler", (_Handler,), {"state": state})) as url:
        # A query string makes the test cover canonical query handling too.
        state.url = f"{url}/mcp?stage=test&a=1"
        yield state


class _Handler(BaseHTTPRequestHandler):
    state: SigV4Endpoint

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _send(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a read-timeout test); nothing to tell it

    def _verified(self, body: bytes) -> bool:
        headers = dict(self.headers.items())
        problem = signature_problem(
            self.command,
            f"http://{self.headers['Host']}{self.path}",
            headers,
            body,
            self.state.secrets,
            region=REGION,
            service=self.state.service,
        )
        if problem:
            self.state.rejections.append(problem)
            self._send(403, {"message": problem})
            return False
        fields = dict(part.strip().split("=", 1) for part in headers["Authorization"].split(" ", 1)[1].split(","))
        access_key = fields["Credential"].split("/")[0]
        self.state.accepted.append(SignedRequest(self.command, access_key, tuple(fields["SignedHeaders"].split(";"))))
        return True

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not self._verified(body):
            return
        reply = toy_mcp_function(json.loads(body), FakeLambdaContext())
        self._send(202) if reply is None else self._send(200, reply)

    def do_GET(self) -> None:
        if self._verified(b""):
            self._send(405)

    def do_DELETE(self) -> None:
        if self._verified(b""):
            self._send(405)
