/**
 * Keeping a tab's traces assembled: the pure assembly runs over the tab's window (windows.ts)
 * and what changed is stored — the place of exchange spans (trace, parent, derived conversation:
 * put on the window's latest copy of the record, so nothing ingest wrote is lost), synthesized
 * spans added, changed or gone. Ingest places the spans of a large batch in its own transaction (see ingest.ts);
 * what it left unplaced is assembled here, THROTTLE_MS after the tab's previous run.
 */
import { assembleTraces, isSynthesized, samePlace, withPlace } from "../core/assembly";
import type { InteractionRecord, MarkRecord, SpanRecord } from "../core/contract";
import { serially } from "./serial";
import { openStore } from "./store";
import { cachedWindow, dropWindow, keepWindow, readWindow, trimWindow, type TabWindow } from "./windows";

export const THROTTLE_MS = 1000;

export interface AssemblyResult {
  changed: SpanRecord[];
  removed: string[];
  /** Spans made (synthesized) less those removed. */
  added: number;
}

type Listener = (tabId: number, result: AssemblyResult) => void;

function sameSynthesized(a: SpanRecord, b: SpanRecord): boolean {
  return a.traceId === b.traceId && a.parentSpanId === b.parentSpanId && a.name === b.name && a.kind === b.kind && a.startTime === b.startTime &&
    a.endTime === b.endTime && a.status === b.status && JSON.stringify(a.attributes) === JSON.stringify(b.attributes);
}

/**
 * Run assembly over the window and bring the window up to date with the result. Returns the
 * records to store and the synthesized spans to delete; writes nothing. `stamp`: updatedAt of
 * what changes (the panel keeps the newest version of a span it is sent).
 */
export function placeWindow(w: TabWindow, stamp: number): AssemblyResult {
  const interactions: InteractionRecord[] = [];
  const marks: MarkRecord[] = [];
  for (const e of w.events.values()) {
    const { kind, ...record } = e;
    if (kind === "interaction") interactions.push(record as InteractionRecord);
    else marks.push(record as MarkRecord);
  }
  const began = performance.now();
  const before = w.spans;
  const after = assembleTraces({ spans: [...before.values()], interactions, marks, earlier: [...w.earlier.values()] });
  const result: AssemblyResult = { changed: [], removed: [], added: 0 };
  const kept = new Set<string>();
  for (const span of after) {
    kept.add(span.spanId);
    const old = before.get(span.spanId);
    let record: SpanRecord;
    if (isSynthesized(span)) {
      if (old && sameSynthesized(old, span)) continue;
      if (!old) result.added++;
      record = { ...span, tabId: w.tabId, updatedAt: stamp };
    } else if (old && !samePlace(old, span)) {
      // Only its place: everything else stays as the latest ingest wrote it.
      record = { ...withPlace(old, span), updatedAt: stamp };
    } else continue;
    result.changed.push(record);
  }
  for (const [id, old] of before) {
    if (isSynthesized(old) && !kept.has(id)) result.removed.push(id);
  }
  result.added -= result.removed.length;
  for (const record of result.changed) before.set(record.spanId, record);
  for (const id of result.removed) before.delete(id);
  w.pending = 0;
  w.pendingFrom = Infinity;
  w.lastRun = Date.now();
  w.runCost = performance.now() - began;
  trimWindow(w);
  return result;
}

/**
 * A run in a transaction of its own, over a window read from storage: imported sessions, and
 * tests. `from`: the earliest start among spans changed since the last run; the window reaches
 * back to it (see readWindow).
 */
export async function assembleTab(tabId: number, now = Date.now(), dbName?: string, from?: number): Promise<AssemblyResult> {
  const db = await openStore(dbName);
  const tx = db.transaction(["spans", "events"], "readwrite");
  const w = await readWindow(tx.objectStore("spans"), tx.objectStore("events"), tabId, from);
  // Stamped once this transaction holds the lock, not when the run was asked for: an ingest
  // committed while the run waited is older.
  const result = placeWindow(w, Math.max(now, Date.now()));
  await writeResult(tx.objectStore("spans"), result);
  await tx.done;
  return result;
}

export function writeResult(spans: { put(s: SpanRecord): Promise<unknown>; delete(id: string): Promise<unknown> }, result: AssemblyResult): Promise<unknown> {
  return Promise.all([...result.changed.map((s) => spans.put(s)), ...result.removed.map((id) => spans.delete(id))]);
}

/** The tab's live window: in memory, or read from storage in this transaction. */
export async function liveWindow(spans: Parameters<typeof readWindow>[0], events: Parameters<typeof readWindow>[1], tabId: number, from?: number): Promise<TabWindow> {
  const cached = cachedWindow(tabId);
  if (cached) return cached;
  const w = await readWindow(spans, events, tabId, from);
  keepWindow(w);
  return w;
}

const timers = new Map<number, ReturnType<typeof setTimeout>>();
/** Earliest start among spans left unplaced, kept here too: a deletion may drop the window meanwhile. */
const dueFrom = new Map<number, number>();

/** One run of the live tab, after what is queued for it: the window from memory, only writes. */
async function runLive(tabId: number): Promise<AssemblyResult> {
  const from = dueFrom.get(tabId);
  dueFrom.delete(tabId);
  const db = await openStore();
  const tx = db.transaction(["spans", "events"], "readwrite");
  try {
    const w = await liveWindow(tx.objectStore("spans"), tx.objectStore("events"), tabId, from);
    // Placed meanwhile by ingest: nothing to do.
    if (w.pending === 0 && w.lastRun > 0) {
      await tx.done;
      return { changed: [], removed: [], added: 0 };
    }
    const result = placeWindow(w, Date.now());
    await writeResult(tx.objectStore("spans"), result);
    await tx.done;
    return result;
  } catch (error) {
    // The window ran ahead of storage: read it again next time, reaching back to where this run began.
    if (from !== undefined) dueFrom.set(tabId, Math.min(dueFrom.get(tabId) ?? Infinity, from));
    dropWindow(tabId);
    throw error;
  }
}

/** Assemble the live tab now, after what is queued for it. */
export function assembleLive(tabId: number): Promise<AssemblyResult> {
  return serially(tabId, () => runLive(tabId));
}

/**
 * Assemble the tab's unplaced spans soon: THROTTLE_MS after its previous run, in the tab's
 * queue (never beside one of its ingests). `since`: the earliest start among what changed.
 */
export function scheduleAssembly(tabId: number, onResult: Listener, since?: number): void {
  if (since !== undefined && Number.isFinite(since)) dueFrom.set(tabId, Math.min(dueFrom.get(tabId) ?? Infinity, since));
  if (timers.has(tabId)) return;
  const last = cachedWindow(tabId)?.lastRun ?? 0;
  const wait = Math.max(0, last + THROTTLE_MS - Date.now());
  timers.set(tabId, setTimeout(() => {
    timers.delete(tabId);
    assembleLive(tabId).then((result) => onResult(tabId, result), () => {
      // Not assembled: once more, over the window read again.
      if (dueFrom.has(tabId)) scheduleAssembly(tabId, onResult);
    });
  }, wait));
}
