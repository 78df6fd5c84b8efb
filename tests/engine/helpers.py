"""Message builders and process accounting shared by the engine tests."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from mcp_lambda.types import ServerParams

FIXTURES = Path(__file__).parent.parent / "fixtures"
MODERN_VERSION = "2026-07-28"


def handshake_server(*args: str, env: dict[str, str] | None = None) -> ServerParams:
    """The dependency-free handshake-only fixture (starts in ~30 ms)."""
    return ServerParams(sys.executable, [str(FIXTURES / "handshake_server.py"), *args], env=env)


def modern_server() -> ServerParams:
    """The mcp 2.x MCPServer fixture (speaks both eras)."""
    return ServerParams(sys.executable, [str(FIXTURES / "modern_server.py")])


def time_server() -> ServerParams:
    """``mcp-server-time`` from PyPI."""
    return ServerParams(sys.executable, ["-m", "mcp_server_time"])


def envelope(**extra: Any) -> dict[str, Any]:
    """A 2026-07-28 request envelope."""
    return {
        "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": {"name": "test", "version": "1"},
        **extra,
    }


def req(mid: Any, method: str, params: dict[str, Any] | None = None, *, modern: bool = False) -> dict[str, Any]:
    """A JSON-RPC request; ``modern`` adds the 2026-07-28 envelope."""
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": mid, "method": method}
    if params is not None or modern:
        message["params"] = dict(params or {})
    if modern:
        message["params"]["_meta"] = {**message["params"].get("_meta", {}), **envelope()}
    return message


def initialize(mid: Any = 0, version: str = "2025-06-18") -> dict[str, Any]:
    """A handshake-era ``initialize`` request."""
    return req(
        mid,
        "initialize",
        {"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}},
    )


def call(mid: Any, tool: str, arguments: dict[str, Any] | None = None, *, modern: bool = False) -> dict[str, Any]:
    """A ``tools/call`` request."""
    return req(mid, "tools/call", {"name": tool, "arguments": arguments or {}}, modern=modern)


def text_of(reply: dict[str, Any]) -> str:
    """The first text content of a successful tool reply."""
    return str(reply["result"]["content"][0]["text"])


def open_fds() -> int:
    """Number of file descriptors this process holds."""
    return len(os.listdir("/proc/self/fd"))


def children_of_this_process() -> list[tuple[int, str]]:
    """(pid, state) of every process whose parent is this one (zombies included)."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces; fields after the closing paren are fixed.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == me:
            found.append((int(entry), fields[0]))
    return found


def pid_alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


EVERYTHING_JS = FIXTURES.parent.parent / ".ci/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js"


def everything_server() -> ServerParams:
    """``@modelcontextprotocol/server-everything`` (TypeScript SDK 1.x, handshake only), run by node."""
    return ServerParams("node", [str(EVERYTHING_JS), "stdio"])
