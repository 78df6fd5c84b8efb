"""Benchmark of ``mcp-lambda dev``: time to first response, and per-invocation overhead.

Targets (issue 5): first response within 2 s of start for a minimal handler; the
emulator's per-invocation overhead (HTTP in, event, runtime round trip, HTTP out)
at most 3 ms median.

The dev server runs as a real ``python -m mcp_lambda dev`` process on a trivial
handler; this process is the client (``http.client``, one keep-alive connection),
so the measured round trip is an upper bound of the emulator's overhead: it also
includes the client and the (microsecond) handler.

    python benchmarks/bench_dev_server.py [--invocations 500] [--starts 5]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

__all__ = ["main"]

HANDLER = (
    "def handler(event, context):\n"
    "    return {'statusCode': 200, 'body': 'ok'} if 'requestContext' in event else 'ok'\n"
)
READY = re.compile(r"Ready: http://127\.0\.0\.1:(\d+)/mcp")


def _start(task_root: Path) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mcp_lambda", "dev", f"{task_root}/app.py:handler", "--port", "0", "--no-reload"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:
        if match := READY.search(line):
            # Keep draining the log, or a full pipe would block the server mid-benchmark.
            threading.Thread(target=proc.stderr.read, daemon=True).start()
            return proc, int(match.group(1))
    raise RuntimeError("dev server did not start")


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)


def _post(conn: http.client.HTTPConnection, path: str, body: bytes) -> bytes:
    conn.request("POST", path, body, {"content-type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: HTTP {response.status} {data!r}")
    return data


def time_to_first_response(task_root: Path) -> float:
    """Seconds from launching ``mcp-lambda dev`` to the first 200 from the Function URL front."""
    started = time.perf_counter()
    proc, port = _start(task_root)
    try:
        _post(http.client.HTTPConnection("127.0.0.1", port), "/url/", b"{}")
        return time.perf_counter() - started
    finally:
        _stop(proc)


def round_trips(port: int, path: str, invocations: int) -> list[float]:
    """Milliseconds per request on one keep-alive connection (after a warm-up)."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}).encode()
    for _ in range(50):
        _post(conn, path, body)
    samples = []
    for _ in range(invocations):
        started = time.perf_counter()
        _post(conn, path, body)
        samples.append((time.perf_counter() - started) * 1000)
    conn.close()
    return samples


def main() -> int:
    """Run the benchmark and print a table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--invocations", type=int, default=500)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        task_root = Path(tmp)
        (task_root / "app.py").write_text(HANDLER)
        starts = [time_to_first_response(task_root) for _ in range(args.starts)]
        first = statistics.median(starts)
        ok &= first <= 2.0
        print(f"first response after start: median {first:.2f} s, max {max(starts):.2f} s  (target <= 2 s)")
        proc, port = _start(task_root)
        try:
            for label, path in [
                ("Invoke API", "/2015-03-31/functions/mcp-lambda-dev/invocations"),
                ("Function URL", "/url/mcp"),
                ("REST API", "/restapi/dev/mcp"),
            ]:
                samples = round_trips(port, path.replace("mcp-lambda-dev", task_root.name), args.invocations)
                median = statistics.median(samples)
                p95 = statistics.quantiles(samples, n=20)[-1]
                ok &= median <= 3.0
                print(f"{label:13} round trip: median {median:.2f} ms, p95 {p95:.2f} ms  (target median <= 3 ms)")
        finally:
            _stop(proc)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
