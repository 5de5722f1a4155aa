/**
 * A regression run in the panel (docs/DESIGN.md, "Regression runs"), with a fake connection and
 * spans arriving as capture would bring them: at most `concurrency` sends wait for their answer
 * at once, each ended span is graded, Stop leaves the rest unsent, and a page that forgot its
 * credentials stops the run and asks for them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { signal } from "@preact/signals";
import type { SpanRecord } from "../../../src/core/contract";
import type { DatasetItem, DatasetRun } from "../../../src/core/evals";
import type { Connection } from "../../../src/panel/connection";
import { createRunStore } from "../../../src/panel/state/dataset-run";
import { createDatasetStore } from "../../../src/panel/state/datasets";
import type { DatasetContents, ReplayResult, RpcMethod } from "../../../src/shared/messages";

const DATASET = "00000000000000d1";
const item = (n: number): DatasetItem => ({
  id: `item${n}`, input: { messages: [{ role: "user", parts: [{ type: "text", content: `Q${n}` }] }], params: { model: "gpt-4o-mini" } },
  expected: { text: `A${n}`, toolCalls: [] }, metadata: { inputTokens: 10, outputTokens: 2, latencyMs: 100 },
  request: { url: "http://127.0.0.1/v1/chat/completions", method: "POST", body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `Q${n}` }] }) },
});
const contents = (n: number): DatasetContents => ({
  dataset: { id: DATASET, name: "FAQ", items: n, runs: 0, createdAt: 0, updatedAt: 0 }, items: Array.from({ length: n }, (_, i) => item(i + 1)), runs: [],
});

const span = (id: string, answer: string): SpanRecord => ({
  traceId: "0".repeat(32), spanId: id, name: "chat gpt-4o-mini", kind: "llm", startTime: 1000, endTime: 1050, status: "ok", tabId: 1, updatedAt: 1,
  attributes: { "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 3, "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: answer }] }]) },
} as unknown as SpanRecord);

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function setup(n: number, send: (params: { itemId: string; body: string }) => ReplayResult) {
  const sent: { itemId: string; body: string }[] = [];
  const saved: DatasetRun[] = [];
  const connection: Connection = {
    async call(method: RpcMethod, params: never) {
      const answers: Partial<Record<RpcMethod, (p: never) => unknown>> = {
        listDatasets: () => [contents(n).dataset],
        getDataset: () => contents(n),
        sendDatasetItem: (p: { itemId: string; body: string }) => (sent.push(p), send(p)),
        saveDatasetRun: (p: { run: DatasetRun }) => (saved.push(p.run), { saved: true }),
      };
      const answer = answers[method];
      if (!answer) throw new Error(`no answer for ${method}`);
      return answer(params) as never;
    },
    subscribe: () => () => {},
    close() {},
  };
  const spans = signal<ReadonlyMap<string, SpanRecord>>(new Map());
  const datasets = createDatasetStore(connection, signal(undefined));
  const run = createRunStore(connection, spans, signal(undefined), datasets);
  const arrive = (s: SpanRecord) => (spans.value = new Map([...spans.value, [s.spanId, s]]));
  return { datasets, run, sent, saved, arrive };
}

test("a run sends two at a time, grades each answer, and keeps the run", async () => {
  const t = setup(3, (p) => ({ ok: true, spanIds: [`span-${p.itemId}`], replayGroup: "g" }));
  await t.datasets.select(DATASET);
  t.run.form.value = { ...t.run.form.value, changeSystem: true, system: "Be a pirate." };
  const done = t.run.start();
  await settle();
  assert.equal(t.sent.length, 2, "concurrency 2: the third waits");
  assert.equal(JSON.parse(t.sent[0]!.body).messages[0].content, "Be a pirate.");
  t.arrive(span("span-item1", "A1"));
  await settle();
  assert.equal(t.sent.length, 3);
  t.arrive(span("span-item2", "Arr, A2"));
  t.arrive(span("span-item3", "A3"));
  await done;
  const shown = t.run.shown.value!;
  assert.deepEqual(shown.results.map((r) => r.status), ["passed", "failed", "passed"]);
  assert.equal(shown.state, "done");
  assert.equal(shown.results[1]!.checks![0]!.note, "the text differs");
  assert.equal(shown.results[0]!.latencyMs, 50);
  const summary = t.run.summary.value!;
  assert.deepEqual([summary.passed, summary.failed, summary.errors, summary.pending, summary.medianLatencyMs], [2, 1, 0, 0, 50]);
  assert.ok(summary.totalCostUsd! > 0, "priced from the table");
  assert.deepEqual(t.saved.map((r) => r.state), ["running", "done"]);
});

test("Stop: what is in flight ends, the rest is never sent", async () => {
  const t = setup(5, (p) => ({ ok: true, spanIds: [`span-${p.itemId}`], replayGroup: "g" }));
  await t.datasets.select(DATASET);
  const done = t.run.start();
  await settle();
  t.run.stop();
  t.arrive(span("span-item1", "A1"));
  t.arrive(span("span-item2", "A2"));
  await done;
  assert.equal(t.sent.length, 2);
  assert.equal(t.run.shown.value!.state, "stopped");
  assert.deepEqual(t.run.shown.value!.results.map((r) => r.status), ["passed", "passed", "pending", "pending", "pending"]);
});

test("credentials gone: the run stops and asks; a header given is sent with each call of the next run", async () => {
  let withHeader = false;
  const t = setup(2, (p) => (withHeader || (p as { headers?: unknown }).headers
    ? (withHeader = true, { ok: true, spanIds: [`span-${p.itemId}`], replayGroup: "g" })
    : { ok: false, reason: "credentials-gone", message: "its headers (API keys) are gone" }));
  await t.datasets.select(DATASET);
  await t.run.start();
  assert.match(t.run.needsCredentials.value ?? "", /are gone/);
  assert.equal(t.run.shown.value!.state, "stopped");
  const again = t.run.start([["Authorization", "Bearer sk-x"]]);
  await settle();
  assert.equal(t.run.needsCredentials.value, undefined);
  t.arrive(span("span-item1", "A1"));
  t.arrive(span("span-item2", "A2"));
  await again;
  assert.deepEqual(t.run.shown.value!.results.map((r) => r.status), ["passed", "passed"]);
});

test("a check that cannot compile stops the run before anything is sent", async () => {
  const t = setup(1, () => assert.fail("nothing may be sent"));
  await t.datasets.select(DATASET);
  t.run.form.value = { ...t.run.form.value, checks: [{ kind: "regex", pattern: "(a" }] };
  await t.run.start();
  assert.match(t.run.error.value ?? "", /regex is not valid/);
  assert.equal(t.sent.length, 0);
});
