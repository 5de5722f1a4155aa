/**
 * Stream frames (SSE events, NDJSON lines, JSON-array elements) for the response body, with
 * their JSON parsed at most once.
 *
 * classifyExchange is called again on every update of a live stream, and re-framing plus
 * re-parsing the whole body each time would make a stream's total cost quadratic. So framers are
 * kept between calls, keyed by exchange id, and fed only the chunks that are new. Before reuse the
 * cache checks that the chunks it consumed are still the exchange's prefix (count, total length,
 * first and last consumed chunk); anything else rebuilds from scratch, so results never depend on
 * the cache. Entries are dropped once the exchange has ended (no further call is expected) and the
 * cache holds a few in-flight streams at most.
 */
import type { Chunk } from "../contract";
import { LineFramer, JsonArrayFramer } from "./ndjson";
import type { Frame } from "./ndjson";
import { SseFramer } from "./sse";
import type { SseEvent } from "./sse";
import type { Ctx } from "./context";
import { parseJson } from "./json";
import type { Parsed } from "./json";

type Kind = "sse" | "lines" | "array";
type Framer = SseFramer | LineFramer | JsonArrayFramer;

interface Entry {
  kind: Kind;
  framer: Framer;
  consumed: number;
  length: number;
  first: Chunk | undefined;
  last: Chunk | undefined;
  ended: boolean;
}

const MAX_ENTRIES = 64;
const cache = new Map<string, Entry>();

const sameChunk = (a: Chunk | undefined, b: Chunk | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.time === b.time && a.text === b.text);

function isPrefix(entry: Entry, chunks: readonly Chunk[], complete: boolean): boolean {
  if (entry.consumed > chunks.length) return false;
  if (entry.ended && (!complete || entry.consumed !== chunks.length)) return false;
  if (entry.consumed === 0) return true;
  if (!sameChunk(entry.first, chunks[0]) || !sameChunk(entry.last, chunks[entry.consumed - 1])) return false;
  let length = 0;
  for (let i = 0; i < entry.consumed; i++) length += chunks[i]!.text.length;
  return length === entry.length;
}

function create(kind: Kind): Framer {
  return kind === "sse" ? new SseFramer() : kind === "lines" ? new LineFramer() : new JsonArrayFramer();
}

function framed(ctx: Ctx, kind: Kind): Framer {
  const key = `${kind}:${ctx.ex.id}`;
  const chunks = ctx.chunks;
  let entry = typeof ctx.ex.id === "string" ? cache.get(key) : undefined;
  if (!entry || entry.kind !== kind || !isPrefix(entry, chunks, ctx.complete)) {
    entry = { kind, framer: create(kind), consumed: 0, length: 0, first: undefined, last: undefined, ended: false };
  }
  const framer = entry.framer;
  for (let i = entry.consumed; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    framer.feed(chunk);
    entry.length += chunk.text.length;
    entry.last = chunk;
  }
  entry.first ??= chunks[0];
  entry.consumed = chunks.length;
  if (ctx.complete && !entry.ended && !(framer instanceof JsonArrayFramer)) {
    framer.end();
    entry.ended = true;
  }
  cache.delete(key);
  if (!ctx.done && typeof ctx.ex.id === "string") {
    cache.set(key, entry);
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  }
  return framer;
}

export interface JsonEvent extends SseEvent {
  parsed?: Parsed;
}

export interface JsonLine extends Frame {
  parsed?: Parsed;
}

/** SSE events of the body so far (the unterminated tail is included once the body is complete). */
export function streamEvents(ctx: Ctx): JsonEvent[] {
  return (framed(ctx, "sse") as SseFramer).events;
}

/** Lines of the body so far (the last line without newline is included once the body is complete). */
export function streamLines(ctx: Ctx): JsonLine[] {
  return (framed(ctx, "lines") as LineFramer).lines;
}

/** Complete elements of a streamed top-level JSON array. */
export function streamArray(ctx: Ctx): { elements: JsonLine[]; closed: boolean; error: string | undefined } {
  const f = framed(ctx, "array") as JsonArrayFramer;
  return { elements: f.elements, closed: f.closed, error: f.error };
}

/** An event's data as JSON, parsed once and remembered on the (cached) frame. */
export function eventJson(ev: JsonEvent): Parsed {
  return (ev.parsed ??= parseJson(ev.data));
}

/** A line's or element's text as JSON, parsed once and remembered. */
export function lineJson(line: JsonLine, text = line.text): Parsed {
  return (line.parsed ??= parseJson(text));
}
