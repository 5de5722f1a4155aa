/**
 * Provider parsing (was bench/classify-perf.ts): classifyExchange runs on every update of a live
 * stream, so with 5,000 events received a call must take a few milliseconds. Cold: the whole
 * finished stream classified from scratch (e.g. after a worker restart). Incremental: the stream
 * fed as it arrives, classified every 25 chunks; the figure is the median of the late updates
 * (past 90% of the stream), where framing and JSON parsing are incremental and the cost is the
 * fold over already-parsed events. Runs in Node, in this process.
 */
import { classifyExchange } from "../../src/core/providers";
import type { Exchange } from "../../src/core/contract";
import { makeExchange, ndjson, nextId, sse, sseNamed, spread } from "../../test/fixtures/providers/make-exchange";
import { single, type Row } from "../lib/report";
import type { Env } from "../lib/env";

const EVENTS = 5000;

function cold(ex: Exchange, runs: number): number[] {
  classifyExchange({ ...ex, id: nextId() });
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const copy = { ...ex, id: nextId() };
    const t = performance.now();
    classifyExchange(copy);
    out.push(performance.now() - t);
  }
  return out;
}

function incremental(ex: Exchange): number[] {
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
  return late;
}

const sseHeaders = { "content-type": "text/event-stream" };
const CASES: [string, () => Exchange][] = [
  ["OpenAI chat (SSE)", () => {
    const ev = (i: number): object => ({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: `token${i} ` }, finish_reason: null }] });
    const body = Array.from({ length: EVENTS }, (_, i) => sse(ev(i))).join("") + sse("[DONE]");
    return makeExchange({ url: "https://api.openai.com/v1/chat/completions", requestJson: { model: "gpt-4o-mini", stream: true, messages: [] }, status: 200, responseHeaders: sseHeaders, chunks: spread(body, 2500, 100, 1) });
  }],
  ["Anthropic (SSE)", () => {
    const body = sseNamed(
      ["message_start", { type: "message_start", message: { id: "m", model: "claude", usage: { input_tokens: 1, output_tokens: 1 } } }],
      ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
      ...Array.from({ length: EVENTS }, (_, i): [string, unknown] => ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: `token${i} ` } }]),
      ["message_stop", { type: "message_stop" }],
    );
    return makeExchange({ url: "https://api.anthropic.com/v1/messages", requestJson: { model: "claude", stream: true, messages: [] }, status: 200, responseHeaders: sseHeaders, chunks: spread(body, 2500, 100, 1) });
  }],
  ["Ollama (NDJSON)", () => {
    const body = ndjson(...Array.from({ length: EVENTS }, (_, i) => ({ model: "llama3.2", created_at: "t", message: { role: "assistant", content: `token${i} ` }, done: false })), { model: "llama3.2", done: true, done_reason: "stop" });
    return makeExchange({ url: "http://localhost:11434/api/chat", requestJson: { model: "llama3.2", messages: [] }, status: 200, responseHeaders: { "content-type": "application/x-ndjson" }, chunks: spread(body, 2500, 100, 1) });
  }],
  ["Gemini (JSON array)", () => {
    const el = (i: number): string => JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: `token${i} ` }] }, index: 0 }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: i }, modelVersion: "gemini-2.0-flash" });
    const body = `[${Array.from({ length: EVENTS }, (_, i) => el(i)).join("\n,\r\n")}]`;
    return makeExchange({ url: "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent", requestJson: { contents: [] }, status: 200, responseHeaders: { "content-type": "application/json" }, chunks: spread(body, 2500, 100, 1) });
  }],
];

export async function parsing(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const rows: Row[] = [];
  const notes: string[] = [];
  for (const [label, build] of CASES) {
    const ex = build();
    const check = classifyExchange({ ...ex, id: nextId() });
    if (check.kind !== "llm" || check.status !== "ok") notes.push(`${label}: classified as ${check.kind}/${check.status}`);
    const key = label.split(" ")[0]!.toLowerCase();
    rows.push(single(`parse.${key}.cold`, "Parsing", `${label}, 5,000 events: cold classify`, "ms", cold(ex, env.quick ? 3 : 7)));
    rows.push(single(`parse.${key}.incremental`, "Parsing", `${label}, 5,000 events: late incremental update`, "ms", incremental(ex)));
  }
  return { rows, details: { notes } };
}
