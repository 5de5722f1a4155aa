/**
 * Importing a file from the panel: a foreign HAR's traces are assembled over the whole file,
 * and the batches reach the background in order, the session listed only once all are stored.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { harText, toHar } from "../../../src/core/files";
import type { Exchange, SpanRecord } from "../../../src/core/contract";
import type { Connection } from "../../../src/panel/connection";
import { importFile } from "../../../src/panel/files";
import { makeExchange, nextId } from "../../fixtures/providers/make-exchange";
import { chatStream } from "../../fixtures/providers/openai-chat";

/** `n` streamed chat calls, one every five minutes, as a browser's Network export holds them (no spans). */
function networkHar(n: number, padding = 0): string {
  const exchanges: Exchange[] = [];
  for (let k = 0; k < n; k++) {
    const ex = makeExchange(chatStream);
    const dt = k * 5 * 60_000;
    exchanges.push({
      ...ex, id: nextId(),
      request: { ...ex.request, body: { text: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x".repeat(padding) }] }) } },
      timing: Object.fromEntries(Object.entries(ex.timing).map(([key, t]) => [key, t + dt])) as Exchange["timing"],
      chunks: ex.chunks.map((c) => ({ ...c, time: c.time + dt })),
    });
  }
  const har = toHar({ spans: [], exchanges }, { creatorVersion: "test" });
  return JSON.stringify({ log: { version: "1.2", creator: { name: "WebInspector", version: "537.36" }, entries: har.log.entries.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith("_")))) } });
}

interface Sent {
  params: { session?: number; spans: SpanRecord[]; exchanges: Exchange[]; done: boolean };
  /** Calls answered when this one was made. */
  answeredBefore: number;
}

/** A background that answers each importBatch a moment later, recording what it was sent. */
function fakeBackground() {
  const sent: Sent[] = [];
  let answered = 0;
  const connection: Connection = {
    async call(method, params) {
      assert.equal(method, "importBatch");
      const p = params as Sent["params"];
      sent.push({ params: p, answeredBefore: answered });
      await new Promise((r) => setTimeout(r, 1));
      answered++;
      return { session: p.session ?? -1 } as never;
    },
    subscribe: () => () => {},
    close() {},
  };
  return { connection, sent };
}

test("a Network HAR's traces are assembled over the whole file, not only its last minutes", async () => {
  const calls = 40;
  const bg = fakeBackground();
  const outcome = await importFile(new File([networkHar(calls)], "network.har"), bg.connection);
  assert.ok(outcome.ok, JSON.stringify(outcome));
  const spans = bg.sent.flatMap((s) => s.params.spans);
  const models = spans.filter((s) => s.kind === "llm");
  assert.equal(models.length, calls);
  const roots = new Map(spans.filter((s) => s.parentSpanId === undefined).map((s) => [s.spanId, s]));
  for (const m of models) assert.equal(roots.get(m.parentSpanId!)?.traceId, m.traceId);
  assert.equal(roots.size, calls);
});

test("batches go out in order, two at a time; the last lists the session once every other one is stored", async () => {
  const bg = fakeBackground();
  // Large enough for several batches.
  const outcome = await importFile(new File([networkHar(300, 50_000)], "network.har"), bg.connection);
  assert.ok(outcome.ok);
  assert.ok(bg.sent.length >= 4, `${bg.sent.length} batches`);
  assert.equal(bg.sent[0]!.params.session, undefined);
  for (const s of bg.sent.slice(1)) assert.equal(s.params.session, -1);
  assert.deepEqual(bg.sent.map((s) => s.params.done), bg.sent.map((_, i) => i === bg.sent.length - 1));
  assert.equal(bg.sent.at(-1)!.answeredBefore, bg.sent.length - 1);
  // Each exchange once, with its span.
  const ids = bg.sent.flatMap((s) => s.params.exchanges.map((e) => e.id));
  assert.equal(new Set(ids).size, 300);
});
