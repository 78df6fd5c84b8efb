"""Call an MCP server behind the Lambda Invoke API (examples invoke_time, node_everything).

    python examples/clients/invoke.py --stack McpInvokeTime
    python examples/clients/invoke.py --stack McpInvokeTime get_current_time '{"timezone": "Europe/Paris"}'

Needs ``lambda:InvokeFunction`` on the function (the stack's ``InvokePolicyArn``).
``--endpoint-url`` points it at ``mcp-lambda dev`` instead of AWS.
"""

from __future__ import annotations

import json
import sys

import anyio
from _common import arguments, list_or_call, output, stack_outputs

from mcp_lambda import LambdaFunctionParameters, lambda_function_client


def main(argv: list[str] | None = None) -> None:
    parser = arguments(__doc__.splitlines()[0], "McpInvokeTime")
    parser.add_argument("--function", help="function name (default: the stack's FunctionName output)")
    parser.add_argument("--endpoint-url", help="another Invoke API endpoint, e.g. mcp-lambda dev")
    args = parser.parse_args(argv)
    function = args.function or output(stack_outputs(args.stack, args.outputs_file, args.region), "FunctionName")
    params = LambdaFunctionParameters(function, args.region, endpoint_url=args.endpoint_url)
    result = anyio.run(list_or_call, lambda_function_client(params), args.tool, args.arguments)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
