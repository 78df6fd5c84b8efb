"""Quickstart: the ``mcp-server-time`` stdio MCP server as a Lambda function, behind any front door.

Run it locally with ``mcp-lambda dev examples/quickstart/handler.py:handler`` (or the
one-shot ``mcp-lambda demo``) and point any MCP client at the printed ``/mcp`` URL.
The same function answers a Function URL, API Gateway (REST and HTTP API), a direct
Invoke and an AgentCore Gateway target: the front door is picked per event with
`mcp_lambda.handlers.infer`. On AWS: package this file with ``mcp-lambda`` and
``mcp-server-time``, set the handler to ``handler.handler`` on a Python 3.11+ runtime.
"""

from __future__ import annotations

import sys
from typing import Any

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.handlers import infer
from mcp_lambda.handlers.base import EventHandler
from mcp_lambda.types import ServerParams

__all__ = ["handler"]

# Built at import time (INIT), so a warm environment reuses the same child process
# whichever front door the next event comes through.
_server = StdioServerAdapterRequestHandler(
    ServerParams(command=sys.executable, args=["-m", "mcp_server_time"]),
    warm=True,
)
_front_doors: dict[type[EventHandler], EventHandler] = {}


def handler(event: Any, context: Any) -> Any:
    """The Lambda entry point."""
    door = infer(event, context)
    if door not in _front_doors:
        _front_doors[door] = door(_server)
    return _front_doors[door].handle(event, context)
