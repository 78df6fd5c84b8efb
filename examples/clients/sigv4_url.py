"""Call an MCP server behind a Function URL with ``AWS_IAM`` auth, signing with SigV4 (example function_url_iam).

    python examples/clients/sigv4_url.py --stack McpFunctionUrl
    python examples/clients/sigv4_url.py --stack McpFunctionUrl get_current_time '{"timezone": "UTC"}'

Signs as your default AWS credentials (service ``lambda``); they need the stack's
``CallerPolicyArn`` (``lambda:InvokeFunctionUrl`` and ``lambda:InvokeFunction``).
For an AgentCore Gateway: ``--url <GatewayUrl> --service bedrock-agentcore``.
"""

from __future__ import annotations

import json
import sys

import anyio
from _common import arguments, list_or_call, output, stack_outputs

from mcp_lambda import streamablehttp_client_with_sigv4


def main(argv: list[str] | None = None) -> None:
    parser = arguments(__doc__.splitlines()[0], "McpFunctionUrl")
    parser.add_argument("--url", help="MCP endpoint (default: the stack's McpUrl output)")
    parser.add_argument("--service", default="lambda", help="SigV4 service: lambda, or bedrock-agentcore for a Gateway")
    args = parser.parse_args(argv)
    url = args.url or output(stack_outputs(args.stack, args.outputs_file, args.region), "McpUrl")
    transport = streamablehttp_client_with_sigv4(url, service=args.service, region=args.region)
    result = anyio.run(list_or_call, transport, args.tool, args.arguments)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
