/**
 * The panel's span store on a long session: the newest page is shown first, the older spans
 * follow in pages, and nothing removed or cleared meanwhile comes back.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { signal } from "@preact/signals";
import type { SpanRecord } from "../../../src/core/contract";
import type { Connection } from "../../../src/panel/connection";
import { createSpanStore } from "../../../src/panel/state/spans";
import { spansChanged, tabCleared, type Push, type RpcMethod } from "../../../src/shared/messages";

const span = (i: number): SpanRecord => ({
  traceId: "a".repeat(32), spanId: i.toString(16).padStart(16, "0"), name: `span ${i}`, kind: "http",
  startTime: 1_000 + i, endTime: 1_001 + i, status: "ok", attributes: {}, tabId: 1, updatedAt: 1,
});

/** A connection over `stored`, answering listSpans the way the background does; each answer waits for `release()`. */
function fakeConnection(stored: SpanRecord[]) {
  const calls: Record<string, unknown>[] = [];
  const gates: (() => void)[] = [];
  let listener: (push: Push | null) => void = () => {};
  const connection: Connection = {
    async call(method: RpcMethod, params: never) {
      assert.equal(method, "listSpans");
      const p = params as { newest?: number; until?: number };
      calls.push(p);
      await new Promise<void>((resolve) => gates.push(resolve));
      const inRange = stored.filter((s) => s.startTime <= (p.until ?? Infinity)).sort((a, b) => a.startTime - b.startTime);
      return (p.newest === undefined ? inRange : inRange.slice(-p.newest)) as never;
    },
    subscribe(l) {
      listener = l;
      return () => {};
    },
    close() {},
  };
  const release = async () => {
    gates.shift()?.();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return { connection, calls, release, push: (p: Push | null) => listener(p) };
}

test("a long session: the newest page first, then everything older, each span once", async () => {
  const stored = Array.from({ length: 2_000 }, (_, i) => span(i));
  const fake = fakeConnection(stored);
  const store = createSpanStore(fake.connection, signal(undefined));
  fake.push(null);
  assert.equal(store.loadState.value, "connecting");
  await fake.release();
  assert.equal(store.loadState.value, "loading");
  const first = store.list.value.length;
  assert.ok(first > 0 && first < 2_000, `first page ${first}`);
  assert.equal(store.list.value.at(-1)!.spanId, stored.at(-1)!.spanId, "the first page is the newest");
  assert.equal(fake.calls[1]?.until, store.list.value[0]!.startTime);
  await fake.release();
  assert.equal(store.loadState.value, "live");
  assert.deepEqual(store.list.value.map((s) => s.spanId), stored.map((s) => s.spanId));
});

test("older spans come in pages, newest first, until none is left", async () => {
  const stored = Array.from({ length: 1_000 }, (_, i) => span(i));
  const fake = fakeConnection(stored);
  const store = createSpanStore(fake.connection, signal(undefined), { first: 100, older: 300 });
  fake.push(null);
  const sizes: number[] = [];
  for (let i = 0; i < 6 && fake.calls.length > sizes.length; i++) {
    await fake.release();
    sizes.push(store.list.value.length);
  }
  // 100 newest, then pages of 300 that each repeat the span at their bound.
  assert.deepEqual(sizes, [100, 399, 698, 997, 1_000]);
  assert.equal(store.loadState.value, "live");
  assert.deepEqual(store.list.value.map((s) => s.spanId), stored.map((s) => s.spanId));
  for (let i = 2; i < fake.calls.length; i++) assert.ok((fake.calls[i]!.until as number) < (fake.calls[i - 1]!.until as number));
});

test("a page of spans that all started at the same instant does not loop: the rest comes at once", async () => {
  const stored = Array.from({ length: 1_000 }, (_, i) => ({ ...span(i), startTime: i < 900 ? 5 : 1_000 + i }));
  const fake = fakeConnection(stored);
  const store = createSpanStore(fake.connection, signal(undefined), { first: 50, older: 200 });
  fake.push(null);
  for (let i = 0; i < 10 && store.loadState.value !== "live"; i++) await fake.release();
  assert.equal(store.loadState.value, "live");
  assert.equal(store.list.value.length, 1_000);
  assert.ok(fake.calls.length <= 6, `${fake.calls.length} calls`);
  assert.equal(fake.calls.at(-1)!.newest, undefined);
});

test("a short session comes in one answer", async () => {
  const fake = fakeConnection([span(1), span(2)]);
  const store = createSpanStore(fake.connection, signal(undefined));
  fake.push(null);
  await fake.release();
  assert.equal(store.loadState.value, "live");
  assert.equal(store.list.value.length, 2);
  assert.equal(fake.calls.length, 1);
});

test("a span removed while older pages load does not come back with them", async () => {
  const stored = Array.from({ length: 2_000 }, (_, i) => span(i));
  const fake = fakeConnection(stored);
  const store = createSpanStore(fake.connection, signal(undefined));
  fake.push(null);
  await fake.release();
  // Evicted after the older page was read: the answer still carries it.
  fake.push(spansChanged([], [stored[3]!.spanId]));
  await fake.release();
  assert.equal(store.list.value.length, 1_999);
  assert.ok(!store.byId.value.has(stored[3]!.spanId));
});

test("clearing the tab while older pages load keeps it empty, and an export waits for the whole list", async () => {
  const stored = Array.from({ length: 2_000 }, (_, i) => span(i));
  const fake = fakeConnection(stored);
  const store = createSpanStore(fake.connection, signal(undefined));
  fake.push(null);
  await fake.release();
  let loaded = false;
  void store.loaded().then(() => { loaded = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(loaded, false, "loaded() waits for the older page");
  fake.push(tabCleared());
  await fake.release();
  assert.equal(loaded, true);
  assert.equal(store.list.value.length, 0);
  assert.equal(store.loadState.value, "live");
});
