/**
 * Opening a database without losing it (fake-indexeddb in Node): a transient error is retried
 * and deletes nothing; only a failed migration or a database from a newer version resets it,
 * keeping what can still be read, and says so.
 */
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deleteDB, openDB } from "idb";
import { openRecovering, type Migration, type OpenDeps, type OpenPlan, type ResetReport } from "../../src/background/store-open";
import { DB_VERSION, importDbName, onStoreReset, openStore } from "../../src/background/store";

const v1: Migration = (db) => {
  db.createObjectStore("spans", { keyPath: "spanId" });
};
const v2: Migration = (db) => {
  db.createObjectStore("events", { keyPath: "id" });
};

function plan(name: string, migrations: Migration[], resets: ResetReport[]): OpenPlan {
  return { name, migrations, keep: ["spans", "events"], onReset: (r) => resets.push(r), onClosed: () => {} };
}

const noWait: OpenDeps = { openDB, deleteDB, sleep: async () => {} };

/** A database at version 1 holding `n` spans. */
async function seed(name: string, n: number): Promise<void> {
  const db = await openRecovering(plan(name, [v1], []), noWait);
  const tx = db.transaction("spans", "readwrite");
  for (let i = 0; i < n; i++) void tx.store.put({ spanId: `s${i}`, name: `span ${i}` });
  await tx.done;
  db.close();
}

const spanNames = async (name: string) => {
  const db = await openDB(name);
  const names = (await db.getAll("spans")).map((s: { name: string }) => s.name).sort();
  db.close();
  return names;
};

describe("opening a database without losing it", () => {
  it("a transient error is retried, and nothing is deleted or reset", async () => {
    await seed("transient", 3);
    let failures = 2;
    const flaky: OpenDeps = {
      ...noWait,
      openDB: ((...args: Parameters<typeof openDB>) => {
        if (failures-- > 0) return Promise.reject(new DOMException("Internal error opening backing store", "UnknownError"));
        return openDB(...args);
      }) as typeof openDB,
    };
    const resets: ResetReport[] = [];
    const db = await openRecovering(plan("transient", [v1], resets), flaky);
    assert.equal(await db.count("spans"), 3);
    assert.equal(resets.length, 0);
    db.close();
  });

  it("an error that persists fails the open but leaves the database as it was", async () => {
    await seed("persistent", 2);
    const broken: OpenDeps = { ...noWait, openDB: (() => Promise.reject(new DOMException("aborted", "AbortError"))) as unknown as typeof openDB };
    const resets: ResetReport[] = [];
    await assert.rejects(openRecovering(plan("persistent", [v1], resets), broken), { name: "AbortError" });
    assert.equal(resets.length, 0);
    assert.deepEqual(await spanNames("persistent"), ["span 0", "span 1"]);
  });

  it("a failed migration resets the database, keeping what it held, and says so", async () => {
    await seed("failed-migration", 4);
    // A migration that cannot handle the data it finds (it works on an empty database).
    const failing: Migration = (db, tx) => {
      db.createObjectStore("events", { keyPath: "id" });
      void tx.objectStore("spans").count().then((n) => {
        if (n > 0) tx.abort();
      });
    };
    const resets: ResetReport[] = [];
    const db = await openRecovering(plan("failed-migration", [v1, failing], resets), noWait);
    assert.equal(db.version, 2);
    assert.ok(db.objectStoreNames.contains("events"));
    assert.equal(resets.length, 1);
    assert.equal(resets[0]!.kept, 4);
    assert.equal(resets[0]!.total, 4);
    db.close();
    assert.deepEqual(await spanNames("failed-migration"), ["span 0", "span 1", "span 2", "span 3"]);
  });

  it("a database from a newer version is reset to ours, keeping the records our stores can hold", async () => {
    // As a later version of the extension would leave it: our stores plus one we do not know.
    const newer = await openDB("from-newer", 7, {
      upgrade(db) {
        db.createObjectStore("spans", { keyPath: "spanId" });
        db.createObjectStore("events", { keyPath: "id" });
        db.createObjectStore("future", { keyPath: "id" });
      },
    });
    await newer.put("spans", { spanId: "a", name: "kept" });
    await newer.put("events", { id: "e1", kind: "mark" });
    await newer.put("future", { id: "f" });
    newer.close();
    const resets: ResetReport[] = [];
    const db = await openRecovering(plan("from-newer", [v1, v2], resets), noWait);
    assert.equal(db.version, 2);
    assert.equal(db.objectStoreNames.contains("future"), false);
    assert.deepEqual(await db.getAll("spans"), [{ spanId: "a", name: "kept" }]);
    assert.equal(await db.count("events"), 1);
    assert.equal(resets.length, 1);
    assert.match(resets[0]!.reason, /VersionError/);
    assert.equal(resets[0]!.kept, 2);
    db.close();
  });

  it("a migration that fails even on an empty database resets nothing", async () => {
    await seed("always-failing", 2);
    const broken: Migration = () => {
      throw new Error("bug in a migration");
    };
    const resets: ResetReport[] = [];
    await assert.rejects(openRecovering(plan("always-failing", [v1, broken], resets), noWait));
    assert.equal(resets.length, 0);
    assert.deepEqual(await spanNames("always-failing"), ["span 0", "span 1"]);
  });

  it("an imported file's database from a newer version keeps its spans and traces", async () => {
    const name = importDbName(-42);
    const newer = await openDB(name, DB_VERSION + 5, {
      upgrade(db) {
        const spans = db.createObjectStore("spans", { keyPath: "spanId" });
        spans.createIndex("tabStart", ["tabId", "startTime"]);
      },
    });
    await newer.put("spans", { spanId: "00000000000000aa", traceId: "1".repeat(32), tabId: 0, startTime: 5, name: "imported" });
    newer.close();
    const resets: ResetReport[] = [];
    onStoreReset((r) => resets.push(r));
    const db = await openStore(name);
    assert.equal(db.version, DB_VERSION);
    const spans = await db.getAllFromIndex("spans", "tabStart", IDBKeyRange.bound([0, -Infinity], [0, Infinity]));
    assert.deepEqual(spans.map((s) => s.name), ["imported"]);
    assert.deepEqual(resets.map((r) => [r.name, r.kept, r.total]), [[name, 1, 1]]);
  });
});
