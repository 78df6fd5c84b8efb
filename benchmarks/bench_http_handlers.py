"""Handler overhead of the HTTP front doors: event parse + MCP HTTP rules + response build.

The request handler is a stub that answers instantly, so the time measured is
what a front door adds on top of the stdio adapter. Target: median <= 0.5 ms.

    python benchmarks/bench_http_handlers.py [iterations]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

from mcp_lambda.dev import events
from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from mcp_lambda.handlers.rest_api import APIGatewayProxyEventHandler
from mcp_lambda.types import MCPRequest

META = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "bench", "version": "1"},
}
BODIES = {
    "handshake tools/call": (
        b'{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_current_time","arguments":{"timezone":"UTC"}}}',
        [("MCP-Protocol-Version", "2025-11-25")],
    ),
    "modern tools/call": (
        (
            '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_current_time",'
            '"arguments":{"timezone":"UTC"},"_meta":' + __import__("json").dumps(META) + "}}"
        ).encode(),
        [("MCP-Protocol-Version", "2026-07-28"), ("Mcp-Method", "tools/call"), ("Mcp-Name", "get_current_time")],
    ),
}
REPLY = {
    "jsonrpc": "2.0",
    "id": 1,
    "result": {"content": [{"type": "text", "text": '{"timezone": "UTC"}'}], "isError": False},
}


class Context:
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class Stub:
    async def handle_request(self, request: MCPRequest) -> list[dict[str, Any]]:
        return [REPLY]

    async def aclose(self) -> None:
        return None


async def measure(handler: Any, event: dict[str, Any], n: int) -> list[float]:
    context = Context()
    for _ in range(50):  # warm-up, and the deferred SDK import of the modern path
        await handler.handle_async(event, context)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        result = await handler.handle_async(event, context)
        samples.append((time.perf_counter() - start) * 1000)
        assert result["statusCode"] == 200, result
    return samples


async def main(n: int) -> None:
    doors = [
        ("REST API", APIGatewayProxyEventHandler, events.rest_api_event),
        ("HTTP API", APIGatewayProxyEventV2Handler, events.http_api_event),
        ("Function URL", LambdaFunctionURLEventHandler, events.function_url_event),
    ]
    print(f"{'front door':<14} {'request':<22} {'median ms':>10} {'p95 ms':>8}")
    worst = 0.0
    for name, cls, build in doors:
        for label, (body, extra) in BODIES.items():
            headers = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"), *extra]
            event = build("POST", "/mcp", headers=headers, body=body, authorizer=None)
            samples = await measure(cls(Stub()), event, n)
            median = statistics.median(samples)
            p95 = statistics.quantiles(samples, n=20)[-1]
            worst = max(worst, median)
            print(f"{name:<14} {label:<22} {median:>10.3f} {p95:>8.3f}")
    print(f"worst median: {worst:.3f} ms (target <= 0.5 ms): {'OK' if worst <= 0.5 else 'OVER'}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
