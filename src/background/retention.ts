/** Keeping storage bounded: the span limit from the settings, and data of tabs that are gone. */
import browser from "webextension-polyfill";
import { SETTINGS_KEY, normalizeSettings } from "../core/settings";
import { forgetPaused } from "./recording";
import { deleteSpans, deleteTabEvents, openStore, spanIdsOfTab, spansOverLimit } from "./store";

/** Counting spans costs a little; once every few seconds is enough to hold the limit. */
const CHECK_INTERVAL_MS = 2000;
let lastCheck = 0;
let running = false;

async function maxSpans(): Promise<number> {
  const stored = await browser.storage.local.get(SETTINGS_KEY);
  return normalizeSettings(stored[SETTINGS_KEY]).maxSpans;
}

export async function enforceRetention(force = false): Promise<number> {
  const now = Date.now();
  if (running || (!force && now - lastCheck < CHECK_INTERVAL_MS)) return 0;
  running = true;
  lastCheck = now;
  try {
    return await deleteSpans(await spansOverLimit(await maxSpans()));
  } catch {
    return 0;
  } finally {
    running = false;
  }
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
