"""Function URL front door: a payload 2.0 event on a ``lambda-url`` host, IAM caller, base64 bodies."""

from __future__ import annotations

import pytest

from mcp_lambda.handlers.function_url import LambdaFunctionURLEventHandler
from mcp_lambda.handlers.http_api import APIGatewayProxyEventV2Handler
from tests.conftest import FakeLambdaContext, load_event
from tests.handlers.http_support import make_handler, reply_of


def test_infers_function_url_only() -> None:
    assert LambdaFunctionURLEventHandler.infer(load_event("function_url"), None)
    assert not LambdaFunctionURLEventHandler.infer(load_event("http_api"), None)
    assert not LambdaFunctionURLEventHandler.infer(load_event("rest_api"), None)
    assert issubclass(LambdaFunctionURLEventHandler, APIGatewayProxyEventV2Handler)


@pytest.mark.anyio
async def test_base64_fixture_body_is_decoded_and_iam_caller_forwarded() -> None:
    handler, echo = make_handler("function_url")
    result = await handler.handle_async(load_event("function_url_iam"), FakeLambdaContext())
    assert reply_of(result)["result"]["method"] == "tools/list"
    caller = echo.requests[0].caller
    assert caller is not None and caller["frontDoor"] == "function_url"
    assert caller["iam"]["userArn"].endswith("assumed-role/mcp-client/alice")


@pytest.mark.anyio
async def test_no_stage_stripping() -> None:
    handler, _ = make_handler("function_url")
    event = load_event("function_url")
    event["rawPath"] = "/prod/mcp"
    event["requestContext"]["stage"] = "prod"  # never sent by Lambda; must not be interpreted
    assert (await handler.handle_async(event, FakeLambdaContext()))["statusCode"] == 200
    assert handler.parse(event).path == "/prod/mcp"  # type: ignore[attr-defined]
