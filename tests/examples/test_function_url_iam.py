"""Example function_url_iam: Function URL with AWS_IAM auth, called with the SigV4 client."""

from __future__ import annotations

import os

import pytest

from tests.examples.conftest import (
    SERVERS,
    SynthCache,
    emulated,
    outputs_of,
    resources_of,
    synthesize,
    tools_list,
)

FUNCTION_DIR = SERVERS / "function_url_iam" / "function"


def test_url_requires_iam_and_callers_get_a_scoped_policy(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "function_url_iam")
    (url,) = resources_of(synth, "AWS::Lambda::Url")
    assert url["AuthType"] == "AWS_IAM"
    assert not resources_of(synth, "AWS::Lambda::Permission")  # no public (unsigned) invoke grant
    (policy,) = resources_of(synth, "AWS::IAM::ManagedPolicy")
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]
    assert {"McpUrl", "CallerPolicyArn"} <= outputs_of(synth)


@pytest.mark.anyio
async def test_the_sigv4_client_lists_tools_and_unsigned_requests_are_refused(fake_aws: None) -> None:
    from _common import list_or_call

    from mcp_lambda import streamablehttp_client_with_sigv4
    from mcp_lambda.dev.server import DevOptions
    from mcp_lambda.dev.sigv4 import SigV4Verifier

    verifier = SigV4Verifier({os.environ["AWS_ACCESS_KEY_ID"]: os.environ["AWS_SECRET_ACCESS_KEY"]})
    async with emulated(FUNCTION_DIR, DevOptions(verifier=verifier)) as server:
        url = f"{server.base_url}/url/mcp"
        listed = await list_or_call(streamablehttp_client_with_sigv4(url, region="us-east-1"), None, "{}")
        unsigned = await tools_list(url)
    assert "get_current_time" in listed["tools"]
    assert unsigned.status_code == 403
