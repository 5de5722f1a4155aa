/**
 * Import of HARs we did not write: Chrome's and Firefox's Network exports. Each fetch/XHR entry
 * becomes an exchange as live capture would have recorded it (one chunk holding the body at the
 * entry's end), and its span comes from the same classifier via deriveSpan.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { importTraceFile } from "../../../src/core/files";
import { isSpanId, isTraceId } from "../../../src/core/contract";
import { CHROME_TRACE_ID, chromeHar, chromeSseBody } from "../../fixtures/files/chrome-har";
import { firefoxAnthropicBody, firefoxHar } from "../../fixtures/files/firefox-har";
import { imported } from "./helpers";

const chrome = () => imported(JSON.stringify(chromeHar()));
const firefox = () => imported(JSON.stringify(firefoxHar()));

describe("import of Chrome's HAR export", () => {
  it("is a plain HAR, keeps fetch/XHR calls and skips the page load, with a warning", () => {
    const r = chrome();
    assert.equal(r.format, "har");
    assert.equal(r.session.exchanges.length, 4);
    assert.equal(r.session.spans.length, 4);
    assert.ok(r.warnings.some((w) => /4 entries that are not fetch, XHR, EventSource or WebSocket calls/.test(w)), r.warnings.join("\n"));
  });

  it("re-derives the streamed chat call: model, usage, output, with the raw SSE body as one chunk at the end", () => {
    const r = chrome();
    const span = r.session.spans.find((s) => s.kind === "llm" && s.status === "ok")!;
    assert.equal(span.name, "chat gpt-4o-mini");
    assert.equal(span.attributes["gen_ai.provider.name"], "openai");
    assert.equal(span.attributes["gen_ai.usage.input_tokens"], 31);
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], 9);
    assert.equal(span.attributes["gen_ai.request.temperature"], 0.2);
    assert.match(span.attributes["gen_ai.output.messages"] as string, /You can reset it from Settings › Security\./);
    const ex = r.session.exchanges.find((e) => e.id === span.exchangeId)!;
    const start = Date.parse("2025-03-10T09:12:05.301Z");
    assert.equal(ex.timing.start, start);
    assert.equal(ex.timing.end, start + 1843.22);
    assert.equal(ex.timing.headers, start + 2.1 + 0.3 + 412.7);
    assert.deepEqual(ex.chunks, [{ time: start + 1843.22, text: chromeSseBody }]);
    assert.equal(span.startTime, start);
    assert.equal(span.endTime, start + 1843.22);
    assert.equal(span.tabId, 0);
    assert.ok(isSpanId(span.spanId) && span.exchangeId === span.spanId && ex.transport === "fetch");
    assert.equal(ex.pageUrl, "https://chat.example.com/");
  });

  it("does not report a time to first chunk it cannot know (the whole stream arrives as one chunk)", () => {
    const span = chrome().session.spans.find((s) => s.kind === "llm" && s.status === "ok")!;
    assert.equal(span.attributes["gen_ai.response.time_to_first_chunk"], undefined);
  });

  it("adopts the app's traceparent exactly as live capture does", () => {
    const span = chrome().session.spans.find((s) => s.kind === "llm" && s.status === "ok")!;
    assert.equal(span.traceId, CHROME_TRACE_ID);
    assert.equal(span.parentSpanId, "b7ad6b7169203331");
    assert.equal(span.attributes["llm_trace.trace_context"], "traceparent");
  });

  it("redacts credentials and cookies, and drops HTTP/2 pseudo-headers", () => {
    const r = chrome();
    const text = JSON.stringify(r.session);
    assert.doesNotMatch(text, /sk-proj-9f8e7d6c5b4a|abc123|def456/);
    const ex = r.session.exchanges.find((e) => e.request.url.endsWith("/chat/completions") && e.response)!;
    assert.ok(ex.request.headers.some(([n, v]) => n === "authorization" && v === "Bearer [REDACTED:authorization]"));
    assert.ok(!ex.request.headers.some(([n]) => n.startsWith(":")));
  });

  it("decodes a base64 JSON body and derives the embeddings span", () => {
    const span = chrome().session.spans.find((s) => s.kind === "embedding")!;
    assert.equal(span.attributes["gen_ai.request.model"], "text-embedding-3-small");
    assert.equal(span.attributes["gen_ai.embeddings.dimension.count"], 3);
  });

  it("imports a cached XHR as an xhr exchange and an aborted fetch (status 0, net::ERR_ABORTED) as an aborted span", () => {
    const r = chrome();
    const xhr = r.session.exchanges.find((e) => e.transport === "xhr")!;
    assert.equal(xhr.request.url, "https://chat.example.com/api/config?v=3");
    assert.equal(xhr.chunks[0]!.text, "{\"theme\":\"dark\"}\n");
    const aborted = r.session.spans.find((s) => s.status === "error")!;
    assert.equal(aborted.attributes["error.type"], "AbortError");
    const ex = r.session.exchanges.find((e) => e.id === aborted.exchangeId)!;
    assert.equal(ex.response, undefined);
    assert.deepEqual(ex.outcome, { state: "abort", errorName: "AbortError", errorMessage: "net::ERR_ABORTED" });
  });
});

describe("import of Firefox's HAR export", () => {
  it("re-derives the Anthropic stream and takes the page URL from the Referer (Firefox titles pages by name)", () => {
    const r = firefox();
    assert.equal(r.format, "har");
    const span = r.session.spans.find((s) => s.attributes["gen_ai.provider.name"] === "anthropic")!;
    assert.equal(span.kind, "llm");
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], 9);
    assert.equal(span.startTime, Date.parse("2025-03-10T09:01:05.120Z"));
    const ex = r.session.exchanges.find((e) => e.id === span.exchangeId)!;
    assert.equal(ex.chunks[0]!.text, firefoxAnthropicBody);
    assert.equal(ex.pageUrl, "https://support.example.org/help");
    assert.ok(isTraceId(span.traceId));
  });

  it("redacts the Gemini ?key= and the x-api-key header", () => {
    const r = firefox();
    assert.doesNotMatch(JSON.stringify(r.session), /AIzaSyFirefoxSecret|sk-ant-api03-secret/);
    const gemini = r.session.spans.find((s) => s.attributes["gen_ai.provider.name"] === "gcp.gemini")!;
    assert.equal(gemini.name, "generate_content gemini-2.0-flash");
  });

  it("rebuilds a form body listed only as params, and keeps a body Firefox did not save as size only", () => {
    const r = firefox();
    const form = r.session.exchanges.find((e) => e.request.url.endsWith("/feedback"))!;
    assert.equal(form.request.body!.text, "rating=5&note=tr%C3%A8s%20bien");
    assert.equal(form.response!.status, 204);
    const history = r.session.exchanges.find((e) => e.request.url.endsWith("/history"))!;
    assert.deepEqual(history.chunks, []);
    assert.equal(history.response!.body!.size, 5120);
  });

  it("keeps a PNG as a binary body known by size and type", () => {
    const png = firefox().session.exchanges.find((e) => e.request.url.endsWith(".png"))!;
    assert.deepEqual(png.response!.body, { size: 70, mimeType: "image/png", omitted: "binary" });
    assert.deepEqual(png.chunks, []);
  });
});

describe("HAR files with problems", () => {
  const har = (entries: unknown[], extra: object = {}) => JSON.stringify({ log: { version: "1.2", creator: { name: "x", version: "1" }, entries, ...extra } });
  const good = () => structuredClone(firefoxHar().log.entries[0]!) as Record<string, unknown>;

  it("a HAR without log.entries is refused with that message", () => {
    const r = importTraceFile(JSON.stringify({ log: { version: "1.2" } }));
    assert.deepEqual(r, { ok: false, error: "This HAR file has no log.entries array." });
  });

  it("an entry without request.url is skipped with a warning naming it; if nothing is left, the import fails with it", () => {
    const bad = good();
    (bad.request as Record<string, unknown>).url = undefined;
    const partly = importTraceFile(har([good(), bad]));
    assert.ok(partly.ok);
    assert.ok(partly.warnings.includes("entry 1 has no request.url; skipped"), partly.warnings.join("\n"));
    assert.deepEqual(importTraceFile(har([bad])), { ok: false, error: "Nothing in this HAR file could be imported: entry 0 has no request.url." });
  });

  it("tolerates missing optional fields: no timings, no time, no response, no headers, no pages", () => {
    const e = { startedDateTime: "2025-01-01T00:00:00Z", request: { url: "https://api.openai.com/v1/models" } };
    const r = importTraceFile(har([e]));
    assert.ok(r.ok);
    const ex = r.session.exchanges[0]!;
    assert.equal(ex.request.method, "GET");
    assert.equal(ex.timing.end, Date.parse("2025-01-01T00:00:00Z"));
    assert.equal(ex.outcome?.state, "error");
    assert.equal(r.session.spans[0]!.kind, "http");
  });

  it("an empty HAR imports as an empty session with a warning", () => {
    const r = importTraceFile(har([]));
    assert.ok(r.ok);
    assert.deepEqual(r.session, { spans: [], exchanges: [] });
    assert.deepEqual(r.warnings, ["The HAR file has no entries"]);
  });

  it("uses `_chunkTimes` on a foreign entry when present (e.g. an entry copied out of one of our files)", () => {
    const e = good();
    const body = firefoxAnthropicBody;
    e._chunkTimes = `100:${body.length - 10} 250.5:10`;
    const r = importTraceFile(har([e]));
    assert.ok(r.ok);
    const start = Date.parse(e.startedDateTime as string);
    assert.deepEqual(r.session.exchanges[0]!.chunks.map((c) => c.time), [start + 100, start + 250.5]);
    assert.equal(typeof r.session.spans[0]!.attributes["gen_ai.response.time_to_first_chunk"], "number");
  });
});
