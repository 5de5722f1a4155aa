/**
 * The HAR file we write: HAR 1.2 (typed by @types/har-format) plus our underscore-prefixed
 * fields, which HAR allows and other readers ignore.
 *
 * - entry `_span`: the span an entry backs (a Span: where it was stored is not written);
 * - entry `_exchange`: every Exchange field that the standard HAR fields cannot carry exactly
 *   (fractional-ms timing, outcome, capture metadata of the bodies, fetch Response fields);
 * - entry `_chunkTimes`: arrival time and length of each response-body chunk (see chunks.ts).
 * - entry `_webSocketMessages`: a WebSocket session's messages, Chrome's own field (har-websocket.ts).
 *   Not `_chunks`: WebPageTest HARs use that name for a list of {ts, bytes}.
 * - `log._spans`: spans without an HTTP exchange (interactions, tool executions, agents);
 * - `log._llmTrace`: marks the file as ours, with the format version.
 */
import type { Entry, Har, Log } from "har-format";
import type { CapturedBody, ExchangeTiming, Outcome, Span, Transport } from "../contract";
import type { HarWebSocketMessage } from "./har-websocket";

export const LLM_TRACE_FORMAT_VERSION = 1;

/** Exchange fields beyond what the standard HAR fields hold exactly. */
export interface ExchangeMeta {
  id: string;
  transport: Transport;
  pageUrl?: string;
  timing: ExchangeTiming;
  outcome?: Outcome;
  /** The request body's capture metadata; its text is `request.postData.text`. */
  requestBody?: Omit<CapturedBody, "text">;
  /** Present when a response arrived; status and headers are the standard fields. */
  response?: { url?: string; redirected?: boolean; type?: string; body?: CapturedBody };
}

export interface LlmTraceEntry extends Entry {
  /** The transport, except a WebRTC data channel's, which Chrome's list of types lacks: "other" (its transport is in `_exchange`). */
  _resourceType: Exclude<Transport, "webrtc"> | "other";
  _span?: Span;
  /** A WebSocket session's messages, as Chrome writes them (har-websocket.ts). */
  _webSocketMessages?: HarWebSocketMessage[];
  _exchange: ExchangeMeta;
  _chunkTimes?: string;
}

export interface LlmTraceLog extends Omit<Log, "entries"> {
  entries: LlmTraceEntry[];
  _spans: Span[];
  _llmTrace: { version: number; exportedAt?: string };
}

export interface LlmTraceHar extends Omit<Har, "log"> {
  log: LlmTraceLog;
}
