"""Example invoke_time: Lambda Invoke API, IAM auth, warm mode."""

from __future__ import annotations

import pytest

from tests.examples.conftest import SERVERS, SynthCache, emulated, outputs_of, resources_of, synthesize

FUNCTION_DIR = SERVERS / "invoke_time" / "function"


def test_stack_has_no_endpoint_and_a_scoped_invoke_policy(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "invoke_time")
    assert not resources_of(synth, "AWS::Lambda::Url") and not resources_of(synth, "AWS::Lambda::Permission")
    (policy,) = resources_of(synth, "AWS::IAM::ManagedPolicy")
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == {"Fn::GetAtt": [statement["Resource"]["Fn::GetAtt"][0], "Arn"]}
    assert (resources_of(synth, "AWS::Lambda::Function")[0]["Timeout"]) == 60
    assert {"FunctionName", "InvokePolicyArn"} <= outputs_of(synth)


@pytest.mark.anyio
async def test_the_example_client_lists_tools_through_the_invoke_api(fake_aws: None) -> None:
    from _common import list_or_call

    from mcp_lambda import LambdaFunctionParameters, lambda_function_client

    async with emulated(FUNCTION_DIR) as server:
        params = LambdaFunctionParameters("example", "us-east-1", endpoint_url=server.base_url)
        first = await list_or_call(lambda_function_client(params), None, "{}")
        called = await list_or_call(lambda_function_client(params), "get_current_time", '{"timezone": "UTC"}')
    assert {"get_current_time", "convert_time"} <= set(first["tools"])
    assert called["structuredContent"]["timezone"] == "UTC"
