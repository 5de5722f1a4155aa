/**
 * The times a tab's events may claim: from a little before the background first heard from
 * the tab to a little after now. Anything outside is forged (a page can date its events 1970 or
 * 2100, and a span from the future would stay the "newest" forever) and is clamped into range;
 * the record says so (llm_trace.unverified "time").
 *
 * The skews cover the page's clock (performance.timeOrigin + now()) against the background's
 * Date.now(): they agree at load and drift apart only slowly, and a page clock that paused in
 * a system sleep lags behind, which stays inside the range.
 */
import type { CaptureEvent } from "../contract";

/** Before the first contact: a navigation starts a moment before its relay's first message. */
export const PAST_SKEW_MS = 60_000;
export const FUTURE_SKEW_MS = 10_000;

export interface TimeRange {
  earliest: number;
  latest: number;
}

export function tabTimeRange(firstSeen: number, now: number): TimeRange {
  return { earliest: Math.min(firstSeen, now) - PAST_SKEW_MS, latest: now + FUTURE_SKEW_MS };
}

const clamp = (t: number, r: TimeRange): number => Math.min(r.latest, Math.max(r.earliest, t));

/** The event with its times inside `range`: the same object when they already were. */
export function clampEventTimes<E extends CaptureEvent>(e: E, range: TimeRange): E {
  if (e.t === "chunks") {
    if (e.times.every((t) => t === clamp(t, range))) return e;
    return { ...e, times: e.times.map((t) => clamp(t, range)) };
  }
  const time = clamp(e.time, range);
  return time === e.time ? e : { ...e, time };
}
