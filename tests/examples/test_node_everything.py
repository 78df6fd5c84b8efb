"""Example node_everything: a Node server run by a node binary shipped in a Python function."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.examples.conftest import REPO, SERVERS, SynthCache, emulated, resources_of, synthesize

NODE_MODULES = REPO / ".ci" / "node" / "node_modules"


def test_stack_pins_the_server_and_is_invoke_only(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "node_everything")
    assert not resources_of(synth, "AWS::Lambda::Url")
    (function,) = resources_of(synth, "AWS::Lambda::Function")
    assert function["Runtime"].startswith("python3")  # node comes in the package, not from the runtime
    installed = (NODE_MODULES / "@modelcontextprotocol/server-everything/package.json").read_text()
    from node_everything_stack import SERVER_PACKAGE  # type: ignore[import-not-found,unused-ignore]  # on sys.path via load_app

    assert f'"version": "{SERVER_PACKAGE.rsplit("@", 1)[1]}"' in installed  # the version CI tests is the one deployed


@pytest.mark.node
@pytest.mark.anyio
async def test_handler_lists_tools_with_the_bundled_layout(tmp_path: Path, fake_aws: None) -> None:
    """Lay the task root out as bundling does (bin/node, node_modules) and list tools through the Invoke API."""
    from _common import list_or_call

    from mcp_lambda import LambdaFunctionParameters, lambda_function_client

    node = shutil.which("node")
    if node is None or not NODE_MODULES.exists():
        pytest.skip("needs node and bash scripts/bootstrap")
    shutil.copy(SERVERS / "node_everything" / "function" / "handler.py", tmp_path)
    (tmp_path / "bin").mkdir()
    os.symlink(node, tmp_path / "bin" / "node")
    os.symlink(NODE_MODULES, tmp_path / "node_modules")
    async with emulated(tmp_path) as server:
        params = LambdaFunctionParameters("example", "us-east-1", endpoint_url=server.base_url)
        listed = await list_or_call(lambda_function_client(params), None, "{}")
    assert {"echo", "get-sum"} <= set(listed["tools"])
