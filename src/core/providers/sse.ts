/**
 * Server-sent events framing over captured chunks.
 *
 * Decision: we use eventsource-parser (v3) instead of hand-writing SSE. Line splitting is where
 * stream parsers go wrong (CR / LF / CRLF with the CR and LF landing in different network chunks,
 * multi-line data, comments, id/retry, an unterminated last line), and that small, dependency-free,
 * WHATWG-conformant library is widely used by LLM SDKs and already handles all of it, runs unchanged
 * in Node and in a service worker, and is linear in the input. Its callbacks fire synchronously
 * inside feed(), so we still learn which network chunk completed each event (needed for
 * time-to-first-chunk). The 3.x line is used because 4.x declares Node >= 22 and we support Node 20.
 */
import { createParser } from "eventsource-parser";
import type { Chunk } from "../contract";

export interface SseEvent {
  /** The `event:` field; absent for the default "message" type. */
  event?: string;
  id?: string;
  data: string;
  /** Arrival time of the network chunk that completed this event (ms since epoch). */
  time: number;
}

export interface SseOptions {
  /**
   * The body is known to be complete (the exchange ended successfully): an event whose final
   * blank line never came is still delivered, because some servers close without it. While in
   * flight or after an abort the unterminated tail is dropped, since it may be cut mid-field.
   */
  complete?: boolean;
}

/**
 * Incremental form: feed chunks as they arrive, read `events` at any time. Kept across calls by
 * the classifier's frame cache so a live stream is framed once, not once per update.
 */
export class SseFramer {
  readonly events: SseEvent[] = [];
  private time = 0;
  private started = false;
  private ended = false;
  private readonly parser = createParser({
    onEvent: (message) => {
      const ev: SseEvent = { data: message.data, time: this.time };
      if (message.event !== undefined) ev.event = message.event;
      if (message.id !== undefined) ev.id = message.id;
      this.events.push(ev);
    },
  });

  feed(chunk: Chunk): void {
    let text = chunk.text;
    if (!text || this.ended) return;
    this.time = chunk.time;
    if (!this.started) {
      this.started = true;
      // The page's TextDecoder may have kept a decoded BOM; eventsource-parser 3 only strips a raw one.
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.parser.feed(text);
  }

  /** The body is complete: deliver an event whose final blank line never came (see SseOptions). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.started) this.parser.feed("\n\n");
  }
}

export function parseSse(chunks: readonly Chunk[], options: SseOptions = {}): SseEvent[] {
  const framer = new SseFramer();
  for (const chunk of chunks) framer.feed(chunk);
  if (options.complete) framer.end();
  return framer.events;
}
