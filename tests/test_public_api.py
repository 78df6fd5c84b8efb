"""The package's public surface: ``__all__`` is real, and importing stays cheap."""

from __future__ import annotations

import subprocess
import sys

import mcp_lambda


def test_all_names_resolve_and_are_documented() -> None:
    for name in mcp_lambda.__all__:
        value = getattr(mcp_lambda, name)
        if callable(value) and not isinstance(value, str) and value.__module__.startswith("mcp_lambda"):
            assert value.__doc__, f"{name} has no docstring"


def test_all_is_sorted_and_unique() -> None:
    assert sorted(set(mcp_lambda.__all__)) == sorted(mcp_lambda.__all__)


def test_server_path_imports_neither_boto3_nor_the_mcp_sdk() -> None:
    code = (
        "import sys\n"
        "from mcp_lambda import StdioServerAdapterRequestHandler, ServerParams, stdio_server_adapter\n"
        "from mcp_lambda import LambdaInvokeEventHandler\n"
        "heavy = [m for m in ('boto3', 'botocore', 'mcp', 'mcp_types', 'pydantic') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
