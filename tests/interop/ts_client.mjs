// The TypeScript SDK client against a wrapped server: list the tools, call one, print JSON.
//
// Usage: node ts_client.mjs URL TOOL ARGUMENTS_JSON
// The SDK is imported from MCP_SDK_DIR (the installed @modelcontextprotocol/sdk
// directory): this script lives outside any node_modules tree, so bare imports
// would not resolve. Prints {"tools": [names...], "result": CallToolResult}.
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [url, tool, args] = process.argv.slice(2);
const sdk = process.env.MCP_SDK_DIR;
if (!url || !tool || !sdk) {
  console.error("usage: MCP_SDK_DIR=... node ts_client.mjs URL TOOL ARGUMENTS_JSON");
  process.exit(2);
}
const load = (path) => import(pathToFileURL(join(sdk, "dist", "esm", path)).href);
const { Client } = await load("client/index.js");
const { StreamableHTTPClientTransport } = await load("client/streamableHttp.js");

const client = new Client({ name: "mcp-lambda-interop", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
try {
  const listed = await client.listTools();
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args ?? "{}") });
  console.log(JSON.stringify({ tools: listed.tools.map((t) => t.name), result }));
} finally {
  await client.close();
}
