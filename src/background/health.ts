/**
 * What the user should know about capture and storage, kept where panels can ask: events a tab
 * sent that were dropped (invalid, over the rate limit, or overflowing the relay's queue), and
 * storage notices (oldest traces evicted when the quota ran out, a database that had to be reset).
 * Nothing is lost silently: whatever is dropped is at least counted here.
 */
import browser from "webextension-polyfill";

export interface TabHealth {
  invalid: number;
  rateLimited: number;
  relayDropped: number;
}

export interface StorageNotice {
  at: number;
  message: string;
}

const NOTICES_KEY = "storage-notices";
const MAX_NOTICES = 20;
const tabs = new Map<number, TabHealth>();

export function healthOf(tabId: number): TabHealth {
  return tabs.get(tabId) ?? { invalid: 0, rateLimited: 0, relayDropped: 0 };
}

export function countDropped(tabId: number, kind: keyof TabHealth, n: number): void {
  if (n <= 0) return;
  const h = { ...healthOf(tabId) };
  h[kind] += n;
  tabs.set(tabId, h);
}

export function forgetHealth(tabId: number): void {
  tabs.delete(tabId);
  refusedIds.delete(tabId);
  buckets.delete(`e${tabId}`);
  buckets.delete(`x${tabId}`);
}

export async function addStorageNotice(message: string): Promise<void> {
  const stored = (await browser.storage.local.get(NOTICES_KEY))[NOTICES_KEY];
  const notices = [...(Array.isArray(stored) ? (stored as StorageNotice[]) : []), { at: Date.now(), message }].slice(-MAX_NOTICES);
  await browser.storage.local.set({ [NOTICES_KEY]: notices });
}

export async function storageNotices(since = 0): Promise<StorageNotice[]> {
  const stored = (await browser.storage.local.get(NOTICES_KEY))[NOTICES_KEY];
  return (Array.isArray(stored) ? (stored as StorageNotice[]) : []).filter((n) => n.at > since);
}

// ---- rate limits: token buckets per tab ----

/**
 * Far above any real page: sustained events per second (a stream is many chunk events) and new
 * exchanges per second (a page making hundreds of calls a second is flooding us), each with a
 * burst on top. What is over is dropped and counted.
 */
const EVENTS = { rate: 10_000, burst: 20_000 };
const EXCHANGES = { rate: 300, burst: 3_000 };

interface Bucket { tokens: number; at: number }
const buckets = new Map<string, Bucket>();
const refusedIds = new Map<number, Set<string>>();
const MAX_REFUSED = 100_000;

function take(key: string, limit: { rate: number; burst: number }, n: number, now: number): number {
  const b = buckets.get(key) ?? { tokens: limit.burst, at: now };
  b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.rate);
  b.at = now;
  const allowed = Math.min(n, Math.floor(b.tokens));
  b.tokens -= allowed;
  buckets.set(key, b);
  return allowed;
}

/** The events of a batch the tab may have stored now; the rest are counted as rate-limited. */
export function admit<E extends { t: string; id: string }>(tabId: number, events: readonly E[], now = Date.now()): E[] {
  let budget = take(`e${tabId}`, EVENTS, events.length, now);
  const newExchanges = new Set(events.filter((e) => e.t === "request").map((e) => e.id));
  let exchangeBudget = take(`x${tabId}`, EXCHANGES, newExchanges.size, now);
  // An exchange refused now stays refused: its later events would make a headless record.
  let refused = refusedIds.get(tabId);
  if (!refused) refusedIds.set(tabId, (refused = new Set()));
  for (const id of newExchanges) if (exchangeBudget-- <= 0) refused.add(id);
  if (refused.size > MAX_REFUSED) refused.clear();
  const out: E[] = [];
  for (const e of events) {
    if (refused.has(e.id) || budget <= 0) continue;
    budget--;
    out.push(e);
  }
  countDropped(tabId, "rateLimited", events.length - out.length);
  return out;
}
