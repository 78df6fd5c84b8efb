"""Every event fixture is claimed by exactly one front door, and `infer` picks it."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_lambda.errors import UnsupportedEventError
from mcp_lambda.handlers import front_doors, infer
from tests.conftest import EVENTS_DIR, ClientContext, FakeLambdaContext, load_event

EXPECTED = {
    "agentcore": "BedrockAgentCoreGatewayTargetHandler",
    "rest_api": "APIGatewayProxyEventHandler",
    "http_api": "APIGatewayProxyEventV2Handler",
    "function_url": "LambdaFunctionURLEventHandler",
}


def _event_and_context(name: str) -> tuple[Any, FakeLambdaContext]:
    data = load_event(name)
    if name.startswith("agentcore"):  # the event is bare arguments; the context says "Gateway"
        return data["event"], FakeLambdaContext(client_context=ClientContext(custom=data["clientContext"]["custom"]))
    return data, FakeLambdaContext()


FIXTURES = sorted(path.stem for path in EVENTS_DIR.glob("*.json"))


def test_there_are_fixtures_for_every_front_door() -> None:
    for prefix in EXPECTED:
        assert any(name.startswith(prefix) for name in FIXTURES), prefix


@pytest.mark.parametrize("name", FIXTURES)
def test_each_fixture_is_claimed_by_exactly_one_front_door(name: str) -> None:
    event, context = _event_and_context(name)
    claimed = [door.__name__ for door in front_doors() if door.infer(event, context)]
    expected = next(cls for prefix, cls in EXPECTED.items() if name.startswith(prefix))
    assert claimed == [expected]
    assert infer(event, context).__name__ == expected


def test_jsonrpc_payload_goes_to_invoke() -> None:
    event = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    assert infer(event, FakeLambdaContext()).__name__ == "LambdaInvokeEventHandler"


@pytest.mark.parametrize("event", [{"Records": []}, {"source": "aws.events"}, "x", None, []])
def test_unknown_events_raise_a_clear_error(event: Any) -> None:
    with pytest.raises(UnsupportedEventError, match="no mcp_lambda front door"):
        infer(event, FakeLambdaContext())
