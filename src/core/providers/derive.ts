/** From a captured exchange to the span that stands for it. */
import { classifyExchange } from "./classify";
import { costOf, type PriceTable } from "./cost";
import type { UserRule } from "./rules";
import { headerValue, isSpanId, isTraceId, newTraceId, type Exchange, type ExchangeRecord, type SpanRecord } from "../contract";

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

/**
 * The span of `exchange`, which `origin` says where it came from: the record it is stored as
 * (tab, frame, what the hook was not seen to say), or a file's (tab only).
 */
export function deriveSpan(
  exchange: Exchange, origin: Pick<ExchangeRecord, "tabId" | "frameId" | "unverified" | "traceId">, now: number, options: DeriveOptions = {},
): SpanRecord {
  const draft = classifyExchange(exchange, options.rules?.length ? { rules: [...options.rules] } : undefined);
  // Cost at the prices known at capture time (exports carry it; the panel may re-price).
  const cost = draft.kind === "llm" || draft.kind === "embedding" ? costOf(draft.attributes, options.prices) : undefined;
  if (cost) draft.attributes["llm_trace.cost.usd"] = Number(cost.usd.toFixed(8));
  if (origin.unverified?.length) draft.attributes["llm_trace.unverified"] = [...origin.unverified];
  const parent = parseTraceparent(headerValue(exchange.request.headers, "traceparent"));
  const traceId = origin.traceId ?? parent?.traceId ?? newTraceId();
  return {
    traceId,
    spanId: exchange.id,
    ...(parent && parent.traceId === traceId ? { parentSpanId: parent.parentSpanId } : {}),
    name: draft.name,
    kind: draft.kind,
    startTime: exchange.timing.start,
    ...(draft.endTime !== undefined ? { endTime: draft.endTime } : exchange.timing.end !== undefined ? { endTime: exchange.timing.end } : {}),
    status: draft.status,
    // Marks the trace id as the app's own, so trace assembly keeps it.
    attributes: parent && parent.traceId === traceId ? { ...draft.attributes, "llm_trace.trace_context": "traceparent" } : draft.attributes,
    ...(draft.events?.length ? { events: draft.events } : {}),
    tabId: origin.tabId,
    ...(origin.frameId !== undefined ? { frameId: origin.frameId } : {}),
    exchangeId: exchange.id,
    updatedAt: now,
  };
}
