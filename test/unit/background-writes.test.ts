/**
 * One write and one push per change (fake-indexeddb and an in-memory extension API in Node). A
 * batch bringing a span in a provisional place is placed in its own transaction when a run costs
 * little against the time since the last one, so the span is written once, in its trace; when a
 * run is not affordable it is stored provisionally (it must be, before the relay's ack) and placed
 * by the next run, and panels are sent it only then, once.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Runtime } from "webextension-polyfill";
import { assembleLive } from "../../src/background/assembly";
import { ingestBatch } from "../../src/background/ingest";
import { acceptPage, notifySpans } from "../../src/background/ports";
import { cachedWindow } from "../../src/background/windows";
import { isPlaced } from "../../src/core/assembly";
import type { CaptureEvent, SpanRecord } from "../../src/core/contract";
import type { Push, RpcHandlers } from "../../src/shared/messages";

let counter = 0;
const newId = (): string => (0x5000_0000_0000 + ++counter).toString(16).padStart(16, "e");
const PAGE = "https://support.example.com/";

function call(t: number, url: string): { id: string; events: CaptureEvent[] } {
  const id = newId();
  return {
    id,
    events: [
      { t: "request", id, transport: "fetch", time: t, method: "GET", url, headers: [], pageUrl: PAGE },
      { t: "response", id, time: t + 5, status: 200, statusText: "OK", headers: [["content-type", "application/json"]] },
      { t: "chunks", id, seq: 0, times: [t + 6], texts: ['{"ok":true}'] },
      { t: "end", id, time: t + 7, outcome: { state: "ok" }, chunks: 1 },
    ],
  };
}

/** Puts on the spans store, by span id, while `run` runs. */
async function spanPuts(run: () => Promise<unknown>): Promise<Map<string, number>> {
  const puts = new Map<string, number>();
  const proto = (globalThis as unknown as { IDBObjectStore: { prototype: { put(this: { name: string }, value: SpanRecord): unknown } } }).IDBObjectStore.prototype;
  const put = proto.put;
  proto.put = function (this: { name: string }, value: SpanRecord) {
    if (this.name === "spans") puts.set(value.spanId, (puts.get(value.spanId) ?? 0) + 1);
    return put.call(this, value);
  };
  try {
    await run();
  } finally {
    proto.put = put;
  }
  return puts;
}

/** A panel's port on `tabId`, keeping the spans it is sent. */
function panel(tabId: number): SpanRecord[] {
  const sent: SpanRecord[] = [];
  const listeners = { addListener() {} };
  const port = {
    name: `panel:${tabId}`,
    sender: { id: "unit-test", url: "chrome-extension://unit-test/panel.html" },
    onMessage: listeners,
    onDisconnect: listeners,
    postMessage(message: Push) {
      if (message.type === "spans-changed") sent.push(...message.spans);
    },
    disconnect() {},
  };
  assert.ok(acceptPage(port as unknown as Runtime.Port, () => ({}) as RpcHandlers));
  return sent;
}

/** A tab whose window holds a click and a dozen calls: one more call is a small share of it (no placing for that alone). */
async function busyTab(tabId: number): Promise<SpanRecord[]> {
  const t = Date.now() - 6000;
  const calls = Array.from({ length: 12 }, (_, k) => call(t + 10 + k * 50, `https://support.example.com/api/a${k}`));
  const click: CaptureEvent = { t: "interaction", id: newId(), time: t, action: "click", target: 'button "Go"', pageUrl: PAGE };
  return (await ingestBatch(tabId, 0, [click, ...calls.flatMap((c) => c.events)])).spans;
}

test("a batch bringing a new call while a run is cheap is placed in its own transaction: its span is written once, in its trace", async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
  const tab = 51;
  await busyTab(tab);
  // The last run took 1 ms and ended 100 ms ago: a run now is affordable.
  cachedWindow(tab)!.runCost = 1;
  t.mock.timers.tick(100);
  const next = call(Date.now() - 4000, "https://support.example.com/api/b");
  let result: Awaited<ReturnType<typeof ingestBatch>> | undefined;
  const puts = await spanPuts(async () => (result = await ingestBatch(tab, 0, next.events)));
  assert.equal(result!.unplacedFrom, undefined, "placed in the batch's transaction");
  assert.equal(puts.get(next.id), 1);
  assert.ok(isPlaced(result!.spans.find((s) => s.spanId === next.id)!));
});

test("when a run is not affordable, the new span is stored provisionally, placed by the next run, and sent to panels once, placed", async (t) => {
  t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
  const tab = 52;
  const sent = panel(tab);
  notifySpans(tab, await busyTab(tab));
  // The last run took 50 ms and ended 100 ms ago: the next one waits for THROTTLE_MS.
  cachedWindow(tab)!.runCost = 50;
  t.mock.timers.tick(100);
  const next = call(Date.now() - 4000, "https://support.example.com/api/b");
  const stored = await ingestBatch(tab, 0, next.events);
  assert.notEqual(stored.unplacedFrom, undefined, "left to the next run");
  assert.equal(isPlaced(stored.spans.find((s) => s.spanId === next.id)!), false, "stored before its trace is known");
  notifySpans(tab, stored.spans, stored.removed);
  // What the coalescer holds goes out within 200 ms (of the real clock); the run comes a second later.
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.mock.timers.tick(1000);
  const run = await assembleLive(tab);
  assert.ok(run.changed.some((s) => s.spanId === next.id), "the run places it");
  notifySpans(tab, run.changed, run.removed);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const copies = sent.filter((s) => s.spanId === next.id);
  assert.equal(copies.length, 1, "sent once");
  assert.ok(isPlaced(copies[0]!), "in its trace");
  assert.ok(sent.every(isPlaced), "a panel never sees a provisional place");
});
