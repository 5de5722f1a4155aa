/**
 * IndexedDB storage (through idb): the versioned schema with its migrations, and the few
 * operations the rest of the background needs. Writes are idempotent puts keyed by id, and a
 * batch counts as stored only once its transaction is done (not when its puts resolve).
 */
import { deleteDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction, type StoreNames } from "idb";
import { approximateBytes, chunkBlock, storedChunks, unpackChunks } from "../core/capture";
import type { ChunkRecord, ExchangeRecord, InteractionRecord, MarkRecord, SpanRecord, StoredChunks } from "../core/contract";
import type { Review } from "../core/review";
import { openRecovering, type Migration, type ResetReport } from "./store-open";

/** Interactions and marks: the inputs of trace assembly besides spans. */
export type TabEvent = ({ kind: "interaction" } & InteractionRecord) | ({ kind: "mark" } & MarkRecord);

/**
 * Exchanges stored as one record (an imported file's, some at a time, with their chunks; live
 * capture's exchanges that a batch brings whole): a request per record is most of what writing
 * costs, whatever its size. Found by any of its ids through the "ids" index. A live exchange
 * changed after its block was written (events of it coming later) is written to the exchanges
 * store, whose record is then the one that counts; a batch delivered twice may leave an
 * exchange in two blocks, the same record in each. Its further chunks (a long body) are in the
 * chunks store, as for an exchange of the exchanges store.
 */
export interface ExchangeBlock {
  /** The id of its first exchange. */
  id: string;
  ids: string[];
  exchanges: ExchangeRecord[];
}

/**
 * Spans stored as one record (an imported file's, some at a time): for the same reason as
 * exchange blocks. Keyed "<random id>:<number of spans>", so a session's span count is read from
 * keys alone. An imported session is written once and then only read whole.
 */
export interface SpanBlock {
  id: string;
  spans: SpanRecord[];
}

export const spanBlockKey = (spans: readonly SpanRecord[]): string => `${crypto.randomUUID()}:${spans.length}`;

/** Records are stored in blocks of about this size: a block is read whole to show one of its records. */
export const BLOCK_CHARS = 96 * 1024;

/** Records in runs of about BLOCK_CHARS; `sizeOf` when their sizes are known already. */
export function inBlocks<T>(items: readonly T[], sizeOf: (item: T, index: number) => number = approximateBytes): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    current.push(item);
    size += sizeOf(item, i);
    if (size >= BLOCK_CHARS) {
      out.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length) out.push(current);
  return out;
}

/** The part of the exchangeBlocks store the block helpers use, in any transaction. */
interface BlockStore {
  get(key: string): Promise<ExchangeBlock | undefined>;
  put(value: ExchangeBlock): Promise<unknown>;
}

/**
 * Store exchanges as one block, keyed by the first one's id. A block already at that key (the
 * same batch delivered again) is merged, not overwritten: an exchange it held that this one
 * lacks (refused by the rate limit the second time) would otherwise lose its record.
 */
export async function putExchangeBlock(store: BlockStore, records: readonly ExchangeRecord[]): Promise<void> {
  const ids = new Set(records.map((r) => r.id));
  const there = await store.get(records[0]!.id);
  const exchanges = [...records, ...(there ? there.exchanges.filter((e) => !ids.has(e.id)) : [])];
  await store.put({ id: records[0]!.id, ids: exchanges.map((e) => e.id), exchanges });
}
const spansInBlock = (key: string): number => Number(key.slice(key.lastIndexOf(":") + 1)) || 0;

/** A span's review as stored, one per span id, in the database that holds the span (docs/DESIGN.md, "Review"). */
export interface ReviewRecord extends Review {
  spanId: string;
  tabId: number;
  /** ms since the epoch of the last change: the time of its evaluation events. */
  updatedAt: number;
}

export interface TraceDB extends DBSchema {
  exchanges: { key: string; value: ExchangeRecord; indexes: { tabId: number } };
  exchangeBlocks: { key: string; value: ExchangeBlock; indexes: { ids: string } };
  spanBlocks: { key: string; value: SpanBlock };
  chunks: { key: [string, number]; value: StoredChunks };
  spans: {
    key: string;
    value: SpanRecord;
    indexes: { tabId: number; traceId: string; startTime: number; tabStart: [number, number] };
  };
  events: { key: string; value: TabEvent; indexes: { tabId: number; tabTime: [number, number] } };
  reviews: { key: string; value: ReviewRecord; indexes: { tabId: number } };
}

/** The live database; each imported file gets a database of its own (importDbName). */
export const DB_NAME = "llm-trace";
export const importDbName = (session: number): string => `llm-trace-import${session}`;

type UpgradeTx = IDBPTransaction<TraceDB, ("exchanges" | "exchangeBlocks" | "chunks" | "spans" | "spanBlocks" | "events" | "reviews")[], "versionchange">;

/**
 * One entry per schema version; entry i upgrades version i to i + 1. Append, never edit: a
 * browser may hold any older version.
 */
const MIGRATIONS: ((db: IDBPDatabase<TraceDB>, tx: UpgradeTx) => void)[] = [
  (db) => {
    const exchanges = db.createObjectStore("exchanges", { keyPath: "id" });
    exchanges.createIndex("tabId", "tabId");
    db.createObjectStore("chunks", { keyPath: ["exchangeId", "seq"] });
    const spans = db.createObjectStore("spans", { keyPath: "spanId" });
    spans.createIndex("tabId", "tabId");
    spans.createIndex("traceId", "traceId");
    spans.createIndex("startTime", "startTime");
    spans.createIndex("tabStart", ["tabId", "startTime"]);
  },
  (db) => {
    const events = db.createObjectStore("events", { keyPath: "id" });
    events.createIndex("tabId", "tabId");
    events.createIndex("tabTime", ["tabId", "time"]);
  },
  (db) => {
    db.createObjectStore("exchangeBlocks", { keyPath: "id" }).createIndex("ids", "ids", { multiEntry: true });
    db.createObjectStore("spanBlocks", { keyPath: "id" });
  },
  (db) => {
    db.createObjectStore("reviews", { keyPath: "spanId" }).createIndex("tabId", "tabId");
  },
];

export const DB_VERSION = MIGRATIONS.length;

const opened = new Map<string, Promise<IDBPDatabase<TraceDB>>>();

/** Told when a database had to be reset (a failed migration, a downgrade): see store-open.ts. */
let onReset: (report: ResetReport) => void = () => {};
export function onStoreReset(listener: (report: ResetReport) => void): void {
  onReset = listener;
}

/** Told, once per database and worker, when one could not be opened even after retries. */
let onUnavailable: (name: string, reason: string) => void = () => {};
const unavailable = new Set<string>();
export function onStoreUnavailable(listener: (name: string, reason: string) => void): void {
  onUnavailable = listener;
}

/**
 * What a reset keeps, most valued first: reviews are a person's work, which no capture can bring
 * back, and small; then the spans, which are what the panel shows.
 */
const KEPT_STORES = ["reviews", "spans", "spanBlocks", "events", "exchanges", "exchangeBlocks", "chunks"] as const;

export function openStore(name = DB_NAME): Promise<IDBPDatabase<TraceDB>> {
  let opening = opened.get(name);
  if (opening) return opening;
  opening = openRecovering({
    name,
    migrations: MIGRATIONS as unknown as Migration[],
    keep: KEPT_STORES,
    onReset: (report) => onReset(report),
    onClosed: () => opened.delete(name),
  }) as unknown as Promise<IDBPDatabase<TraceDB>>;
  // Not opened (after its retries): nothing was deleted, and the next call tries again.
  opening.catch((error: unknown) => {
    opened.delete(name);
    if (unavailable.has(name)) return;
    unavailable.add(name);
    onUnavailable(name, error instanceof Error || error instanceof DOMException ? `${error.name}: ${error.message}` : String(error));
  });
  opened.set(name, opening);
  return opening;
}

const STORAGE_ERRORS = new Set(["AbortError", "QuotaExceededError", "UnknownError", "TransactionInactiveError", "InvalidStateError", "TimeoutError", "VersionError"]);

/** An error of the storage itself (worth retrying the batch), not of the data being stored. */
export function isStorageError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === "string" && STORAGE_ERRORS.has(name);
}

/**
 * Told, as a deletion starts (before its transaction exists), which spans and exchanges it
 * removes, or that it removes everything: what the background caches of them must not be
 * written back by a batch stored after it.
 */
let onDeleting: (spanIds?: readonly string[]) => void = () => {};
export function onStoreDeleting(listener: (spanIds?: readonly string[]) => void): void {
  onDeleting = listener;
}

/** Close and delete a database (an imported session being removed). */
export async function dropStore(name: string): Promise<void> {
  if (name === DB_NAME) onDeleting();
  forgetImportedSpans(name);
  const opening = opened.get(name);
  opened.delete(name);
  if (opening) (await opening.catch(() => undefined))?.close();
  await deleteDB(name);
}

export const chunkRange = (exchangeId: string): IDBKeyRange => IDBKeyRange.bound([exchangeId, 0], [exchangeId, Infinity]);

/** The part of an object store the chunk helpers use, in any transaction. */
interface ChunkStore {
  get(key: [string, number]): Promise<StoredChunks | undefined>;
  getAll(range: IDBKeyRange): Promise<StoredChunks[]>;
  put(value: StoredChunks): Promise<unknown>;
}

/** An exchange's stored chunks, in order. */
export async function readChunks(store: Pick<ChunkStore, "getAll">, exchangeId: string): Promise<ChunkRecord[]> {
  return unpackChunks(await store.getAll(chunkRange(exchangeId)));
}

/**
 * Store new chunks of one exchange as one block. A record already at its key (the same batch
 * delivered twice at once) is merged, not overwritten: nothing it held may be lost.
 */
export async function putChunks(store: ChunkStore, chunks: readonly ChunkRecord[]): Promise<void> {
  if (chunks.length === 0) return;
  const block = chunkBlock(chunks);
  const there = await store.get([block.exchangeId, block.seq]);
  await store.put(there ? chunkBlock(unpackChunks([there, block])) : block);
}

/**
 * A tab's spans by start time. `newest`: only the latest that many (what the panel paints
 * first); `until`: only those that started at or before it (the rest, asked for afterwards;
 * the boundary is inclusive, so spans sharing its start time come back twice rather than never).
 */
export async function listSpans(tabId: number, dbName = DB_NAME, page: { newest?: number; until?: number } = {}): Promise<SpanRecord[]> {
  if (dbName !== DB_NAME) return pageOf(await importedSpans(dbName, tabId), page);
  const db = await openStore(dbName);
  const range = IDBKeyRange.bound([tabId, -Infinity], [tabId, page.until ?? Infinity]);
  if (page.newest === undefined) return db.getAllFromIndex("spans", "tabStart", range);
  const found: SpanRecord[] = [];
  let cursor = await db.transaction("spans").store.index("tabStart").openCursor(range, "prev");
  while (cursor && found.length < page.newest) {
    found.push(cursor.value);
    cursor = await cursor.continue();
  }
  return found.reverse();
}

/** The spans of the imported session last listed, in the order of the tabStart index: the panel asks for them page by page. */
let imported: { dbName: string; spans: SpanRecord[]; timer: ReturnType<typeof setTimeout> } | undefined;
const IMPORTED_KEPT_MS = 30_000;

export function forgetImportedSpans(dbName: string): void {
  if (imported?.dbName !== dbName) return;
  clearTimeout(imported.timer);
  imported = undefined;
}

async function importedSpans(dbName: string, tabId: number): Promise<SpanRecord[]> {
  if (imported?.dbName !== dbName) {
    const db = await openStore(dbName);
    const tx = db.transaction(["spans", "spanBlocks"]);
    // Sessions imported before span blocks hold their spans one record each.
    const [blocks, single] = await Promise.all([tx.objectStore("spanBlocks").getAll(), tx.objectStore("spans").index("tabId").getAll(tabId)]);
    // One span per id, as the spans store keeps them (a file may name one twice).
    const byId = new Map<string, SpanRecord>();
    for (const s of [...blocks.flatMap((b) => b.spans).filter((s) => s.tabId === tabId), ...single]) byId.set(s.spanId, s);
    const spans = [...byId.values()];
    spans.sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
    forgetImportedSpans(imported?.dbName ?? "");
    imported = { dbName, spans, timer: setTimeout(() => forgetImportedSpans(dbName), IMPORTED_KEPT_MS) };
  }
  return imported.spans;
}

/** As listSpans pages the spans store: those started at or before `until`, the newest `newest` of them. */
function pageOf(sorted: readonly SpanRecord[], page: { newest?: number; until?: number }): SpanRecord[] {
  let end = sorted.length;
  if (page.until !== undefined) {
    let lo = 0;
    while (lo < end) {
      const mid = (lo + end) >> 1;
      if (sorted[mid]!.startTime <= page.until) lo = mid + 1;
      else end = mid;
    }
  }
  return sorted.slice(page.newest === undefined ? 0 : Math.max(0, end - page.newest), end);
}

/** How many spans an imported session holds. */
export async function importedSpanCount(dbName: string): Promise<number> {
  const db = await openStore(dbName);
  const [keys, single] = await Promise.all([db.getAllKeys("spanBlocks"), db.count("spans")]);
  return keys.reduce((n, k) => n + spansInBlock(k), single);
}

export interface StoredExchange {
  record: ExchangeRecord;
  chunks: ChunkRecord[];
}

export async function readExchanges(ids: readonly string[], dbName = DB_NAME): Promise<(StoredExchange | undefined)[]> {
  const db = await openStore(dbName);
  const tx = db.transaction(["exchanges", "exchangeBlocks", "chunks"], "readonly");
  const blockStore = tx.objectStore("exchangeBlocks");
  const [records, blockKeys] = await Promise.all([
    Promise.all(ids.map((id) => tx.objectStore("exchanges").get(id))),
    Promise.all(ids.map((id) => blockStore.index("ids").getKey(id))),
  ]);
  // Each block once, however many of its exchanges are asked for.
  const keys = [...new Set(blockKeys.filter((k): k is string => k !== undefined))];
  const blocks = new Map((await Promise.all(keys.map((k) => blockStore.get(k)))).flatMap((b) => (b ? [[b.id, b] as const] : [])));
  return Promise.all(ids.map(async (id, i) => {
    // The exchanges store's record is the newer one (see ExchangeBlock); a live exchange in a block may have chunks apart too.
    const record = records[i] ?? blocks.get(blockKeys[i] ?? "")?.exchanges.find((e) => e.id === id);
    return record ? { record, chunks: storedChunks(record, await tx.objectStore("chunks").getAll(chunkRange(id))) } : undefined;
  }));
}

/**
 * Remove spans and whatever backs them (exchange, chunks, review). Returns how many spans went. `onlyTab`: only that tab's
 * (a trace id, which a page may choose with traceparent, can be shared by spans of two tabs).
 */
export async function deleteSpans(spanIds: readonly string[], onlyTab?: number): Promise<number> {
  if (spanIds.length === 0) return 0;
  const db = await openStore();
  onDeleting(spanIds);
  const tx = db.transaction(["exchanges", "exchangeBlocks", "chunks", "spans", "reviews"], "readwrite");
  const spans = tx.objectStore("spans");
  const records = (await Promise.all(spanIds.map((id) => spans.get(id)))).filter((s) => onlyTab === undefined || s?.tabId === onlyTab);
  const exchangeIds = records.flatMap((span) => (span?.exchangeId ? [span.exchangeId] : []));
  await Promise.all([
    ...records.flatMap((span) => span ? [
      spans.delete(span.spanId),
      tx.objectStore("reviews").delete(span.spanId),
      ...(span.exchangeId ? [tx.objectStore("exchanges").delete(span.exchangeId), tx.objectStore("chunks").delete(chunkRange(span.exchangeId))] : []),
    ] : []),
    removeFromBlocks(tx.objectStore("exchangeBlocks"), exchangeIds),
  ]);
  await tx.done;
  return records.filter(Boolean).length;
}

/** Take exchanges out of every block holding them: each block read and written (or deleted, once empty) once. */
async function removeFromBlocks(
  store: IDBPObjectStore<TraceDB, ArrayLike<StoreNames<TraceDB>>, "exchangeBlocks", "readwrite">, exchangeIds: readonly string[],
): Promise<void> {
  if (exchangeIds.length === 0) return;
  const keys = new Set((await Promise.all(exchangeIds.map((id) => store.index("ids").getAllKeys(id)))).flat());
  const gone = new Set(exchangeIds);
  await Promise.all([...keys].map(async (key) => {
    const block = await store.get(key);
    if (!block) return;
    const exchanges = block.exchanges.filter((e) => !gone.has(e.id));
    await (exchanges.length ? store.put({ id: block.id, ids: exchanges.map((e) => e.id), exchanges }) : store.delete(key));
  }));
}

export async function spanIdsOfTab(tabId: number): Promise<string[]> {
  const db = await openStore();
  return db.getAllKeysFromIndex("spans", "tabId", tabId);
}

export async function deleteTabEvents(tabId: number | IDBKeyRange): Promise<void> {
  const db = await openStore();
  onDeleting();
  const tx = db.transaction("events", "readwrite");
  const keys = await tx.store.index("tabId").getAllKeys(tabId);
  await Promise.all(keys.map((k) => tx.store.delete(k)));
  await tx.done;
}

/**
 * A tab's reviews, all of them (the tab is gone or cleared): also those whose span assembly
 * dissolved (a synthesized root regrouped), which deleteSpans cannot find by span.
 */
export async function deleteTabReviews(tabId: number | IDBKeyRange): Promise<void> {
  const db = await openStore();
  const tx = db.transaction("reviews", "readwrite");
  const keys = await tx.store.index("tabId").getAllKeys(tabId);
  await Promise.all(keys.map((k) => tx.store.delete(k)));
  await tx.done;
}

/** A tab's interactions and marks from before `time`. */
export async function deleteTabEventsBefore(tabId: number, time: number): Promise<void> {
  const db = await openStore();
  const tx = db.transaction("events", "readwrite");
  const keys = await tx.store.index("tabTime").getAllKeys(IDBKeyRange.bound([tabId, -Infinity], [tabId, time], false, true));
  await Promise.all(keys.map((k) => tx.store.delete(k)));
  await tx.done;
}
