"""Example agentcore_gateway: Gateway with a Lambda target whose checked-in schema matches the server."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.examples.conftest import SERVERS, SynthCache, emulated, outputs_of, resources_of, synthesize

EXAMPLE = SERVERS / "agentcore_gateway"


def test_checked_in_tool_schema_is_current() -> None:
    command = [sys.executable, "-m", "mcp_lambda.schema", "--check", str(EXAMPLE / "tools.json")]
    done = subprocess.run([*command, "--", sys.executable, "-m", "mcp_server_time"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_gateway_target_is_the_function_with_iam_auth(synthesized: SynthCache) -> None:
    synth = synthesize(synthesized, "agentcore_gateway")
    (gateway,) = resources_of(synth, "AWS::BedrockAgentCore::Gateway")
    assert gateway["AuthorizerType"] == "AWS_IAM" and gateway["ProtocolType"] == "MCP"
    (target,) = resources_of(synth, "AWS::BedrockAgentCore::GatewayTarget")
    assert target["Name"] == "time"
    lambda_target = target["TargetConfiguration"]["Mcp"]["Lambda"]
    assert lambda_target["LambdaArn"]["Fn::GetAtt"][1] == "Arn"
    assert "ToolSchema" in lambda_target
    assert {"GatewayUrl", "GatewayId"} <= outputs_of(synth)


@pytest.mark.anyio
async def test_handler_answers_a_gateway_tool_call_in_the_emulator() -> None:
    import httpx2

    from mcp_lambda.dev.server import DevOptions

    # Every tool in the schema must be callable through the target.
    tools = [tool["name"] for tool in json.loads((EXAMPLE / "tools.json").read_text())]
    front = emulated(EXAMPLE / "function", DevOptions(agentcore_target="time"))
    async with front as server, httpx2.AsyncClient(timeout=30) as client:
        response = await client.post(f"{server.base_url}/agentcore/get_current_time", json={"timezone": "UTC"})
    assert tools == ["get_current_time", "convert_time"]
    result = response.json()
    assert result["isError"] is False and result["structuredContent"]["timezone"] == "UTC"
