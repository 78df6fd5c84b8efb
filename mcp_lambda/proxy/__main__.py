"""``python -m mcp_lambda.proxy ...``: the same as ``mcp-lambda proxy ...``."""

from mcp_lambda.proxy import main_proxy

__all__: list[str] = []

raise SystemExit(main_proxy())
