/**
 * What the user should know about capture and storage, kept where panels can ask: events a tab
 * sent that were dropped (invalid, over the rate limit, or overflowing the relay's queue), and
 * storage notices (oldest traces evicted when the quota ran out, a database that had to be reset).
 * Nothing is lost silently: whatever is dropped is at least counted here.
 */
import browser from "webextension-polyfill";
import type { CaptureEvent } from "../core/contract";
import { CaptureRateLimiter } from "../core/capture";
import type { StorageNotice, TabHealth } from "../shared/messages";

const NOTICES_KEY = "storage-notices";
const MAX_NOTICES = 20;
const tabs = new Map<number, TabHealth>();

export function healthOf(tabId: number): TabHealth {
  return tabs.get(tabId) ?? { invalid: 0, rateLimited: 0, relayDropped: 0 };
}

export function countDropped(tabId: number, kind: keyof TabHealth, n: number): void {
  if (!Number.isSafeInteger(n) || n <= 0) return;
  const h = { ...healthOf(tabId) };
  h[kind] += n;
  tabs.set(tabId, h);
}

export function forgetHealth(tabId: number): void {
  tabs.delete(tabId);
  limiter.forget(tabId);
}

/**
 * All data was cleared: what was dropped before is no one's concern any more. The rate limits
 * stay as they are: clearing is no way for a flooding tab to a new burst.
 */
export function forgetDropped(): void {
  tabs.clear();
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

// ---- rate limits: token buckets per tab (core/capture/rate-limit.ts) ----

const limiter = new CaptureRateLimiter();

/**
 * The events of a batch the tab may have stored now; the rest are counted as rate-limited.
 * `maxEventBytes`: the most a single valid event may weigh (see eventLimits).
 */
export function admit<E extends CaptureEvent>(tabId: number, events: readonly E[], maxEventBytes: number, now = Date.now()): E[] {
  const { admitted, dropped } = limiter.admit(tabId, events, now, maxEventBytes);
  countDropped(tabId, "rateLimited", dropped);
  return admitted;
}
