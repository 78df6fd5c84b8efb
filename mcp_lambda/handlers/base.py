"""The contract every front door implements, and the sync/async plumbing they share.

A front door (one module per AWS product) is an `EventHandler` subclass that
knows how to recognise its event (`infer`) and how to turn it into an
`MCPRequest` and the replies back into the Lambda result (`handle_async`). The
request handler it wraps does the MCP work and knows nothing about AWS.
"""

from __future__ import annotations

import abc
from typing import Any

from mcp_lambda._sync import run_sync
from mcp_lambda.types import LambdaContext, LambdaEvent, RequestHandler

__all__ = ["EventHandler"]


class EventHandler(abc.ABC):
    """Base class of the front doors: wraps a `RequestHandler` for one event source.

    Subclasses implement `infer` and `handle_async`. Users call `handle` from
    their Lambda function::

        handler = SomeEventHandler(StdioServerAdapterRequestHandler(params))

        def lambda_handler(event, context):
            return handler.handle(event, context)
    """

    def __init__(self, request_handler: RequestHandler) -> None:
        self.request_handler = request_handler

    @classmethod
    @abc.abstractmethod
    def infer(cls, event: LambdaEvent, context: LambdaContext | None) -> bool:
        """True when ``event`` has this front door's shape. Must never raise."""

    @abc.abstractmethod
    async def handle_async(self, event: LambdaEvent, context: LambdaContext) -> Any:
        """Handle one invocation and return the Lambda result. Never raises for bad input."""

    def handle(self, event: LambdaEvent, context: LambdaContext) -> Any:
        """Synchronous Lambda entry point: run `handle_async` on the process's event loop."""
        return run_sync(self.handle_async(event, context))

    def __call__(self, event: LambdaEvent, context: LambdaContext) -> Any:
        """Alias of `handle`, so an instance can itself be the Lambda handler."""
        return self.handle(event, context)
