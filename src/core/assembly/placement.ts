/**
 * A span's place: its trace, its parent, and for a model call the conversation assembly derived
 * for it. Assembly alone decides it (docs/DESIGN.md, "Traces: how spans are grouped"); nothing
 * else in the extension sets a trace id or a parent.
 * - First place (placeFirst), as a span is derived from its exchange: the app's own trace when
 *   the request carried a W3C traceparent, adopted and final; else a provisional trace of the
 *   span's own, made from its id (not at random, so storing the same batch twice stores the same
 *   record), until a run places it.
 * - Every run places each span of its window (assemble.ts).
 * - Between runs a span derived again keeps the place the last run gave it, and a run's place
 *   goes onto the latest copy of a span (withPlace, the same rule both ways).
 */
import { isSpanId, isTraceId, type SpanRecord } from "../contract";
import { CONVERSATION_DERIVED, CONVERSATION_ID, conversationOf, wireConversation, withConversation } from "./conversations";

/** Marks a span whose trace is the app's own (its request's traceparent): no run moves it. */
export const TRACE_CONTEXT = "llm_trace.trace_context";

/** W3C trace context: version-traceid-parentid-flags. */
export function parseTraceparent(value: string | undefined): { traceId: string; parentSpanId: string } | undefined {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value?.trim().toLowerCase() ?? "");
  if (!m || m[1] === "ff" || !isTraceId(m[2]) || !isSpanId(m[3])) return undefined;
  return { traceId: m[2]!, parentSpanId: m[3]! };
}

/**
 * Whether no run moves the span: it is in the app's own trace (traceparent), or in the trace of
 * a live WebSocket session, which its parser placed ("session": docs/DESIGN.md, "Other transports").
 */
export function isAdopted(span: SpanRecord): boolean {
  const context = span.attributes[TRACE_CONTEXT];
  return context === "traceparent" || context === "session";
}

/** The trace a span stands in until a run places it: one no run gives (runs hash their ids). */
export function provisionalTraceId(spanId: string): string {
  return `${spanId}${spanId}`;
}

/** Whether the span stands where assembly put it: placed by a run, or in the app's own trace. */
export function isPlaced(span: SpanRecord): boolean {
  return isAdopted(span) || span.traceId !== provisionalTraceId(span.spanId);
}

/** A span just derived from its exchange, in its first place; `traceparent`: its request's header. */
export function placeFirst(span: Omit<SpanRecord, "traceId" | "parentSpanId">, traceparent: string | undefined): SpanRecord {
  const app = parseTraceparent(traceparent);
  if (!app) return { ...span, traceId: provisionalTraceId(span.spanId) };
  return { ...span, traceId: app.traceId, parentSpanId: app.parentSpanId, attributes: { ...span.attributes, [TRACE_CONTEXT]: "traceparent" } };
}

/**
 * `span` in the place `placed` stands: its trace, its parent, and the conversation assembly
 * derived (a conversation the call names on the wire is its own and stays). A span that brings
 * its own place (isAdopted) keeps it: a live session's span was placed like any call's until its
 * messages said what it is.
 */
export function withPlace(span: SpanRecord, placed: SpanRecord): SpanRecord {
  if (isAdopted(span)) return span;
  const derived = placed.attributes[CONVERSATION_DERIVED] === true ? conversationOf(placed) : undefined;
  const out = { ...(wireConversation(span) !== undefined ? span : withConversation(span, derived)), traceId: placed.traceId };
  if (placed.parentSpanId) out.parentSpanId = placed.parentSpanId;
  else delete out.parentSpanId;
  return out;
}

/** Whether two copies of a span stand in the same place. */
export function samePlace(a: SpanRecord, b: SpanRecord): boolean {
  return a.traceId === b.traceId && a.parentSpanId === b.parentSpanId &&
    a.attributes[CONVERSATION_ID] === b.attributes[CONVERSATION_ID] && a.attributes[CONVERSATION_DERIVED] === b.attributes[CONVERSATION_DERIVED];
}
