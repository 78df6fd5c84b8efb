"""Body validation and era rules that the matrix does not pin: the version sets equal the SDK's."""

from __future__ import annotations

from mcp_types import version

from mcp_lambda.handlers import http_messages as rpc


def test_version_sets_equal_the_sdks() -> None:
    assert rpc.HANDSHAKE_PROTOCOL_VERSIONS == version.HANDSHAKE_PROTOCOL_VERSIONS
    assert rpc.MODERN_PROTOCOL_VERSIONS == version.MODERN_PROTOCOL_VERSIONS


def test_era_of_a_request() -> None:
    plain = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    enveloped = {**plain, "params": {"_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28"}}}
    assert not rpc.is_modern(plain, None)
    assert not rpc.is_modern(plain, "2025-11-25")
    assert rpc.is_modern(plain, "2026-07-28")
    assert rpc.is_modern(enveloped, None)
    assert rpc.is_modern({"jsonrpc": "2.0", "id": 1, "method": "server/discover"}, None)


def test_deeply_nested_body_is_a_parse_error_not_a_crash() -> None:
    rejection = rpc.decode_messages(b"[" * 100_000 + b"]" * 100_000)
    assert isinstance(rejection, rpc.Rejection) and rejection.code in (-32700, -32600)


def test_mcp_name_header_in_base64_sentinel_form_matches() -> None:
    from mcp.shared.inbound import encode_header_value

    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "héllo", "_meta": meta}}
    headers = {"mcp-method": "tools/call", "mcp-name": encode_header_value("héllo")}
    assert rpc.modern_rejection(message, headers) is None
    rejected = rpc.modern_rejection(message, {**headers, "mcp-name": "hello"})
    assert rejected is not None and rejected.code == -32020 and rejected.status == 400
