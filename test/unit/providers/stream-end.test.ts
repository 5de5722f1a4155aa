/**
 * When a streamed call is over (docs/DESIGN.md, "When a call is over"): at its format's terminal
 * event, whatever the page does afterwards. Real SDKs cancel the body right after it (openai 7),
 * break out of their loop, or stop reading without a word (ollama): none of that is an error, and
 * the span ends when the terminal event arrived. A page that stops before it gets an error.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assembleExchange } from "../../../src/core/capture";
import { deriveSpan } from "../../../src/core/providers";
import type { ChunkRecord, Exchange, ExchangeRecord, Outcome } from "../../../src/core/contract";
import { aguiRun } from "../../fixtures/providers/agui";
import { dataStream, uiStream, uiStreamV6 } from "../../fixtures/providers/aisdk";
import { anthropicStream, anthropicWebSearch } from "../../fixtures/providers/anthropic";
import { geminiArray, geminiSse, geminiThinkingGrounded } from "../../fixtures/providers/gemini";
import { T0, makeExchange, rechunk, type Fixture } from "../../fixtures/providers/make-exchange";
import { ollamaChatStream, ollamaGenerate } from "../../fixtures/providers/ollama";
import { mcpToolCall } from "../../fixtures/providers/mcp";
import { chatAudioStream, chatStream } from "../../fixtures/providers/openai-chat";
import { responsesStream, responsesWebSearch } from "../../fixtures/providers/openai-responses";

const STREAMS: Fixture[] = [
  chatStream, responsesStream, anthropicStream, ollamaChatStream, ollamaGenerate, geminiSse, geminiArray, uiStream, dataStream,
  // Issue 16: the newest event types, and the new formats' terminal events (MCP's response on its
  // SSE stream, AG-UI's RUN_FINISHED).
  anthropicWebSearch, responsesWebSearch, chatAudioStream, geminiThinkingGrounded, uiStreamV6, mcpToolCall, aguiRun,
];

const CANCELLED: Outcome = { state: "abort", errorName: "cancelled", errorMessage: "the page cancelled the response body" };
const STOPPED: Outcome = { state: "abort", errorName: "incomplete", errorMessage: "the page stopped reading the response body" };

/** The span the background derives from this exchange as the page hook reported it. */
function span(ex: Exchange, outcome: Outcome | undefined, end?: number) {
  const { chunks, outcome: _o, ...rest } = ex;
  const record: ExchangeRecord = { ...rest, tabId: 1, timing: { ...ex.timing, end }, ...(outcome ? { outcome } : {}) };
  if (!outcome) delete record.timing.end;
  const records: ChunkRecord[] = chunks.map((c, seq) => ({ exchangeId: ex.id, seq, time: c.time, text: c.text }));
  return deriveSpan(assembleExchange(record, records), record, Date.now());
}

/** The exchange with only its first `fraction` of body text (cut mid-stream, before the end). */
function cut(ex: Exchange, fraction: number): Exchange {
  const text = ex.chunks.map((c) => c.text).join("");
  const keep = Math.floor(text.length * fraction);
  const whole = rechunk(ex, [keep]);
  return { ...whole, chunks: whole.chunks.slice(0, 1) };
}

const lastChunkTime = (ex: Exchange): number => ex.chunks[ex.chunks.length - 1]!.time;

describe("a stream is over at its terminal event", () => {
  for (const fixture of STREAMS) {
    describe(fixture.name, () => {
      const whole = makeExchange(fixture);
      const after = lastChunkTime(whole) + 5000;

      it("is ok when the page cancels the body after the terminal event, and ends at that event", () => {
        const s = span(whole, CANCELLED, after);
        assert.equal(s.status, "ok", String(s.attributes["error.type"]));
        assert.equal(s.endTime, lastChunkTime(whole));
        assert.equal(s.attributes["error.type"], undefined);
      });

      it("is ok, and over, when the page stops reading after the terminal event (no end reported)", () => {
        const s = span(whole, undefined);
        assert.equal(s.status, "ok");
        assert.equal(s.endTime, lastChunkTime(whole));
      });

      it("is ok when the hook gives up on a page that stopped reading after the terminal event", () => {
        assert.equal(span(whole, STOPPED, after).status, "ok");
      });

      it("is ok when the terminal event is split across network chunks, at any offset", () => {
        const text = whole.chunks.map((c) => c.text).join("");
        for (let at = Math.max(1, text.length - 40); at < text.length; at++) {
          const s = span(rechunk(whole, [at]), CANCELLED, after);
          assert.equal(s.status, "ok", `split at ${at}`);
        }
      });

      it("is an error (cancelled) when the page cancels before the terminal event", () => {
        const s = span(cut(whole, 0.3), CANCELLED, after);
        assert.equal(s.status, "error");
        assert.equal(s.attributes["error.type"], "cancelled");
        assert.equal(s.endTime, after);
      });

      it("is an error (incomplete) when the page stops reading before the terminal event", () => {
        const s = span(cut(whole, 0.3), STOPPED, after);
        assert.equal(s.status, "error");
        assert.equal(s.attributes["error.type"], "incomplete_stream");
      });

      it("is an error (incomplete) when the body ends without the terminal event", () => {
        const s = span(cut(whole, 0.3), { state: "ok" }, after);
        assert.equal(s.status, "error");
        assert.equal(s.attributes["error.type"], "incomplete_stream");
      });

      it("is in flight while neither the terminal event nor an end has come", () => {
        const s = span(cut(whole, 0.3), undefined);
        assert.equal(s.status, "unset");
        assert.equal(s.endTime, undefined);
      });
    });
  }

  it("ignores bytes that arrive after [DONE]", () => {
    const whole = makeExchange(chatStream);
    const extra = { time: lastChunkTime(whole) + 10, text: "data: {\"garbage\": tru" };
    const s = span({ ...whole, chunks: [...whole.chunks, extra] }, { state: "ok" }, extra.time + 1);
    assert.equal(s.status, "ok");
    assert.equal(s.endTime, lastChunkTime(whole));
  });

  it("keeps a network error after the terminal event from turning the call into an error", () => {
    const whole = makeExchange(anthropicStream);
    const s = span(whole, { state: "error", errorName: "TypeError", errorMessage: "network error" }, lastChunkTime(whole) + 100);
    assert.equal(s.status, "ok");
  });

  it("still reports a provider error event as an error, terminal event or not", () => {
    const whole = makeExchange(chatStream);
    const error = { time: T0 + 50, text: 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n' };
    const s = span({ ...whole, chunks: [error, ...whole.chunks] }, CANCELLED, lastChunkTime(whole) + 100);
    assert.equal(s.status, "error");
  });
});
