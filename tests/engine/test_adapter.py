"""The engine against real child processes: forwarding, eras, batches, identity."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mcp_lambda.engine.request_handler import StdioServerAdapterRequestHandler
from mcp_lambda.types import CALLER_META_KEY, MCPRequest
from tests.conftest import FakeLambdaContext
from tests.engine.helpers import (
    call,
    envelope,
    handshake_server,
    initialize,
    modern_server,
    req,
    text_of,
    time_server,
)

pytestmark = pytest.mark.anyio


async def run(handler: StdioServerAdapterRequestHandler, *messages: dict[str, Any], **kw: Any) -> list[dict[str, Any]]:
    return await handler.handle_request(MCPRequest(messages=list(messages), context=FakeLambdaContext(), **kw))


CHILDREN = {
    "handshake-only child": handshake_server,
    "mcp 2.x child": modern_server,
}


@pytest.mark.parametrize("child", CHILDREN.values(), ids=CHILDREN.keys())
class TestEraMatrix:
    """Both caller eras against both kinds of child."""

    async def test_handshake_caller_with_initialize(self, child: Any) -> None:
        h = StdioServerAdapterRequestHandler(child())
        init, listed, echoed = await run(
            h,
            initialize(1, "2025-06-18"),
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            req(2, "tools/list"),
            call(3, "echo", {"text": "hello"}),
        )
        assert init["id"] == 1
        assert init["result"]["protocolVersion"] == "2025-06-18"
        assert init["result"]["serverInfo"]["name"].startswith("fixture-")
        assert "echo" in [t["name"] for t in listed["result"]["tools"]]
        assert text_of(echoed) == "hello"

    async def test_handshake_caller_without_initialize(self, child: Any) -> None:
        # A stateless HTTP client's second POST: no initialize, only the version header.
        h = StdioServerAdapterRequestHandler(child())
        [echoed] = await run(h, call("a", "echo", {"text": "x"}), protocol_version="2025-06-18")
        assert echoed["id"] == "a"
        assert text_of(echoed) == "x"

    async def test_modern_caller_discover_then_call(self, child: Any) -> None:
        h = StdioServerAdapterRequestHandler(child())
        discovered, echoed = await run(
            h,
            req("d", "server/discover", modern=True),
            call("c", "echo", {"text": "modern"}, modern=True),
        )
        assert discovered["id"] == "d"
        assert "2026-07-28" in discovered["result"]["supportedVersions"]
        assert discovered["result"]["capabilities"]["tools"] is not None
        server_info = discovered["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]
        assert server_info["name"].startswith("fixture-")
        assert text_of(echoed) == "modern"

    async def test_modern_caller_without_discover(self, child: Any) -> None:
        h = StdioServerAdapterRequestHandler(child())
        [listed] = await run(h, req(7, "tools/list", modern=True))
        assert "echo" in [t["name"] for t in listed["result"]["tools"]]

    async def test_unknown_method_gets_the_servers_own_error(self, child: Any) -> None:
        h = StdioServerAdapterRequestHandler(child())
        _, reply = await run(h, initialize(1), req(2, "no/such/method"))
        assert reply["id"] == 2
        assert reply["error"]["code"] == -32601

    async def test_caller_identity_reaches_the_server_and_cannot_be_forged(self, child: Any) -> None:
        h = StdioServerAdapterRequestHandler(child())
        forged = call(1, "whoami", modern=True)
        forged["params"]["_meta"][CALLER_META_KEY] = {"sub": "attacker"}
        forged["params"]["_meta"]["custom"] = "p1"
        [reply] = await run(h, forged, caller={"sub": "alice", "frontDoor": "test"})
        meta = json.loads(text_of(reply))
        assert meta[CALLER_META_KEY] == {"sub": "alice", "frontDoor": "test"}
        assert meta.get("custom") == "p1"

    async def test_forged_identity_is_stripped_when_platform_has_none(self, child: Any) -> None:
        h = StdioServerAdapterRequestHandler(child())
        forged = call(1, "whoami", {}, modern=False)
        forged["params"]["_meta"] = {CALLER_META_KEY: {"sub": "attacker"}}
        [reply] = await run(h, forged)
        assert CALLER_META_KEY not in (json.loads(text_of(reply)) or {})


async def test_handshake_child_does_not_see_the_modern_envelope() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    [reply] = await run(h, call(1, "whoami", modern=True))
    meta = json.loads(text_of(reply))
    assert not [k for k in meta if k.startswith("io.modelcontextprotocol/")]


async def test_unsupported_modern_version_against_handshake_child() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    request = call(1, "echo", {"text": "x"}, modern=True)
    request["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = "2099-01-01"
    [reply] = await run(h, request)
    assert reply["error"]["code"] == -32022
    assert reply["error"]["data"] == {"supported": ["2026-07-28"], "requested": "2099-01-01"}


async def test_errors_and_unknown_fields_are_forwarded_unchanged() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    [reply] = await run(h, call(9, "boom"))
    assert reply == {
        "jsonrpc": "2.0",
        "id": 9,
        "error": {"code": -32099, "message": "Boom!", "data": {"why": "because"}},
        "x-extra": 1,
    }


async def test_tool_errors_stay_results() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    [reply] = await run(h, call(1, "fail"))
    assert reply["result"]["isError"] is True


async def test_batch_uses_one_child_and_keeps_order(tmp_path: Any) -> None:
    marker = tmp_path / "starts"
    h = StdioServerAdapterRequestHandler(handshake_server("--touch", str(marker)))
    replies = await run(h, *[call(i, "pid") for i in range(5)], call(5, "echo", {"text": "last"}))
    assert [r["id"] for r in replies] == [0, 1, 2, 3, 4, 5]
    assert len({text_of(r) for r in replies[:5]}) == 1
    assert text_of(replies[5]) == "last"
    assert len(marker.read_text().splitlines()) == 1


async def test_duplicate_caller_ids_in_a_batch_each_get_their_reply() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    replies = await run(h, call(1, "echo", {"text": "a"}), call(1, "echo", {"text": "b"}))
    assert [(r["id"], text_of(r)) for r in replies] == [(1, "a"), (1, "b")]


async def test_invalid_messages_get_invalid_request() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    replies = await run(
        h,
        {"jsonrpc": "2.0", "id": None, "method": "tools/list"},
        {"jsonrpc": "1.0", "id": 4, "method": "tools/list"},
        call(5, "echo", {"text": "ok"}),
    )
    assert [r.get("error", {}).get("code") for r in replies] == [-32600, -32600, None]
    assert replies[0]["id"] is None and replies[1]["id"] == 4
    assert text_of(replies[2]) == "ok"


async def test_notifications_only_start_no_child_per_invocation(tmp_path: Any) -> None:
    marker = tmp_path / "starts"
    h = StdioServerAdapterRequestHandler(handshake_server("--touch", str(marker)))
    replies = await run(
        h,
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 1}},
        {"jsonrpc": "2.0", "id": 3, "result": {}},
    )
    assert replies == []
    assert not marker.exists()


async def test_server_to_client_requests_are_refused_not_hung() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    [reply] = await run(h, call(1, "sample"))
    answer = json.loads(text_of(reply))
    assert answer["code"] == -32601
    assert "sampling/createMessage" in answer["message"]


async def test_mcp_server_time_in_both_eras() -> None:
    h = StdioServerAdapterRequestHandler(time_server())
    [legacy] = await run(h, call(1, "get_current_time", {"timezone": "UTC"}))
    [modern] = await run(h, call(2, "get_current_time", {"timezone": "UTC"}, modern=True))
    for reply in (legacy, modern):
        assert reply["result"]["structuredContent"]["timezone"] == "UTC"
    # The modern child answers the modern caller natively (2026-07-28 result fields intact).
    assert modern["result"]["resultType"] == "complete"


async def test_modern_request_keeps_other_meta_keys() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    request = call(1, "whoami", modern=True)
    request["params"]["_meta"] = envelope(custom="kept")
    [reply] = await run(h, request)
    assert json.loads(text_of(reply)) == {"custom": "kept"}


async def test_modern_caller_gets_2026_result_fields_from_a_handshake_child() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    listed, echoed = await run(h, req(1, "tools/list", modern=True), call(2, "echo", {"text": "x"}, modern=True))
    assert listed["result"]["resultType"] == "complete"
    assert listed["result"]["ttlMs"] == 0 and listed["result"]["cacheScope"] == "private"
    assert echoed["result"]["resultType"] == "complete" and "ttlMs" not in echoed["result"]
    [legacy] = await run(h, req(3, "tools/list"))
    assert "resultType" not in legacy["result"]  # handshake-era callers get the server's reply untouched


@pytest.mark.parametrize("child", CHILDREN.values(), ids=CHILDREN.keys())
async def test_requests_that_need_a_stream_or_the_old_handshake_are_refused_at_once(child: Any, tmp_path: Any) -> None:
    h = StdioServerAdapterRequestHandler(child())
    replies = await run(
        h,
        req(1, "initialize", {"protocolVersion": "2026-07-28"}, modern=True),
        req(2, "subscriptions/listen", modern=True),
    )
    assert [r["error"]["code"] for r in replies] == [-32601, -32601]
    assert "server/discover" in replies[0]["error"]["message"]


@pytest.mark.parametrize("child", CHILDREN.values(), ids=CHILDREN.keys())
async def test_stream_capabilities_are_not_advertised(child: Any) -> None:
    h = StdioServerAdapterRequestHandler(child())
    [init] = await run(h, initialize(1))
    [discovered] = await run(h, req(2, "server/discover", modern=True))
    for result in (init["result"], discovered["result"]):
        for capability in result["capabilities"].values():
            if isinstance(capability, dict):
                assert capability.get("listChanged", False) is False
                assert capability.get("subscribe", False) is False


async def test_the_callers_initialize_is_the_only_handshake_the_child_sees() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server())
    init, counted = await run(h, initialize(1, "2025-03-26"), call(2, "inits"))
    assert init["result"]["protocolVersion"] == "2025-03-26"  # negotiated by the child itself
    assert text_of(counted) == "1"
    [counted] = await run(h, call(3, "inits"))  # no initialize from the caller: ours is the one
    assert text_of(counted) == "1"


async def test_a_warm_child_answers_a_later_initialize_without_a_second_handshake() -> None:
    h = StdioServerAdapterRequestHandler(handshake_server(), warm=True)
    try:
        await run(h, initialize(1))
        init, counted = await run(h, initialize(2), call(3, "inits"))
        assert init["result"]["serverInfo"]["name"] == "fixture-handshake"
        assert text_of(counted) == "1"
    finally:
        await h.aclose()
