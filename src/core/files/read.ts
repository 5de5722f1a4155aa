/**
 * Reading spans from untrusted files. A trace file may be hand-edited, truncated or produced by
 * another tool: every field is checked, a bad optional field is dropped with a warning, and a
 * span missing what makes it a span (ids, name, kind, start) is rejected as a whole. The result
 * always satisfies the Span invariants the panel and the store rely on.
 */
import { isSpanId, isTraceId, type Attributes, type AttributeValue, type Span, type SpanEvent, type SpanKind, type SpanStatus } from "../contract";
import { isObj, type Obj } from "../providers";
import type { Warnings } from "./warnings";

export const SPAN_KINDS: readonly SpanKind[] = ["interaction", "llm", "embedding", "retrieval", "tool", "agent", "http"];
const STATUSES: readonly SpanStatus[] = ["unset", "ok", "error"];

export const isFiniteNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** An attribute value of the Span schema: a primitive or a homogeneous array of strings or numbers. */
export function attributeValue(v: unknown): AttributeValue | undefined {
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (isFiniteNumber(v)) return v;
  if (!Array.isArray(v)) return undefined;
  if (v.every((x) => typeof x === "string")) return v as string[];
  if (v.every(isFiniteNumber)) return v as number[];
  return undefined;
}

/**
 * Keys that would reach Object.prototype through plain assignment are refused: an attribute
 * named "__proto__" cannot be stored faithfully and is never a real attribute.
 */
export const isSafeKey = (k: string): boolean => k !== "__proto__";

export function readAttributes(v: unknown, where: string, warn: Warnings): Attributes {
  const out: Attributes = {};
  if (v === undefined) return out;
  if (!isObj(v)) {
    warn.add(`${where}: attributes is not an object; dropped`);
    return out;
  }
  let dropped = 0;
  for (const [k, raw] of Object.entries(v)) {
    const value = attributeValue(raw);
    if (value === undefined || !isSafeKey(k)) dropped++;
    else out[k] = value;
  }
  if (dropped > 0) warn.add(`${where}: ${dropped} attribute(s) with unsupported values dropped`);
  return out;
}

export function readEvents(v: unknown, where: string, warn: Warnings): SpanEvent[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    warn.add(`${where}: events is not an array; dropped`);
    return undefined;
  }
  const out: SpanEvent[] = [];
  v.forEach((e, i) => {
    if (!isObj(e) || typeof e.name !== "string" || !isFiniteNumber(e.time)) {
      warn.add(`${where}: event ${i} has no name or time; dropped`);
      return;
    }
    out.push({ name: e.name, time: e.time, ...(e.attributes !== undefined ? { attributes: readAttributes(e.attributes, `${where} event ${i}`, warn) } : {}) });
  });
  return out;
}

/** A span as our files write it (see toFileSpan), or undefined with a warning saying why not. */
export function readFileSpan(v: unknown, where: string, warn: Warnings, onReject = "skipped"): Span | undefined {
  if (!isObj(v)) {
    warn.add(`${where}: span is not an object; ${onReject}`);
    return undefined;
  }
  const missing = missingSpanField(v);
  if (missing) {
    warn.add(`${where}: span has ${missing}; ${onReject}`);
    return undefined;
  }
  const span: Span = {
    traceId: v.traceId as string,
    spanId: v.spanId as string,
    name: v.name as string,
    kind: v.kind as SpanKind,
    startTime: v.startTime as number,
    status: v.status as SpanStatus,
    attributes: readAttributes(v.attributes, where, warn),
  };
  optional(v, "parentSpanId", isSpanId, where, warn, (x) => (span.parentSpanId = x));
  optional(v, "endTime", isFiniteNumber, where, warn, (x) => (span.endTime = x));
  const events = readEvents(v.events, where, warn);
  if (events) span.events = events;
  optional(v, "frameId", (x): x is number => Number.isInteger(x), where, warn, (x) => (span.frameId = x));
  optional(v, "exchangeId", isSpanId, where, warn, (x) => (span.exchangeId = x));
  return span;
}

function missingSpanField(v: Obj): string | undefined {
  if (!isTraceId(v.traceId)) return "no valid traceId";
  if (!isSpanId(v.spanId)) return "no valid spanId";
  if (typeof v.name !== "string") return "no name";
  if (!SPAN_KINDS.includes(v.kind as SpanKind)) return "an unknown kind";
  if (!isFiniteNumber(v.startTime)) return "no startTime";
  if (!STATUSES.includes(v.status as SpanStatus)) return "an unknown status";
  return undefined;
}

function optional<T>(v: Obj, key: string, ok: (x: unknown) => x is T, where: string, warn: Warnings, set: (x: T) => void): void {
  const x = v[key];
  if (x === undefined) return;
  if (ok(x)) set(x);
  else warn.add(`${where}: invalid ${key} dropped`);
}
