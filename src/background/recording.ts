/**
 * Tabs whose recording the user paused from the panel. Kept in storage (the worker may stop at
 * any moment) and cached in memory, since every capture batch asks.
 */
import browser from "webextension-polyfill";

const KEY = "paused-tabs";
let cache: Set<number> | undefined;

async function paused(): Promise<Set<number>> {
  if (!cache) {
    const stored = (await browser.storage.local.get(KEY))[KEY];
    cache = new Set(Array.isArray(stored) ? stored.filter((n): n is number => typeof n === "number") : []);
  }
  return cache;
}

export async function isRecording(tabId: number): Promise<boolean> {
  return !(await paused()).has(tabId);
}

export async function setRecording(tabId: number, recording: boolean): Promise<boolean> {
  const set = await paused();
  if (recording) set.delete(tabId);
  else set.add(tabId);
  await browser.storage.local.set({ [KEY]: [...set] });
  return recording;
}

/** All data was cleared (paused tabs with it): read storage again next time. */
export function forgetAll(): void {
  cache = undefined;
}

/** Tab ids do not survive a browser restart, and neither does pausing. */
export async function forgetPaused(tabId?: number): Promise<void> {
  const set = await paused();
  if (tabId === undefined) set.clear();
  else set.delete(tabId);
  await browser.storage.local.set({ [KEY]: [...set] });
}
