/**
 * When retention counts the spans store (a read of all of it): only when what was stored since
 * the last count may have reached the limit, not on every check.
 */
import { fakeBrowser } from "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { enforceRetention, spansStored } from "../../src/background/retention";
import { openStore } from "../../src/background/store";

test("the store is counted once, then again only when the spans stored since may reach the limit", async () => {
  await fakeBrowser.storage.local.set({ settings: { maxSpans: 1000 } });
  (globalThis as { navigator?: unknown }).navigator ??= { storage: { estimate: async () => ({ usage: 0 }) } };
  await openStore();
  const proto = IDBObjectStore.prototype as { count: (...a: unknown[]) => IDBRequest };
  const count = proto.count;
  let counts = 0;
  proto.count = function (this: IDBObjectStore, ...args: unknown[]) {
    if (this.name === "spans") counts++;
    return count.apply(this, args);
  };
  try {
    await enforceRetention(true);
    assert.equal(counts, 1);
    spansStored(400);
    await enforceRetention(true);
    spansStored(400);
    await enforceRetention(true);
    assert.equal(counts, 1);
    spansStored(400);
    await enforceRetention(true);
    assert.equal(counts, 2);
  } finally {
    proto.count = count;
  }
});
