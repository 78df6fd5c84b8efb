"""Run the ``@modelcontextprotocol/conformance`` server scenarios against the fixture behind ``mcp-lambda dev``.

For one spec version: start the dev emulator (a real ``awslambdaric`` process) on
`conformance_handler.py <tests.interop.conformance_handler>`, point the suite at its
Function URL, REST API and HTTP API fronts in turn (``--suite all``: pending
scenarios included, so every scenario the suite has for that version runs), with the
version's expected-failures file, and parse the suite's summary into counts.

Each spec version gets its own emulator, hence its own warm child: the engine keeps
the era a warm child was first reached in, and serves a caller of the other era
badly (2026-07-28 ``input_required`` results fail after a handshake-era
``initialize``; handshake requests get modern replies after a ``server/discover``).

Command line (prints one line of counts per front)::

    python -m tests.interop.run_conformance [--spec-version 2025-11-25] [--front function_url]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import socket
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mcp_lambda.dev.app import describe_init_error, dev_server
from mcp_lambda.dev.process import FunctionConfig
from tests.interop import nodejs

__all__ = ["CONFORMANCE", "FRONTS", "SPEC_VERSIONS", "ConformanceRun", "expected_failures_file", "run_conformance"]

HERE = Path(__file__).resolve().parent
CONFORMANCE = "@modelcontextprotocol/conformance"
SPEC_VERSIONS = ("2025-11-25", "2026-07-28")
FRONTS = {"function_url": "/url/mcp", "rest_api": "/restapi/dev/mcp", "http_api": "/httpapi/mcp"}
"""Front name -> the path of the MCP endpoint on the dev server."""

FUNCTION_TIMEOUT = 10.0  # seconds; no scenario needs more, and a hung one should not cost 30 s
RUN_TIMEOUT = 180.0  # seconds for one suite run, a backstop far above the ~3 s it takes
_SUMMARY_LINE = re.compile(r"^([✓✗]) (\S+): (\d+) passed, (\d+) failed", re.MULTILINE)


def expected_failures_file(spec_version: str) -> Path:
    """The baseline of scenarios (or ``scenario:check`` ids) expected to fail at ``spec_version``."""
    return HERE / f"conformance-expected-failures-{spec_version}.yml"


@dataclass
class ConformanceRun:
    """The outcome of one suite run against one front.

    Attributes:
        spec_version: The ``--spec-version`` given to the suite.
        front: Which dev-server front was tested (a key of `FRONTS`).
        exit_code: The suite's exit code: 0 when every failure is an expected one and no expectation is stale.
        scenarios: Scenario name -> (checks passed, checks failed), from the suite's summary.
        output: The suite's stdout and stderr, for diagnosing a failure.
    """

    spec_version: str
    front: str
    exit_code: int
    scenarios: dict[str, tuple[int, int]] = field(default_factory=dict)
    output: str = ""

    @property
    def passed(self) -> list[str]:
        """Scenarios with no failed check."""
        return [name for name, (_, failed) in self.scenarios.items() if failed == 0]

    @property
    def failed(self) -> list[str]:
        """Scenarios with at least one failed check (expected or not)."""
        return [name for name, (_, failed) in self.scenarios.items() if failed]

    def summary(self) -> str:
        """One line of counts."""
        return (
            f"conformance {self.spec_version} via {self.front}: {len(self.passed)} of {len(self.scenarios)} "
            f"scenarios passed; failing: {', '.join(self.failed) or 'none'}; exit code {self.exit_code}"
        )


def _free_port() -> int:
    # The allowed Origin names the port, and the function's environment is fixed before the server starts.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _suite(node: str, url: str, spec_version: str) -> tuple[int, str]:
    cli = nodejs.package_dir(CONFORMANCE) / "dist" / "index.js"
    args = ["server", "--url", url, "--spec-version", spec_version, "--suite", "all"]
    args += ["--expected-failures", str(expected_failures_file(spec_version))]
    with tempfile.TemporaryDirectory() as cwd:  # the suite may write a results/ directory
        process = await asyncio.create_subprocess_exec(
            node, str(cli), *args, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        try:
            out, _ = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            return -1, f"the conformance suite did not finish within {RUN_TIMEOUT:g} s"
    assert process.returncode is not None
    return process.returncode, out.decode("utf-8", "replace")


async def run_conformance(spec_version: str, fronts: Sequence[str] = tuple(FRONTS)) -> list[ConformanceRun]:
    """Run the suite at ``spec_version`` against each of ``fronts`` of one dev server.

    Raises:
        RuntimeError: node or the suite is missing, or the handler failed to load.
    """
    reason = nodejs.missing(CONFORMANCE)
    node = nodejs.node_binary()
    if reason is not None or node is None:
        raise RuntimeError(reason)
    port = _free_port()
    origins = f"http://127.0.0.1:{port},http://localhost:{port}"
    config = FunctionConfig(
        "conformance_handler.handler",
        HERE,
        "conformance",
        timeout=FUNCTION_TIMEOUT,
        environment={"ALLOWED_ORIGINS": origins},
    )
    runs = []
    with tempfile.TemporaryFile() as function_log:
        async with dev_server(config, port=port, stdout=function_log, stderr=function_log) as server:
            if server.runtime.init_error is not None:
                raise RuntimeError(describe_init_error(server.runtime.init_error))
            for front in fronts:
                code, output = await _suite(node, server.base_url + FRONTS[front], spec_version)
                scenarios = {m[2]: (int(m[3]), int(m[4])) for m in _SUMMARY_LINE.finditer(output)}
                runs.append(ConformanceRun(spec_version, front, code, scenarios, output))
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    """Print the counts for each spec version and front; exit 1 if any run failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec-version", action="append", choices=SPEC_VERSIONS)
    parser.add_argument("--front", action="append", choices=list(FRONTS))
    parser.add_argument("-v", "--verbose", action="store_true", help="print the suite's output too")
    args = parser.parse_args(argv)
    status = 0
    for version in args.spec_version or SPEC_VERSIONS:
        for run in asyncio.run(run_conformance(version, args.front or tuple(FRONTS))):
            if args.verbose:
                print(run.output)
            print(run.summary(), flush=True)
            status |= run.exit_code != 0
    return status


if __name__ == "__main__":
    sys.exit(main())
