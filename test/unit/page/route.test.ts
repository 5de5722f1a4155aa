/**
 * The page hook's call-time decision (src/page/route.ts): which requests are recorded with
 * their bodies and which take the metadata-only fast path. Run in Node: the module uses only
 * the built-ins it captured.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { globMatches, routeRequest, type RequestShape } from "../../../src/page/route";

function shape(method: string, url: string, extra: Partial<RequestShape> = {}): RequestShape {
  const u = new URL(url);
  return { method, url, path: u.pathname, headerNames: [], ...extra };
}

const route = (r: RequestShape, capture: string[] = [], acceptsStream = false) => routeRequest(r, capture, acceptsStream);

describe("routeRequest", () => {
  it("records model APIs by host, path or body, whoever serves them", () => {
    assert.equal(route(shape("POST", "https://api.openai.com/v1/chat/completions")), "record");
    assert.equal(route(shape("POST", "https://api.anthropic.com/v1/messages")), "record");
    assert.equal(route(shape("POST", "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent")), "record");
    assert.equal(route(shape("POST", "https://my-res.openai.azure.com/openai/deployments/gpt4o/chat/completions")), "record");
    assert.equal(route(shape("POST", "http://localhost:11434/api/generate")), "record");
    assert.equal(route(shape("POST", "http://127.0.0.1:8787/v1/chat/completions")), "record");
    assert.equal(route(shape("POST", "https://app.example/api/chat")), "record");
    assert.equal(route(shape("POST", "https://app.example/api/completion")), "record");
    assert.equal(route(shape("POST", "https://app.example/rpc", { bodyHead: '{"model":"x","messages":[]}' })), "record");
    assert.equal(route(shape("POST", "https://app.example/rpc", { headerNames: ["anthropic-version"] })), "record");
    // MCP over Streamable HTTP at any path: JSON-RPC bodies, its session header.
    assert.equal(route(shape("POST", "https://tools.example/x", { bodyHead: '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{}}' })), "record");
    assert.equal(route(shape("POST", "https://tools.example/x", { headerNames: ["mcp-session-id"] })), "record");
  });

  it("records vector stores and search endpoints", () => {
    assert.equal(route(shape("POST", "https://idx-abc.svc.pinecone.io/query")), "record");
    assert.equal(route(shape("POST", "http://localhost:6333/collections/docs/points/search")), "record");
    assert.equal(route(shape("POST", "http://localhost:8080/v1/graphql", { bodyHead: '{"query":"{ Get { Doc(nearText: {concepts: [\\"x\\"]}) { text } } }"}' })), "record");
    assert.equal(route(shape("POST", "https://xyz.supabase.co/rest/v1/rpc/match_documents")), "record");
    assert.equal(route(shape("GET", "https://app.example/api/search?q=reset")), "record");
    // Chroma and Milvus bodies at a proxy path that says nothing.
    assert.equal(route(shape("POST", "http://127.0.0.1:9000/c1", { bodyHead: '{"query_embeddings":[[0.1]],"n_results":3}' })), "record");
    assert.equal(route(shape("POST", "http://127.0.0.1:9000/v", { bodyHead: '{"collectionName":"docs","data":[[0.1]],"annsField":"vec"}' })), "record");
  });

  it("records streams the page asks for, and what the user's rules name", () => {
    assert.equal(route(shape("GET", "https://app.example/api/events"), [], true), "record");
    assert.equal(route(shape("GET", "https://app.example/internal/thing?id=3"), ["https://app.example/internal/*"]), "record");
  });

  it("sends ordinary requests down the fast path", () => {
    assert.equal(route(shape("GET", "https://app.example/small?i=3")), "fast");
    assert.equal(route(shape("GET", "https://app.example/api/user/42")), "fast");
    assert.equal(route(shape("GET", "https://api.openai.com/v1/models")), "fast");
    assert.equal(route(shape("GET", "https://app.example/static/app.js")), "fast");
    assert.equal(route(shape("POST", "https://app.example/api/cart", { bodyHead: '{"sku":"a1","qty":2}' })), "fast");
    assert.equal(route(shape("POST", "https://app.example/login", { bodyHead: "user=ada&password=x" })), "fast");
    assert.equal(route(shape("DELETE", "https://api.openai.com/v1/files/file-1")), "fast");
    assert.equal(route(shape("HEAD", "https://app.example/api/chat")), "fast");
  });

  it("judges a string body by its start only", () => {
    const late = `{"items":[${'"x",'.repeat(2000)}"y"],"model":"m"}`;
    assert.equal(route(shape("POST", "https://app.example/rpc", { bodyHead: late.slice(0, 4096) })), "fast");
  });
});

describe("globMatches", () => {
  it("matches * and ? over the whole text", () => {
    assert.equal(globMatches("https://*.example/api/*", "https://app.example/api/x/y"), true);
    assert.equal(globMatches("https://*.example/api/?", "https://app.example/api/xy"), false);
    assert.equal(globMatches("*search*", "https://a/search?q=1"), true);
    assert.equal(globMatches("https://a/b", "https://a/bc"), false);
    assert.equal(globMatches("", ""), true);
    assert.equal(globMatches("*", ""), true);
  });

  it("stays polynomial on patterns that make backtracking matchers explode", () => {
    const text = "a".repeat(20_000);
    const started = process.hrtime.bigint();
    assert.equal(globMatches("*a*a*a*a*a*a*b", text), false);
    // A generous bound: a backtracking matcher takes hours here, this one well under a second.
    assert.ok(Number(process.hrtime.bigint() - started) / 1e9 < 5);
  });
});

describe("the hook's glob and the background's", () => {
  it("agree, so a rule's requests are recorded by the hook and then classified by the rule", async () => {
    const { compileGlob } = await import("../../../src/core/providers/glob");
    const patterns = ["*", "https://a.example/*", "*/api/*/search?q=*", "*a*b*", "https://?.example/x", "https://a.example/exact", "*tools/*status*", "*.json"];
    const urls = ["https://a.example/api/v1/search?q=1", "https://b.example/x", "https://a.example/exact", "https://a.example/exactly", "http://h/tools/account-status?e=1", "http://h/x.json", "ab", "ba", ""];
    for (const p of patterns) {
      for (const u of urls) assert.equal(globMatches(p.toLowerCase(), u.toLowerCase()), compileGlob(p).test(u), `${p} on ${u}`);
    }
  });
});
