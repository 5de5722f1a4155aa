/**
 * Everything the extension keeps: every IndexedDB database of its origin (listed or not, each
 * object store read whole) and all of storage.local and storage.session. Runs inside the
 * browser (the Chromium worker, or a Firefox extension page), handed over as source text: it
 * must stay self-contained.
 */
export interface ExtensionStorage {
  /** Database name -> object store name -> records. */
  databases: Record<string, Record<string, unknown[]>>;
  local: Record<string, unknown>;
  session: Record<string, unknown>;
}

export async function dumpExtensionStorage(): Promise<ExtensionStorage> {
  const g = globalThis as unknown as { chrome?: { storage?: unknown }; browser?: unknown };
  const api = (g.chrome?.storage ? g.chrome : g.browser) as { storage: Record<"local" | "session", { get(keys: null): Promise<Record<string, unknown>> }> };
  const databases: ExtensionStorage["databases"] = {};
  for (const { name } of await indexedDB.databases()) {
    if (!name) continue;
    // Never create or upgrade a database here: that is the extension's own business.
    const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
      const req = indexedDB.open(name);
      req.onupgradeneeded = () => req.transaction?.abort();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => (req.error?.name === "AbortError" ? resolve(undefined) : reject(req.error));
    });
    if (!db) continue;
    try {
      const stores: Record<string, unknown[]> = {};
      for (const store of Array.from(db.objectStoreNames)) {
        stores[store] = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(store).objectStore(store).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        });
      }
      databases[name] = stores;
    } finally {
      db.close();
    }
  }
  return { databases, local: await api.storage.local.get(null), session: await api.storage.session.get(null) };
}
