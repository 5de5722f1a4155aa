/** Keeping storage bounded: the span limit from the settings, and data of tabs that are gone. */
import { addStorageNotice } from "./health";
import { getSettings } from "./settings";
import { forgetPaused } from "./recording";
import { deleteSpans, deleteTabEvents, openStore, spanIdsOfTab, spansOverLimit } from "./store";

/** Counting spans costs a little; once every few seconds is enough to hold the limit. */
const CHECK_INTERVAL_MS = 5000;
let lastCheck = 0;
let running = false;
let trailing: ReturnType<typeof setTimeout> | undefined;
let usageAtEviction = 0;

const MB = 1024 * 1024;

/**
 * Keep within the span limit and the storage budget of the settings, oldest traces first. What
 * the budget removes is announced (the span limit is the user's own explicit choice).
 */
export async function enforceRetention(force = false): Promise<number> {
  const now = Date.now();
  if (running || (!force && now - lastCheck < CHECK_INTERVAL_MS)) {
    // Skipped for now: check once more when due, so the last writes of a burst are counted.
    trailing ??= setTimeout(() => {
      trailing = undefined;
      void enforceRetention();
    }, Math.max(0, lastCheck + CHECK_INTERVAL_MS - now) + 50);
    return 0;
  }
  running = true;
  lastCheck = now;
  try {
    const settings = await getSettings();
    let removed = await deleteSpans(await spansOverLimit(settings.maxSpans));
    const usage = (await navigator.storage.estimate()).usage ?? 0;
    const budget = settings.maxStorageMB * MB;
    // The browser reports space freed by deletions only later: after an eviction, evict again
    // only once use has grown further, not on the stale figure.
    if (usage <= budget) usageAtEviction = 0;
    else if (usage > usageAtEviction + budget * 0.1) {
      usageAtEviction = usage;
      const evicted = await evictOldest(0.25);
      removed += evicted.spans;
      if (evicted.spans) await addStorageNotice(`Storage limit (${settings.maxStorageMB} MB) reached: ${describeEviction(evicted)}.`);
    }
    return removed;
  } catch {
    return 0;
  } finally {
    running = false;
  }
}

export function describeEviction(e: Eviction): string {
  const time = (t: number) => new Date(t).toLocaleTimeString();
  return `the ${e.traces} oldest traces (${e.spans} spans, from ${time(e.from)} to ${time(e.to)}) were removed`;
}

export async function forgetTab(tabId: number): Promise<void> {
  await forgetPaused(tabId);
  await deleteSpans(await spanIdsOfTab(tabId)).catch(() => 0);
  await deleteTabEvents(tabId).catch(() => {});
}

/** Live tabs have ids >= 0; imported sessions (negative ids) are kept. */
export async function forgetLiveTabs(): Promise<void> {
  await forgetPaused();
  const db = await openStore();
  const ids = await db.getAllKeysFromIndex("spans", "tabId", IDBKeyRange.lowerBound(0));
  await deleteSpans(ids);
  await deleteTabEvents(IDBKeyRange.lowerBound(0));
}

/** Quota exhaustion, however the browser reports it (directly, or as the abort of a transaction). */
export function isQuotaError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; inner?: unknown } | null;
  return e?.name === "QuotaExceededError" || /quota/i.test(e?.message ?? "");
}

export interface Eviction {
  traces: number;
  spans: number;
  /** Start times of the oldest and newest evicted spans. */
  from: number;
  to: number;
}

/** Remove the oldest `fraction` of spans, whole traces at a time. */
export async function evictOldest(fraction: number): Promise<Eviction> {
  const db = await openStore();
  const count = await db.count("spans");
  const target = Math.max(1, Math.ceil(count * fraction));
  const traces = new Set<string>();
  let taken = 0;
  let from = Infinity;
  let to = -Infinity;
  let cursor = await db.transaction("spans").store.index("startTime").openCursor();
  while (cursor && taken < target) {
    traces.add(cursor.value.traceId);
    from = Math.min(from, cursor.value.startTime);
    to = Math.max(to, cursor.value.startTime);
    taken++;
    cursor = await cursor.continue();
  }
  // Whole traces, except one still growing (the newest session): of that, only the old spans.
  const newest = await db.transaction("spans").store.index("startTime").openCursor(null, "prev");
  const activeTrace = newest?.value.traceId;
  const ids: string[] = [];
  for (const traceId of traces) {
    if (traceId === activeTrace) continue;
    ids.push(...(await db.getAllKeysFromIndex("spans", "traceId", traceId)));
  }
  if (traces.has(activeTrace ?? "")) {
    let c = await db.transaction("spans").store.index("startTime").openCursor();
    for (let n = 0; c && n < target; n++, c = await c.continue()) if (c.value.traceId === activeTrace) ids.push(c.primaryKey);
  }
  return { traces: traces.size, spans: await deleteSpans(ids), from, to };
}
