"""Tests for mcp_lambda.inprocess."""
