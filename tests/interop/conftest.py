"""Interop test plumbing: the conformance counts go to pytest's terminal summary.

CI runs pytest without ``-s``, so printed lines would be swallowed; each test
appends its lines to `REPORT` and this hook prints them after the run.
"""

from __future__ import annotations

import pytest

__all__ = ["REPORT", "anyio_backend"]

REPORT: list[str] = []
"""Lines for the terminal summary (conformance counts per spec version and front)."""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Module-scoped, so a dev server started once per module serves every test in it."""
    return "asyncio"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the conformance counts collected during the run."""
    if REPORT:
        terminalreporter.section("MCP interoperability")
        for line in REPORT:
            terminalreporter.write_line(line)
