/**
 * What a trace file holds: the spans of a session and the raw exchanges behind its HTTP-backed
 * spans. Export takes this shape and import gives it back.
 */
import type { Attributes, Exchange, Span, SpanEvent, SpanRecord } from "../contract";

export interface TraceSession {
  spans: SpanRecord[];
  exchanges: Exchange[];
}

/** Attributes a file can carry: JSON has no NaN or Infinity, so such values are left out. */
export function fileAttributes(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attributes)) {
    if (typeof v === "number" && !Number.isFinite(v)) continue;
    if (Array.isArray(v) && v.some((x) => typeof x === "number" && !Number.isFinite(x))) continue;
    out[k] = v;
  }
  return out;
}

function fileEvent(e: SpanEvent): SpanEvent {
  return { name: e.name, time: e.time, ...(e.attributes ? { attributes: fileAttributes(e.attributes) } : {}) };
}

/**
 * The span as a file holds it: where it was stored (tab, last update) is not part of it, and its
 * fields are in one fixed order, so that two equal spans always serialize to the same bytes
 * whatever order their fields were set in (this is what makes re-export byte-stable).
 */
export function toFileSpan(s: Span): Span {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId !== undefined ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind,
    startTime: s.startTime,
    ...(s.endTime !== undefined ? { endTime: s.endTime } : {}),
    status: s.status,
    attributes: fileAttributes(s.attributes),
    ...(s.events !== undefined ? { events: s.events.map(fileEvent) } : {}),
    ...(s.frameId !== undefined ? { frameId: s.frameId } : {}),
    ...(s.exchangeId !== undefined ? { exchangeId: s.exchangeId } : {}),
  };
}

/** File order: by start time, then id, so that export does not depend on the input's order. */
export function compareStartId(aStart: number, aId: string, bStart: number, bId: string): number {
  if (aStart !== bStart) return aStart < bStart ? -1 : 1;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}
