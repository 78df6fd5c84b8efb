"""Local (Docker-free) bundling of a Lambda deployment package for the example stacks.

`function_code` builds the package on the machine running ``cdk synth``:

1. a wheel of mcp-lambda from this repository (so the function runs the code you
   are looking at, not a release);
2. ``pip install --target`` of that wheel and the example's ``requirements.txt``
   with ``--platform manylinux2014_<arch> --python-version <declared>
   --implementation cp --only-binary=:all:``: every compiled dependency is the
   wheel built for the Lambda architecture and Python version the stack declares,
   whatever the build machine is;
3. the packages Lambda's Python runtime already ships (boto3, botocore,
   s3transfer) are left out, which keeps a package under 50 MB unzipped;
4. optionally ``npm install --os=linux --cpu=<arch>`` of node packages plus a
   ``node`` binary for the architecture (``node-linux-<arch>`` from npm), for
   node-based servers;
5. the example's function directory (``handler.py`` and any shipped server) on top.

``--no-compile``: bytecode compiled by the build machine's interpreter would be
for the wrong Python version. The example handlers set ``PYTHONPYCACHEPREFIX`` to
``/tmp`` so a Python child caches its bytecode there within an execution environment.

Skipping: CDK's own ``aws:cdk:bundling-stacks`` context (``-c aws:cdk:bundling-stacks=[]``,
as the tests do) skips bundling and stages the function directory as is.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

__all__ = ["REPO_ROOT", "RUNTIME_PROVIDED", "BundleSpec", "bundle", "function_code"]

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[4]
"""The mcp-lambda repository root (holds ``pyproject.toml`` and ``mcp_lambda/``)."""

RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
"""Distributions Lambda's Python runtime already has; left out of the package."""

_PIP_PLATFORM = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
_NODE_CPU = {"x86_64": "x64", "arm64": "arm64"}


@dataclass(frozen=True)
class BundleSpec:
    """What goes into one deployment package.

    Attributes:
        source_dir: The function directory: handler module, ``requirements.txt``, shipped servers.
        architecture: ``"x86_64"`` or ``"arm64"`` (the function's architecture).
        python_version: ``"3.14"``: the runtime's Python version the wheels are chosen for.
        npm_packages: npm packages to install under ``node_modules`` (pinned specs).
        node_version: Major version of the ``node`` binary shipped in ``bin/node`` when
            ``npm_packages`` is set.
    """

    source_dir: Path
    architecture: str = "x86_64"
    python_version: str = "3.14"
    npm_packages: tuple[str, ...] = ()
    node_version: str = "22"

    def fingerprint(self) -> str:
        """A hash of every input: the function directory, mcp-lambda's sources and the settings."""
        digest = hashlib.sha256(repr((self.architecture, self.python_version, self.npm_packages)).encode())
        roots = [self.source_dir, REPO_ROOT / "mcp_lambda", REPO_ROOT / "pyproject.toml"]
        for root in roots:
            files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
            for path in files:
                if "__pycache__" in path.parts:
                    continue
                digest.update(str(path.relative_to(REPO_ROOT)).encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()


def _run(command: Sequence[str], cwd: Path | None = None) -> None:
    logger.info("bundling: %s", " ".join(command))
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"bundling failed: {' '.join(command)}\n{done.stderr}")


def bundle(spec: BundleSpec, output_dir: Path) -> None:
    """Build the deployment package of ``spec`` into ``output_dir`` (see the module docstring)."""
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    with tempfile.TemporaryDirectory(prefix="mcp-lambda-bundle-") as scratch:
        wheels = Path(scratch) / "wheels"
        _run([*pip, "wheel", "--no-deps", "--wheel-dir", str(wheels), str(REPO_ROOT)])
        requirements = spec.source_dir / "requirements.txt"
        _run(
            [
                *pip,
                "install",
                "--no-compile",
                "--target",
                str(output_dir),
                "--platform",
                _PIP_PLATFORM[spec.architecture],
                "--python-version",
                spec.python_version,
                "--implementation",
                "cp",
                "--only-binary=:all:",
                *(str(wheel) for wheel in sorted(wheels.glob("*.whl"))),
                *(["--requirement", str(requirements)] if requirements.exists() else []),
            ]
        )
        for entry in list(output_dir.iterdir()):
            name = entry.name.split("-", 1)[0].lower()
            if name in RUNTIME_PROVIDED:
                shutil.rmtree(entry)
        if spec.npm_packages:
            _bundle_node(spec, Path(scratch) / "npm", output_dir)
    shutil.copytree(spec.source_dir, output_dir, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))


def _bundle_node(spec: BundleSpec, scratch: Path, output_dir: Path) -> None:
    cpu = _NODE_CPU[spec.architecture]
    binary_package = f"node-linux-{cpu}"
    scratch.mkdir()
    _run(
        [
            "npm",
            "install",
            "--prefix",
            str(scratch),
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--omit=dev",
            "--os=linux",
            f"--cpu={cpu}",
            f"{binary_package}@{spec.node_version}",
            *spec.npm_packages,
        ]
    )
    modules = scratch / "node_modules"
    (output_dir / "bin").mkdir(exist_ok=True)
    shutil.copy2(modules / binary_package / "bin" / "node", output_dir / "bin" / "node")
    # The binary now lives in bin/; its npm wrapper package would only double the size.
    shutil.rmtree(modules / binary_package)
    shutil.rmtree(modules / ".bin", ignore_errors=True)
    shutil.copytree(modules, output_dir / "node_modules", symlinks=True, dirs_exist_ok=True)


@jsii.implements(ILocalBundling)
class _LocalBundling:
    """CDK's hook for bundling without Docker: builds the package with `bundle`."""

    def __init__(self, spec: BundleSpec) -> None:
        self._spec = spec

    def try_bundle(self, output_dir: str, options: Any) -> bool:
        bundle(self._spec, Path(output_dir))
        return True


def function_code(spec: BundleSpec) -> lambda_.Code:
    """The function's code asset, bundled locally (never with Docker) when CDK asks for bundling."""
    return lambda_.Code.from_asset(
        str(spec.source_dir),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=spec.fingerprint(),
        bundling=BundlingOptions(
            # Required by the API; never pulled, because the local bundler always succeeds or raises.
            image=DockerImage.from_registry("public.ecr.aws/sam/build-python" + spec.python_version),
            # jsii calls try_bundle(output_dir, options) positionally, unlike the generated stub.
            local=_LocalBundling(spec),  # type: ignore[arg-type]
        ),
    )
