/**
 * Fallback for exchanges no provider parser recognised: an http span. SSE and NDJSON bodies are
 * listed as span events (capped) so the stream can still be read in the panel.
 */
import { parseJsonLine } from "./ndjson";
import { isEventStream, isNdjson } from "./context";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { streamEvents, streamLines } from "./frames";

/** Stream events kept on an http span; the rest are counted, and the raw body stays in the exchange. */
export const MAX_EVENTS = 1000;
/** Characters of each event's data kept on the event. */
export const MAX_EVENT_DATA = 1000;

function cap(s: string): string {
  return s.length > MAX_EVENT_DATA ? `${s.slice(0, MAX_EVENT_DATA)}…[${s.length} chars]` : s;
}

export function parseGeneric(ctx: Ctx, b: DraftBuilder): void {
  b.kind = "http";
  if (ctx.chunks.length === 0) return;
  if (isEventStream(ctx)) {
    const events = streamEvents(ctx);
    for (const ev of events.slice(0, MAX_EVENTS)) {
      const attributes: Record<string, string> = { "sse.event": ev.event ?? "message", "sse.data": cap(ev.data) };
      if (ev.id !== undefined) attributes["sse.id"] = ev.id;
      b.events.push({ name: "sse.event", time: ev.time, attributes });
    }
    noteCount(b, events.length);
  } else if (isNdjson(ctx)) {
    const lines = streamLines(ctx).filter((l) => l.text.trim() !== "");
    for (const line of lines.slice(0, MAX_EVENTS).map(parseJsonLine)) {
      const attributes: Record<string, string | boolean> = { "ndjson.line": cap(line.text) };
      if (line.error !== undefined) attributes["ndjson.invalid"] = true;
      b.events.push({ name: "ndjson.line", time: line.time, attributes });
    }
    noteCount(b, lines.length);
  }
}

function noteCount(b: DraftBuilder, count: number): void {
  b.set("llm_trace.stream.event_count", count);
  if (count > MAX_EVENTS) b.set("llm_trace.stream.events_dropped", count - MAX_EVENTS);
}
