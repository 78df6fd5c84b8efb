"""The server's stderr, rendered by a user's Powertools Logger as structured JSON."""

from __future__ import annotations

import io
import json
import logging

import pytest
from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.types import MCPRequest
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import call, handshake_server

pytestmark = pytest.mark.anyio


async def test_powertools_logger_renders_server_stderr_as_json() -> None:
    stream = io.StringIO()
    logger = Logger(service="wrapped", logger_handler=logging.StreamHandler(stream), level="INFO")
    library_loggers = ("mcp_lambda", "mcp_lambda.server")
    saved = {name: logging.getLogger(name).handlers[:] for name in library_loggers}
    try:
        # Exactly what README.md tells users to do.
        copy_config_to_registered_loggers(source_logger=logger, include={"mcp_lambda"})
        h = StdioServerAdapterRequestHandler(handshake_server())
        context = FakeLambdaContext(aws_request_id="req-json-1")
        await h.handle_request(MCPRequest(messages=[call(1, "echo")], context=context))
    finally:
        for name, handlers in saved.items():
            logging.getLogger(name).handlers[:] = handlers
    records = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    stderr_lines = [r for r in records if "handshake fixture starting" in str(r.get("message"))]
    assert stderr_lines, stream.getvalue()
    assert stderr_lines[0]["request_id"] == "req-json-1"
    assert isinstance(stderr_lines[0]["mcp_server_pid"], int)
