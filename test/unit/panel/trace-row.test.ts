/**
 * The words of a trace-list row and the numbers beside them (issue 20): steps pluralised, small
 * costs with significant digits as the Usage tab shows them, no "?" for a count not reported,
 * the chat model listed before the embedding model.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Span } from "../../../src/core/contract";
import { summarizeTrace } from "../../../src/core/query";
import { groupTraces } from "../../../src/core/query";
import { formatUsd } from "../../../src/panel/detail-model/numbers";
import { count, formatClock, formatTokens } from "../../../src/panel/format";
import { rowNumbers, stepsText } from "../../../src/panel/state/row-text";

const steps = (s: Partial<Record<"llm" | "tool" | "retrieval" | "embedding" | "http", number>>) => ({ steps: { llm: 0, tool: 0, retrieval: 0, embedding: 0, http: 0, ...s } });

test("steps read as counted words: one model call, three model calls, two tools", () => {
  assert.equal(stepsText(steps({ llm: 3, tool: 2 })), "3 model calls · 2 tools");
  assert.equal(stepsText(steps({ llm: 1, tool: 1, retrieval: 1, embedding: 1 })), "1 model call · 1 tool · 1 retrieval · 1 embedding");
  assert.equal(stepsText(steps({ llm: 2, retrieval: 2, embedding: 2 })), "2 model calls · 2 retrievals · 2 embeddings");
  assert.equal(stepsText(steps({ http: 1 })), "1 request");
  assert.equal(stepsText(steps({ http: 4 })), "4 requests");
  assert.equal(count(1, "trace"), "1 trace");
  assert.equal(count(0, "trace"), "0 traces");
});

test("a row's cost is the Usage tab's: significant digits below a cent, never $0.0000", () => {
  assert.equal(rowNumbers({ inputTokens: 9, outputTokens: 3, costUsd: 0.000042 }).cost, "$0.000042");
  assert.equal(rowNumbers({ inputTokens: 9, outputTokens: 3, costUsd: 0.000182 }).cost, formatUsd(0.000182));
  assert.equal(rowNumbers({ inputTokens: 9, outputTokens: 3, costUsd: 0.0012 }).cost, "$0.0012");
  assert.equal(rowNumbers({ inputTokens: 9, outputTokens: 3, costUsd: 1.5 }).cost, "$1.50");
  assert.equal(rowNumbers({ inputTokens: undefined, outputTokens: undefined, costUsd: undefined }).cost, undefined);
});

test("a token count the provider did not report is a dash, not a question mark", () => {
  assert.equal(formatTokens(9, undefined), "9 → – tok");
  assert.equal(formatTokens(undefined, 48), "– → 48 tok");
  assert.equal(formatTokens(12_345, 48), "12.3k → 48 tok");
  assert.equal(formatTokens(undefined, undefined), "");
});

test("the clock is 24-hour, with or without milliseconds", () => {
  const t = new Date(2026, 0, 2, 17, 5, 9, 42).getTime();
  assert.equal(formatClock(t), "17:05:09.042");
  assert.equal(formatClock(t, false), "17:05:09");
});

test("a trace's models list the model calls' models before the embedding model", () => {
  const span = (spanId: string, kind: Span["kind"], model: string, startTime: number): Span => ({
    traceId: "a".repeat(32), spanId, name: spanId, kind, startTime, endTime: startTime + 1, status: "ok", attributes: { "gen_ai.request.model": model },
  });
  const [trace] = groupTraces([span("e", "embedding", "text-embedding-3-small", 1), span("c", "llm", "gpt-4o-mini", 2), span("d", "llm", "gpt-4o-mini", 3)]);
  assert.deepEqual(summarizeTrace(trace!).models, ["gpt-4o-mini", "text-embedding-3-small"]);
});
