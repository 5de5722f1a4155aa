/**
 * The filter (issue 20): an unknown key gets a hint instead of a silent text search, and a trace
 * the filter hides does not stay in the detail pane.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { computed, signal } from "@preact/signals";
import { unknownKeys } from "../../../src/core/query";
import type { SpanRecord } from "../../../src/core/contract";
import { filterHint } from "../../../src/panel/state/filter-hint";
import type { SpanStore } from "../../../src/panel/state/spans";
import { createTraceStore } from "../../../src/panel/state/traces";

test("unknown keys are found; known keys, addresses and times are not", () => {
  assert.deepEqual(unknownKeys("bogus:x"), ["bogus"]);
  assert.deepEqual(unknownKeys("model:gpt -Bogus:\"a b\" reset password bogus:y"), ["bogus"]);
  assert.deepEqual(unknownKeys("model:claude kind:tool status:error is:streaming tool:x provider:openai method:post trace:ab"), []);
  assert.deepEqual(unknownKeys("https://api.example.com/v1 at 12:30"), []);
});

test("the hint names the key and the keys there are, and guesses a typo", () => {
  assert.equal(filterHint("bogus:x"), "Unknown key bogus: (searched as text) — try model:, provider:, kind:, status:, is:, tool:, score:, label:, method:, trace:");
  assert.match(filterHint("models:gpt")!, /did you mean model:\?/);
  assert.match(filterHint("stat:error")!, /did you mean status:\?/);
  assert.match(filterHint("provder:openai")!, /did you mean provider:\?/);
  assert.equal(filterHint("model:gpt reset"), undefined);
  assert.equal(filterHint(""), undefined);
});

const span = (traceId: string, name: string, startTime: number, model: string): SpanRecord => ({
  traceId: traceId.repeat(32), spanId: traceId.repeat(16), name, kind: "llm", startTime, endTime: startTime + 5, status: "ok",
  attributes: { "gen_ai.request.model": model }, tabId: 1, updatedAt: startTime,
});

test("a selected trace the filter hides gives way to the first one shown, or to none", () => {
  const spans = [span("a", "chat gpt", 1_000, "gpt-4o"), span("b", "chat claude", 2_000, "claude-sonnet")];
  const byId = signal<ReadonlyMap<string, SpanRecord>>(new Map(spans.map((s) => [s.spanId, s])));
  const list = computed(() => [...byId.value.values()].sort((x, y) => x.startTime - y.startTime));
  const store = createTraceStore({ byId, list } as unknown as SpanStore);
  store.selectTrace("a".repeat(32));
  assert.equal(store.selectedSpan.value?.name, "chat gpt");

  store.query.value = "model:claude";
  assert.equal(store.selectedTrace.value?.traceId, "b".repeat(32));
  assert.equal(store.selectedSpan.value?.name, "chat claude");

  store.query.value = "model:nothing-matches";
  assert.equal(store.selectedTraceId.value, undefined);
  assert.equal(store.selectedSpan.value, undefined);

  // A selection the filter keeps is left alone.
  store.query.value = "";
  store.selectTrace("a".repeat(32));
  store.query.value = "chat";
  assert.equal(store.selectedTrace.value?.traceId, "a".repeat(32));
});
