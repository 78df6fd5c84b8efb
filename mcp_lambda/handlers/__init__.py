"""The front doors: one module per AWS event source, and `infer` to pick one for an event.

The set of front doors is closed and ordered (`FRONT_DOOR_NAMES`); `infer` walks it and
returns the first class whose ``infer`` claims the event. The predicates are mutually
exclusive (``tests/handlers/test_front_doors.py`` checks every fixture in
``tests/events/`` is claimed by exactly one), so the order only matters for speed and for
the catch-all Invoke front door, which comes last.

Front-door modules are imported on first use, so a function that uses one front door
does not pay for the others at cold start (the HTTP ones import Powertools).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from mcp_lambda.errors import UnsupportedEventError
from mcp_lambda.types import LambdaContext, LambdaEvent

if TYPE_CHECKING:
    from mcp_lambda.handlers.base import EventHandler

__all__ = ["FRONT_DOOR_NAMES", "front_doors", "infer"]

FRONT_DOOR_NAMES: tuple[tuple[str, str], ...] = (
    ("mcp_lambda.handlers.agentcore", "BedrockAgentCoreGatewayTargetHandler"),
    ("mcp_lambda.handlers.rest_api", "APIGatewayProxyEventHandler"),
    ("mcp_lambda.handlers.http_api", "APIGatewayProxyEventV2Handler"),
    ("mcp_lambda.handlers.function_url", "LambdaFunctionURLEventHandler"),
    ("mcp_lambda.handlers.invoke", "LambdaInvokeEventHandler"),
)
"""(module, class) of every front door, in the order `infer` tries them."""


def front_doors() -> tuple[type[EventHandler], ...]:
    """Every front-door class, in `infer` order (imports them)."""
    return tuple(getattr(importlib.import_module(module), name) for module, name in FRONT_DOOR_NAMES)


def infer(event: LambdaEvent, context: LambdaContext | None) -> type[EventHandler]:
    """The front door that recognises ``event``.

    Raises:
        UnsupportedEventError: No front door claims the event.
    """
    for door in front_doors():
        if door.infer(event, context):
            return door
    shape = sorted(event)[:8] if isinstance(event, dict) else type(event).__name__
    raise UnsupportedEventError(f"no mcp_lambda front door recognises this event (top-level keys: {shape})")
