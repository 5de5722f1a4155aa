/**
 * classifyExchange runs on every update of a live stream: with 5,000 events received, a call must
 * take a few milliseconds. Framing and JSON parsing are incremental across calls, so the cost of
 * an update is the fold over already-parsed events. Bounds are loose (CI machines vary); the
 * measured times are logged.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange } from "../src/core/classify";
import type { Exchange } from "../src/core/exchange";
import { makeExchange, ndjson, nextId, sse, sseNamed, spread } from "../test/fixtures/providers/make-exchange";

const EVENTS = 5000;
const COLD_BOUND_MS = 200;
const LIVE_BOUND_MS = 40;

function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

/** A cold classification of the whole finished stream (e.g. after a worker restart). */
function cold(ex: Exchange): number {
  classifyExchange({ ...ex, id: nextId() });
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const copy = { ...ex, id: nextId() };
    const t = performance.now();
    classifyExchange(copy);
    runs.push(performance.now() - t);
  }
  return median(runs);
}

/** Feed the stream as it would arrive, classifying every 25 chunks; time of the last updates. */
function live(ex: Exchange): number {
  const growing: Exchange = { ...ex, id: nextId(), chunks: [], outcome: undefined };
  const late: number[] = [];
  for (let i = 0; i < ex.chunks.length; i++) {
    growing.chunks.push(ex.chunks[i]!);
    if (i % 25 === 0 || i === ex.chunks.length - 1) {
      const t = performance.now();
      classifyExchange(growing);
      if (i > ex.chunks.length * 0.9) late.push(performance.now() - t);
    }
  }
  growing.outcome = { state: "ok" };
  const t = performance.now();
  classifyExchange(growing);
  late.push(performance.now() - t);
  return median(late);
}

const sseHeaders = { "content-type": "text/event-stream" };
const cases: [string, () => Exchange][] = [
  [
    "openai chat",
    () => {
      const ev = (i: number): object => ({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: `token${i} ` }, finish_reason: null }] });
      const body = Array.from({ length: EVENTS }, (_, i) => sse(ev(i))).join("") + sse("[DONE]");
      return makeExchange({ url: "https://api.openai.com/v1/chat/completions", requestJson: { model: "gpt-4o-mini", stream: true, messages: [] }, status: 200, responseHeaders: sseHeaders, chunks: spread(body, 2500, 100, 1) });
    },
  ],
  [
    "anthropic",
    () => {
      const body = sseNamed(
        ["message_start", { type: "message_start", message: { id: "m", model: "claude", usage: { input_tokens: 1, output_tokens: 1 } } }],
        ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
        ...Array.from({ length: EVENTS }, (_, i): [string, unknown] => ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `token${i} ` } }]),
        ["message_stop", { type: "message_stop" }],
      );
      return makeExchange({ url: "https://api.anthropic.com/v1/messages", requestJson: { model: "claude", stream: true, messages: [] }, status: 200, responseHeaders: sseHeaders, chunks: spread(body, 2500, 100, 1) });
    },
  ],
  [
    "ollama ndjson",
    () => {
      const body = ndjson(...Array.from({ length: EVENTS }, (_, i) => ({ model: "llama3.2", created_at: "t", message: { role: "assistant", content: `token${i} ` }, done: false })), { model: "llama3.2", done: true, done_reason: "stop" });
      return makeExchange({ url: "http://localhost:11434/api/chat", requestJson: { model: "llama3.2", messages: [] }, status: 200, responseHeaders: { "content-type": "application/x-ndjson" }, chunks: spread(body, 2500, 100, 1) });
    },
  ],
  [
    "gemini json array",
    () => {
      const el = (i: number): string => JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: `token${i} ` }] }, index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: i }, modelVersion: "gemini-2.0-flash" });
      const body = `[${Array.from({ length: EVENTS }, (_, i) => el(i)).join("\n,\r\n")}]`;
      return makeExchange({ url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent", requestJson: { contents: [] }, status: 200, responseHeaders: { "content-type": "application/json" }, chunks: spread(body, 2500, 100, 1) });
    },
  ],
];

describe("classification cost on a 5,000-event stream", () => {
  for (const [label, build] of cases) {
    it(label, (t) => {
      const ex = build();
      const coldMs = cold(ex);
      const liveMs = live(ex);
      t.diagnostic(`${label}: cold ${coldMs.toFixed(2)} ms, live update ${liveMs.toFixed(2)} ms (${EVENTS} events)`);
      assert.ok(coldMs < COLD_BOUND_MS, `${label} cold took ${coldMs.toFixed(1)} ms`);
      assert.ok(liveMs < LIVE_BOUND_MS, `${label} live update took ${liveMs.toFixed(1)} ms`);
      const d = classifyExchange({ ...ex, id: nextId() });
      assert.equal(d.kind, "llm");
      assert.equal(d.status, "ok");
    });
  }
});
