"""``python -m mcp_lambda.schema``: the same as ``mcp-lambda schema``."""

import sys

from mcp_lambda.schema.export import main_schema

__all__: list[str] = []

sys.exit(main_schema())
