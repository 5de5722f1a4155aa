/** From a stored exchange to the span that stands for it. */
import { classifyExchange } from "./classify";
import { costOf, type PriceTable } from "./cost";
import type { UserRule } from "./rules";
import type { ChunkRecord, ExchangeRecord } from "./ingest";
import { assembleExchange } from "./ingest";
import type { SpanRecord } from "./records";
import { headerValue } from "./exchange";
import { isSpanId, isTraceId, newTraceId } from "./span";

/** W3C trace context: version-traceid-parentid-flags. */
export function parseTraceparent(value: string | undefined): { traceId: string; parentSpanId: string } | undefined {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value?.trim().toLowerCase() ?? "");
  if (!m || m[1] === "ff" || !isTraceId(m[2]) || !isSpanId(m[3])) return undefined;
  return { traceId: m[2]!, parentSpanId: m[3]! };
}

/** The trace an exchange joins when it is first seen: the app's own trace context, else a new one. */
export function initialTraceId(record: ExchangeRecord): string {
  return parseTraceparent(headerValue(record.request.headers, "traceparent"))?.traceId ?? newTraceId();
}

export interface DeriveOptions {
  /** The user's classification rules. */
  rules?: readonly UserRule[];
  /** The user's prices, searched before the built-in table. */
  prices?: PriceTable;
}

export function deriveSpan(record: ExchangeRecord, chunks: readonly ChunkRecord[], now: number, options: DeriveOptions = {}): SpanRecord {
  const exchange = assembleExchange(record, chunks);
  const draft = classifyExchange(exchange, options.rules?.length ? { rules: [...options.rules] } : undefined);
  // Cost at the prices known at capture time (exports carry it; the panel may re-price).
  const cost = draft.kind === "llm" || draft.kind === "embedding" ? costOf(draft.attributes, options.prices) : undefined;
  if (cost) draft.attributes["llm_trace.cost.usd"] = Number(cost.usd.toFixed(8));
  if (record.unverified?.length) draft.attributes["llm_trace.unverified"] = [...record.unverified];
  if (record.replay) {
    draft.attributes["llm_trace.replay.of"] = record.replay.of;
    draft.attributes["llm_trace.replay.group"] = record.replay.group;
  }
  const parent = parseTraceparent(headerValue(record.request.headers, "traceparent"));
  const traceId = record.traceId ?? parent?.traceId ?? newTraceId();
  return {
    traceId,
    spanId: record.id,
    ...(parent && parent.traceId === traceId ? { parentSpanId: parent.parentSpanId } : {}),
    name: draft.name,
    kind: draft.kind,
    startTime: exchange.timing.start,
    ...(draft.endTime !== undefined ? { endTime: draft.endTime } : exchange.timing.end !== undefined ? { endTime: exchange.timing.end } : {}),
    status: draft.status,
    // Marks the trace id as the app's own, so trace assembly keeps it.
    attributes: parent && parent.traceId === traceId ? { ...draft.attributes, "llm_trace.trace_context": "traceparent" } : draft.attributes,
    ...(draft.events?.length ? { events: draft.events } : {}),
    tabId: record.tabId,
    ...(record.frameId !== undefined ? { frameId: record.frameId } : {}),
    exchangeId: record.id,
    updatedAt: now,
  };
}
