"""Tests for mcp_lambda.proxy."""
