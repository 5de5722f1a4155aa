/**
 * A streamed response body as a list of events with arrival times, for the Response tab:
 * SSE events, or NDJSON lines. Framing reuses the core framers the parsers use, so the panel
 * shows the events exactly as the parsers saw them.
 */
import { isMessageSession, mimeTypeOf, wsMessages, type Exchange } from "../../core/contract";
import { parseSse, splitLines } from "../../core/providers";

export interface StreamEvent {
  /** ms after the request started. */
  offset: number;
  /** SSE `event:` field. */
  event?: string;
  data: string;
}

export interface StreamView {
  /** websocket: a session's messages, both ways, `event` saying which (like the Network panel's Messages tab). */
  format: "sse" | "ndjson" | "websocket";
  events: StreamEvent[];
}

const NDJSON_TYPES = new Set(["application/x-ndjson", "application/ndjson", "application/jsonl", "application/json-seq", "application/stream+json"]);

export function streamFormat(exchange: Exchange): StreamView["format"] | undefined {
  if (isMessageSession(exchange.transport)) return "websocket";
  const mime = mimeTypeOf(exchange.response?.headers);
  if (mime === "text/event-stream") return "sse";
  if (NDJSON_TYPES.has(mime)) return "ndjson";
  // Servers that stream without a streaming type: judge by the first bytes.
  const head = exchange.chunks[0]?.text.trimStart().slice(0, 16) ?? "";
  if (exchange.chunks.length > 1 && /^(data|event|id):/.test(head)) return "sse";
  return undefined;
}

export function streamView(exchange: Exchange): StreamView | undefined {
  const format = streamFormat(exchange);
  if (!format) return undefined;
  const start = exchange.timing.start;
  const complete = exchange.outcome?.state === "ok";
  if (format === "websocket") {
    return {
      format,
      events: wsMessages(exchange.chunks).map((m) => ({
        offset: m.time - start, event: `${m.type === "send" ? "↑ sent" : "↓ received"}${m.opcode === 2 ? " (binary)" : ""}`,
        data: m.truncated ? `${m.data}…` : m.data,
      })),
    };
  }
  if (format === "sse") {
    return {
      format,
      events: parseSse(exchange.chunks, { complete }).map((e) => ({ offset: e.time - start, data: e.data, ...(e.event !== undefined && { event: e.event }) })),
    };
  }
  return {
    format,
    events: splitLines(exchange.chunks, { complete }).filter((l) => l.text.trim() !== "").map((l) => ({ offset: l.time - start, data: l.text })),
  };
}
