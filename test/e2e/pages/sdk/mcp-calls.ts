/**
 * Calls through `@modelcontextprotocol/sdk` (1.x): its Client over StreamableHTTPClientTransport,
 * in the browser, to the mock's MCP server at this page's origin (/mcp).
 *
 * How it talks (client/streamableHttp.js): every JSON-RPC message is a POST accepting JSON or
 * SSE; the server's answer to initialize names the session (Mcp-Session-Id), which the transport
 * sends on every later request with MCP-Protocol-Version; after initialize the client sends
 * notifications/initialized (202) and tries a GET for the server's own stream (the mock answers
 * 405, which the transport accepts). An SSE answer is read until the response to the request.
 * Each request carries `x-test-call: mcp-<method>` (added by the transport's `fetch` option).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { attempt, plain, startCall, type SdkCall } from "./call";

/** The page's own fetch (the one the extension observes), with the test label of the message's method. */
const labelled: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  let method = init?.method ?? "GET";
  if (typeof init?.body === "string") {
    try {
      method = String((JSON.parse(init.body) as { method?: unknown }).method ?? method);
    } catch {
      // not JSON: keep the HTTP method
    }
  }
  headers.set("x-test-call", `mcp-${method}`);
  return fetch(input, { ...init, headers });
};

export async function mcpCalls(): Promise<SdkCall[]> {
  const base = { sdk: "@modelcontextprotocol/sdk", provider: "mcp", api: "mcp", host: location.hostname, stream: false, requestModel: "" } as const;
  const transport = new StreamableHTTPClientTransport(new URL(`${location.origin}/mcp`), { fetch: labelled });
  const client = new Client({ name: "llm-traces-test-page", version: "1.0.0" });
  const calls: SdkCall[] = [];

  calls.push(await attempt(startCall({ ...base, label: "mcp-initialize" }), async (call) => {
    await client.connect(transport);
    call.mcp = { method: "initialize", sessionId: transport.sessionId, protocolVersion: transport.protocolVersion, serverName: client.getServerVersion()?.name };
  }));
  const sessionId = transport.sessionId;

  calls.push(await attempt(startCall({ ...base, label: "mcp-notifications/initialized" }), async (call) => {
    // Sent by connect(): nothing to call, only a span to check.
    call.mcp = { method: "notifications/initialized", sessionId };
  }));

  calls.push(await attempt(startCall({ ...base, label: "mcp-tools/list" }), async (call) => {
    const { tools } = await client.listTools();
    call.mcp = { method: "tools/list", sessionId, toolNames: tools.map((t) => t.name) };
  }));

  calls.push(await attempt(startCall({ ...base, label: "mcp-tools/call" }), async (call) => {
    const args = { email: "ada@example.com" };
    const result = await client.callTool({ name: "check_account_status", arguments: args }, undefined, { onprogress: () => undefined });
    call.mcp = { method: "tools/call", sessionId, tool: "check_account_status", arguments: args, result: plain(result) };
  }));

  await client.close();
  return calls;
}
