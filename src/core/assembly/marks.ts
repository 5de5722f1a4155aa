/**
 * Explicit grouping marks (docs/DESIGN.md, "Traces: how spans are grouped", signal 2): performance.mark("llm-trace:start", {detail:
 * {name, attributes}}) ... performance.mark("llm-trace:end"). Starts and ends pair like
 * brackets: an end closes the innermost open start, so an agent can mark its sub-agents and
 * they nest. A start never closed (the app forgot, or the end is still to come) stays open
 * until the next user interaction, so a forgotten end cannot swallow the rest of the session.
 *
 * Marks belong to the frame that made them: they pair with that frame's marks, are closed by
 * its interactions and group only its work. A tab's frames may be other sites (an ad, a widget),
 * and a cross-origin frame must not be able to regroup the page's traces with a mark.
 */
import type { InteractionRecord, MarkRecord } from "../contract";
import { sourceSpanId } from "./ids";
import { IntervalIndex, lastAtOrBefore } from "./intervals";

export interface MarkWindow {
  start: MarkRecord;
  end?: MarkRecord;
  spanId: string;
  /** The enclosing window when nested. */
  parent?: MarkWindow;
  /** Work starting in [from, until] belongs here (until is Infinity while open). */
  from: number;
  until: number;
}

const byTimeThenId = <T extends { time: number; id: string }>(a: T, b: T): number => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type FrameId = number | undefined;

function byFrame<T extends { frameId?: number }>(items: readonly T[]): Map<FrameId, T[]> {
  const out = new Map<FrameId, T[]>();
  for (const item of items) {
    const list = out.get(item.frameId);
    if (list) list.push(item);
    else out.set(item.frameId, [item]);
  }
  return out;
}

export function pairMarks(marks: readonly MarkRecord[], interactions: readonly InteractionRecord[]): MarkWindow[] {
  const frameInteractions = byFrame(interactions);
  return [...byFrame(marks)].flatMap(([frame, own]) => pairFrameMarks(own, frameInteractions.get(frame) ?? []));
}

/** One frame's marks, closed by its interactions. */
function pairFrameMarks(marks: readonly MarkRecord[], interactions: readonly InteractionRecord[]): MarkWindow[] {
  const sorted = [...marks].sort((a, b) => byTimeThenId(a, b) || (a.phase === b.phase ? 0 : a.phase === "start" ? -1 : 1));
  const windows: MarkWindow[] = [];
  const open: MarkWindow[] = [];
  for (const m of sorted) {
    if (m.phase === "start") {
      const w: MarkWindow = { start: m, spanId: sourceSpanId("mark", m.id), from: m.time, until: Infinity };
      const parent = open[open.length - 1];
      if (parent) w.parent = parent;
      open.push(w);
      windows.push(w);
    } else {
      // A stray end (its start fell out of the assembly window) closes nothing.
      const w = open.pop();
      if (w) {
        w.end = m;
        w.until = m.time;
      }
    }
  }
  const times = interactions.map((i) => i.time).sort((a, b) => a - b);
  for (const w of open) {
    const next = lastAtOrBefore(times, w.from) + 1;
    if (next < times.length) w.until = times[next]!;
  }
  return windows;
}

/** Innermost mark window of the frame containing each instant. */
export function markLookup(windows: readonly MarkWindow[]): (t: number, frameId: number | undefined) => MarkWindow | undefined {
  const indexes = new Map<FrameId, IntervalIndex<MarkWindow>>();
  for (const [frame, own] of byFrame(windows.map((w) => ({ frameId: w.start.frameId, w })))) {
    indexes.set(frame, new IntervalIndex(own.map(({ w }) => ({ start: w.from, end: w.until, value: w }))));
  }
  // Nested windows start later than their parents: the latest start is the innermost.
  return (t, frameId) => indexes.get(frameId)?.containing(t)[0];
}

/** The outermost window: its span is the trace root. */
export function outermost(w: MarkWindow): MarkWindow {
  let top = w;
  while (top.parent) top = top.parent;
  return top;
}
