"""`forward` over memory streams: raw relay, routing headers, parse errors, draining after EOF."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp.shared.message import ClientMessageMetadata, SessionMessage
from mcp_types import JSONRPCError, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse, jsonrpc_message_adapter

from mcp_lambda.proxy import routing_headers
from mcp_lambda.proxy.forward import forward

ENVELOPE = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}


def message(raw: dict[str, Any]) -> SessionMessage:
    return SessionMessage(jsonrpc_message_adapter.validate_python(raw))


def test_routing_headers_for_modern_requests_only() -> None:
    call = JSONRPCRequest(
        jsonrpc="2.0", id=1, method="tools/call", params={"name": "héllo", "arguments": {}, "_meta": ENVELOPE}
    )
    headers = routing_headers(call)
    assert headers is not None
    assert headers["mcp-protocol-version"] == "2026-07-28"
    assert headers["mcp-method"] == "tools/call"
    assert headers["mcp-name"] != "héllo" and headers["mcp-name"].isascii()  # encoded for HTTP
    assert routing_headers(JSONRPCRequest(jsonrpc="2.0", id=2, method="tools/list", params={})) is None
    assert routing_headers(JSONRPCNotification(jsonrpc="2.0", method="notifications/initialized")) is None


@pytest.mark.anyio
async def test_relays_raw_and_drains_in_flight_replies_after_eof() -> None:
    local_in_send, local_in = anyio.create_memory_object_stream[SessionMessage | Exception](10)
    local_out, local_out_recv = anyio.create_memory_object_stream[SessionMessage](10)
    remote_in_send, remote_in = anyio.create_memory_object_stream[SessionMessage | Exception](10)
    remote_out, remote_out_recv = anyio.create_memory_object_stream[SessionMessage](10)
    sent: list[SessionMessage] = []

    async def remote_server() -> None:
        async for item in remote_out_recv:
            sent.append(item)
            if isinstance(item.message, JSONRPCRequest):
                await anyio.sleep(0.05)  # the reply arrives after the client closed its input
                result = {"echo": item.message.params, "unknown_field": [1, 2]}
                await remote_in_send.send(
                    SessionMessage(JSONRPCResponse(jsonrpc="2.0", id=item.message.id, result=result))
                )

    request = {"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": "x", "_meta": ENVELOPE}}
    await local_in_send.send(message(request))
    await local_in_send.send(ValueError("not json"))
    await local_in_send.send(message({"jsonrpc": "2.0", "method": "notifications/initialized"}))
    local_in_send.close()
    streams = (
        local_in_send,
        local_in,
        local_out,
        local_out_recv,
        remote_in_send,
        remote_in,
        remote_out,
        remote_out_recv,
    )
    async with anyio.create_task_group() as tg:
        tg.start_soon(remote_server)
        with anyio.fail_after(5):
            await forward(local_in, local_out, remote_in, remote_out, stamp_headers=True)
        tg.cancel_scope.cancel()
    out = []  # what reached stdout, in order
    while True:
        try:
            out.append(local_out_recv.receive_nowait().message)
        except anyio.WouldBlock:
            break
    for stream in streams:
        stream.close()
    assert isinstance(out[0], JSONRPCError) and out[0].error.code == -32700
    assert isinstance(out[1], JSONRPCResponse) and out[1].id == 7
    assert out[1].result == {"echo": request["params"], "unknown_field": [1, 2]}
    assert [type(item.message).__name__ for item in sent] == ["JSONRPCRequest", "JSONRPCNotification"]
    assert isinstance(sent[0].metadata, ClientMessageMetadata)
    assert sent[0].metadata.headers == {
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "x",
    }
    assert sent[1].metadata is None


@pytest.mark.anyio
async def test_a_transport_failure_answers_the_waiting_request_instead_of_hanging() -> None:
    local_in_send, local_in = anyio.create_memory_object_stream[SessionMessage | Exception](10)
    local_out, local_out_recv = anyio.create_memory_object_stream[SessionMessage](10)
    remote_in_send, remote_in = anyio.create_memory_object_stream[SessionMessage | Exception](10)
    remote_out, remote_out_recv = anyio.create_memory_object_stream[SessionMessage](10)

    async def broken_remote() -> None:
        async for item in remote_out_recv:
            if isinstance(item.message, JSONRPCRequest):
                await remote_in_send.send(ConnectionError("401 Unauthorized"))
                # a late reply for the same id must not reach the client a second time
                late = JSONRPCResponse(jsonrpc="2.0", id=item.message.id, result={})
                await remote_in_send.send(SessionMessage(late))

    await local_in_send.send(message({"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {}}))
    local_in_send.close()
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(broken_remote)
            await forward(local_in, local_out, remote_in, remote_out, drain_timeout=2)
            tg.cancel_scope.cancel()
    local_out.close()
    replies = [item.message async for item in local_out_recv]
    for stream in (local_in, local_out_recv, remote_in_send, remote_in, remote_out, remote_out_recv):
        stream.close()
    assert len(replies) == 1
    assert isinstance(replies[0], JSONRPCError) and replies[0].id == 3
    assert replies[0].error.code == -32603 and "401 Unauthorized" in replies[0].error.message
