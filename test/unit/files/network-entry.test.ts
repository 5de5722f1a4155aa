/** Calls read from the browser's network log (a worker's): which are taken, and what they become. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_EVENT_LIMITS, applyEvent, assembleExchange, emptyExchange, isCaptureEvent } from "../../../src/core/capture";
import type { CaptureEvent, ChunkRecord, ExchangeRecord } from "../../../src/core/contract";
import { isUnhookedCall, networkEntryEvents } from "../../../src/core/files";
import { deriveSpan } from "../../../src/core/providers";

const SSE = [
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"stop"}]}',
  'data: {"id":"c1","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}',
  "data: [DONE]",
  "",
].join("\n\n");

/** A Chrome network-log entry for a streamed chat completion, made by `script`. */
function entry(script: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    _resourceType: "fetch",
    ...(script !== undefined ? { _initiator: { type: "script", stack: { callFrames: [{ functionName: "ask", url: script, lineNumber: 1, columnNumber: 2 }] } } } : {}),
    startedDateTime: "2026-12-07T20:00:00.000Z",
    time: 120,
    timings: { blocked: 1, dns: -1, connect: -1, send: 1, wait: 40, receive: 78 },
    request: {
      method: "POST", url: "https://api.openai.com/v1/chat/completions", httpVersion: "http/1.1",
      headers: [{ name: "Authorization", value: "Bearer sk-proj-abcdefghijklmnopqrstuvwxyz0123456789" }, { name: "Cookie", value: "session=s3cret" }, { name: "content-type", value: "application/json" }],
      postData: { mimeType: "application/json", text: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] }) },
    },
    response: { status: 200, statusText: "OK", headers: [{ name: "content-type", value: "text/event-stream" }], content: { size: SSE.length, mimeType: "text/event-stream" } },
    ...extra,
  };
}

function fold(events: CaptureEvent[]): { record: ExchangeRecord; chunks: ChunkRecord[] } {
  let record = emptyExchange(events[0]!.id, 1, undefined, 0);
  const chunks: ChunkRecord[] = [];
  for (const e of events) {
    if (e.t === "chunks") e.texts.forEach((text, i) => chunks.push({ exchangeId: e.id, seq: e.seq + i, time: e.times[i]!, text }));
    else if (e.t !== "interaction" && e.t !== "mark") record = applyEvent(record, e);
  }
  return { record, chunks };
}

describe("calls from the network log", () => {
  it("skips what the page made through the hook, what names no script, and what is not a call", () => {
    assert.equal(isUnhookedCall(entry("page-hook.js")), false);
    // Chromium names an initiator without a script (a preflight, a navigation): not told apart, skipped.
    assert.equal(isUnhookedCall(entry(undefined, { _initiator: { type: "other" } })), false);
    assert.equal(isUnhookedCall(entry("https://app.example/worker.js", { _resourceType: "image" })), false);
    assert.equal(isUnhookedCall(entry("https://app.example/worker.js")), true);
    assert.deepEqual(networkEntryEvents(entry("page-hook.js"), SSE, undefined, 1e6), { skipped: "made through the page hook, or not a call" });
    assert.ok("skipped" in networkEntryEvents(null, SSE, undefined, 1e6));
  });

  it("turns a worker's streamed call into valid capture events whose span has the text, the usage and where it came from", () => {
    const read = networkEntryEvents(entry("https://app.example/worker.js?token=abc"), SSE, undefined, 1e6);
    assert.ok("events" in read);
    for (const e of read.events) assert.ok(isCaptureEvent(e, DEFAULT_EVENT_LIMITS), `valid ${e.t}`);
    const { record, chunks } = fold(read.events);
    // The initiator's URL is redacted like any captured URL.
    assert.equal(record.network?.initiator, "https://app.example/worker.js?token=%5BREDACTED%3Atoken%5D");
    const span = deriveSpan(assembleExchange(record, chunks), record, Date.now());
    assert.equal(span.kind, "llm");
    assert.equal(span.status, "ok");
    assert.equal(span.attributes["gen_ai.usage.input_tokens"], 9);
    assert.equal(span.attributes["gen_ai.usage.output_tokens"], 2);
    assert.match(String(span.attributes["gen_ai.output.messages"]), /Hello there/);
    assert.equal(span.attributes["llm_trace.capture.source"], "network");
    assert.equal(span.attributes["gen_ai.response.time_to_first_chunk"], undefined);
    // The log carries the Authorization and Cookie headers verbatim: they never pass unredacted.
    assert.doesNotMatch(JSON.stringify(read.events), /sk-proj-abcdef|s3cret/);
  });

  it("cuts a body over the cap and says so; a base64 binary body is kept by size and type only", () => {
    const capped = networkEntryEvents(entry("https://app.example/worker.js"), SSE, undefined, 50);
    assert.ok("events" in capped);
    const chunks = capped.events.find((e) => e.t === "chunks");
    assert.equal(chunks?.t === "chunks" && chunks.texts.join("").length, 50);
    const end = capped.events.find((e) => e.t === "end");
    assert.equal(end?.t === "end" && end.truncated, true);

    const binary = networkEntryEvents(
      entry("https://app.example/worker.js", { response: { status: 200, statusText: "OK", headers: [{ name: "content-type", value: "image/png" }], content: { size: 4, mimeType: "image/png" } } }),
      Buffer.from([0x89, 0x50, 0x00, 0x47]).toString("base64"), "base64", 1e6,
    );
    assert.ok("events" in binary);
    assert.equal(binary.events.some((e) => e.t === "chunks"), false);
  });

  it("a request event that says it came from the network log is valid only with a URL for its initiator", () => {
    const base = { t: "request", id: "0123456789abcdef", transport: "fetch", time: 1, method: "GET", url: "https://a.example/", headers: [], pageUrl: "https://a.example/" };
    assert.ok(isCaptureEvent({ ...base, network: { initiator: "https://a.example/w.js" } }));
    assert.equal(isCaptureEvent({ ...base, network: { initiator: 5 } }), false);
    assert.equal(isCaptureEvent({ ...base, network: { initiator: "x", more: 1 } }), false);
  });
});
