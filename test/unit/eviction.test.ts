/**
 * Eviction is fair per tab: the tabs holding the most give up their oldest traces first, so a
 * page that floods storage evicts its own traces, never another tab's; a span a page dated in
 * the future does not make its trace the protected one (fake-indexeddb in Node).
 */
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { fairShares } from "../../src/core/capture";
import type { SpanRecord } from "../../src/core/contract";
import { evictSpans, spansOverLimit } from "../../src/background/eviction";
import { openStore, type TabEvent } from "../../src/background/store";

describe("fair shares", () => {
  const shares = (sizes: [number, number][], total: number) => Object.fromEntries(fairShares(new Map(sizes), total));

  it("the largest tab gives up everything above the others first", () => {
    assert.deepEqual(shares([[1, 1000], [2, 10], [3, 50]], 500), { 1: 500 });
    assert.deepEqual(shares([[1, 100], [2, 60], [3, 10]], 60), { 1: 50, 2: 10 });
  });

  it("equal tabs share equally, exactly the total, the largest bearing any remainder", () => {
    const s = shares([[1, 30], [2, 30], [3, 31]], 10);
    assert.equal(Object.values(s).reduce((a, b) => a + b, 0), 10);
    assert.deepEqual(s, { 1: 3, 2: 3, 3: 4 });
  });

  it("asked for more than there is: everything", () => {
    assert.deepEqual(shares([[1, 3], [2, 0]], 10), { 1: 3 });
    assert.deepEqual(shares([[1, 3]], 0), {});
  });
});

const BASE = 1_750_000_000_000;
let n = 0;
const hex = (v: number, len: number) => v.toString(16).padStart(len, "0");

function span(tabId: number, trace: number, at: number): SpanRecord {
  const spanId = hex(++n, 16);
  return {
    traceId: hex(trace, 32), spanId, name: `span ${n}`, kind: "llm", startTime: BASE + at, endTime: BASE + at + 10,
    status: "ok", attributes: {}, tabId, exchangeId: spanId, updatedAt: BASE,
  };
}

async function store(spans: SpanRecord[], events: TabEvent[] = []): Promise<void> {
  const db = await openStore();
  const tx = db.transaction(["spans", "events", "exchanges"], "readwrite");
  for (const s of spans) {
    void tx.objectStore("spans").put(s);
    void tx.objectStore("exchanges").put({ id: s.spanId, tabId: s.tabId, transport: "fetch", request: { method: "GET", url: "", headers: [] }, timing: { start: s.startTime } });
  }
  for (const e of events) void tx.objectStore("events").put(e);
  await tx.done;
}

const spansOf = async (tabId: number) => (await (await openStore()).getAllFromIndex("spans", "tabId", tabId)).map((s) => s.spanId).sort();

describe("evicting spans", () => {
  beforeEach(async () => {
    const db = await openStore();
    await Promise.all(["spans", "events", "exchanges"].map((s) => db.clear(s as "spans")));
  });

  it("a tab's flood evicts its own traces, not another tab's older ones", async () => {
    const victim = [span(1, 1, 0), span(1, 1, 5), span(1, 2, 100)];
    // The flood came later: by age alone, the victim's traces would go first.
    const flood = Array.from({ length: 40 }, (_, i) => span(2, 100 + i, 1000 + i));
    await store([...victim, ...flood]);
    assert.equal(await spansOverLimit(30), 43 - Math.floor(30 * 0.95));
    const evicted = await evictSpans(await spansOverLimit(30), BASE + 2000);
    assert.equal(evicted.spans, 15);
    assert.deepEqual(await spansOf(1), victim.map((s) => s.spanId).sort());
    assert.deepEqual(await spansOf(2), flood.slice(15).map((s) => s.spanId).sort());
    // What backed the evicted spans went with them.
    assert.equal(await (await openStore()).count("exchanges"), 28);
  });

  it("a span dated in the future does not make its trace the protected one", async () => {
    const old = [span(1, 1, 0), span(1, 1, 1), span(1, 1, 2)];
    const growing = [span(1, 2, 10), span(1, 2, 11), span(1, 2, 12)];
    const forged = span(1, 3, Date.UTC(2100, 0, 1) - BASE);
    await store([...old, ...growing, forged]);
    // Four spans: the old trace, and the oldest span of the one still growing (only that).
    await evictSpans(4, BASE + 20);
    assert.deepEqual(await spansOf(1), [growing[1]!.spanId, growing[2]!.spanId, forged.spanId].sort());
  });

  it("a trace id shared with another tab (traceparent) evicts only this tab's spans", async () => {
    const shared = 77;
    const mine = [span(1, shared, 0), span(1, shared, 1), span(1, 5, 50)];
    const theirs = span(2, shared, 3);
    await store([...mine, theirs]);
    await evictSpans(1, BASE + 100);
    assert.deepEqual(await spansOf(1), [mine[2]!.spanId]);
    assert.deepEqual(await spansOf(2), [theirs.spanId]);
  });

  it("interactions and marks older than every span the tab keeps go with its traces", async () => {
    const spans = [span(1, 1, 0), span(1, 2, 100), span(1, 3, 200)];
    const event = (id: string, at: number): TabEvent => ({ kind: "interaction", id, tabId: 1, time: BASE + at, action: "click", target: "button", pageUrl: "" });
    await store(spans, [event("e-old", -5), event("e-mid", 99), event("e-new", 150), { ...event("e-other-tab", -5), tabId: 2 }]);
    await evictSpans(1, BASE + 300);
    const left = (await (await openStore()).getAll("events")).map((e) => e.id).sort();
    assert.deepEqual(left, ["e-mid", "e-new", "e-other-tab"]);
  });
});
