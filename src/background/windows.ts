/**
 * Each recording tab's window of recent spans, interactions and marks, as trace assembly needs
 * it, kept in memory between runs: reading it back from IndexedDB for every run cost more than
 * the run itself, and kept assembly's transactions long enough to hold up ingest. Only a cache:
 * a window is read from storage when a tab is first seen (after a worker restart too), and
 * dropped as soon as a deletion touches it.
 *
 * What a window holds: the tab's spans that started at most WINDOW_MS before its newest, at most
 * the newest MAX_WINDOW_SPANS of them (reaching further back to the earliest span not assembled
 * yet), plus every span of a trace one of those belongs to, so that no trace is cut in two; and
 * the interactions and marks from EDGE_MS before the earliest of those spans. Besides, the last
 * model call of each recent conversation that has left the window (`earlier`): a chat's next turn
 * often comes minutes later, and finds the conversation it continues there (docs/DESIGN.md,
 * "Conversations"). Those are only looked at, never placed again.
 */
import type { StoreNames, IDBPObjectStore } from "idb";
import { conversationOf } from "../core/assembly";
import type { SpanRecord } from "../core/contract";
import type { TabEvent, TraceDB } from "./store";

/**
 * Grouping only looks seconds back (gaps, tool calls), so a bounded window keeps each run's
 * cost independent of how long the session is; older spans keep the traces they had.
 */
const WINDOW_MS = 2 * 60 * 1000;
const MAX_WINDOW_SPANS = 1000;
/** Interactions and marks this long before the window's first span can still open its traces. */
const EDGE_MS = 2 * 60 * 1000;
/** Windows kept at once (the tabs recorded most recently), each a few MB at most. */
const MAX_WINDOWS = 8;
/** Conversations whose last call is kept after it left the window: the most recently active. */
const MAX_EARLIER = 64;
/** After a restart, spans before the window read back for those calls: at most this many, this far back. */
const EARLIER_SCAN = 200;
const EARLIER_MS = 60 * 60 * 1000;

export interface TabWindow {
  tabId: number;
  /** The latest stored version of each span in the window. */
  spans: Map<string, SpanRecord>;
  events: Map<string, TabEvent>;
  /** By conversation id: its last model call, for conversations whose calls have all left `spans`. */
  earlier: Map<string, SpanRecord>;
  /** Spans changed since the last assembly run, and the earliest start among them and the events added. */
  pending: number;
  pendingFrom: number;
  /** When the last assembly run of this window was done (0: none since it was read), and how long it took (ms). */
  lastRun: number;
  runCost: number;
}

type Store<Name extends StoreNames<TraceDB>> = IDBPObjectStore<TraceDB, ArrayLike<StoreNames<TraceDB>>, Name, IDBTransactionMode>;

const windows = new Map<number, TabWindow>();

/** The tab's window if it is in memory (the most recently used tabs stay). */
export function cachedWindow(tabId: number): TabWindow | undefined {
  const w = windows.get(tabId);
  if (w) {
    windows.delete(tabId);
    windows.set(tabId, w);
  }
  return w;
}

export function keepWindow(w: TabWindow): void {
  windows.delete(w.tabId);
  windows.set(w.tabId, w);
  while (windows.size > MAX_WINDOWS) windows.delete(windows.keys().next().value as number);
}

/** A span another tab's window holds: an id a page cannot have made up by chance. */
export function heldByAnotherTab(spanId: string, tabId: number): boolean {
  for (const w of windows.values()) if (w.tabId !== tabId && w.spans.has(spanId)) return true;
  return false;
}

/** Storage is about to lose spans (or everything): windows holding them are read again when next needed. */
export function dropWindows(spanIds?: readonly string[]): void {
  if (spanIds === undefined) return windows.clear();
  for (const [tabId, w] of windows) {
    const earlier = new Set([...w.earlier.values()].map((s) => s.spanId));
    if (spanIds.some((id) => w.spans.has(id) || earlier.has(id))) windows.delete(tabId);
  }
}

export function dropWindow(tabId: number): void {
  windows.delete(tabId);
}

/**
 * Read a tab's window from storage, in the caller's transaction. `from`: the earliest start of
 * spans changed and not assembled since; the window reaches back to it (not past WINDOW_MS),
 * so that spans stored while assembly fell behind are still assembled.
 */
export async function readWindow(spans: Store<"spans">, events: Store<"events">, tabId: number, from?: number): Promise<TabWindow> {
  const w: TabWindow = { tabId, spans: new Map(), events: new Map(), earlier: new Map(), pending: 0, pendingFrom: Infinity, lastRun: 0, runCost: 0 };
  const byStart = spans.index("tabStart");
  // The lower edge from keys alone: reading the values of a long session to keep its newest
  // thousand made every read slower than the last.
  let edge = await byStart.openKeyCursor(IDBKeyRange.bound([tabId, -Infinity], [tabId, Infinity]), "prev");
  if (edge) {
    const oldest = edge.key[1] - WINDOW_MS;
    let lower = oldest;
    edge = await edge.advance(MAX_WINDOW_SPANS - 1);
    if (edge) lower = Math.max(lower, edge.key[1]);
    if (from !== undefined) lower = Math.max(oldest, Math.min(lower, from));
    for (const s of await byStart.getAll(IDBKeyRange.bound([tabId, lower], [tabId, Infinity]))) w.spans.set(s.spanId, s);
    // Traces at the edge: their spans before it too. Keys first: most of them are in the window
    // already, and a span's value (prompts, outputs) costs far more than its key. All requests at
    // once: one after another's answer would cost a task hop each.
    const traces = new Set<string>();
    for (const s of w.spans.values()) traces.add(s.traceId);
    const keys = await Promise.all([...traces].map((traceId) => spans.index("traceId").getAllKeys(traceId)));
    const missing = [...new Set(keys.flat())].filter((id) => !w.spans.has(id));
    for (const s of await Promise.all(missing.map((id) => spans.get(id)))) if (s && s.tabId === tabId) w.spans.set(s.spanId, s);
    await readEarlier(byStart, w, lower);
  }
  // No spans yet: a click stored before them may still open their trace.
  const newestEvent = w.spans.size ? undefined : (await events.index("tabTime").openKeyCursor(IDBKeyRange.bound([tabId, -Infinity], [tabId, Infinity]), "prev"))?.key[1];
  const cutoff = w.spans.size ? earliestStart(w) : (newestEvent ?? Infinity) - WINDOW_MS;
  if (cutoff === Infinity) return w;
  for (const e of await events.index("tabTime").getAll(IDBKeyRange.bound([tabId, cutoff - EDGE_MS], [tabId, Infinity]))) w.events.set(e.id, e);
  return w;
}

/** The last model call of conversations before `lower` (after a restart), from the newest spans there, within bounds. */
async function readEarlier(byStart: ReturnType<Store<"spans">["index"]>, w: TabWindow, lower: number): Promise<void> {
  const found: SpanRecord[] = [];
  let cursor = await byStart.openCursor(IDBKeyRange.bound([w.tabId, lower - EARLIER_MS], [w.tabId, lower], false, true), "prev");
  while (cursor && found.length < EARLIER_SCAN) {
    found.push(cursor.value);
    cursor = await cursor.continue();
  }
  // Oldest first, as trimWindow hands them over: the most recently active are kept.
  for (let i = found.length - 1; i >= 0; i--) if (!w.spans.has(found[i]!.spanId)) keepEarlier(w, found[i]!);
}

/** Keep `s` as its conversation's last call if it is a model call later than the one kept. */
function keepEarlier(w: TabWindow, s: SpanRecord): void {
  const id = s.kind === "llm" && s.endTime !== undefined ? conversationOf(s) : undefined;
  if (id === undefined) return;
  const kept = w.earlier.get(id);
  if (kept && kept.endTime! >= s.endTime!) return;
  w.earlier.delete(id);
  w.earlier.set(id, s);
  // Insertion order is roughly activity order: the first is the least recently active.
  while (w.earlier.size > MAX_EARLIER) w.earlier.delete(w.earlier.keys().next().value as string);
}

/**
 * After a run: let go of what the next run will not read (the same bounds as readWindow, with
 * nothing pending), so that a long session costs no more per run than a short one.
 */
export function trimWindow(w: TabWindow): void {
  if (w.spans.size <= MAX_WINDOW_SPANS && w.pendingFrom === Infinity) {
    // Within the count; only the time bound can drop anything.
    let newest = -Infinity;
    let earliest = Infinity;
    for (const s of w.spans.values()) {
      newest = Math.max(newest, s.startTime);
      earliest = Math.min(earliest, s.startTime);
    }
    if (earliest >= newest - WINDOW_MS) return trimEvents(w, earliest);
  }
  const starts = [...w.spans.values()].map((s) => s.startTime).sort((a, b) => b - a);
  if (starts.length === 0) return trimEvents(w, Infinity);
  let lower = Math.max(starts[0]! - WINDOW_MS, starts[Math.min(MAX_WINDOW_SPANS, starts.length) - 1]!);
  if (w.pendingFrom !== Infinity) lower = Math.max(starts[0]! - WINDOW_MS, Math.min(lower, w.pendingFrom));
  const traces = new Set<string>();
  for (const s of w.spans.values()) if (s.startTime >= lower) traces.add(s.traceId);
  let earliest = Infinity;
  for (const [id, s] of w.spans) {
    if (s.startTime >= lower || traces.has(s.traceId)) earliest = Math.min(earliest, s.startTime);
    else {
      w.spans.delete(id);
      keepEarlier(w, s);
    }
  }
  trimEvents(w, earliest);
}

function trimEvents(w: TabWindow, earliest: number): void {
  // No spans: the interactions and marks of the last WINDOW_MS, as readWindow takes them.
  let cutoff = earliest;
  if (cutoff === Infinity) {
    cutoff = -Infinity;
    for (const e of w.events.values()) cutoff = Math.max(cutoff, e.time - WINDOW_MS);
  }
  for (const [id, e] of w.events) if (e.time < cutoff - EDGE_MS) w.events.delete(id);
}

function earliestStart(w: TabWindow): number {
  let earliest = Infinity;
  for (const s of w.spans.values()) earliest = Math.min(earliest, s.startTime);
  return earliest;
}
