/**
 * The background's ingest of one batch (fake-indexeddb and an in-memory extension API in Node):
 * an exchange its code cannot process is counted and skipped while the rest of the batch is
 * stored, so the batch can be acknowledged rather than retried forever; and records the hook
 * could not have produced as claimed are marked unverified.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CaptureEvent } from "../../src/core/capture-events";
import { ingestBatch } from "../../src/background/ingest";
import { openStore } from "../../src/background/store";

const T = Date.now();
let n = 0;
const newId = () => (0x1000 + ++n).toString(16).padStart(16, "0");

function exchange(id: string, url: string): CaptureEvent[] {
  return [
    { t: "request", id, transport: "fetch", time: T, method: "GET", url, headers: [], pageUrl: "http://localhost/" },
    { t: "response", id, time: T + 5, status: 200, statusText: "OK", headers: [["content-type", "application/json"]] },
    { t: "chunks", id, seq: 0, times: [T + 6], texts: ['{"ok":true}'] },
    { t: "end", id, time: T + 7, outcome: { state: "ok" }, chunks: 1 },
  ];
}

const stored = async (id: string) => (await openStore()).get("exchanges", id);
const spanOf = async (id: string) => (await openStore()).get("spans", id);

describe("ingesting a batch", () => {
  it("an exchange that cannot be processed is skipped and counted; the rest of the batch is stored", async () => {
    const good = newId();
    const bad = newId();
    // What validation now stops at the door (a response URL that is an object) made the
    // redactor throw: the whole batch failed on every retry, after the good exchange had
    // already been committed.
    const poison = { t: "response", id: bad, time: T, status: 200, statusText: "", headers: [], url: {} } as unknown as CaptureEvent;
    const batch = [...exchange(good, "http://localhost/good"), poison];
    const result = await ingestBatch(1, 0, batch);
    assert.equal(result.rejected, 1);
    assert.equal((await stored(good))?.outcome?.state, "ok");
    assert.ok(await spanOf(good));
    // Delivered again (the relay's retry), it gives the same answer rather than an error.
    assert.equal((await ingestBatch(1, 0, batch)).rejected, 1);
  });

  it("events naming another tab's exchange are rejected and counted", async () => {
    const id = newId();
    await ingestBatch(1, 0, exchange(id, "http://localhost/mine"));
    const forged: CaptureEvent = { t: "chunks", id, seq: 1, times: [T], texts: ["FORGED"] };
    const result = await ingestBatch(2, 0, [forged]);
    assert.equal(result.rejected, 1);
    assert.equal((await stored(id))?.tabId, 1);
  });

  it("marks what the hook could not have produced as claimed: another frame, clamped times, no request", async () => {
    const id = newId();
    const [request, response, chunks, end] = exchange(id, "http://localhost/framed");
    await ingestBatch(1, 0, [request!, response!]);
    assert.equal((await spanOf(id))?.attributes["llm_trace.unverified"], undefined);
    // The rest of its events come from another frame of the tab.
    await ingestBatch(1, 3, [chunks!]);
    assert.deepEqual((await spanOf(id))?.attributes["llm_trace.unverified"], ["frame"]);
    await ingestBatch(1, 0, [end!], { clamped: new Set([id]) });
    assert.deepEqual((await spanOf(id))?.attributes["llm_trace.unverified"], ["frame", "time"]);

    const headless = newId();
    await ingestBatch(1, 0, exchange(headless, "").slice(1));
    assert.deepEqual((await spanOf(headless))?.attributes["llm_trace.unverified"], ["no-request"]);
  });
});
