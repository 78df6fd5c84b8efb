"""Helpers for the example checks: synthesize each CDK app once per session, lint it, run its handler.

Synthesis runs in process (no CDK CLI), with CDK's ``aws:cdk:bundling-stacks``
context empty so the local pip/npm bundling is skipped (one test in
``test_bundling.py`` runs it for real). cdk-nag runs as a validation plugin
during synthesis, so a finding that is not acknowledged fails the synth.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# jsii prints a banner on every import under node 20; CI sets this too.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

REPO = Path(__file__).resolve().parents[2]
SERVERS = REPO / "examples" / "servers"
EXAMPLES = (
    "invoke_time",
    "function_url_iam",
    "rest_api_cognito",
    "http_api_jwt",
    "agentcore_gateway",
    "node_everything",
)
sys.path.insert(0, str(SERVERS / "_shared"))
sys.path.insert(0, str(SERVERS.parent / "clients"))


@dataclass(frozen=True)
class Synthesized:
    """One example's cloud assembly: the templates by stack name, and where they were written."""

    outdir: Path
    templates: dict[str, dict[str, Any]]

    def template_path(self, stack: str) -> Path:
        return self.outdir / f"{stack}.template.json"


def load_app(example: str) -> Any:
    """Import ``examples/servers/<example>/app.py`` under a unique module name."""
    directory = SERVERS / example
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    spec = importlib.util.spec_from_file_location(f"example_app_{example}", directory / "app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SynthCache(dict[str, Synthesized]):
    """Synthesized examples by name, and where to write new cloud assemblies."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        super().__init__()
        self.factory = factory


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> SynthCache:
    """Examples synthesized lazily, each at most once per session (see `synthesize`)."""
    return SynthCache(tmp_path_factory)


def synthesize(cache: SynthCache, example: str) -> Synthesized:
    """Synthesize ``example`` (cached in ``cache``) with bundling skipped and cdk-nag enforced."""
    if example not in cache:
        import json

        from mcp_lambda_examples import example_app

        outdir = cache.factory.mktemp(f"cdk-{example}")
        app = example_app({"aws:cdk:bundling-stacks": []}, outdir=str(outdir))
        load_app(example).build(app)
        assembly = app.synth()
        templates = {
            stack.stack_name: json.loads(Path(stack.template_full_path).read_text()) for stack in assembly.stacks
        }
        cache[example] = Synthesized(outdir, templates)
    return cache[example]


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and region: clients sign for real, and only loopback endpoints are called."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@asynccontextmanager
async def emulated(
    task_root: Path, options: Any = None, environment: dict[str, str] | None = None
) -> AsyncIterator[Any]:
    """The example's handler running in the local Lambda emulator (``mcp-lambda dev``), behind ``options``."""
    from mcp_lambda.dev.app import dev_server
    from mcp_lambda.dev.process import FunctionConfig

    config = FunctionConfig("handler.lambda_handler", task_root, "example", environment=environment or {})
    async with dev_server(config, options) as server:
        assert server.runtime.init_error is None, server.runtime.init_error
        yield server


async def tools_list(url: str, headers: Mapping[str, str] | None = None) -> Any:
    """POST a handshake-era ``tools/list`` to an MCP HTTP endpoint; the response."""
    import httpx2

    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    accept = {"accept": "application/json, text/event-stream", **(headers or {})}
    async with httpx2.AsyncClient(timeout=30) as client:
        return await client.post(url, json=body, headers=accept)


async def http_get(url: str) -> Any:
    """GET ``url`` (the dev server runs on this event loop, so never block it)."""
    import httpx2

    async with httpx2.AsyncClient(timeout=30) as client:
        return await client.get(url)


def resources_of(synth: Synthesized, resource_type: str) -> list[dict[str, Any]]:
    """The ``Properties`` of every resource of ``resource_type`` in the example's templates."""
    return [
        resource.get("Properties", {})
        for template in synth.templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == resource_type
    ]


def outputs_of(synth: Synthesized) -> set[str]:
    """The output keys of every stack of the example."""
    return {key for template in synth.templates.values() for key in template.get("Outputs", {})}
