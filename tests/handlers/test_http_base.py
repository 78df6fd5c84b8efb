"""Header normalisation shared by the HTTP front doors."""

from __future__ import annotations

from mcp_lambda.handlers.http_base import merge_headers


def test_names_are_lower_cased_and_values_trimmed() -> None:
    headers = merge_headers({"Mcp-Name": "  echo  ", "X-Bad": 5}, {"Accept": [" application/json", "text/html "]})
    assert headers == {"mcp-name": "echo", "accept": "application/json, text/html"}
