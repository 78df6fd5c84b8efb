"""The era constants match the SDK's, and the bridge helpers translate faithfully."""

from __future__ import annotations

from typing import Any

import mcp_types
from mcp_types import version as sdk_version

from mcp_lambda.engine import eras
from mcp_lambda.types import CALLER_META_KEY


def test_version_sets_match_the_sdk() -> None:
    assert eras.HANDSHAKE_PROTOCOL_VERSIONS == sdk_version.HANDSHAKE_PROTOCOL_VERSIONS
    assert eras.MODERN_PROTOCOL_VERSIONS == sdk_version.MODERN_PROTOCOL_VERSIONS
    assert eras.LATEST_HANDSHAKE_VERSION == sdk_version.LATEST_HANDSHAKE_VERSION
    assert eras.LATEST_MODERN_VERSION == sdk_version.LATEST_MODERN_VERSION


def test_meta_keys_match_the_sdk() -> None:
    assert eras.PROTOCOL_VERSION_META_KEY == mcp_types.PROTOCOL_VERSION_META_KEY
    assert eras.CLIENT_CAPABILITIES_META_KEY == mcp_types.CLIENT_CAPABILITIES_META_KEY
    assert eras.CLIENT_INFO_META_KEY == mcp_types.CLIENT_INFO_META_KEY
    assert eras.SERVER_INFO_META_KEY == mcp_types.SERVER_INFO_META_KEY


def test_caller_meta_key_is_a_valid_non_reserved_meta_prefix() -> None:
    prefix, _, name = CALLER_META_KEY.partition("/")
    assert name and prefix and "modelcontextprotocol" not in prefix.split(".")


def test_is_modern_request() -> None:
    assert eras.is_modern_request({"method": "server/discover"})
    assert eras.is_modern_request({"method": "tools/list", "params": {"_meta": {eras.PROTOCOL_VERSION_META_KEY: "x"}}})
    assert not eras.is_modern_request({"method": "tools/list", "params": {"_meta": {"progressToken": 1}}})
    assert not eras.is_modern_request({"method": "tools/list"})


def test_caller_meta_does_not_mutate_the_input() -> None:
    message: dict[str, Any] = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "m",
        "params": {"_meta": {CALLER_META_KEY: "forged", "k": 1}},
    }
    out = eras.with_caller_meta(message, {"sub": "a"})
    assert out["params"]["_meta"] == {"k": 1, CALLER_META_KEY: {"sub": "a"}}
    assert message["params"]["_meta"][CALLER_META_KEY] == "forged"


def test_envelope_round_trip() -> None:
    legacy = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    modern = eras.add_envelope(legacy, version="2026-07-28", capabilities={"roots": {}}, client_info=None)
    assert eras.envelope_version(modern) == "2026-07-28"
    assert modern["params"]["_meta"][eras.CLIENT_CAPABILITIES_META_KEY] == {"roots": {}}
    assert eras.without_envelope(modern) == {**legacy, "params": {}}


def test_discover_and_initialize_are_derived_from_each_other() -> None:
    init = {
        "protocolVersion": "2025-06-18",
        "capabilities": {"tools": {}},
        "serverInfo": {"name": "s", "version": "1"},
        "instructions": "hi",
    }
    discover = eras.discover_from_initialize(init)
    assert discover["supportedVersions"] == list(eras.MODERN_PROTOCOL_VERSIONS)
    assert discover["_meta"][eras.SERVER_INFO_META_KEY] == {"name": "s", "version": "1"}
    back = eras.initialize_from_discover(discover, "2025-03-26")
    assert back == {**init, "protocolVersion": "2025-03-26"}
    assert eras.initialize_from_discover(discover, "1999-01-01")["protocolVersion"] == eras.LATEST_HANDSHAKE_VERSION
