"""Where the interop tests find node and the npm packages they drive.

``scripts/bootstrap`` installs them from ``.ci/node/package.json``: ``node@22`` (the
conformance suite needs node >= 22; the machine's own node may be older), the
conformance suite, the TypeScript SDK and the MCP Inspector. When they are absent
(a local checkout that never ran the bootstrap) the tests skip, naming what is missing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

__all__ = ["NODE_DIR", "MIN_NODE_MAJOR", "missing", "node_binary", "package_dir"]

NODE_DIR = Path(__file__).resolve().parents[2] / ".ci" / "node"
"""The npm prefix ``scripts/bootstrap`` installs into."""

MIN_NODE_MAJOR = 22
"""The oldest node the conformance suite (and the Inspector's dependencies) run on."""


def _major(node: str) -> int:
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=20, check=True).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, subprocess.SubprocessError, ValueError):
        return 0


def node_binary() -> str | None:
    """A node >= `MIN_NODE_MAJOR`: the ``node@22`` npm package's, else the one on PATH, else ``None``."""
    for candidate in (NODE_DIR / "node_modules" / "node" / "bin" / "node", shutil.which("node")):
        if candidate is not None and Path(candidate).is_file() and _major(str(candidate)) >= MIN_NODE_MAJOR:
            return str(candidate)
    return None


def package_dir(name: str) -> Path:
    """The installed directory of npm package ``name`` (it may not exist)."""
    return NODE_DIR / "node_modules" / name


def missing(*packages: str) -> str | None:
    """Why the interop tests cannot run here, or ``None`` when node and ``packages`` are installed."""
    if node_binary() is None:
        return f"node >= {MIN_NODE_MAJOR} not found (run scripts/bootstrap: it installs node@22 under .ci/node)"
    absent = [name for name in packages if not (package_dir(name) / "package.json").is_file()]
    if absent:
        return f"npm packages not installed under .ci/node: {', '.join(absent)} (run scripts/bootstrap)"
    return None
