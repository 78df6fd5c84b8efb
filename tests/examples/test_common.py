"""Checks every example gets: synth with cdk-nag enforced, cfn-lint, function defaults, README size note."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.examples.conftest import EXAMPLES, SERVERS, SynthCache, Synthesized, synthesize


def _functions(synth: Synthesized) -> list[dict[str, Any]]:
    return [
        resource["Properties"]
        for template in synth.templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    ]


@pytest.mark.parametrize("example", EXAMPLES)
def test_synthesizes_and_passes_cfn_lint(synthesized: SynthCache, example: str) -> None:
    from cfnlint.api import ManualArgs, lint  # type: ignore[import-untyped]

    synth = synthesize(synthesized, example)  # raises if cdk-nag reports an unacknowledged finding
    for stack in synth.templates:
        # us-east-1: every resource type the examples use exists there (AgentCore is not everywhere).
        matches = lint(synth.template_path(stack).read_text(), config=ManualArgs(regions=["us-east-1"]))
        # Errors and warnings, as the cfn-lint command reports by default (I* rules are informational).
        # W3005: lambda.Function always adds DependsOn its role next to the GetAtt; redundant, harmless.
        found = [str(match) for match in matches if match.rule.id[0] in "EW" and match.rule.id != "W3005"]
        assert found == [], stack


@pytest.mark.parametrize("example", EXAMPLES)
def test_function_has_the_shared_defaults(synthesized: SynthCache, example: str) -> None:
    synth = synthesize(synthesized, example)
    (function,) = _functions(synth)
    assert function["Runtime"] == "python3.14"
    assert function["Handler"] == "handler.lambda_handler"
    assert function["Architectures"] == ["x86_64"]
    assert function["MemorySize"] == 1024
    assert "LoggingConfig" in function  # its own log group, with retention
    log_groups = [
        resource["Properties"]
        for template in synth.templates.values()
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Logs::LogGroup"
    ]
    assert log_groups and all(group.get("RetentionInDays") == 30 for group in log_groups)


@pytest.mark.parametrize("example", EXAMPLES)
def test_no_iam_statement_grants_every_resource(synthesized: SynthCache, example: str) -> None:
    synth = synthesize(synthesized, example)
    for template in synth.templates.values():
        for resource in template["Resources"].values():
            if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
                for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                    resources = statement["Resource"]
                    assert "*" not in (resources if isinstance(resources, list) else [resources])


@pytest.mark.parametrize("example", EXAMPLES)
def test_handler_is_the_three_line_form_and_readme_states_the_size(example: str) -> None:
    handler = (SERVERS / example / "function" / "handler.py").read_text()
    assert "def lambda_handler(event, context):\n    return handler.handle(event, context)\n" in handler
    readme = (SERVERS / example / "README.md").read_text()
    assert re.search(r"\d+ MB unzipped", readme), "README must state the package size"
    assert "cdk deploy" in readme and "cdk destroy" in readme
