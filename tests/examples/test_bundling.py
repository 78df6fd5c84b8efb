"""The real Docker-free bundling, once, for one Python example: platform wheels, contents, size."""

from __future__ import annotations

import json
from pathlib import Path

from tests.examples.conftest import load_app

MAX_UNZIPPED = 50 * 1024 * 1024


def _size(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def test_cdk_bundles_the_invoke_example_for_the_declared_runtime_under_50_mb(tmp_path: Path) -> None:
    from mcp_lambda_examples import example_app

    app = example_app(outdir=str(tmp_path))  # bundling on: CDK calls the local bundler
    load_app("invoke_time").build(app)
    app.synth()
    manifest = json.loads((tmp_path / "McpInvokeTime.assets.json").read_text())
    (asset,) = [a["source"]["path"] for a in manifest["files"].values() if a["source"].get("packaging") == "zip"]
    package = tmp_path / asset
    assert (package / "handler.py").exists() and (package / "mcp_lambda" / "handlers" / "invoke.py").exists()
    assert (package / "mcp_server_time").is_dir()
    # Wheels for Lambda's python3.14 on x86_64, whatever interpreter ran the synth.
    assert list(package.glob("pydantic_core/_pydantic_core.cpython-314-x86_64-linux-gnu.so"))
    assert not list(package.glob("botocore*")) and not list(package.glob("boto3*"))  # the runtime has them
    assert not list(package.rglob("__pycache__"))
    assert _size(package) < MAX_UNZIPPED
