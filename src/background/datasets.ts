/**
 * Datasets, kept (docs/DESIGN.md, "Datasets"): a database of their own, `llm-trace-datasets`,
 * apart from the traces, so that clearing a tab, Clear all data, retention and eviction never
 * touch them. Named datasets, their items (checked field by field before they are stored: a
 * batch with one bad item stores nothing) and their regression runs. Any panel may read and
 * write them: they belong to no tab.
 */
import type { IDBPDatabase } from "idb";
import { checkItem, ItemError, redactItem, type DatasetItem, type DatasetRun } from "../core/evals";
import { randomHex } from "../core/contract";
import type { DatasetInfo, DatasetContents } from "../shared/messages";
import { getSettings } from "./current-settings";
import { redactorFor } from "./redaction";
import { openRecovering, type Migration } from "./store-open";

export const DATASETS_DB = "llm-trace-datasets";

interface DatasetRecord {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

interface ItemRecord extends DatasetItem {
  datasetId: string;
  addedAt: number;
}

interface RunRecord extends DatasetRun {}

/** Entry i upgrades version i to i + 1. Append, never edit. */
const MIGRATIONS: Migration[] = [
  (db) => {
    db.createObjectStore("datasets", { keyPath: "id" });
    db.createObjectStore("items", { keyPath: ["datasetId", "id"] }).createIndex("datasetId", "datasetId");
    db.createObjectStore("runs", { keyPath: "id" }).createIndex("datasetId", "datasetId");
  },
];

let opening: Promise<IDBPDatabase<unknown>> | undefined;
function open(): Promise<IDBPDatabase<unknown>> {
  opening ??= openRecovering({
    name: DATASETS_DB,
    migrations: MIGRATIONS,
    keep: ["datasets", "items", "runs"],
    onReset: () => {},
    onClosed: () => (opening = undefined),
  });
  opening.catch(() => (opening = undefined));
  return opening;
}

const MAX_NAME = 200;
const MAX_ITEMS_PER_CALL = 10_000;
const MAX_RUN_RESULTS = 10_000;
const isId = (v: unknown): v is string => typeof v === "string" && /^[0-9a-f]{16}$/.test(v);

function checkName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME) throw new Error(`A dataset's name is 1 to ${MAX_NAME} characters.`);
  return name.trim();
}

async function info(db: IDBPDatabase<unknown>, d: DatasetRecord): Promise<DatasetInfo> {
  const items = await db.countFromIndex("items", "datasetId", d.id);
  const runs = await db.countFromIndex("runs", "datasetId", d.id);
  return { id: d.id, name: d.name, items, runs, createdAt: d.createdAt, updatedAt: d.updatedAt };
}

export async function listDatasets(): Promise<DatasetInfo[]> {
  const db = await open();
  const all = (await db.getAll("datasets")) as DatasetRecord[];
  const out: DatasetInfo[] = [];
  for (const d of all) out.push(await info(db, d));
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}

async function dataset(db: IDBPDatabase<unknown>, id: unknown): Promise<DatasetRecord> {
  const d = isId(id) ? ((await db.get("datasets", id)) as DatasetRecord | undefined) : undefined;
  if (!d) throw new Error("No such dataset.");
  return d;
}

export async function createDataset(name: unknown): Promise<DatasetInfo> {
  const db = await open();
  const checked = checkName(name);
  const all = (await db.getAll("datasets")) as DatasetRecord[];
  const same = all.find((d) => d.name === checked);
  if (same) return info(db, same);
  const now = Date.now();
  const d: DatasetRecord = { id: randomHex(8), name: checked, createdAt: now, updatedAt: now };
  await db.put("datasets", d);
  return info(db, d);
}

export async function getDataset(id: unknown): Promise<DatasetContents> {
  const db = await open();
  const d = await dataset(db, id);
  const items = ((await db.getAllFromIndex("items", "datasetId", d.id)) as ItemRecord[]).sort((a, b) => a.addedAt - b.addedAt || (a.id < b.id ? -1 : 1));
  const runs = ((await db.getAllFromIndex("runs", "datasetId", d.id)) as RunRecord[]).sort((a, b) => a.startedAt - b.startedAt);
  return { dataset: await info(db, d), items: items.map(({ datasetId: _d, addedAt: _a, ...item }) => item), runs };
}

/**
 * Every item checked first (one that fails stores nothing, and the error says which), then
 * redacted as an imported file is: an item may come from anyone's JSONL.
 */
async function checkAll(items: unknown): Promise<DatasetItem[]> {
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS_PER_CALL) throw new Error(`Add 1 to ${MAX_ITEMS_PER_CALL} items at a time.`);
  const checked = items.map((v, i) => {
    try {
      return checkItem(v);
    } catch (error) {
      if (error instanceof ItemError) throw new Error(`Item ${i + 1}: ${error.message}.`);
      throw error;
    }
  });
  const redactor = redactorFor(await getSettings());
  return checked.map((item) => redactItem(item, redactor));
}

async function touch(db: IDBPDatabase<unknown>, d: DatasetRecord): Promise<void> {
  await db.put("datasets", { ...d, updatedAt: Date.now() });
}

export async function addItems(datasetId: unknown, items: unknown): Promise<{ added: number }> {
  const checked = await checkAll(items);
  const db = await open();
  const d = await dataset(db, datasetId);
  const tx = db.transaction(["items", "datasets"], "readwrite");
  const now = Date.now();
  // One transaction: all of them or none.
  await Promise.all([...checked.map((item, i) => tx.objectStore("items").put({ ...item, datasetId: d.id, addedAt: now + i / 1000 })), tx.objectStore("datasets").put({ ...d, updatedAt: now })]);
  await tx.done;
  return { added: checked.length };
}

export async function updateItem(datasetId: unknown, item: unknown): Promise<{ updated: boolean }> {
  const [checked] = await checkAll([item]);
  const db = await open();
  const d = await dataset(db, datasetId);
  const old = (await db.get("items", [d.id, checked!.id])) as ItemRecord | undefined;
  if (!old) throw new Error("No such item in this dataset.");
  await db.put("items", { ...checked!, datasetId: d.id, addedAt: old.addedAt });
  await touch(db, d);
  return { updated: true };
}

export async function removeItems(datasetId: unknown, ids: unknown): Promise<{ removed: number }> {
  const db = await open();
  const d = await dataset(db, datasetId);
  const list = Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string").slice(0, MAX_ITEMS_PER_CALL) : [];
  const tx = db.transaction("items", "readwrite");
  await Promise.all(list.map((id) => tx.store.delete([d.id, id])));
  await tx.done;
  await touch(db, d);
  return { removed: list.length };
}

export async function removeDataset(datasetId: unknown): Promise<{ removed: boolean }> {
  const db = await open();
  const d = await dataset(db, datasetId);
  const tx = db.transaction(["datasets", "items", "runs"], "readwrite");
  const range = IDBKeyRange.only(d.id);
  const drop = async (store: "items" | "runs") => {
    let cursor = await tx.objectStore(store).index("datasetId").openCursor(range);
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
  };
  await Promise.all([drop("items"), drop("runs"), tx.objectStore("datasets").delete(d.id)]);
  await tx.done;
  return { removed: true };
}

const RUN_STATES = new Set(["running", "done", "stopped"]);

/** A run as the panel reports it: its shape checked, bounded; its numbers are the panel's own reading of stored spans. */
export async function saveRun(run: unknown): Promise<{ saved: boolean }> {
  const r = run as Partial<DatasetRun> | null;
  if (!r || !isId(r.id) || !isId(r.datasetId) || typeof r.startedAt !== "number" || !RUN_STATES.has(r.state as string)
    || !Array.isArray(r.results) || r.results.length > MAX_RUN_RESULTS || !Array.isArray(r.checks) || typeof r.override !== "object" || r.override === null) {
    throw new Error("Not a run.");
  }
  if (JSON.stringify(r).length > 32 * 1024 * 1024) throw new Error("The run is too large to keep.");
  const db = await open();
  await dataset(db, r.datasetId);
  await db.put("runs", r);
  return { saved: true };
}

export async function removeRun(runId: unknown): Promise<{ removed: boolean }> {
  if (!isId(runId)) return { removed: false };
  const db = await open();
  await db.delete("runs", runId);
  return { removed: true };
}

/** One item, for a send. */
export async function readItem(datasetId: unknown, itemId: unknown): Promise<DatasetItem | undefined> {
  if (!isId(datasetId) || typeof itemId !== "string") return undefined;
  const db = await open();
  const r = (await db.get("items", [datasetId, itemId])) as ItemRecord | undefined;
  if (!r) return undefined;
  const { datasetId: _d, addedAt: _a, ...item } = r;
  return item;
}
