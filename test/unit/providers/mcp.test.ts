/** MCP over Streamable HTTP: tools/call as execute_tool spans, the other methods as protocol spans. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/mcp";
import { assertSubset, classify, jsonAttr } from "./helpers";

const SESSION = "1868a90c-5d2f-4b8e-9c3a-7b2f0e6d1a44";

describe("MCP over Streamable HTTP", () => {
  it("tools/call answered on an SSE stream: an execute_tool span that ends with the response", () => {
    const d = classify(f.mcpToolCall);
    assert.equal(d.kind, "tool");
    assert.equal(d.name, "execute_tool get_weather");
    assert.equal(d.status, "ok");
    assert.equal(d.endTime, 1_700_000_000_300);
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "get_weather",
      "mcp.method.name": "tools/call",
      "mcp.session.id": SESSION,
      "mcp.protocol.version": "2025-06-18",
      "jsonrpc.request.id": "2",
    });
    assert.deepEqual(jsonAttr(d, "gen_ai.tool.call.arguments"), { location: "New York" });
    assert.deepEqual(jsonAttr(d, "gen_ai.tool.call.result"), {
      content: [{ type: "text", text: "Current weather in New York:\nTemperature: 72°F\nConditions: Partly cloudy" }],
      structuredContent: { temperature: 72, conditions: "Partly cloudy" },
      isError: false,
    });
    // The progress notification before the response is kept as a span event.
    assert.deepEqual(d.events?.map((e) => [e.name, e.attributes?.["mcp.method.name"]]), [["mcp.notification", "notifications/progress"]]);
  });

  it("initialize: a protocol span named by its method, with the session the server gave and the negotiated version", () => {
    const d = classify(f.mcpInitialize);
    assert.equal(d.kind, "http");
    assert.equal(d.name, "initialize");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, { "mcp.session.id": SESSION, "mcp.protocol.version": "2025-06-18", "jsonrpc.request.id": "0", "llm_trace.mcp.server.name": "weather-server" });
  });

  it("tools/list lists the server's tools as tool definitions; a notification answered 202 is ok", () => {
    const list = classify(f.mcpToolsList);
    assert.equal(list.name, "tools/list");
    assert.equal(list.status, "ok");
    assert.deepEqual((jsonAttr(list, "gen_ai.tool.definitions") as { name: string }[]).map((t) => t.name), ["get_weather"]);
    const note = classify(f.mcpInitialized);
    assert.equal(note.name, "notifications/initialized");
    assert.equal(note.status, "ok");
    assert.equal(note.attributes["jsonrpc.request.id"], undefined);
  });

  it("a notification accepted with 202 is over then: the client cancelling the empty body is no error", () => {
    const d = classify({ ...f.mcpInitialized, outcome: { state: "abort", errorName: "cancelled", errorMessage: "the page cancelled the response body" } });
    assert.equal(d.status, "ok");
    assert.equal(d.attributes["error.type"], undefined);
    assert.equal(d.endTime, 1_700_000_000_001);
  });

  it("a tool result marked isError is an error of the tool; a JSON-RPC error is error.type = its code", () => {
    const toolError = classify(f.mcpToolError);
    assert.equal(toolError.status, "error");
    assertSubset(toolError.attributes, { "error.type": "tool_error", "llm_trace.error.message": "Unknown location: Atlantis" });
    const rpcError = classify(f.mcpUnknownTool);
    assert.equal(rpcError.status, "error");
    assertSubset(rpcError.attributes, { "error.type": "-32602", "llm_trace.error.message": "Unknown tool: invalid_tool_name" });
  });

  it("a stream that ends before the response is incomplete", () => {
    const d = classify(f.mcpToolCallCut);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "incomplete_stream");
  });

  it("an ordinary JSON-RPC call (not MCP) is not taken for one", () => {
    const d = classify({ url: "https://rpc.example.com/", requestJson: { jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }, status: 200, responseHeaders: { "content-type": "application/json" }, chunks: [{ dt: 10, text: '{"jsonrpc":"2.0","id":1,"result":"0x10"}' }] });
    assert.equal(d.kind, "http");
    assert.equal(d.attributes["mcp.method.name"], undefined);
  });
});
