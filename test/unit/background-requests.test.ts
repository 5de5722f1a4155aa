/**
 * What a batch costs in IndexedDB requests (fake-indexeddb and an in-memory extension API in
 * Node), counted on the benchmark's own traffic (bench/lib/synth.ts): the exchanges a batch
 * brings whole are written together, a block at a time, not a request each; and what that
 * changes stays true: a batch delivered again (even with fewer exchanges admitted) loses no
 * record, a later event of an exchange in a block is folded into it after a worker restart, a
 * long body's chunks stored apart are read back, and deleting spans takes their exchanges out of
 * their blocks.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleLive } from "../../src/background/assembly";
import { forgetAll, ingestBatch } from "../../src/background/ingest";
import { deleteSpans, openStore, readExchanges } from "../../src/background/store";
import type { CaptureEvent } from "../../src/core/contract";
import { drive } from "../../bench/lib/synth";

type Counts = Map<string, number>;

/** IndexedDB requests by "store.method" while `run` runs. */
async function requests(run: () => Promise<unknown>): Promise<Counts> {
  const counts: Counts = new Map();
  const g = globalThis as unknown as { IDBObjectStore: { prototype: Record<string, unknown> }; IDBIndex: { prototype: Record<string, unknown> } };
  const restore: (() => void)[] = [];
  const wrap = (proto: Record<string, unknown>, method: string, storeOf: (self: { name: string; objectStore?: { name: string } }) => string) => {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: { name: string; objectStore?: { name: string } }, ...args: unknown[]) {
      const key = `${storeOf(this)}.${method}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return original.apply(this, args);
    };
    restore.push(() => { proto[method] = original; });
  };
  for (const m of ["put", "add", "delete", "get", "getKey", "getAll", "getAllKeys", "count", "openCursor", "openKeyCursor"]) {
    wrap(g.IDBObjectStore.prototype, m, (s) => s.name);
    if (m !== "put" && m !== "add" && m !== "delete") wrap(g.IDBIndex.prototype, m, (s) => s.objectStore!.name);
  }
  try {
    await run();
  } finally {
    for (const r of restore) r();
  }
  return counts;
}

const sum = (counts: Counts, methods: string[]) => [...counts].reduce((n, [k, v]) => n + (methods.includes(k.slice(k.indexOf(".") + 1)) ? v : 0), 0);

/** The benchmark's traffic for `traces` questions, as capture messages of up to 2,000 events, each stored as the background stores it. */
async function benchTraffic(tabId: number, traces: number): Promise<{ exchangeSpans: number; batches: CaptureEvent[][] }> {
  const batches: CaptureEvent[][] = [];
  const chrome = (globalThis as unknown as { chrome: { runtime: { sendMessage?: (m: { events: CaptureEvent[] }) => Promise<unknown> } } }).chrome;
  chrome.runtime.sendMessage = async (m) => {
    batches.push(m.events);
    await ingestBatch(tabId, 0, m.events);
    return { ok: true };
  };
  try {
    const result = await drive({
      origin: "https://bench.example", pageUrl: "https://bench.example/bench.html", maxBatchEvents: 2000, inflight: 1, streamChunks: 10,
      startTime: Date.now() - 50_000, spacingMs: 20, traces,
    });
    return { exchangeSpans: result.exchangeSpans, batches };
  } finally {
    delete chrome.runtime.sendMessage;
  }
}

test("the benchmark's traffic costs under 1.8 IndexedDB requests per exchange span, its exchanges written a block at a time", async () => {
  let exchangeSpans = 0;
  const counts = await requests(async () => {
    // Six messages, each large against the tab's window, so placed in its own transaction (a
    // small last one would be stored provisionally and placed by a run, a second write per span).
    exchangeSpans = (await benchTraffic(21, 400)).exchangeSpans;
    await assembleLive(21);
  });
  assert.equal(exchangeSpans, 1600);
  // Per question: 4 exchanges (in blocks), 6 spans (4 exchange spans, the click's, the tool's) and the click (an event).
  const writes = sum(counts, ["put", "add", "delete"]);
  assert.ok(writes / exchangeSpans < 1.8, `${(writes / exchangeSpans).toFixed(2)} writes per exchange span (${JSON.stringify([...counts])})`);
  assert.equal(counts.get("exchanges.put") ?? 0, 0, "no exchange of a whole batch is written alone");
  assert.ok((counts.get("exchangeBlocks.put") ?? 0) < exchangeSpans / 20);
  assert.ok(sum(counts, ["get", "getKey", "getAll", "getAllKeys", "count", "openCursor", "openKeyCursor"]) / exchangeSpans < 0.05, "next to nothing is read");
  const stored = await readExchanges((await (await openStore()).getAllKeysFromIndex("spans", "tabId", 21)));
  assert.equal(stored.filter((s) => s !== undefined).length, exchangeSpans, "every exchange span's exchange is there");
});

test("a batch delivered again after a restart is stored once; with its first exchange refused the second time, no record is lost", async () => {
  const tab = 22;
  const { batches } = await benchTraffic(tab, 10);
  assert.equal(batches.length, 1);
  const batch = batches[0]!;
  const ids = batch.flatMap((e) => (e.t === "request" ? [e.id] : []));
  const db = await openStore();
  const copies = async () => (await db.getAll("exchangeBlocks")).flatMap((b) => b.ids).filter((id) => ids.includes(id)).length;
  forgetAll();
  await ingestBatch(tab, 0, batch);
  assert.equal(await copies(), ids.length, "each exchange in one block");
  // The rate limit refuses the first exchange this time: the block it keyed must keep it.
  forgetAll();
  await ingestBatch(tab, 0, batch.filter((e) => !("id" in e) || e.id !== ids[0] || e.t === "interaction"));
  assert.deepEqual((await readExchanges(ids)).map((s) => s?.record.id), ids);
  // The others are now in two blocks, the same record in each; deleting their spans removes every copy.
  await deleteSpans(ids);
  assert.equal(await copies(), 0);
});

test("an event of an exchange stored in a block, after a restart, is folded into its record", async () => {
  const tab = 23;
  const { batches } = await benchTraffic(tab, 1);
  const request = batches[0]!.find((e) => e.t === "request" && e.method === "POST")!;
  forgetAll();
  // The same exchange's response once more, from another frame.
  const response = batches[0]!.find((e) => e.t === "response" && e.id === request.id)!;
  await ingestBatch(tab, 3, [response]);
  const [stored] = await readExchanges([request.id]);
  assert.equal(stored?.record.request.url, request.t === "request" ? request.url : "");
  assert.deepEqual(stored?.record.unverified, ["frame"]);
  assert.ok(stored!.chunks.length > 1, "its body is still there");
  assert.equal((await openStore().then((db) => db.get("spans", request.id)))?.attributes["llm_trace.unverified"]?.toString(), "frame");
});

test("a body longer than a record holds, in a batch with its whole exchange, is read back whole from its block and the chunks store", async () => {
  const tab = 24;
  const id = "b10cb10cb10cb10c";
  const texts = Array.from({ length: 12 }, (_, i) => `${i}`.padEnd(10_000, "x"));
  const t = Date.now() - 10_000;
  await ingestBatch(tab, 0, [
    { t: "request", id, transport: "fetch", time: t, method: "GET", url: "https://bench.example/long", headers: [], pageUrl: "https://bench.example/" },
    { t: "response", id, time: t + 1, status: 200, statusText: "OK", headers: [["content-type", "text/plain"]] },
    { t: "chunks", id, seq: 0, times: texts.map((_, i) => t + 2 + i), texts },
    { t: "end", id, time: t + 20, outcome: { state: "ok" }, chunks: texts.length },
  ]);
  const db = await openStore();
  assert.equal(await db.get("exchanges", id), undefined, "in a block");
  assert.ok((await db.count("chunks", IDBKeyRange.bound([id, 0], [id, Infinity]))) > 0, "part of its body apart");
  const [stored] = await readExchanges([id]);
  assert.equal(stored!.chunks.map((c) => c.text).join(""), texts.join(""));
});

test("deleting spans takes their exchanges out of their blocks, and an emptied block goes", async () => {
  const tab = 25;
  const { batches } = await benchTraffic(tab, 4);
  const db = await openStore();
  const ids = batches.flat().flatMap((e) => (e.t === "request" ? [e.id] : []));
  const keys = async () => (await db.getAll("exchangeBlocks")).filter((b) => b.exchanges.some((e) => e.tabId === tab));
  assert.equal((await keys()).length, 1);
  await deleteSpans(ids.slice(0, 4));
  assert.deepEqual((await readExchanges(ids)).map((s) => s !== undefined), ids.map((_, i) => i >= 4));
  assert.deepEqual((await keys())[0]!.ids.sort(), ids.slice(4).sort());
  await deleteSpans(ids.slice(4));
  assert.deepEqual(await keys(), []);
});
