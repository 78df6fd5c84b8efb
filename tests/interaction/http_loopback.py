"""A loopback HTTP server that plays API Gateway / Function URL for a front-door handler.

Each real HTTP request becomes the event AWS would send (`mcp_lambda.dev.events`),
the handler's ``handle_async`` runs in-process on the server's event loop, and
the proxy result goes back as the HTTP response. Runs uvicorn on 127.0.0.1 with
an ephemeral port, inside the test's own event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import uvicorn

from mcp_lambda.dev import events
from mcp_lambda.handlers.base import EventHandler
from tests.conftest import FakeLambdaContext

EventBuilder = Callable[..., dict[str, Any]]

BUILDERS: dict[str, EventBuilder] = {
    "rest_api": events.rest_api_event,
    "http_api": events.http_api_event,
    "function_url": events.function_url_event,
}


def asgi_app(handler: EventHandler, build: EventBuilder, authorizer: Mapping[str, Any] | None = None) -> Any:
    """An ASGI app that turns each request into an event for ``handler``."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        event = build(
            scope["method"],
            scope["path"],
            query=scope["query_string"].decode(),
            headers=headers,
            body=body,
            authorizer=authorizer,
        )
        result = await handler.handle_async(event, FakeLambdaContext(timeout_ms=60_000))
        status, out_headers, out_body = events.http_from_proxy_result(result)
        raw_headers = [(k.encode(), v.encode()) for k, v in out_headers if k != "content-length"]
        raw_headers.append((b"content-length", str(len(out_body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": out_body})

    return app


@asynccontextmanager
async def serve_front_door(
    handler: EventHandler, front: str, authorizer: Mapping[str, Any] | None = None
) -> AsyncIterator[str]:
    """Serve ``handler`` as front door ``front`` on loopback; yield the MCP endpoint URL."""
    config = uvicorn.Config(
        asgi_app(handler, BUILDERS[front], authorizer),
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        ws="none",
        access_log=False,
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        server.should_exit = True
        await task
