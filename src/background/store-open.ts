/**
 * Opening a versioned IndexedDB database without losing it. An open that fails is retried: the
 * errors a browser gives while opening (AbortError, UnknownError, a backing store it cannot
 * reach for a moment) pass, and deleting the database for them would throw away imported files
 * the user can no longer import again. Only two failures reset a database, since waiting
 * cannot mend them: a migration that failed, and a database written by a newer version of the
 * extension (a downgrade). Even then, what can still be read is copied into the new database
 * first (up to a budget, the most valued stores first), and the caller is told, to say so.
 */
import { deleteDB, openDB, type IDBPDatabase, type IDBPTransaction } from "idb";
import { approximateBytes } from "../core/capture";

type Db = IDBPDatabase<unknown>;
export type Migration = (db: Db, tx: IDBPTransaction<unknown, string[], "versionchange">) => void;

export interface ResetReport {
  name: string;
  /** Why the database could not be opened as it was. */
  reason: string;
  /** Records copied into the new database, of those the old one held in the kept stores. */
  kept: number;
  total: number;
}

export interface OpenPlan {
  name: string;
  /** Entry i upgrades version i to i + 1. */
  migrations: readonly Migration[];
  /** Stores whose records are worth keeping through a reset, most valued first. */
  keep: readonly string[];
  onReset(report: ResetReport): void;
  /** The connection was closed under us (a newer schema wants it, or the browser dropped it). */
  onClosed(): void;
}

export interface OpenDeps {
  openDB: typeof openDB;
  deleteDB: typeof deleteDB;
  sleep(ms: number): Promise<void>;
}

const defaults: OpenDeps = { openDB, deleteDB, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** Waits before each retry of an open that failed for no reason a reset would mend. */
const RETRY_DELAYS_MS = [100, 500, 2000];
/** What a reset copies at most: held in memory between the old database and the new. */
const RESCUE_BUDGET_BYTES = 64 * 1024 * 1024;

const describe = (error: unknown): string => (error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error));

export async function openRecovering(plan: OpenPlan, deps: OpenDeps = defaults): Promise<Db> {
  for (let attempt = 0; ; attempt++) {
    const state = { upgrading: false };
    try {
      return await openAt(plan, plan.name, deps, state);
    } catch (error) {
      const downgrade = (error as { name?: unknown } | null)?.name === "VersionError";
      if (state.upgrading || downgrade) return reset(plan, deps, error);
      if (attempt >= RETRY_DELAYS_MS.length) throw error;
      await deps.sleep(RETRY_DELAYS_MS[attempt]!);
    }
  }
}

function openAt(plan: OpenPlan, name: string, deps: OpenDeps, state: { upgrading: boolean }): Promise<Db> {
  const version = plan.migrations.length;
  const opening: Promise<Db> = deps.openDB(name, version, {
    upgrade(db, oldVersion, _newVersion, tx) {
      state.upgrading = true;
      // A failed upgrade is reported by the open itself.
      tx.done.catch(() => {});
      for (let v = oldVersion; v < version; v++) plan.migrations[v]!(db, tx);
    },
    // Another context wants a newer schema (or to delete the database): step aside.
    blocking() {
      void opening.then((db) => db.close());
      plan.onClosed();
    },
    terminated() {
      plan.onClosed();
    },
  });
  return opening;
}

async function reset(plan: OpenPlan, deps: OpenDeps, error: unknown): Promise<Db> {
  // First make sure a fresh database can be made at all: if not, deleting the old one would
  // lose it for nothing.
  const probe = `${plan.name}-probe`;
  const fresh = await openAt(plan, probe, deps, { upgrading: false }).catch(() => undefined);
  if (!fresh) throw error;
  fresh.close();
  await deps.deleteDB(probe);

  const rescued = await rescue(plan, deps);
  await deps.deleteDB(plan.name);
  const db = await openAt(plan, plan.name, deps, { upgrading: false });
  let kept = 0;
  for (const [store, records] of rescued.records) kept += await restore(db, store, records);
  plan.onReset({ name: plan.name, reason: describe(error), kept, total: rescued.total });
  return db;
}

/** The records of the kept stores that can still be read, as the database is (no upgrade). */
async function rescue(plan: OpenPlan, deps: OpenDeps): Promise<{ records: Map<string, unknown[]>; total: number }> {
  const records = new Map<string, unknown[]>();
  let total = 0;
  let old: Db | undefined;
  try {
    old = await deps.openDB(plan.name);
    let budget = RESCUE_BUDGET_BYTES;
    for (const store of plan.keep) {
      if (!old.objectStoreNames.contains(store)) continue;
      total += await old.count(store);
      const list: unknown[] = [];
      records.set(store, list);
      let cursor = budget > 0 ? await old.transaction(store).store.openCursor() : null;
      while (cursor) {
        budget -= approximateBytes(cursor.value);
        if (budget < 0) break;
        list.push(cursor.value);
        cursor = await cursor.continue();
      }
    }
  } catch {
    // What could not be read is lost; what was read is kept.
  } finally {
    old?.close();
  }
  return { records, total };
}

/** Put back what the new schema accepts; a record it refuses (no valid key) is left out. */
async function restore(db: Db, store: string, records: readonly unknown[]): Promise<number> {
  if (!db.objectStoreNames.contains(store) || records.length === 0) return 0;
  const tx = db.transaction(store, "readwrite");
  let kept = 0;
  const puts: Promise<unknown>[] = [];
  for (const record of records) {
    try {
      puts.push(tx.store.put(record));
      kept++;
    } catch {
      // refused synchronously: a key the new store cannot use
    }
  }
  try {
    await Promise.all(puts);
    await tx.done;
    return kept;
  } catch {
    return 0;
  }
}
