"""Tests for the AgentCore Gateway Lambda target front door.

Parsing rules run against a recording request handler; the round trips run real
children: ``tests/fixtures/schema_server.py`` (echoes its arguments and
``_meta``, fails, crashes) and ``mcp-server-time``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.errors import InvalidEventError, ToolError
from mcp_lambda.handlers.agentcore import HANDSHAKE_PROTOCOL_VERSION, BedrockAgentCoreGatewayTargetHandler
from mcp_lambda.types import CALLER_META_KEY, JSONObject, MCPRequest, ServerParams
from tests.conftest import FIXTURES_DIR, ClientContext, FakeLambdaContext, load_event

FIXTURE = ServerParams(command=sys.executable, args=(str(FIXTURES_DIR / "schema_server.py"),))
TIME_SERVER = ServerParams(command=sys.executable, args=("-m", "mcp_server_time"))


class RecordingHandler:
    """A `RequestHandler` that records requests and answers with canned replies."""

    def __init__(self, replies: list[JSONObject] | None = None) -> None:
        self.requests: list[MCPRequest] = []
        self.replies = replies if replies is not None else [{"jsonrpc": "2.0", "id": 1, "result": {"content": []}}]

    async def handle_request(self, request: MCPRequest) -> list[JSONObject]:
        self.requests.append(request)
        return self.replies

    async def aclose(self) -> None:
        pass


def context_with(custom: dict[str, Any] | None) -> FakeLambdaContext:
    return FakeLambdaContext(client_context=ClientContext(custom=custom))


def invocation(name: str) -> tuple[Any, FakeLambdaContext]:
    record = load_event(name)
    return record["event"], context_with(record["clientContext"]["custom"])


def test_protocol_version_is_the_latest_handshake_version() -> None:
    from mcp_types.version import HANDSHAKE_PROTOCOL_VERSIONS

    assert HANDSHAKE_PROTOCOL_VERSIONS[-1] == HANDSHAKE_PROTOCOL_VERSION


@pytest.mark.parametrize(
    ("custom", "claimed"),
    [
        ({"bedrockAgentCoreToolName": "t___x"}, True),
        ({"BEDROCKAGENTCORETOOLNAME": "x"}, True),
        ({"bedrockAgentCoreToolName": None}, True),  # ours, but malformed: handle() says why
        ({"somethingElse": "x"}, False),
        (None, False),
    ],
)
def test_infer(custom: dict[str, Any] | None, claimed: bool) -> None:
    assert BedrockAgentCoreGatewayTargetHandler.infer({}, context_with(custom)) is claimed
    assert BedrockAgentCoreGatewayTargetHandler.infer({}, None) is False


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("full", "tool"),
    [
        ("target___echo", "echo"),
        ("echo", "echo"),
        ("target___a___b", "a___b"),  # stripped at the first separator only
        ("tar_get__x", "tar_get__x"),  # two underscores are not a separator
    ],
)
async def test_tool_name_prefix(full: str, tool: str) -> None:
    recorder = RecordingHandler()
    await BedrockAgentCoreGatewayTargetHandler(recorder).handle_async(
        {"a": 1}, context_with({"bedrockAgentCoreToolName": full})
    )
    [request] = recorder.requests
    assert request.messages == [
        {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": {"a": 1}}}
    ]
    assert request.protocol_version == HANDSHAKE_PROTOCOL_VERSION


@pytest.mark.anyio
@pytest.mark.parametrize(
    "custom",
    [None, {}, {"bedrockAgentCoreToolName": ""}, {"bedrockAgentCoreToolName": 7}, {"bedrockAgentCoreToolName": "t___"}],
)
async def test_missing_or_malformed_name_raises_before_any_call(custom: dict[str, Any] | None) -> None:
    recorder = RecordingHandler()
    with pytest.raises(InvalidEventError, match=r"bedrockAgentCoreToolName|no tool"):
        await BedrockAgentCoreGatewayTargetHandler(recorder).handle_async({}, context_with(custom))
    assert recorder.requests == []


@pytest.mark.anyio
async def test_arguments_must_be_an_object() -> None:
    recorder = RecordingHandler()
    handler = BedrockAgentCoreGatewayTargetHandler(recorder)
    with pytest.raises(InvalidEventError, match="JSON object, not list"):
        await handler.handle_async([1, 2], context_with({"bedrockAgentCoreToolName": "t___echo"}))
    assert recorder.requests == []
    await handler.handle_async(None, context_with({"bedrockAgentCoreToolName": "t___echo"}))
    assert recorder.requests[0].messages[0]["params"]["arguments"] == {}


@pytest.mark.anyio
@pytest.mark.parametrize("name", ["agentcore_invocation", "agentcore_invocation_string_metadata"])
async def test_caller_metadata_dict_and_string_forms(name: str) -> None:
    event, context = invocation(name)
    recorder = RecordingHandler()
    await BedrockAgentCoreGatewayTargetHandler(recorder).handle_async(event, context)
    caller = recorder.requests[0].caller
    assert caller is not None
    assert caller["frontDoor"] == "agentcore"
    assert caller["gatewayId"] == "gw-0123456789abcdef"
    assert caller["targetId"] == "TGT0123456"
    assert caller["messageVersion"] == "1.0"
    assert caller["propagatedHeaders"] == {"x-tenant-id": "acme"}
    assert caller["propagatedQueryParameters"] == {"region": "eu"}
    assert {"mcpMessageId", "awsRequestId", "toolName"} <= set(caller)


@pytest.mark.anyio
async def test_malformed_propagated_headers_are_not_forwarded(caplog: pytest.LogCaptureFixture) -> None:
    recorder = RecordingHandler()
    custom = {"bedrockAgentCoreToolName": "echo", "bedrockAgentCorePropagatedHeaders": "{not json"}
    await BedrockAgentCoreGatewayTargetHandler(recorder).handle_async({}, context_with(custom))
    assert "propagatedHeaders" not in (recorder.requests[0].caller or {})
    assert "propagatedHeaders" in caplog.text


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            {"result": {"content": [{"type": "text", "text": "x"}], "_meta": {"k": 1}, "resultType": "complete"}},
            {"content": [{"type": "text", "text": "x"}], "isError": False},
        ),
        (
            {"result": {"content": [], "isError": True, "structuredContent": {"a": 1}}},
            {"content": [], "isError": True, "structuredContent": {"a": 1}},
        ),
    ],
)
async def test_result_shape(reply: JSONObject, expected: JSONObject) -> None:
    recorder = RecordingHandler([{"jsonrpc": "2.0", "id": 1, **reply}])
    result = await BedrockAgentCoreGatewayTargetHandler(recorder).handle_async(
        {}, context_with({"bedrockAgentCoreToolName": "x"})
    )
    assert result == expected


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("replies", "match"),
    [
        (
            [{"jsonrpc": "2.0", "id": 1, "error": {"code": -32602, "message": "Unknown tool: x"}}],
            r"-32602: Unknown tool: x",
        ),
        ([{"jsonrpc": "2.0", "id": 1, "result": {"no": "content"}}], r"-32603: .*not a CallToolResult"),
        ([], r"-32603: expected one reply"),
    ],
)
async def test_protocol_errors_raise_tool_error(replies: list[JSONObject], match: str) -> None:
    handler = BedrockAgentCoreGatewayTargetHandler(RecordingHandler(replies))
    with pytest.raises(ToolError, match=match):
        await handler.handle_async({}, context_with({"bedrockAgentCoreToolName": "x"}))


# -- real children -------------------------------------------------------------------------


def real_handler(params: ServerParams = FIXTURE) -> BedrockAgentCoreGatewayTargetHandler:
    return BedrockAgentCoreGatewayTargetHandler(StdioServerAdapterRequestHandler(params))


@pytest.mark.anyio
@pytest.mark.parametrize("name", ["agentcore_invocation", "agentcore_invocation_string_metadata"])
async def test_echo_round_trip_carries_gateway_metadata(name: str) -> None:
    event, context = invocation(name)
    result = await real_handler().handle_async(event, context)
    assert result["isError"] is False
    assert result["structuredContent"]["arguments"] == event
    caller = result["structuredContent"]["meta"][CALLER_META_KEY]
    assert caller["gatewayId"] == "gw-0123456789abcdef"
    assert caller["propagatedHeaders"] == {"x-tenant-id": "acme"}
    assert caller["propagatedQueryParameters"] == {"region": "eu"}


@pytest.mark.anyio
async def test_tool_failure_is_a_result() -> None:
    result = await real_handler().handle_async({}, context_with({"bedrockAgentCoreToolName": "t___fail"}))
    assert result == {"content": [{"type": "text", "text": "it failed"}], "isError": True}


@pytest.mark.anyio
async def test_unknown_tool_raises_with_the_json_rpc_code() -> None:
    with pytest.raises(ToolError, match=r"MCP error -32602: Unknown tool: nope") as caught:
        await real_handler().handle_async({}, context_with({"bedrockAgentCoreToolName": "t___nope"}))
    assert caught.value.code == -32602


@pytest.mark.anyio
async def test_child_crash_raises() -> None:
    with pytest.raises(ToolError, match=r"MCP error -32603") as caught:
        await real_handler().handle_async({}, context_with({"bedrockAgentCoreToolName": "t___crash"}))
    assert caught.value.code == -32603


def test_sync_entry_point_against_mcp_server_time() -> None:
    handler = real_handler(TIME_SERVER)
    context = context_with({"bedrockAgentCoreToolName": "clock___get_current_time"})
    result = handler.handle({"timezone": "UTC"}, context)
    assert result["isError"] is False
    assert json.loads(result["content"][0]["text"])["timezone"] == "UTC"
