"""Wrap ``mcp-server-time`` with the Invoke front door and ask it for its tools.

This runs the very code a deployed function runs (``stdio_server_adapter``), with
a stand-in Lambda context, and prints the server's ``tools/list`` answer.
"""

from __future__ import annotations

import json
import sys
import time
import uuid

from mcp_lambda import ServerParams, stdio_server_adapter

SERVER = ServerParams(command=sys.executable, args=["-m", "mcp_server_time", "--local-timezone", "UTC"])


class Context:
    """The two things the adapter reads from a Lambda context."""

    aws_request_id = str(uuid.uuid4())
    _deadline = time.monotonic() + 30

    def get_remaining_time_in_millis(self) -> int:
        return int((self._deadline - time.monotonic()) * 1000)


def main() -> None:
    """Send a 2026-07-28 ``tools/list`` and print the tools."""
    request = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "tools/list",
        "params": {
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "quickstart", "version": "1"},
            }
        },
    }
    reply = stdio_server_adapter(SERVER, request, Context())
    print(json.dumps(reply, indent=2))


if __name__ == "__main__":
    main()
