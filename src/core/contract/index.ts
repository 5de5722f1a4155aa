/**
 * The contract: the shapes every layer shares, from the page hook to the panel and the files.
 * The span (one schema, OpenTelemetry GenAI attribute names: docs/DESIGN.md, "The span") and how
 * it is stored; the exchange the page hook observed; the events the hook reports it by, and the
 * configuration the hook is handed. Types and the helpers that belong to them only: no work.
 */
export type { AttributeValue, Attributes, Span, SpanDraft, SpanEvent, SpanKind, SpanStatus } from "./span";
export { isSpanId, isTraceId, newSpanId, newTraceId, randomHex } from "./span";
export type { InteractionRecord, MarkRecord, SpanRecord } from "./records";
export type { CapturedBody, Chunk, Exchange, ExchangeRequest, ExchangeResponse, ExchangeTiming, Header, Outcome } from "./exchange";
export { headerValue, mimeTypeOf, responseText } from "./exchange";
export type {
  CaptureEvent, ChunksEvent, EndEvent, ExchangeEvent, HookConfig, InteractionEvent, MarkEvent, RequestEvent, ResponseEvent,
} from "./capture-events";
export { DEFAULT_BODY_CAP, DEFAULT_HOOK_CONFIG } from "./capture-events";
