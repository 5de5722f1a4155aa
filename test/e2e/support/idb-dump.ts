/**
 * Reads everything in the extension's live IndexedDB (exchanges from their store and their blocks). Runs inside the browser (the Chromium
 * worker, or a Firefox extension page), handed over by Playwright or Puppeteer as source text:
 * it must stay self-contained. `fromDump` then runs in Node.
 */
import { storedChunks } from "../../../src/core/capture";
import type { ChunkRecord, ExchangeRecord, SpanRecord, StoredChunks } from "../../../src/core/contract";

export interface StoredData {
  spans: SpanRecord[];
  exchanges: ExchangeRecord[];
  /** Every stored chunk, one record each (as stored, a record may hold a block of them, or the exchange record some). */
  chunks: ChunkRecord[];
}

export type RawStoredData = Omit<StoredData, "chunks"> & { chunks: StoredChunks[] };

export async function dumpTraceDb(): Promise<RawStoredData> {
  const empty = { spans: [], exchanges: [], chunks: [] };
  // Never create the database here: the extension's own upgrade must do that.
  const db = await new Promise<IDBDatabase | undefined>((resolve, reject) => {
    const req = indexedDB.open("llm-trace");
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => (req.error?.name === "AbortError" ? resolve(undefined) : reject(req.error));
  });
  if (!db) return empty;
  const all = (store: string) => new Promise<never[]>((resolve, reject) => {
    const req = db.transaction(store).objectStore(store).getAll();
    req.onsuccess = () => resolve(req.result as never[]);
    req.onerror = () => reject(req.error);
  });
  // Always close: an open connection would block the extension's own upgrades and resets.
  try {
    if (!["spans", "exchanges", "chunks"].every((n) => db.objectStoreNames.contains(n))) return empty;
    const [spans, alone, chunks, blocks] = await Promise.all([
      all("spans"), all("exchanges"), all("chunks"),
      db.objectStoreNames.contains("exchangeBlocks") ? (all("exchangeBlocks") as Promise<{ exchanges: ExchangeRecord[] }[]>) : [],
    ]);
    // Exchanges a batch brought whole are in blocks; the exchanges store's record is the newer one. In key order, as one store would give them.
    const byId = new Map<string, ExchangeRecord>();
    for (const block of blocks) for (const e of block.exchanges) byId.set(e.id, e);
    for (const e of alone as ExchangeRecord[]) byId.set(e.id, e);
    const exchanges = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { spans, exchanges, chunks };
  } finally {
    db.close();
  }
}

export function fromDump(raw: RawStoredData): StoredData {
  const byExchange = new Map<string, StoredChunks[]>();
  for (const c of raw.chunks) {
    const records = byExchange.get(c.exchangeId);
    if (records) records.push(c);
    else byExchange.set(c.exchangeId, [c]);
  }
  const exchanges = new Map(raw.exchanges.map((e) => [e.id, e]));
  const ids = new Set([...byExchange.keys(), ...raw.exchanges.filter((e) => e.inlineChunks?.length).map((e) => e.id)]);
  return {
    ...raw,
    chunks: [...ids].flatMap((id) => storedChunks(exchanges.get(id) ?? { id } as ExchangeRecord, byExchange.get(id) ?? [])),
  };
}
