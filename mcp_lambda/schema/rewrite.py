"""Tool schemas for an AgentCore Gateway Lambda target, from a stdio MCP server.

A Gateway Lambda target needs every tool's schema up front (``toolSchema``:
``inlinePayload``, or the same JSON array in S3), in a much smaller dialect than
the JSON Schema MCP servers emit. This module rewrites tool definitions into that
dialect, recording every change it makes (``export.py`` lists a server's tools and
holds the ``mcp-lambda schema`` command).

What Gateway accepts (sources, read 2026-11):
- API reference, ``ToolDefinition``: ``name``, ``description`` and ``inputSchema``
  required, ``outputSchema`` optional; nothing else.
  https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_ToolDefinition.html
- API reference, ``SchemaDefinition``: only ``type`` (required; one of string,
  number, object, array, boolean, integer), ``description``, ``properties``,
  ``required`` and ``items``. The same shape is in botocore's service model
  (``bedrock-agentcore-control`` 2023-06-05), whose client-side validation rejects
  any other key, and in CloudFormation's ``AWS::BedrockAgentCore::GatewayTarget
  SchemaDefinition``.
  https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_SchemaDefinition.html
- Developer guide, Lambda function tool schema (same fields, inline or in S3).
  https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-add-target-lambda.html

So ``items: {}`` fails (no ``type``), ``anyOf``/``oneOf``/``allOf``/``$ref`` do
not exist, ``type`` cannot be a list or ``"null"``, and ``default``, ``enum``,
``title``, ``format``, ``additionalProperties`` ... are unknown keys. The default
(strict) output keeps exactly the accepted keys; the meaning of ``enum``,
``const``, ``default`` and ``format`` is folded into ``description`` so the model
still sees it. ``strict=False`` keeps other keywords and only rewrites what cannot
be expressed at all, for users who know their Gateway accepts more.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from mcp_lambda.types import JSONObject

__all__ = ["GATEWAY_TYPES", "SchemaChange", "to_gateway_tool", "to_gateway_tools"]

GATEWAY_TYPES: Final = ("string", "number", "object", "array", "boolean", "integer")
"""``SchemaDefinition.type`` values Gateway accepts."""

_NODE_KEYS: Final = ("type", "description", "properties", "required", "items")
"""``SchemaDefinition``'s keys, in the order they are written (stable output for ``--check``)."""
_FOLDED: Final = {"enum": "Allowed values", "const": "Value", "default": "Default", "format": "Format"}
"""Keywords whose meaning a model needs; strict mode moves them into ``description``."""
_STRUCTURAL: Final = ("$ref", "allOf", "anyOf", "oneOf", "$defs", "definitions")
_MAX_DEPTH: Final = 64
_ONLY_NULL: Final[JSONObject] = {"type": "null"}
"""Returned (by identity) for a schema that allows only null: a property Gateway cannot declare."""


@dataclass(frozen=True)
class SchemaChange:
    """One change made to a tool definition.

    Attributes:
        tool: The tool's name.
        pointer: JSON pointer to the construct in the tool definition as walked
            (``$ref`` targets are reported where they are used).
        message: What was changed, in words.
        lossy: True when the output accepts different values than the server's schema.
    """

    tool: str
    pointer: str
    message: str
    lossy: bool = False

    def __str__(self) -> str:
        return f"{self.tool}#{self.pointer}: {self.message}{' (lossy)' if self.lossy else ''}"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _json_type(value: Any) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    for kind, name in ((float, "number"), (str, "string"), (dict, "object"), (list, "array")):
        if isinstance(value, kind):
            return name
    return None


def _is_null_schema(node: Any) -> bool:
    return isinstance(node, dict) and (node.get("type") == "null" or node.get("const", 0) is None)


class _Rewriter:
    """Rewrites the schemas of one tool; ``root`` is the schema that ``$ref`` pointers resolve in."""

    def __init__(self, tool: str, strict: bool) -> None:
        self.tool, self.strict = tool, strict
        self.changes: list[SchemaChange] = []
        self.root: Mapping[str, Any] = {}

    def note(self, pointer: str, message: str, lossy: bool = False) -> None:
        """Record one change at ``pointer``."""
        self.changes.append(SchemaChange(self.tool, pointer, message, lossy))

    def resolve(self, ref: Any, ptr: str) -> JSONObject | None:
        """The schema a local ``$ref`` points to, or ``None`` (noted) when it cannot be followed."""
        if not isinstance(ref, str) or not ref.startswith("#"):
            self.note(ptr, f"dropped unresolvable $ref {ref!r}", lossy=True)
            return None
        target: Any = self.root
        for token in (t.replace("~1", "/").replace("~0", "~") for t in ref[1:].split("/") if t):
            target = target.get(token) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            self.note(ptr, f"dropped dangling $ref {ref!r}", lossy=True)
            return None
        return target

    def flatten(self, node: JSONObject, ptr: str, refs: tuple[str, ...]) -> tuple[JSONObject, tuple[str, ...]] | None:
        """Replace ``$ref``, ``allOf``, ``anyOf`` and ``oneOf`` until none is left; None = only null."""
        while True:
            if "$ref" in node:
                ref = node.pop("$ref")
                if ref in refs:
                    self.note(f"{ptr}/$ref", f"cut recursive $ref {ref!r} to a plain object", lossy=True)
                    return {
                        "type": "object",
                        **({"description": node["description"]} if "description" in node else {}),
                    }, refs
                target = self.resolve(ref, f"{ptr}/$ref")
                if target is not None:
                    node = {**target, **node}
                    refs = (*refs, ref)
                    self.note(f"{ptr}/$ref", f"inlined $ref {ref!r}")
            elif isinstance(node.get("allOf"), list):
                parts = node.pop("allOf")
                for part in (p for p in parts if isinstance(p, dict)):
                    merged = self.flatten(dict(part), f"{ptr}/allOf", refs)
                    if merged is None:
                        continue
                    for key, value in merged[0].items():
                        if key == "properties" and isinstance(value, dict):
                            # The first definition of a name wins (the node's own, then earlier parts).
                            node["properties"] = dict(node.get("properties", {}))
                            for name, schema in value.items():
                                node["properties"].setdefault(name, schema)
                        elif key == "required" and isinstance(value, list):
                            node["required"] = list(dict.fromkeys([*node.get("required", []), *value]))
                        else:
                            node.setdefault(key, value)
                self.note(f"{ptr}/allOf", f"merged allOf of {len(parts)} schema(s)")
            elif (union := next((k for k in ("anyOf", "oneOf") if isinstance(node.get(k), list)), None)) is not None:
                key = union
                alternatives = node.pop(key)
                kept = [alt for alt in alternatives if not _is_null_schema(alt)]
                if len(kept) < len(alternatives):
                    self.note(f"{ptr}/{key}", f"removed the null alternative of {key}")
                if not kept:
                    return None
                if len(kept) > 1:
                    self.note(f"{ptr}/{key}", f"kept the first of {len(kept)} {key} alternatives", lossy=True)
                node = {**(kept[0] if isinstance(kept[0], dict) else {}), **node}
            else:
                node.pop("$defs", None)
                node.pop("definitions", None)
                return node, refs

    def schema(self, raw: Any, ptr: str, refs: tuple[str, ...] = (), depth: int = 0) -> JSONObject | None:
        """The Gateway form of one schema node: None when it has no Gateway type (any value is
        allowed), `_ONLY_NULL` when it allows only null."""
        if not isinstance(raw, dict) or depth > _MAX_DEPTH:
            return None
        flat = self.flatten(dict(raw), ptr, refs)
        if flat is None:
            return _ONLY_NULL
        node, refs = flat
        kind = node.get("type")
        if isinstance(kind, list):
            types = [t for t in kind if t != "null"]
            if len(types) != len(kind):
                self.note(f"{ptr}/type", "removed null from the type list")
            if len(types) > 1:
                self.note(f"{ptr}/type", f"kept {types[0]!r} of the types {types}", lossy=True)
            kind = types[0] if types else "null"
        if kind is None:
            kind = self.infer_type(node)
        if kind == "null":
            return _ONLY_NULL
        if kind not in GATEWAY_TYPES:
            return None
        out: JSONObject = {"type": kind}
        notes: list[str] = []
        for key, value in node.items():
            here = f"{ptr}/{_escape(key)}"
            if key == "type":
                continue
            if key == "default" and value is None:
                self.note(here, "removed default null")
            elif key == "enum" and isinstance(value, list) and None in value:
                self.note(here, "removed null from enum")
                self.keep(out, notes, key, [v for v in value if v is not None], here)
            elif key == "properties" and isinstance(value, dict):
                out["properties"] = self.properties(value, here, refs, depth)
            elif key == "items":
                items = self.schema(value, here, refs, depth + 1)
                if items is None or items is _ONLY_NULL:
                    self.note(here, "removed items without a type (any element is allowed)")
                else:
                    out["items"] = items
            else:
                self.keep(out, notes, key, value, here)
        if notes:
            description = str(out.get("description", "")).rstrip()
            out["description"] = " ".join([*([description] if description else []), *notes])
        if "required" in out and "properties" in out:
            required = [name for name in out["required"] if name in out["properties"]]
            if required != out["required"]:
                self.note(f"{ptr}/required", "removed required names whose schema accepts only null")
                out["required"] = required
        return self.order(out)

    def infer_type(self, node: JSONObject) -> str | None:
        """A Gateway ``type`` for a node that names none, from its other keywords."""
        if "properties" in node:
            return "object"
        if "items" in node:
            return "array"
        enum = node.get("enum")
        values: list[Any] = enum if isinstance(enum, list) else [node["const"]] if "const" in node else []
        return next((t for t in map(_json_type, values) if t is not None), None)

    def keep(self, out: JSONObject, notes: list[str], key: str, value: Any, here: str) -> None:
        """Keep, fold into the description, or drop (noted) one keyword the rules do not handle."""
        if key in _NODE_KEYS or (not self.strict and key not in _STRUCTURAL):
            out[key] = value
        elif key in _FOLDED:
            if key == "enum" and isinstance(value, list):
                shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in value)
            else:
                shown = value if key == "format" and isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            notes.append(f"{_FOLDED[key]}: {shown}.")
            self.note(here, f"moved {key} into description")
        else:
            self.note(here, f"removed {key} (not in Gateway's SchemaDefinition)")

    def properties(self, props: JSONObject, ptr: str, refs: tuple[str, ...], depth: int) -> JSONObject:
        """Rewrite each property schema of an object."""
        out: JSONObject = {}
        for name, raw in props.items():
            here = f"{ptr}/{_escape(name)}"
            converted = self.schema(raw, here, refs, depth + 1)
            if converted is _ONLY_NULL:
                self.note(here, "removed a property that accepts only null")
            elif converted is not None:
                out[name] = converted
            else:
                # Any JSON value is allowed but Gateway needs a type; a string is one the server accepts.
                converted = {"type": "string"}
                if isinstance(raw, dict) and isinstance(raw.get("description"), str):
                    converted["description"] = raw["description"]
                self.note(here, "declared type string for a schema without a type", lossy=True)
                out[name] = converted
        return out

    def order(self, node: JSONObject) -> JSONObject:
        """The node with its keys in a fixed order, so output is deterministic."""
        head = {key: node[key] for key in _NODE_KEYS if key in node}
        return head | {key: node[key] for key in sorted(node) if key not in head}


def to_gateway_tool(tool: Mapping[str, Any], *, strict: bool = True) -> tuple[JSONObject, list[SchemaChange]]:
    """Rewrite one MCP tool (a ``tools/list`` entry) into a Gateway ``ToolDefinition``.

    Args:
        tool: The tool as JSON (``name``, ``inputSchema``, ...).
        strict: Keep only the keys Gateway's ``SchemaDefinition`` defines. False
            keeps other keywords and rewrites only what Gateway cannot express.

    Returns:
        The tool definition and the changes made, in walk order.
    """
    name = str(tool.get("name", ""))
    rewriter = _Rewriter(name, strict)
    description = tool.get("description") or tool.get("title") or name
    if description != tool.get("description"):
        rewriter.note("/description", "description is required; used the tool's title or name")
    out: JSONObject = {"name": name, "description": description}
    for key in ("inputSchema", "outputSchema"):
        raw = tool.get(key)
        if raw is None:
            continue
        rewriter.root = raw if isinstance(raw, dict) else {}
        converted = rewriter.schema(raw, f"/{key}")
        if converted is None or converted.get("type") != "object":
            rewriter.note(f"/{key}", f"{key} is not an object schema; used an empty object schema", lossy=True)
            converted = {"type": "object", "properties": {}}
        out[key] = converted
    for key in sorted(set(tool) - {"name", "description", "inputSchema", "outputSchema"}):
        rewriter.note(f"/{_escape(key)}", f"removed tool field {key} (not in Gateway's ToolDefinition)")
    return out, rewriter.changes


def to_gateway_tools(
    tools: Iterable[Mapping[str, Any]], *, strict: bool = True
) -> tuple[list[JSONObject], list[SchemaChange]]:
    """Rewrite a server's tools (in its order) into a Gateway ``toolSchema`` inline payload."""
    definitions: list[JSONObject] = []
    changes: list[SchemaChange] = []
    for tool in tools:
        definition, tool_changes = to_gateway_tool(tool, strict=strict)
        definitions.append(definition)
        changes.extend(tool_changes)
    return definitions, changes
