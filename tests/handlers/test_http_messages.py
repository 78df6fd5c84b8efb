"""Body validation and era rules that the matrix does not pin: the version sets equal the SDK's."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
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
    headers = {
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": encode_header_value("héllo"),
    }
    assert rpc.modern_rejection(message, headers) is None
    rejected = rpc.modern_rejection(message, {**headers, "mcp-name": "hello"})
    assert rejected is not None and rejected.code == -32020 and rejected.status == 400


def test_status_table_equals_the_sdks() -> None:
    from mcp.shared.inbound import ERROR_CODE_HTTP_STATUS

    assert dict(rpc.ERROR_CODE_HTTP_STATUS) == dict(ERROR_CODE_HTTP_STATUS)


_VERSIONS = st.sampled_from(["2026-07-28", "2025-11-25", "2099-01-01", "", 7, None])
_NAMES = st.sampled_from(["echo", "héllo", "x y", "", "=?base64?aGk=?="])


@st.composite
def _modern_requests(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
    method = draw(st.sampled_from(["tools/call", "tools/list", "prompts/get", "resources/read", "server/discover"]))
    meta: dict[str, Any] = {}
    if draw(st.booleans()):
        meta["io.modelcontextprotocol/protocolVersion"] = draw(_VERSIONS)
    if draw(st.booleans()):
        meta["io.modelcontextprotocol/clientCapabilities"] = {}
    params: dict[str, Any] = {} if draw(st.booleans()) else {"_meta": meta}
    if draw(st.booleans()):
        params["_meta"] = meta
    name = draw(_NAMES)
    if method in ("tools/call", "prompts/get"):
        params["name"] = name
    if method == "resources/read":
        params["uri"] = name
    message = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    headers: dict[str, str] = {}
    if draw(st.booleans()):
        headers["mcp-protocol-version"] = draw(st.sampled_from(["2026-07-28", "2025-11-25"]))
    if draw(st.booleans()):
        headers["mcp-method"] = draw(st.sampled_from([method, "tools/list"]))
    if draw(st.booleans()):
        headers["mcp-name"] = draw(st.sampled_from([name, "other", "=?base64?aMOpbGxv?=", "=?base64?!!?="]))
    return message, headers


@given(_modern_requests())
@settings(max_examples=400, deadline=None)
def test_modern_checks_agree_with_the_sdks_ladder(case: tuple[dict[str, Any], dict[str, str]]) -> None:
    from mcp.shared import inbound

    message, headers = case
    ours = rpc.modern_rejection(message, headers)
    theirs = inbound.classify_inbound_request(message, headers=headers)
    if isinstance(theirs, inbound.InboundLadderRejection):
        assert ours is not None, (message, headers, theirs)
        assert (ours.code, ours.message, ours.data) == (theirs.code, theirs.message, theirs.data)
        assert ours.status == inbound.ERROR_CODE_HTTP_STATUS.get(theirs.code, 400)
    else:
        assert ours is None, (message, headers, ours)


def test_http_path_does_not_import_the_mcp_sdk() -> None:
    import subprocess
    import sys

    code = (
        "import sys, json\n"
        "from mcp_lambda.handlers.http_messages import modern_rejection, modern_status\n"
        "meta = {'io.modelcontextprotocol/protocolVersion': '2026-07-28',"
        " 'io.modelcontextprotocol/clientCapabilities': {}}\n"
        "modern_rejection({'jsonrpc': '2.0', 'id': 1, 'method': 'tools/list', 'params': {'_meta': meta}}, {})\n"
        "print('mcp' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unsupported_version_names_what_the_request_era_supports() -> None:
    modern = rpc.unsupported_version("v999", modern=True, request_id=5)
    legacy = rpc.unsupported_version("v999")
    assert modern is not None and legacy is not None
    assert modern.data == {"supported": ["2026-07-28"], "requested": "v999"} and modern.request_id == 5
    assert legacy.data["supported"] == list(rpc.SUPPORTED_PROTOCOL_VERSIONS)
    assert rpc.unsupported_version("2025-11-25") is None
