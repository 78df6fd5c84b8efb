"""A minimal HTTP/1.1 server on asyncio streams, parsed by h11.

Both the local Runtime API (polled by ``awslambdaric``) and the loopback fronts
(Invoke API, Function URL, API Gateway, AgentCore) are tiny request/response
services on 127.0.0.1. h11 (already installed as an httpx dependency) is a strict,
sans-IO parser, so a 150-line server on top of it keeps the emulator's overhead to a
few hundred microseconds per request, holds Runtime API long polls for free, and
lets the supervisor drop every connection of a killed runtime at once. Bodies are
fully buffered: Lambda's own payloads are buffered (6 MB) too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

import h11

__all__ = ["HttpServer", "Request", "Response"]

logger = logging.getLogger(__name__)

_READ_CHUNK = 65536
# Lambda rejects request payloads above 6 MB; anything beyond that locally is a mistake.
MAX_BODY = 6 * 1024 * 1024 + 65536


@dataclass
class Request:
    """One buffered HTTP request.

    Attributes:
        method: The HTTP method, upper case.
        target: The raw request target (path and query string).
        headers: Header pairs as received (names lower-cased by h11), in order.
        body: The whole body.
        peer: ``host:port`` of the client.
    """

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    peer: str = ""

    @property
    def path(self) -> str:
        """The path part of the target, still percent-encoded."""
        return urlsplit(self.target).path

    @property
    def query_string(self) -> str:
        """The raw query string (without ``?``)."""
        return urlsplit(self.target).query

    @property
    def query(self) -> list[tuple[str, str]]:
        """Decoded query parameters, in order, repeats kept."""
        return parse_qsl(self.query_string, keep_blank_values=True)

    def header(self, name: str, default: str | None = None) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``default``."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return default


@dataclass
class Response:
    """One HTTP response; ``Content-Length`` is added by the server."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


Handler = Callable[[Request], Awaitable[Response]]


class HttpServer:
    """Serve ``handler`` on a loopback port with keep-alive HTTP/1.1.

    Args:
        handler: Called once per request; its response is sent back. An exception
            becomes a 500 and is logged.
        host: Interface to bind (loopback by default: this is a dev tool).
        port: Port to bind; ``0`` picks a free one (see `port`).
    """

    def __init__(self, handler: Handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self._handler = handler
        self._host = host
        self._requested_port = port
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound port (valid after `start`)."""
        assert self._server is not None, "server not started"
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Bind and start accepting connections."""
        self._server = await asyncio.start_server(self._on_connect, self._host, self._requested_port)

    async def close(self) -> None:
        """Stop accepting, drop every open connection and wait until they are gone."""
        if self._server is not None:
            self._server.close()
        await self.drop_connections()
        if self._server is not None:
            await self._server.wait_closed()

    async def drop_connections(self) -> None:
        """Cancel every open connection (their peers get a reset), e.g. after killing the peer process."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task

    async def _on_connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve_connection(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, h11.ProtocolError) as exc:
            logger.debug("connection ended: %r", exc)
        except asyncio.CancelledError:
            # Dropped by drop_connections()/close(). Ending normally matters: asyncio's
            # stream callback calls task.exception(), which raises on a cancelled task.
            logger.debug("connection from %s dropped", writer.get_extra_info("peername"))
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER, max_incomplete_event_size=_READ_CHUNK * 4)
        peername = writer.get_extra_info("peername")
        peer = f"{peername[0]}:{peername[1]}" if peername else ""
        while True:
            request = await self._read_request(conn, reader, writer, peer)
            if request is None:
                return
            try:
                response = await self._handler(request)
            except Exception:
                logger.exception("error handling %s %s", request.method, request.target)
                response = Response(500, [("content-type", "text/plain")], b"internal error\n")
            headers = [*response.headers, ("content-length", str(len(response.body)))]
            body = b"" if request.method == "HEAD" else response.body
            try:
                reason = HTTPStatus(response.status).phrase.encode()
            except ValueError:
                reason = b""
            writer.write(conn.send(h11.Response(status_code=response.status, headers=headers, reason=reason)))
            if body:
                writer.write(conn.send(h11.Data(data=body)))
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                return
            conn.start_next_cycle()

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str
    ) -> Request | None:
        head: h11.Request | None = None
        chunks: list[bytes] = []
        size = 0
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                if head is not None and conn.they_are_waiting_for_100_continue:
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
                data = await reader.read(_READ_CHUNK)
                conn.receive_data(data)
                if not data and head is None:
                    return None
            elif isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size > MAX_BODY:
                    raise h11.RemoteProtocolError("request body too large")
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return Request(
                    method=head.method.decode("ascii"),
                    target=head.target.decode("latin-1"),
                    headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in head.headers],
                    body=b"".join(chunks),
                    peer=peer,
                )
            else:  # ConnectionClosed or PAUSED: nothing more on this connection.
                return None
