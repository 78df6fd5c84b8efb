"""Latency of the stdio adapter against the bare floor, measured in one run.

For each server (``mcp-server-time`` and a minimal ``MCPServer`` child) it prints
the median of:

* floor: a plain script's spawn + initialize + one ``tools/call`` + exit (stdin closed,
  process waited for) with no library in between;
* per-invocation: the same through `StdioServerAdapterRequestHandler` (default mode);
* batch of 5: five ``tools/call`` in one invocation (one child);
* warm: one ``tools/call`` through a warm adapter (child already running);

and the ratios (targets: per-invocation <= 1.10x floor, batch of 5 <= 1.2x one
request, warm <= 3 ms). Last, it checks that importing the server path loads
neither boto3 nor botocore.

Usage: ``python benchmarks/bench_adapter.py [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from mcp_lambda import MCPRequest, ServerParams, StdioServerAdapterRequestHandler

ROOT = Path(__file__).resolve().parent.parent
SERVERS = {
    "mcp-server-time": (
        ServerParams(sys.executable, ["-m", "mcp_server_time", "--local-timezone", "UTC"]),
        ("get_current_time", {"timezone": "UTC"}),
    ),
    "minimal MCPServer": (
        ServerParams(sys.executable, [str(ROOT / "tests" / "fixtures" / "modern_server.py")]),
        ("echo", {"text": "hi"}),
    ),
}


def call(mid: int, tool: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": mid, "method": "tools/call", "params": {"name": tool[0], "arguments": tool[1]}}


def floor_once(params: ServerParams, tool: tuple[str, dict[str, Any]]) -> float:
    """Spawn, handshake, one request, exit: the least any stdio client must do."""
    started = time.perf_counter()
    proc = subprocess.Popen([params.command, *params.args], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin is not None and proc.stdout is not None
    init = {
        "jsonrpc": "2.0",
        "id": 0,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}},
    }
    proc.stdin.write(json.dumps(init).encode() + b"\n")
    proc.stdin.flush()
    proc.stdout.readline()
    proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
    proc.stdin.write(json.dumps(call(1, tool)).encode() + b"\n")
    proc.stdin.flush()
    proc.stdout.readline()
    proc.stdin.close()
    proc.wait()
    proc.stdout.close()
    return time.perf_counter() - started


async def adapter_once(handler: StdioServerAdapterRequestHandler, messages: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    replies = await handler.handle_request(MCPRequest(messages=messages))
    elapsed = time.perf_counter() - started
    assert all("result" in r for r in replies), replies
    return elapsed


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def bench(runs: int) -> None:
    print(f"{'server':<20} {'floor':>9} {'per-inv':>9} {'ratio':>6} {'batch5':>9} {'b5/one':>7} {'warm':>8}")
    for name, (params, tool) in SERVERS.items():
        floor_once(params, tool)  # warm the OS page cache
        floor, per_inv, batch, warm = [], [], [], []
        cold = StdioServerAdapterRequestHandler(params)
        for _ in range(runs):  # interleaved, so machine noise hits both alike
            floor.append(floor_once(params, tool))
            per_inv.append(await adapter_once(cold, [call(1, tool)]))
            batch.append(await adapter_once(cold, [call(i, tool) for i in range(5)]))
        hot = StdioServerAdapterRequestHandler(params, warm=True)
        await adapter_once(hot, [call(0, tool)])
        for i in range(runs * 20):
            warm.append(await adapter_once(hot, [call(i, tool)]))
        await hot.aclose()
        f, p, b, w = median_ms(floor), median_ms(per_inv), median_ms(batch), median_ms(warm)
        print(f"{name:<20} {f:>7.0f}ms {p:>7.0f}ms {p / f:>5.2f}x {b:>7.0f}ms {b / p:>6.2f}x {w:>6.2f}ms")


def import_check() -> None:
    code = "import sys; import mcp_lambda.handlers.invoke, mcp_lambda.engine.request_handler; " + (
        "print([m for m in ('boto3', 'botocore') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()

    def wall(snippet: str) -> float:
        samples = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", snippet], check=True)
            samples.append(time.perf_counter() - started)
        return statistics.median(samples) * 1000

    cost = wall("import mcp_lambda.handlers.invoke, mcp_lambda.engine.request_handler") - wall("pass")
    print(f"server-path import: boto3/botocore loaded: {out}; import cost {cost:.0f} ms over bare python")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(bench(args.runs))
    import_check()


if __name__ == "__main__":
    main()
