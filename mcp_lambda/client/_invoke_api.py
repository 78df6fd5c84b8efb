"""One blocking Lambda ``Invoke`` call, and the translation of everything that can go wrong with it.

`lambda_function_client` (``invoke.py``) runs `invoke_function` on a worker thread
for each outgoing JSON-RPC message. Every failure, whether the API refused the call
(throttling, unknown function, bad credentials), the call never reached it (connection
refused, read timeout) or the function itself raised, leaves this module as one
`InvokeFailure` whose message names the function and the cause and whose ``data``
carries the details. The transport turns that into a JSON-RPC error reply for the
waiting request, so a failure is an answer and never a hang.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from mcp_lambda.errors import InvokeError
from mcp_lambda.types import JSONObject

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

__all__ = ["InvokeFailure", "invoke_function"]

logger = logging.getLogger(__name__)

# Friendlier wording for the Invoke API errors a caller meets most; others keep the AWS code alone.
_CLIENT_ERROR_WORDING = {
    "TooManyRequestsException": "was throttled",
    "ResourceNotFoundException": "was not found",
    "AccessDeniedException": "refused access",
    "RequestTooLargeException": "was sent a payload over the Invoke limit",
}


class InvokeFailure(InvokeError):
    """An Invoke call failed; ``data`` holds the details for a JSON-RPC error's ``data`` field."""

    def __init__(self, message: str, data: JSONObject) -> None:
        super().__init__(message)
        self.data = data


def invoke_function(
    client: LambdaClient,
    function_name: str,
    payload: bytes,
    *,
    qualifier: str | None = None,
    client_context: str | None = None,
) -> Any:
    """Invoke a Lambda function synchronously (``RequestResponse``) and decode its JSON result.

    Args:
        client: A boto3 Lambda client.
        function_name: The function's name, ARN or partial ARN.
        payload: The JSON event to send.
        qualifier: A version or alias to invoke instead of ``$LATEST``.
        client_context: The base64-encoded ``ClientContext`` JSON, if any.

    Returns:
        The function's result, decoded from JSON (``None`` for a JSON ``null``).

    Raises:
        InvokeFailure: The API call failed, the function raised (a ``FunctionError``),
            or its result is not JSON.
    """
    kwargs: dict[str, Any] = {"FunctionName": function_name, "InvocationType": "RequestResponse", "Payload": payload}
    if qualifier is not None:
        kwargs["Qualifier"] = qualifier
    if client_context is not None:
        kwargs["ClientContext"] = client_context
    try:
        response = client.invoke(**kwargs)
        raw = response["Payload"].read()
    except ClientError as exc:
        raise _client_error_failure(function_name, exc) from exc
    except BotoCoreError as exc:
        # Connection refused, timeouts, missing credentials, parameter validation ...
        raise InvokeFailure(
            f"Could not invoke Lambda function {function_name!r}: {exc}",
            {"functionName": function_name, "errorType": type(exc).__name__},
        ) from exc
    try:
        result = json.loads(raw) if raw else None
    except ValueError as exc:
        raise InvokeFailure(
            f"Lambda function {function_name!r} returned a payload that is not JSON",
            {"functionName": function_name, "payload": raw[:200].decode("utf-8", "replace")},
        ) from exc
    function_error = response.get("FunctionError")
    if function_error:
        raise _function_error_failure(function_name, function_error, result)
    return result


def _client_error_failure(function_name: str, exc: ClientError) -> InvokeFailure:
    error = exc.response.get("Error", {})
    code = error.get("Code", "Unknown")
    detail = error.get("Message", "")
    metadata = exc.response.get("ResponseMetadata", {})
    data: JSONObject = {"functionName": function_name, "errorCode": code}
    if "HTTPStatusCode" in metadata:
        data["httpStatus"] = metadata["HTTPStatusCode"]
    if metadata.get("RequestId"):
        data["requestId"] = metadata["RequestId"]
    # Throttling answers say why (reserved concurrency, burst limit ...) in a top-level Reason.
    reason = exc.response.get("Reason")
    if reason:
        data["reason"] = reason
    wording = _CLIENT_ERROR_WORDING.get(code, "could not be invoked")
    message = f"Lambda function {function_name!r} {wording} ({code})"
    return InvokeFailure(f"{message}: {detail}" if detail else message, data)


def _function_error_failure(function_name: str, function_error: str, result: Any) -> InvokeFailure:
    # Lambda reports a raised exception as {"errorMessage", "errorType", "stackTrace", "requestId"}.
    data: JSONObject = {"functionName": function_name, "functionError": function_error}
    if isinstance(result, dict):
        for key in ("errorType", "errorMessage", "stackTrace", "requestId"):
            if key in result:
                data[key] = result[key]
        cause = ": ".join(str(result[key]) for key in ("errorType", "errorMessage") if result.get(key))
    else:
        data["payload"] = result
        cause = str(result)
    logger.debug("Lambda function %s raised: %s", function_name, cause)
    return InvokeFailure(f"Lambda function {function_name!r} failed ({function_error}): {cause or 'no details'}", data)
