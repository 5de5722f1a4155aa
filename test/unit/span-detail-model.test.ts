/** The pure helpers behind the span detail pane (src/panel/detail-model). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Attributes, Exchange, SpanRecord } from "../../src/core/contract";
import { parseDocuments } from "../../src/panel/detail-model/documents";
import { childCount, keyText, parseJsonContainer, preview } from "../../src/panel/detail-model/json-preview";
import {
  callKey, citationsOf, decodeJsonText, parseMessages, parseSystem, parseToolDefinitions, sourceOf,
} from "../../src/panel/detail-model/messages";
import { formatRate, formatUsd } from "../../src/panel/detail-model/numbers";
import { splitRedactions } from "../../src/panel/detail-model/redaction";
import { streamView } from "../../src/panel/detail-model/stream";
import { chooseTab, tabsFor } from "../../src/panel/detail-model/tabs";
import { timingOf } from "../../src/panel/detail-model/timing";
import { callOf, executionOf, modelSpansOfTool, resultOf } from "../../src/panel/detail-model/tool-links";

let ids = 0;
function span(kind: SpanRecord["kind"], attributes: Attributes, extra: Partial<SpanRecord> = {}): SpanRecord {
  const id = (++ids).toString(16).padStart(16, "0");
  return { traceId: "a".repeat(32), spanId: id, name: `${kind} ${id}`, kind, startTime: 1000 * ids, endTime: 1000 * ids + 500, status: "ok", attributes, tabId: 1, updatedAt: 0, ...extra };
}

const msgs = (m: unknown[]) => JSON.stringify(m);

describe("messages", () => {
  it("reads OTel messages and keeps odd entries visible", () => {
    const parsed = parseMessages(msgs([{ role: "user", parts: [{ type: "text", content: "hi" }] }, "loose text", { role: "assistant", content: "legacy" }]));
    assert.ok(parsed?.ok);
    assert.deepEqual(parsed.value, [
      { role: "user", parts: [{ type: "text", content: "hi" }] },
      { role: "unknown", parts: [{ type: "text", content: "loose text" }] },
      { role: "assistant", parts: [{ type: "text", content: "legacy" }] },
    ]);
  });

  it("reports text that is not the expected JSON as raw", () => {
    assert.deepEqual(parseMessages("{not json"), { ok: false, raw: "{not json" });
    assert.deepEqual(parseMessages('{"role":"user"}'), { ok: false, raw: '{"role":"user"}' });
    assert.equal(parseMessages(undefined), undefined);
  });

  it("system instructions: parts, a JSON string, or plain text", () => {
    assert.deepEqual(parseSystem('[{"type":"text","content":"Be brief."}]'), { ok: true, value: [{ type: "text", content: "Be brief." }] });
    assert.deepEqual(parseSystem("Be brief."), { ok: true, value: [{ type: "text", content: "Be brief." }] });
    assert.deepEqual(parseSystem('"Be brief."'), { ok: true, value: [{ type: "text", content: "Be brief." }] });
  });

  it("tool definitions, flat or in OpenAI's function nesting", () => {
    const defs = parseToolDefinitions(JSON.stringify([
      { type: "function", name: "a", description: "A", parameters: { type: "object" } },
      { type: "function", function: { name: "b", parameters: { type: "object", properties: {} } } },
      { type: "web_search" },
    ]));
    assert.ok(defs?.ok);
    assert.deepEqual(defs.value, [
      { type: "function", name: "a", description: "A", parameters: { type: "object" } },
      { type: "function", name: "b", parameters: { type: "object", properties: {} } },
      { type: "web_search" },
    ]);
  });

  it("call keys: the id, else (Gemini) the function name", () => {
    assert.equal(callKey({ type: "tool_call", id: "call_1", name: "f" }), "call_1");
    assert.equal(callKey({ type: "tool_call", name: "f" }), "f");
  });

  it("JSON text in results is shown as the value it encodes", () => {
    assert.deepEqual(decodeJsonText('{"ok":true}'), { ok: true });
    assert.equal(decodeJsonText("plain"), "plain");
    assert.equal(decodeJsonText("{broken"), "{broken");
  });
});

describe("tool links", () => {
  // model 1 asks for call_1; the tool runs; model 2 sends the result back (and repeats the call as history).
  const call = { type: "tool_call", id: "call_1", name: "lookup", arguments: { q: 1 } };
  const result = { type: "tool_call_response", id: "call_1", response: '{"found":true}' };
  const m1 = span("llm", { "gen_ai.input.messages": msgs([{ role: "user", parts: [{ type: "text", content: "?" }] }]), "gen_ai.output.messages": msgs([{ role: "assistant", parts: [call] }]) });
  const tool = span("tool", { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "lookup", "gen_ai.tool.call.id": "call_1" });
  const m2 = span("llm", { "gen_ai.input.messages": msgs([{ role: "assistant", parts: [call] }, { role: "tool", parts: [result] }]) });
  const trace = [m2, tool, m1];

  it("a call in a response links forward to the next model span's input, and to its execution", () => {
    assert.deepEqual(resultOf("call_1", m1, trace, false), { spanId: m2.spanId, anchor: "result:call_1" });
    assert.equal(executionOf("call_1", trace), tool);
  });

  it("a call repeated as history links to the result in the same input", () => {
    assert.deepEqual(resultOf("call_1", m2, trace, true), { spanId: m2.spanId, anchor: "result:call_1" });
  });

  it("a result links back to its call: here when the call is in the same input, else the span that asked", () => {
    assert.deepEqual(callOf("call_1", m2, trace), { spanId: m2.spanId, anchor: "call:call_1" });
    const m3 = span("llm", { "gen_ai.input.messages": msgs([{ role: "tool", parts: [result] }]) });
    assert.deepEqual(callOf("call_1", m3, [...trace, m3]), { spanId: m1.spanId, anchor: "call:call_1" });
  });

  it("an execute_tool span finds the model span that asked and the one that got the result", () => {
    const { caller, consumer } = modelSpansOfTool(tool, trace);
    assert.equal(caller, m1);
    assert.equal(consumer, m2);
  });

  it("nothing to link in a trace without the other side", () => {
    assert.equal(resultOf("call_1", m1, [m1], false), undefined);
    assert.equal(callOf("nope", m2, trace), undefined);
    assert.equal(executionOf("nope", trace), undefined);
  });
});

describe("timing", () => {
  const exchange = (chunks: [number, string][]): Exchange => ({
    id: "0".repeat(16),
    transport: "fetch",
    request: { method: "POST", url: "https://x.test/", headers: [] },
    response: { status: 200, statusText: "OK", headers: [["content-type", "text/event-stream"]] },
    timing: { start: 10_000, headers: 10_200, firstByte: 10_250, end: 11_000 },
    chunks: chunks.map(([t, text]) => ({ time: 10_000 + t, text })),
    outcome: { state: "ok" },
  });

  it("phases from the exchange, TTFT from the span, rate after the first token", () => {
    const s = span("llm", { "gen_ai.response.time_to_first_chunk": 0.3, "gen_ai.usage.output_tokens": 101 }, { startTime: 10_000, endTime: 11_000 });
    const t = timingOf(s, exchange([[250, "a"], [300, "b"], [1000, "c"]]), [span("interaction", {}, { startTime: 9_500 }), s]);
    assert.equal(t.ttfb, 200);
    assert.equal(t.firstByte, 250);
    assert.equal(t.ttft, 300);
    assert.equal(t.streaming, 700);
    assert.equal(t.total, 1000);
    assert.equal(t.offsetInTrace, 500);
    assert.equal(t.rateBasis, "after first token");
    assert.equal(t.tokensPerSecond, 100 / 0.7);
    assert.equal(t.timePerOutputToken, 7);
    assert.deepEqual(t.chunkOffsets, [250, 300, 1000]);
  });

  it("without TTFT the rate is over the whole call; without tokens there is none", () => {
    const s = span("llm", { "gen_ai.usage.output_tokens": 50 }, { startTime: 0, endTime: 2000 });
    const t = timingOf(s, null);
    assert.equal(t.rateBasis, "whole call");
    assert.equal(t.tokensPerSecond, 25);
    assert.equal(timingOf(span("llm", {}), undefined).tokensPerSecond, undefined);
    assert.equal(timingOf(span("llm", {}, { endTime: undefined }), undefined).total, undefined);
  });
});

describe("stream view", () => {
  const ex = (contentType: string, chunks: string[], ok = true): Exchange => ({
    id: "0".repeat(16),
    transport: "fetch",
    request: { method: "POST", url: "https://x.test/", headers: [] },
    response: { status: 200, statusText: "OK", headers: [["Content-Type", contentType]] },
    timing: { start: 0 },
    chunks: chunks.map((text, i) => ({ time: 10 * (i + 1), text })),
    ...(ok && { outcome: { state: "ok" as const } }),
  });

  it("SSE events with their names and the arrival of the chunk that completed them", () => {
    const view = streamView(ex("text/event-stream; charset=utf-8", ["event: message_start\ndata: {\"a\":1}\n\nda", "ta: [DONE]\n\n"]));
    assert.deepEqual(view, { format: "sse", events: [{ offset: 10, event: "message_start", data: '{"a":1}' }, { offset: 20, data: "[DONE]" }] });
  });

  it("NDJSON lines, blank lines skipped", () => {
    const view = streamView(ex("application/x-ndjson", ['{"a":1}\n\n{"b"', ":2}\n"]));
    assert.deepEqual(view, { format: "ndjson", events: [{ offset: 10, data: '{"a":1}' }, { offset: 20, data: '{"b":2}' }] });
  });

  it("a plain JSON body is not a stream", () => {
    assert.equal(streamView(ex("application/json", ['{"a":1}'])), undefined);
  });
});

describe("citations and sources", () => {
  it("citations of a text part: label, URL, quoted passage, range; malformed entries skipped", () => {
    const part = {
      type: "text",
      content: "Spain won.",
      citations: [
        { type: "url_citation", url: "https://example.com/a", title: "A", start_index: 0, end_index: 10 },
        { type: "char_location", cited_text: "The grass is green.", document_index: 0, document_title: "My Document" },
        { type: "web", url: "https://example.com/b" },
        "not a citation",
        { type: "grounding", document_index: 2 },
      ],
    };
    assert.deepEqual(citationsOf(part), [
      { kind: "url_citation", label: "A", url: "https://example.com/a", range: "characters 0–10" },
      { kind: "char_location", label: "My Document", quote: "The grass is green." },
      { kind: "web", label: "https://example.com/b", url: "https://example.com/b" },
      { kind: "grounding", label: "document 2" },
    ]);
    assert.deepEqual(citationsOf({ type: "text", content: "x" }), []);
    assert.deepEqual(citationsOf({ type: "text", content: "x", citations: "<b>no</b>" }), []);
  });

  it("a source part: its title and where it is", () => {
    assert.deepEqual(sourceOf({ type: "source", url: "https://ai-sdk.dev", title: "Docs" }), { label: "Docs", where: "https://ai-sdk.dev" });
    assert.deepEqual(sourceOf({ type: "source", filename: "handbook.pdf" }), { label: "handbook.pdf" });
    assert.deepEqual(sourceOf({ type: "source" }), { label: "source" });
  });
});

describe("tabs", () => {
  it("per kind, only those that apply", () => {
    const chat = span("llm", { "gen_ai.input.messages": "[]", "gen_ai.output.messages": "[]", "gen_ai.tool.definitions": "[]" }, { exchangeId: "x" });
    assert.deepEqual(tabsFor(chat), ["messages", "output", "tools", "usage", "timing", "request", "response", "attributes"]);
    assert.deepEqual(tabsFor(span("llm", { "gen_ai.input.messages": "[]" })), ["messages", "usage", "timing", "attributes"]);
    assert.deepEqual(tabsFor(span("embedding", {}, { exchangeId: "x" })), ["usage", "timing", "request", "response", "attributes"]);
    assert.deepEqual(tabsFor(span("retrieval", { "gen_ai.retrieval.documents": "[]" }, { exchangeId: "x" })), ["documents", "timing", "request", "response", "attributes"]);
    assert.deepEqual(tabsFor(span("tool", {})), ["call", "timing", "attributes"]);
    assert.deepEqual(tabsFor(span("http", {}, { exchangeId: "x" })), ["request", "response", "timing", "attributes"]);
    assert.deepEqual(tabsFor(span("interaction", {})), ["timing", "attributes"]);
  });

  it("an agent run has its messages, output and tools; an MCP tools/list its tools", () => {
    const run = span("agent", { "gen_ai.input.messages": "[]", "gen_ai.output.messages": "[]", "gen_ai.tool.definitions": "[]" }, { exchangeId: "x" });
    assert.deepEqual(tabsFor(run), ["messages", "output", "tools", "timing", "request", "response", "attributes"]);
    assert.deepEqual(tabsFor(span("http", { "gen_ai.tool.definitions": "[]", "mcp.method.name": "tools/list" }, { exchangeId: "x" })), ["tools", "request", "response", "timing", "attributes"]);
  });

  it("the remembered tab when the span has it, else its first", () => {
    assert.equal(chooseTab(["messages", "timing"], "timing"), "timing");
    assert.equal(chooseTab(["documents", "timing"], "messages"), "documents");
    assert.equal(chooseTab(["call"], undefined), "call");
  });
});

describe("redactions", () => {
  it("finds marks, plain and percent-encoded", () => {
    assert.deepEqual(splitRedactions("Bearer [REDACTED:authorization]"), [{ text: "Bearer " }, { text: "[REDACTED:authorization]", redacted: "authorization" }]);
    assert.deepEqual(splitRedactions("/m?alt=sse&key=%5BREDACTED%3Aapi-key%5D&x=1"), [{ text: "/m?alt=sse&key=" }, { text: "%5BREDACTED%3Aapi-key%5D", redacted: "api-key" }, { text: "&x=1" }]);
    assert.deepEqual(splitRedactions("nothing here"), [{ text: "nothing here" }]);
    assert.deepEqual(splitRedactions(""), [{ text: "" }]);
  });
});

describe("JSON previews", () => {
  it("reads like DevTools and stays short", () => {
    assert.equal(preview({ model: "gpt-4o", stream: true, "odd key": null }), '{model: "gpt-4o", stream: true, "odd key": null}');
    assert.equal(preview([1, "a", [2], {}]), '(4) [1, "a", Array(1), {…}]');
    const long = preview(Array.from({ length: 1000 }, (_, i) => i));
    assert.ok(long.length < 100 && long.startsWith("(1000) [0, 1, 2") && long.endsWith(", …]"), long);
    assert.ok(preview({ text: "x".repeat(1000) }).length < 100);
    assert.equal(keyText("a-b"), '"a-b"');
    assert.equal(childCount({ a: 1, b: 2 }), 2);
  });

  it("only objects and arrays count as JSON bodies to draw as trees", () => {
    assert.deepEqual(parseJsonContainer(' {"a":1}'), { a: 1 });
    assert.equal(parseJsonContainer("42"), undefined);
    assert.equal(parseJsonContainer("{oops"), undefined);
  });
});

describe("documents", () => {
  it("ranks, unit scores as they are, other scales relative to the largest", () => {
    const unit = parseDocuments(JSON.stringify([{ id: "a", score: 0.9, content: "A" }, { id: 7, score: 0.5 }]));
    assert.deepEqual(unit, { ok: true, docs: [{ rank: 1, id: "a", score: 0.9, content: "A", bar: 0.9 }, { rank: 2, id: "7", score: 0.5, bar: 0.5 }] });
    const bm25 = parseDocuments(JSON.stringify([{ score: 12 }, { score: 3 }]));
    assert.ok(bm25?.ok);
    assert.deepEqual(bm25.docs.map((d) => d.bar), [1, 0.25]);
    assert.deepEqual(parseDocuments("nope"), { ok: false, raw: "nope" });
  });
});

describe("numbers", () => {
  it("money never in exponent form, with enough digits for tiny costs", () => {
    assert.equal(formatUsd(0), "$0");
    assert.equal(formatUsd(0.0000357), "$0.0000357");
    assert.equal(formatUsd(0.000187), "$0.000187");
    assert.equal(formatUsd(0.0123), "$0.0123");
    assert.equal(formatUsd(12.345), "$12.35");
    assert.equal(formatRate(0.15), "$0.15 / 1M");
  });
});
