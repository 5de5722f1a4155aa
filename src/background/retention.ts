/** Keeping storage bounded: the span limit from the settings, and data of tabs that are gone. */
import { addStorageNotice } from "./health";
import { getSettings } from "./current-settings";
import { forgetPaused } from "./recording";
import { deleteSpans, deleteTabEvents, deleteTabReviews, openStore, spanIdsOfTab } from "./store";
import { evictFraction, evictSpans, spansOverLimit, type Eviction } from "./eviction";

/** Once every few seconds is enough to hold the limits. */
const CHECK_INTERVAL_MS = 5000;
/**
 * Spans stored, as last counted plus those stored since (spansStored): counting reads the whole
 * store, so it is done only when this says the limit may be near. An upper bound: a batch
 * delivered again counts twice, and deletions other than evictions are not subtracted.
 */
let estimate: number | undefined;

export function spansStored(n: number): void {
  if (estimate !== undefined) estimate += n;
}

async function overLimit(max: number): Promise<boolean> {
  if (estimate === undefined || estimate > max) estimate = await (await openStore()).count("spans");
  return estimate > max;
}
let lastCheck = 0;
let running = false;
let trailing: ReturnType<typeof setTimeout> | undefined;
let usageAtEviction = 0;

const MB = 1024 * 1024;

/**
 * Keep within the span limit and the storage budget of the settings: the oldest traces of the
 * tabs holding the most go first (eviction.ts). What the budget removes is announced (the span
 * limit is the user's own explicit choice).
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
    let removed = 0;
    if (await overLimit(settings.maxSpans)) {
      removed = (await evictSpans(await spansOverLimit(settings.maxSpans))).spans;
      estimate = undefined;
    }
    const usage = (await navigator.storage.estimate()).usage ?? 0;
    const budget = settings.maxStorageMB * MB;
    // The browser reports space freed by deletions only later: after an eviction, evict again
    // only once use has grown further, not on the stale figure.
    if (usage <= budget) usageAtEviction = 0;
    else if (usage > usageAtEviction + budget * 0.1) {
      usageAtEviction = usage;
      const evicted = await evictFraction(0.25);
      estimate = undefined;
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
  // 24-hour, as the panel shows every other time.
  const time = (t: number) => new Date(t).toLocaleTimeString([], { hourCycle: "h23" });
  return `the ${e.traces} oldest traces of the tabs holding the most (${e.spans} spans, from ${time(e.from)} to ${time(e.to)}) were removed`;
}

export async function forgetTab(tabId: number): Promise<void> {
  await forgetPaused(tabId);
  await deleteSpans(await spanIdsOfTab(tabId)).catch(() => 0);
  await deleteTabEvents(tabId).catch(() => {});
  await deleteTabReviews(tabId).catch(() => {});
}

/** Live tabs have ids >= 0; imported sessions (negative ids) are kept. */
export async function forgetLiveTabs(): Promise<void> {
  await forgetPaused();
  const db = await openStore();
  const ids = await db.getAllKeysFromIndex("spans", "tabId", IDBKeyRange.lowerBound(0));
  await deleteSpans(ids);
  await deleteTabEvents(IDBKeyRange.lowerBound(0));
  await deleteTabReviews(IDBKeyRange.lowerBound(0));
}

/** Quota exhaustion, however the browser reports it (directly, or as the abort of a transaction). */
export function isQuotaError(error: unknown): boolean {
  const e = error as { name?: string; message?: string; inner?: unknown } | null;
  return e?.name === "QuotaExceededError" || /quota/i.test(e?.message ?? "");
}
