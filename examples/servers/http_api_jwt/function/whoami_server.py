"""A stdio MCP server shipped with the example: tells each caller who API Gateway says they are.

mcp-lambda puts the identity the platform authenticated (here the JWT authorizer's
claims and scopes) in every request's ``params._meta["mcp-lambda/caller"]``; a
client cannot forge it (a client-sent value is removed before the server sees it).
"""

import json

from mcp.server import MCPServer
from mcp.server.mcpserver import Context

CALLER_META_KEY = "mcp-lambda/caller"

server = MCPServer("whoami", instructions="Reports the authenticated caller.")


@server.tool()
def whoami(ctx: Context) -> str:
    """Who the platform says is calling: the JWT subject, client id and scopes, as JSON."""
    meta = ctx.request_context.meta
    data = meta.model_dump(mode="json", by_alias=True) if hasattr(meta, "model_dump") else dict(meta or {})
    caller = data.get(CALLER_META_KEY) or {}
    claims = caller.get("claims") or {}
    who = {key: claims[key] for key in ("sub", "client_id", "username", "email") if key in claims}
    return json.dumps({"caller": who, "scopes": caller.get("scopes"), "frontDoor": caller.get("frontDoor")})


if __name__ == "__main__":
    server.run()
