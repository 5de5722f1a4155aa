/**
 * The contract: the shapes every layer shares, from the page hook to the panel and the files.
 * One span (one schema, OpenTelemetry GenAI attribute names: docs/DESIGN.md, "The span") and one
 * exchange (what the page hook observed), each with the form it is stored in; the events the
 * hook reports an exchange by, and the configuration the hook is handed. Types and the helpers
 * that belong to them only: no work.
 */
export type { AttributeValue, Attributes, Span, SpanEvent, SpanKind, SpanStatus } from "./span";
export { isSpanId, isTraceId, newSpanId, newTraceId, randomHex } from "./span";
export type {
  ChunkBlock, ChunkRecord, ExchangeRecord, InteractionRecord, MarkRecord, SpanRecord, StoredChunks, UnverifiedReason,
} from "./records";
export type { CapturedBody, Chunk, Exchange, ExchangeRequest, ExchangeResponse, ExchangeTiming, Header, Outcome } from "./exchange";
export { headerValue, mimeTypeOf, responseText } from "./exchange";
export type {
  CaptureEvent, ChunksEvent, EndEvent, ExchangeEvent, HookConfig, InteractionEvent, MarkEvent, RequestEvent, ResponseEvent,
} from "./capture-events";
export { DEFAULT_BODY_CAP, DEFAULT_HOOK_CONFIG } from "./capture-events";
export type { Transport } from "./exchange";
export { isMessageSession } from "./exchange";
export { MAX_WS_MESSAGES, wsMessageLine, wsMessages, type WsMessage } from "./ws-messages";
