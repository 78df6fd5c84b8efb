"""The CDK app of every example, with cdk-nag's AWS Solutions checks, and rule acknowledgements.

cdk-nag runs as a CDK policy-validation plugin: a finding that is not
acknowledged fails ``cdk synth`` (and ``app.synth()`` in the tests). Every
acknowledgement names the rule and gives its reason in one line, on the
narrowest construct it applies to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

__all__ = ["acknowledge", "example_app", "run"]


def example_app(context: Mapping[str, Any] | None = None, outdir: str | None = None) -> App:
    """A CDK app that runs cdk-nag's AwsSolutions pack at synth time.

    Args:
        context: Extra CDK context (the tests pass ``{"aws:cdk:bundling-stacks": []}``).
        outdir: Where the cloud assembly goes (``cdk.out``, or a temporary directory by default).
    """
    app = App(context=dict(context or {}), outdir=outdir)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def acknowledge(scope: IConstruct, reasons: Mapping[str, str]) -> None:
    """Acknowledge cdk-nag rules (``{"AwsSolutions-XX": "one-line reason"}``) on ``scope`` and below."""
    Validations.of(scope).acknowledge(*(Acknowledgment(id=rule, reason=why) for rule, why in reasons.items()))


def run(build: Callable[[App], None]) -> None:
    """``cdk synth``/``deploy`` entry point: an `example_app` with ``build``'s stacks, synthesized."""
    app = example_app()
    build(app)
    app.synth()
