"""Tests for mcp_lambda.auth."""
