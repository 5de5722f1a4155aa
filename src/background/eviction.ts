/**
 * Making room, fairly: spans go whole traces at a time, from the tabs holding the most first
 * (core/capture/fair-shares.ts), each tab's oldest traces first, so a page flooding storage evicts its own
 * traces before another tab loses one. Each tab keeps the trace it is still growing (of that,
 * only the old spans go); a span dated in the future does not make its trace that one.
 */
import { fairShares, FUTURE_SKEW_MS } from "../core/capture";
import { deleteSpans, deleteTabEventsBefore, openStore } from "./store";

export interface Eviction {
  traces: number;
  spans: number;
  /** Start times of the oldest and newest evicted spans. */
  from: number;
  to: number;
}

const NOTHING: Eviction = { traces: 0, spans: 0, from: Infinity, to: -Infinity };

/** Live tabs (ids >= 0) and how many spans each holds. */
async function spansPerTab(): Promise<Map<number, number>> {
  const db = await openStore();
  const index = db.transaction("spans").store.index("tabId");
  const tabs: number[] = [];
  for (let c = await index.openKeyCursor(IDBKeyRange.lowerBound(0), "nextunique"); c; c = await c.continue()) tabs.push(c.key);
  const counts = await Promise.all(tabs.map((tab) => db.countFromIndex("spans", "tabId", tab)));
  return new Map(tabs.map((tab, i) => [tab, counts[i]!]));
}

/** Spans over the limit `max` (and a little more, so this does not run on every batch at it). */
export async function spansOverLimit(max: number): Promise<number> {
  const count = await (await openStore()).count("spans");
  return count <= max ? 0 : count - Math.floor(max * 0.95);
}

/** Remove about `fraction` of all spans. */
export async function evictFraction(fraction: number, now = Date.now()): Promise<Eviction> {
  const count = await (await openStore()).count("spans");
  return evictSpans(Math.max(1, Math.ceil(count * fraction)), now);
}

/** Remove at least `count` spans (whole traces overshoot it), fairly across tabs. */
export async function evictSpans(count: number, now = Date.now()): Promise<Eviction> {
  if (count <= 0) return NOTHING;
  let total = NOTHING;
  for (const [tabId, share] of fairShares(await spansPerTab(), count)) {
    const e = await evictFromTab(tabId, share, now);
    total = { traces: total.traces + e.traces, spans: total.spans + e.spans, from: Math.min(total.from, e.from), to: Math.max(total.to, e.to) };
  }
  return total;
}

async function evictFromTab(tabId: number, target: number, now: number): Promise<Eviction> {
  const db = await openStore();
  const tab = IDBKeyRange.bound([tabId, -Infinity], [tabId, Infinity]);
  const growing = await db.transaction("spans").store.index("tabStart").openCursor(IDBKeyRange.bound([tabId, -Infinity], [tabId, now + FUTURE_SKEW_MS]), "prev");
  const active = growing?.value.traceId;
  const traces = new Set<string>();
  const activeOld: string[] = [];
  let from = Infinity;
  let to = -Infinity;
  let cursor = await db.transaction("spans").store.index("tabStart").openCursor(tab);
  for (let taken = 0; cursor && taken < target; taken++, cursor = await cursor.continue()) {
    const span = cursor.value;
    from = Math.min(from, span.startTime);
    to = Math.max(to, span.startTime);
    if (span.traceId === active) activeOld.push(span.spanId);
    else traces.add(span.traceId);
  }
  const ids = [...activeOld];
  for (const traceId of traces) ids.push(...(await db.getAllKeysFromIndex("spans", "traceId", traceId)));
  const spans = await deleteSpans(ids, tabId);
  // Interactions and marks older than every span left can group nothing any more; kept, they
  // would bring back the roots of the traces just removed.
  const left = await db.transaction("spans").store.index("tabStart").openKeyCursor(tab);
  if (spans > 0) await deleteTabEventsBefore(tabId, Math.min(left ? left.key[1] : Infinity, to));
  return { traces: traces.size + (activeOld.length ? 1 : 0), spans, from, to };
}
