/** From a captured exchange to the span that stands for it. */
import { classifyExchange } from "./classify";
import { costOf, type PriceTable } from "./cost";
import type { UserRule } from "./rules";
import { placeFirst } from "../assembly";
import { headerValue, isMessageSession, wsMessages, type Exchange, type ExchangeRecord, type SpanRecord, type WsMessage } from "../contract";
import { audioText, liveSessionSpans, type LiveAudio, type LiveSession } from "./live-session";
import { isOpenAIRealtime, parseOpenAIRealtime } from "./live-openai";
import { isGeminiLive, parseGeminiLive } from "./live-gemini";

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

/**
 * Every span an exchange stands for: its own, and for a model's live WebSocket session the
 * spans of the session's trace (live-session.ts). Any other WebSocket is one span, the session,
 * with its message count (docs/DESIGN.md, "Other transports").
 */
export function deriveSpans(exchange: Exchange, origin: Pick<ExchangeRecord, "tabId" | "frameId" | "unverified">, now: number, options: DeriveOptions = {}): SpanRecord[] {
  const span = deriveSpan(exchange, origin, now, options);
  if (!isMessageSession(exchange.transport)) return [span];
  const messages = wsMessages(exchange.chunks);
  const url = exchange.request.url;
  let session: LiveSession | undefined;
  try {
    session = liveSessionOf(url, messages);
  } catch (e) {
    span.attributes["llm_trace.parse_error"] = `internal parser error: ${e instanceof Error ? e.message : String(e)}`;
  }
  let path = url;
  try {
    const u = new URL(url);
    path = u.host + u.pathname;
  } catch {
    // kept as it is
  }
  // A data channel's "URL" is webrtc:<its label> (src/page/data-channel.ts).
  const name = exchange.transport === "webrtc" ? `WebRTC data channel ${decodeLabel(path)}` : `WebSocket ${path}`;
  const base: SpanRecord = { ...span, name, attributes: { ...span.attributes, "llm_trace.websocket.messages": messages.length } };
  return session ? liveSessionSpans(base, messages, session, options.prices) : [base];
}

/** The model session a socket's messages hold (OpenAI Realtime, Gemini Live), or undefined. */
export function liveSessionOf(url: string, messages: readonly WsMessage[]): LiveSession | undefined {
  return isGeminiLive(url) ? parseGeminiLive(url, messages) : isOpenAIRealtime(url, messages) ? parseOpenAIRealtime(url, messages) : undefined;
}

/**
 * The spoken output a span's audio part stands for (its first characters and length, as
 * audioText gives them), found again among the session's responses; undefined when the
 * recorded messages do not hold all of it (the body cap cut the session).
 */
export function findLiveAudio(url: string, messages: readonly WsMessage[], head: string, length: number): LiveAudio | undefined {
  let session: LiveSession | undefined;
  try {
    session = liveSessionOf(url, messages);
  } catch {
    return undefined;
  }
  for (const r of session?.responses ?? []) {
    if (!r.audio) continue;
    const text = audioText(r.audio);
    if (text.length === length && text.head.startsWith(head.slice(0, 256))) return r.audio;
  }
  return undefined;
}

function decodeLabel(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
