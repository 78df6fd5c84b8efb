"""``python -m mcp_lambda``: the same as the ``mcp-lambda`` console script."""

from mcp_lambda.cli import main

__all__: list[str] = []

raise SystemExit(main())
