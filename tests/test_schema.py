"""Tests for `mcp_lambda.schema`: rewriting MCP tool schemas for AgentCore Gateway, and the
``schema`` command against real servers (the fixture, ``mcp-server-time``, ``server-everything``).

Every output is checked against botocore's own model of ``CreateGatewayTarget`` (the
client-side validation a Gateway target goes through), and against checked-in files.
"""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from botocore.session import get_session
from botocore.validate import ParamValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from mcp_lambda.schema import list_tools, main_schema, render_schema, to_gateway_tool, to_gateway_tools
from mcp_lambda.types import JSONObject, ServerParams
from tests.conftest import FIXTURES_DIR
from tests.fixtures.schema_server import TOOLS

SCHEMAS = FIXTURES_DIR / "schemas"
FIXTURE_COMMAND = [sys.executable, str(FIXTURES_DIR / "schema_server.py")]
TIME_COMMAND = [sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC"]
EVERYTHING = Path(__file__).parents[1] / ".ci/node/node_modules/@modelcontextprotocol/server-everything/dist/index.js"

_SHAPE = get_session().get_service_model("bedrock-agentcore-control").operation_model("CreateGatewayTarget").input_shape


def assert_gateway_accepts(definitions: list[JSONObject]) -> None:
    """Validate an inline tool payload the way boto3 does before it sends CreateGatewayTarget."""
    params = {
        "gatewayIdentifier": "gw-1",
        "name": "target",
        "targetConfiguration": {
            "mcp": {
                "lambda": {
                    "lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "toolSchema": {"inlinePayload": definitions},
                }
            }
        },
    }
    assert _SHAPE is not None
    report = ParamValidator().validate(params, _SHAPE)
    assert not report.has_errors(), report.generate_report()


def run_schema(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main_schema(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# -- rewriting rules ------------------------------------------------------------------------


def rewrite(schema: JSONObject, *, strict: bool = True) -> tuple[JSONObject, list[str]]:
    definition, changes = to_gateway_tool({"name": "t", "description": "d", "inputSchema": schema}, strict=strict)
    return definition["inputSchema"], [f"{c.pointer} {'lossy' if c.lossy else 'exact'}" for c in changes]


def prop(schema: JSONObject) -> JSONObject:
    return {"type": "object", "properties": {"p": schema}}


@pytest.mark.parametrize(
    ("given_", "expected", "pointers"),
    [
        ({"type": "array", "items": {}}, {"type": "array"}, ["/items exact"]),
        ({"type": "string", "default": None}, {"type": "string"}, ["/default exact"]),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, {"type": "integer"}, ["/anyOf exact"]),
        ({"oneOf": [{"type": "null"}, {"type": "boolean"}]}, {"type": "boolean"}, ["/oneOf exact"]),
        ({"type": ["number", "null"]}, {"type": "number"}, ["/type exact"]),
        ({"type": ["integer", "string"]}, {"type": "integer"}, ["/type lossy"]),
        ({"enum": ["a", "b"]}, {"type": "string", "description": 'Allowed values: "a", "b".'}, ["/enum exact"]),
        ({}, {"type": "string"}, [" lossy"]),
        (
            {"type": "object", "additionalProperties": {"type": "integer"}},
            {"type": "object"},
            ["/additionalProperties exact"],
        ),
    ],
)
def test_rewrites(given_: JSONObject, expected: JSONObject, pointers: list[str]) -> None:
    out, changes = rewrite(prop(given_))
    assert out == prop(expected)
    assert changes == [f"/inputSchema/properties/p{pointer}" for pointer in pointers]


def test_non_strict_keeps_keywords_gateway_may_accept() -> None:
    schema = prop({"anyOf": [{"type": "string", "format": "uri"}, {"type": "null"}], "default": None, "title": "P"})
    out, changes = rewrite(schema, strict=False)
    assert out == prop({"type": "string", "format": "uri", "title": "P"})
    assert changes == ["/inputSchema/properties/p/anyOf exact", "/inputSchema/properties/p/default exact"]


def test_the_botocore_check_rejects_unrewritten_schemas() -> None:
    raw = [{"name": t["name"], "description": "d", "inputSchema": t["inputSchema"]} for t in TOOLS]
    with pytest.raises(AssertionError, match=r"Unknown parameter|Missing required parameter"):
        assert_gateway_accepts(raw)


def test_description_is_required() -> None:
    definition, changes = to_gateway_tool({"name": "n", "title": "Nice", "inputSchema": {"type": "object"}})
    assert definition == {"name": "n", "description": "Nice", "inputSchema": {"type": "object"}}
    assert [c.pointer for c in changes] == ["/description", "/title"]


# Arbitrary JSON-Schema-like trees; whatever a server sends, the output must pass botocore's model.
_leaf = st.sampled_from(
    [
        {},
        True,
        {"type": "null"},
        {"type": "string"},
        {"type": ["integer", "null"]},
        {"enum": [1, None]},
        {"const": None},
        {"$ref": "#/$defs/A"},
        {"$ref": "#/nowhere"},
        {"type": "array", "items": {}},
        {"default": None},
        {"format": "uri"},
    ]
)
_schema = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(
            lambda p: {"type": "object", "properties": p, "required": list(p)[:1]},
            st.dictionaries(st.text(max_size=3), inner, max_size=3),
        ),
        st.builds(lambda i: {"type": "array", "items": i}, inner),
        st.builds(lambda alts: {"anyOf": alts}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda alts: {"allOf": alts, "description": "x"}, st.lists(inner, max_size=2)),
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(properties=st.dictionaries(st.text(max_size=3), _schema, max_size=4), strict=st.booleans())
def test_any_schema_becomes_one_gateway_accepts(properties: dict[str, Any], strict: bool) -> None:
    schema = {"type": "object", "properties": properties, "$defs": {"A": {"anyOf": [{"$ref": "#/$defs/A"}, {}]}}}
    definitions, _ = to_gateway_tools([{"name": "t", "inputSchema": schema}], strict=strict)
    if strict:
        assert_gateway_accepts(definitions)
    assert json.loads(render_schema(definitions)) == definitions


# -- against real servers ----------------------------------------------------------------------


def test_fixture_tools_are_listed_across_pages() -> None:
    tools = anyio.run(list_tools, ServerParams(command=FIXTURE_COMMAND[0], args=tuple(FIXTURE_COMMAND[1:])))
    assert [tool["name"] for tool in tools] == [tool["name"] for tool in TOOLS]


@pytest.mark.parametrize(
    ("expected", "command"),
    [
        pytest.param("schema_server.json", FIXTURE_COMMAND, id="fixture"),
        pytest.param("mcp_server_time.json", TIME_COMMAND, id="mcp-server-time"),
        pytest.param(
            "server_everything.json",
            ["node", str(EVERYTHING), "stdio"],
            id="server-everything",
            marks=[
                pytest.mark.node,
                pytest.mark.skipif(
                    not EVERYTHING.exists() or shutil.which("node") is None,
                    reason="npm install --prefix .ci/node @modelcontextprotocol/server-everything",
                ),
            ],
        ),
    ],
)
def test_export_matches_checked_in_schema(expected: str, command: list[str]) -> None:
    code, _, err = run_schema("--check", str(SCHEMAS / expected), "--", *command)
    assert code == 0, err
    definitions = json.loads((SCHEMAS / expected).read_text())
    assert_gateway_accepts(definitions)


def test_fixture_report_names_every_construct() -> None:
    code, out, err = run_schema("--", *FIXTURE_COMMAND)
    assert code == 0
    assert out == (SCHEMAS / "schema_server.json").read_text()
    for line in [
        "untyped#/inputSchema/properties/list_any/items: removed items without a type",
        "nullable#/inputSchema/properties/limit/default: removed default null",
        "nullable#/inputSchema/properties/limit/anyOf: removed the null alternative of anyOf",
        "nullable#/inputSchema/properties/label/oneOf: removed the null alternative of oneOf",
        "nullable#/inputSchema/properties/ratio/type: removed null from the type list",
        "refs#/inputSchema/properties/home/$ref: inlined $ref '#/$defs/Address'",
        "refs#/inputSchema/properties/tree/properties/children/items/$ref: cut recursive $ref",
        "refs#/inputSchema/properties/merged/allOf: merged allOf of 2 schema(s)",
    ]:
        assert line in err


def test_check_reports_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "schema.json"
    definitions = json.loads((SCHEMAS / "schema_server.json").read_text())
    stale.write_text(render_schema(definitions[:-1]))
    code, _, err = run_schema("--check", str(stale), "--", *FIXTURE_COMMAND)
    assert code == 1
    assert "is stale" in err and '+    "name": "refs",' in err


def test_output_file_and_errors(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert run_schema("-o", str(target), "--", *TIME_COMMAND)[0] == 0
    assert target.read_text() == (SCHEMAS / "mcp_server_time.json").read_text()
    code, _, err = run_schema("--", str(tmp_path / "no-such-server"))
    assert code == 2 and "no-such-server" in err
    assert run_schema("--check", str(tmp_path / "missing.json"), "--", *TIME_COMMAND)[0] == 2
    with pytest.raises(SystemExit) as exited:
        run_schema()
    assert exited.value.code == 2
