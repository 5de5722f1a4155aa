/**
 * Functions run inside the extension's service worker (Playwright worker.evaluate, so each is
 * self-contained) to see what IndexedDB does under load, without touching the extension's code:
 * IDB prototypes are wrapped to count requests per transaction and time each transaction, and
 * a scratch database gives the raw put rate of this machine as a reference.
 */

export interface TxRecord {
  stores: string;
  mode: string;
  created: number;
  /** First request answered: the transaction had its locks from then on. */
  started?: number;
  done?: number;
  puts: number;
  reads: number;
  deletes: number;
}

/** Install (once) and reset the counters. */
export const instrumentIdb = (): void => {
  const g = globalThis as unknown as { __benchIdb?: { tx: TxRecord[] } };
  if (g.__benchIdb) {
    g.__benchIdb.tx = [];
    return;
  }
  const stats: { tx: TxRecord[] } = { tx: [] };
  g.__benchIdb = stats;
  const info = new WeakMap<IDBTransaction, TxRecord>();
  const proto = IDBDatabase.prototype;
  const transaction = proto.transaction;
  proto.transaction = function (this: IDBDatabase, names: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
    const tx = transaction.call(this, names, mode, options);
    if (this.name === "llm-trace") {
      const rec: TxRecord = { stores: ([] as string[]).concat(names).join("+"), mode: mode ?? "readonly", created: performance.now(), puts: 0, reads: 0, deletes: 0 };
      g.__benchIdb!.tx.push(rec);
      info.set(tx, rec);
      const finish = () => { rec.done = performance.now(); };
      tx.addEventListener("complete", finish);
      tx.addEventListener("abort", finish);
    }
    return tx;
  } as typeof proto.transaction;
  const count = (owner: object, name: string, field: "puts" | "reads" | "deletes") => {
    const original = (owner as Record<string, (...a: unknown[]) => IDBRequest>)[name]!;
    (owner as Record<string, unknown>)[name] = function (this: IDBObjectStore | IDBIndex, ...args: unknown[]) {
      const req = original.apply(this, args);
      const store = this instanceof IDBIndex ? this.objectStore : this;
      const rec = info.get(store.transaction);
      if (rec) {
        rec[field]++;
        if (rec.started === undefined) req.addEventListener("success", () => { rec.started ??= performance.now(); }, { once: true });
      }
      return req;
    };
  };
  for (const n of ["put", "add"]) count(IDBObjectStore.prototype, n, "puts");
  for (const n of ["get", "getAll", "getAllKeys", "count", "openCursor", "openKeyCursor"]) {
    count(IDBObjectStore.prototype, n, "reads");
    count(IDBIndex.prototype, n, "reads");
  }
  count(IDBObjectStore.prototype, "delete", "deletes");
};

/** Transactions since instrumentIdb(), grouped by scope and mode. */
export const idbStats = (): { scope: string; count: number; puts: number; reads: number; deletes: number; medianMs: number; medianWaitMs: number; totalMs: number }[] => {
  const tx = (globalThis as unknown as { __benchIdb?: { tx: TxRecord[] } }).__benchIdb?.tx ?? [];
  const groups = new Map<string, TxRecord[]>();
  for (const t of tx) {
    if (t.done === undefined) continue;
    const key = `${t.mode} ${t.stores}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length ? s[Math.floor(s.length / 2)]! : NaN;
  };
  return [...groups.entries()].map(([scope, list]) => ({
    scope,
    count: list.length,
    puts: list.reduce((a, t) => a + t.puts, 0),
    reads: list.reduce((a, t) => a + t.reads, 0),
    deletes: list.reduce((a, t) => a + t.deletes, 0),
    medianMs: Math.round(median(list.map((t) => t.done! - t.created)) * 10) / 10,
    medianWaitMs: Math.round(median(list.map((t) => (t.started ?? t.done!) - t.created)) * 10) / 10,
    totalMs: Math.round(list.reduce((a, t) => a + (t.done! - t.created), 0)),
  })).sort((a, b) => b.totalMs - a.totalMs);
};

/**
 * This machine's raw IndexedDB write rate in the worker: `n` records of about `size` bytes put
 * in one readwrite transaction of a scratch database, timed to the commit.
 */
export const rawIdbPuts = async ({ n, size }: { n: number; size: number }): Promise<{ ms: number; putsPerSecond: number }> => {
  const name = "bench-scratch";
  const open = () => new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore("s", { keyPath: "id" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const db = await open();
  const filler = "x".repeat(size);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction("s", "readwrite");
    const store = tx.objectStore("s");
    for (let i = 0; i < n; i++) store.put({ id: `r${i}`, time: Date.now(), attributes: { a: i, text: filler } });
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  const ms = performance.now() - t0;
  db.close();
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
  return { ms, putsPerSecond: (n / ms) * 1000 };
};
