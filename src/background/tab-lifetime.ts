/**
 * When the background first heard from each tab, so its events' times can be held to the tab's
 * lifetime (core/capture/clock.ts). Kept in storage.session as well as memory: a worker that
 * restarts mid-session must not take the restart for the tab's start, or a long stream's
 * earlier chunks would look forged.
 */
import browser from "webextension-polyfill";
import type { CaptureEvent } from "../core/contract";
import { clampEventTimes, tabTimeRange } from "../core/capture";

const firstSeen = new Map<number, number>();
const key = (tabId: number) => `tab-seen:${tabId}`;

/** The first contact with the tab (now, if this is it). */
export async function tabFirstSeen(tabId: number, now = Date.now()): Promise<number> {
  const known = firstSeen.get(tabId);
  if (known !== undefined) return known;
  const stored = (await browser.storage.session.get(key(tabId)).catch(() => ({} as Record<string, unknown>)))[key(tabId)];
  // Another message of the tab may have answered meanwhile: the earliest wins.
  const seen = Math.min(typeof stored === "number" ? stored : now, firstSeen.get(tabId) ?? Infinity);
  firstSeen.set(tabId, seen);
  if (stored !== seen) await browser.storage.session.set({ [key(tabId)]: seen }).catch(() => {});
  return seen;
}

export interface TimedEvents<E> {
  events: E[];
  /** Exchanges whose times had to be clamped. */
  clamped: Set<string>;
}

/** The events with their times held to the tab's lifetime. */
export async function clampToTabLifetime<E extends CaptureEvent>(tabId: number, events: readonly E[], now = Date.now()): Promise<TimedEvents<E>> {
  const range = tabTimeRange(await tabFirstSeen(tabId, now), now);
  const clamped = new Set<string>();
  const out = events.map((e) => {
    const c = clampEventTimes(e, range);
    if (c !== e && e.t !== "interaction" && e.t !== "mark") clamped.add(e.id);
    return c;
  });
  return { events: out, clamped };
}

export function forgetTabLifetime(tabId: number): void {
  firstSeen.delete(tabId);
  void browser.storage.session.remove(key(tabId)).catch(() => {});
}
