/**
 * Keeping a tab's traces assembled: after spans or interactions change, re-run the pure
 * assembly over the tab's recent window and store what changed — trace and parent ids of
 * exchange spans (patched onto the stored record, so a concurrent ingest keeps its newer
 * attributes), synthesized spans added, changed or gone. One readwrite transaction: read,
 * compute, write. Runs THROTTLE_MS after the tab's previous run ended, and once more after the
 * last change.
 */
import { assembleTraces, isSynthesized } from "../core/assemble";
import type { InteractionRecord, MarkRecord, SpanRecord } from "../core/records";
import { openStore } from "./store";

const THROTTLE_MS = 1000;
/**
 * Spans older than this (before the tab's newest), or beyond the newest MAX_WINDOW_SPANS, keep
 * the traces they had: grouping only looks seconds back (gaps, tool calls), so a bounded window
 * keeps each run's cost independent of how long the session is.
 */
const WINDOW_MS = 2 * 60 * 1000;
const MAX_WINDOW_SPANS = 1000;
/** Traces that start this close to the window's edge are read whole, so none is cut in two. */
const EDGE_MS = 2 * 60 * 1000;

export interface AssemblyResult {
  changed: SpanRecord[];
  removed: string[];
}

type Listener = (tabId: number, result: AssemblyResult) => void;

const timers = new Map<number, ReturnType<typeof setTimeout>>();
const lastRun = new Map<number, number>();

function sameShape(a: SpanRecord, b: SpanRecord): boolean {
  return a.traceId === b.traceId && a.parentSpanId === b.parentSpanId;
}

function sameSynthesized(a: SpanRecord, b: SpanRecord): boolean {
  return sameShape(a, b) && a.name === b.name && a.kind === b.kind && a.startTime === b.startTime &&
    a.endTime === b.endTime && a.status === b.status && JSON.stringify(a.attributes) === JSON.stringify(b.attributes);
}

/**
 * `from`: the earliest start among spans changed since the last run. The window reaches back to
 * it even past MAX_WINDOW_SPANS (not past WINDOW_MS): when ingest outruns assembly, the spans
 * stored meanwhile would otherwise never be assembled and stay traces of their own.
 */
export async function assembleTab(tabId: number, now = Date.now(), dbName?: string, from?: number): Promise<AssemblyResult> {
  const db = await openStore(dbName);
  const tx = db.transaction(["spans", "events"], "readwrite");
  const spanStore = tx.objectStore("spans");
  const byStart = spanStore.index("tabStart");
  // The window's lower edge from keys alone: reading the values of a long session to keep its
  // newest thousand made every run slower than the last.
  let edge = await byStart.openKeyCursor(IDBKeyRange.bound([tabId, -Infinity], [tabId, Infinity]), "prev");
  if (!edge) {
    await tx.done;
    return { changed: [], removed: [] };
  }
  const oldest = edge.key[1] - WINDOW_MS;
  let lower = oldest;
  edge = await edge.advance(MAX_WINDOW_SPANS - 1);
  if (edge) lower = Math.max(lower, edge.key[1]);
  if (from !== undefined) lower = Math.max(oldest, Math.min(lower, from));
  const windowSpans = await byStart.getAll(IDBKeyRange.bound([tabId, lower], [tabId, Infinity]));
  const cutoff = windowSpans[0]!.startTime;
  const events = await tx.objectStore("events").index("tabTime").getAll(IDBKeyRange.bound([tabId, cutoff - EDGE_MS], [tabId, Infinity]));
  // Traces at the edge: read their spans before the cutoff too.
  const byId = new Map(windowSpans.map((s) => [s.spanId, s]));
  const edgeTraces = new Set(windowSpans.filter((s) => s.startTime < cutoff + EDGE_MS).map((s) => s.traceId));
  // Keys first: most of an edge trace's spans are in the window already, and reading a span's
  // value (its prompts and outputs) costs far more than its key. All requests at once: one
  // after another's answer would cost a task hop each.
  const edgeKeys = await Promise.all([...edgeTraces].map((traceId) => spanStore.index("traceId").getAllKeys(traceId)));
  const missing = [...new Set(edgeKeys.flat())].filter((id) => !byId.has(id));
  for (const s of await Promise.all(missing.map((id) => spanStore.get(id)))) if (s && s.tabId === tabId) byId.set(s.spanId, s);
  const before = [...byId.values()];
  const interactions: InteractionRecord[] = [];
  const marks: MarkRecord[] = [];
  for (const e of events) {
    const { kind, ...record } = e;
    if (kind === "interaction") interactions.push(record as InteractionRecord);
    else marks.push(record as MarkRecord);
  }

  const after = assembleTraces({ spans: before, interactions, marks });
  const result: AssemblyResult = { changed: [], removed: [] };
  const writes: Promise<unknown>[] = [];
  // Stamped now that this transaction holds the lock, not when the run was asked for: an ingest
  // committed while the run waited is older, and the panel keeps the newest version it is sent.
  const stamp = Math.max(now, Date.now());
  const kept = new Set<string>();
  for (const span of after) {
    kept.add(span.spanId);
    const old = byId.get(span.spanId);
    if (isSynthesized(span)) {
      if (old && sameSynthesized(old, span)) continue;
      const record = { ...span, tabId, updatedAt: stamp };
      writes.push(spanStore.put(record));
      result.changed.push(record);
    } else if (old && !sameShape(old, span)) {
      // Only the trace fields: everything else stays as the latest ingest wrote it.
      const record: SpanRecord = { ...old, traceId: span.traceId, updatedAt: stamp };
      if (span.parentSpanId) record.parentSpanId = span.parentSpanId;
      else delete record.parentSpanId;
      writes.push(spanStore.put(record));
      result.changed.push(record);
    }
  }
  for (const old of before) {
    if (isSynthesized(old) && !kept.has(old.spanId)) {
      writes.push(spanStore.delete(old.spanId));
      result.removed.push(old.spanId);
    }
  }
  await Promise.all(writes);
  await tx.done;
  return result;
}

const dueFrom = new Map<number, number>();
const running = new Set<number>();

/**
 * Re-assemble soon: THROTTLE_MS after the tab's previous run ended, never two runs of a tab at
 * once (runs that overlapped piled up behind ingest's locks, each rereading the window).
 * `since`: the earliest start time among what changed (spans, interactions, marks); the next
 * run reaches back to it.
 */
export function scheduleAssembly(tabId: number, onResult: Listener, since?: number): void {
  if (since !== undefined && Number.isFinite(since)) dueFrom.set(tabId, Math.min(dueFrom.get(tabId) ?? Infinity, since));
  if (timers.has(tabId) || running.has(tabId)) return;
  const wait = Math.max(0, (lastRun.get(tabId) ?? 0) + THROTTLE_MS - Date.now());
  timers.set(tabId, setTimeout(() => {
    timers.delete(tabId);
    running.add(tabId);
    const from = dueFrom.get(tabId);
    dueFrom.delete(tabId);
    assembleTab(tabId, Date.now(), undefined, from).then((result) => onResult(tabId, result), () => {
      // Not assembled: the next run covers this one's spans too.
      if (from !== undefined) dueFrom.set(tabId, Math.min(dueFrom.get(tabId) ?? Infinity, from));
    }).finally(() => {
      running.delete(tabId);
      lastRun.set(tabId, Date.now());
      // What changed meanwhile (or a failed run's spans) gets its own run.
      if (dueFrom.has(tabId)) scheduleAssembly(tabId, onResult);
    });
  }, wait));
}
