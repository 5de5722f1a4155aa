/** From a captured exchange to the span that stands for it. */
import { classifyExchange } from "./classify";
import { costOf, type PriceTable } from "./cost";
import type { UserRule } from "./rules";
import { placeFirst } from "../assembly";
import { headerValue, type Exchange, type ExchangeRecord, type SpanRecord } from "../contract";

export interface DeriveOptions {
  /** The user's classification rules. */
  rules?: readonly UserRule[];
  /** The user's prices, searched before the built-in table. */
  prices?: PriceTable;
}

/**
 * The span of `exchange`, which `origin` says where it came from: the record it is stored as
 * (tab, frame, what the hook was not seen to say), or a file's (tab only). Where the span
 * stands (trace, parent) is assembly's to say: it gets its first place there (placeFirst).
 */
export function deriveSpan(exchange: Exchange, origin: Pick<ExchangeRecord, "tabId" | "frameId" | "unverified">, now: number, options: DeriveOptions = {}): SpanRecord {
  const draft = classifyExchange(exchange, options.rules?.length ? { rules: [...options.rules] } : undefined);
  // Cost at the prices known at capture time (exports carry it; the panel may re-price).
  const cost = draft.kind === "llm" || draft.kind === "embedding" ? costOf(draft.attributes, options.prices) : undefined;
  if (cost) draft.attributes["llm_trace.cost.usd"] = Number(cost.usd.toFixed(8));
  if (origin.unverified?.length) draft.attributes["llm_trace.unverified"] = [...origin.unverified];
  if (exchange.replay) {
    draft.attributes["llm_trace.replay.of"] = exchange.replay.of;
    draft.attributes["llm_trace.replay.group"] = exchange.replay.group;
  }
  if (exchange.network) {
    draft.attributes["llm_trace.capture.source"] = "network";
    if (exchange.network.initiator) draft.attributes["llm_trace.initiator.url"] = exchange.network.initiator;
    // The network log gives the body whole at its end (redaction may cut it in pieces, all at
    // that time): a time to first chunk would be the whole duration, so it is left out rather than shown wrong (docs/DESIGN.md, "Calls from workers").
    delete draft.attributes["gen_ai.response.time_to_first_chunk"];
  }
  return placeFirst({
    spanId: exchange.id,
    name: draft.name,
    kind: draft.kind,
    startTime: exchange.timing.start,
    ...(draft.endTime !== undefined ? { endTime: draft.endTime } : exchange.timing.end !== undefined ? { endTime: exchange.timing.end } : {}),
    status: draft.status,
    attributes: draft.attributes,
    ...(draft.events?.length ? { events: draft.events } : {}),
    tabId: origin.tabId,
    ...(origin.frameId !== undefined ? { frameId: origin.frameId } : {}),
    exchangeId: exchange.id,
    updatedAt: now,
  }, headerValue(exchange.request.headers, "traceparent"));
}
