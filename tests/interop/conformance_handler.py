"""The Lambda function the interop tests deploy to ``mcp-lambda dev``: the conformance fixture behind every HTTP front.

One warm child (``tests/fixtures/conformance_server.py``) serves every invocation,
whichever front door the event came through (Function URL, REST API, HTTP API):
the front door is picked per event with `mcp_lambda.handlers.infer`, as a function
wired to several event sources would. Warm mode is safe because the fixture is
stateless, and it keeps a full conformance run to seconds instead of a child
start (~0.7 s) per request.

``ALLOWED_ORIGINS`` (comma-separated, from the function's environment) turns on the
front doors' DNS-rebinding protection, as a deployer serving on loopback would.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.handlers import infer
from mcp_lambda.handlers.base import EventHandler
from mcp_lambda.handlers.http_base import HttpEventHandler
from mcp_lambda.http import HttpOptions
from mcp_lambda.types import ServerParams

__all__ = ["FIXTURE", "handler"]

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "conformance_server.py"
"""The stdio server the function wraps."""

# Built at INIT, so a warm environment reuses the child across invocations.
_engine = StdioServerAdapterRequestHandler(ServerParams(command=sys.executable, args=[str(FIXTURE)]), warm=True)
_origins = [origin for origin in os.environ.get("ALLOWED_ORIGINS", "").split(",") if origin]
_options = HttpOptions(allowed_origins=_origins or None)
_doors: dict[type[EventHandler], EventHandler] = {}


def handler(event: Any, context: Any) -> Any:
    """The Lambda entry point."""
    door = infer(event, context)
    if door not in _doors:
        _doors[door] = door(_engine, _options) if issubclass(door, HttpEventHandler) else door(_engine)
    return _doors[door].handle(event, context)
