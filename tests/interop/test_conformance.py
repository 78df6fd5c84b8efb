"""The ``@modelcontextprotocol/conformance`` server scenarios, through the dev emulator's HTTP fronts.

For each spec version, the suite runs against the conformance fixture wrapped as a
Lambda function behind the Function URL, REST API and HTTP API fronts of
``mcp-lambda dev``. It must exit 0: every failure is listed, with its reason, in
``conformance-expected-failures-<version>.yml`` and no listed entry passes (a stale
one fails the run). The counts appear in pytest's terminal summary.
"""

from __future__ import annotations

import pytest

from tests.interop import nodejs
from tests.interop.conftest import REPORT
from tests.interop.run_conformance import CONFORMANCE, FRONTS, SPEC_VERSIONS, run_conformance

_missing = nodejs.missing(CONFORMANCE)
pytestmark = pytest.mark.skipif(_missing is not None, reason=_missing or "")


@pytest.mark.anyio
@pytest.mark.parametrize("spec_version", SPEC_VERSIONS)
async def test_conformance_server_scenarios(spec_version: str) -> None:
    runs = await run_conformance(spec_version)
    REPORT.extend(run.summary() for run in runs)
    assert [run.front for run in runs] == list(FRONTS)
    for run in runs:
        assert run.scenarios, f"no scenario summary parsed from the suite's output:\n{run.output[-3000:]}"
        assert run.exit_code == 0, f"{run.summary()}\n{run.output[-6000:]}"
        # The core of the protocol must pass through every front, whatever the baseline says.
        assert {"tools-list", "tools-call-simple-text", "resources-read-text", "prompts-get-simple"} <= set(run.passed)
