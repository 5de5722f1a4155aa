/**
 * Redacting a response body that arrives in chunks, where each chunk is stored as soon as it
 * is decided and never rewritten, and a secret may be split anywhere (`sk-ab` | `c123…`).
 *
 * The rule: text is released only once nothing that arrives later can change how it is
 * redacted. Every rule's match is bounded (its span, see regex.ts), so a match starting
 * more than `window` (the widest span) characters before the end of the known text is fully
 * decided; the last `window` characters are held back. Rounds run only when at least
 * window/2 new characters can be decided, so every character is scanned at most three times
 * per rule however small the chunks are (linear work). At the end, `flush` decides the rest.
 * A stream that has gone quiet without ending (a page that stopped reading after the provider's
 * last event; a model thinking) has its held-back tail decided by `release`: the rest of the
 * stream then continues as usual. The cost: a secret split across two network chunks that
 * arrive further apart than the quiet time is seen as two halves.
 *
 * How output is cut: released text keeps the arrival time of the chunk it came in, so timing
 * derived from chunks (first token, SSE event times) is unchanged by redaction. Each round
 * emits one record per input chunk it touches; a chunk whose tail was held back continues in a
 * later record with the same time. A mark `[REDACTED:reason]` takes the time of the chunk
 * where its secret began, and the secret's text is simply absent from later records. The
 * concatenation of all records is exactly the whole body redacted at once.
 *
 * Emitted records are numbered 0, 1, 2… on their own (`seq`), independent of the page's chunk
 * numbers. Page chunks are taken in seq order: duplicates are ignored, early ones wait (a
 * bounded number; past that the gap is given up on and counted in `skipped`).
 *
 * The state is plain JSON so it can outlive a service worker. It holds the undecided tail of
 * the body UNREDACTED (up to window + window/2 + one chunk): it must be kept where secrets may
 * be (memory, or storage.session, which is never written to disk), not in IndexedDB.
 */
import type { ChunkRecord } from "../contract";
import { LOOKBEHIND_MAX } from "./regex";
import { alignOffset, freshScan, renderCuts, scanRound, type Meter, type Rule, type ScanState } from "./scan";

export interface StreamRedactState {
  v: 1;
  exchangeId: string;
  /** Next page chunk seq expected. */
  nextIn: number;
  /** seq of the next emitted record. */
  nextOut: number;
  /** Original (unredacted) text from global offset `base`: look-behind context + undecided tail. */
  base: number;
  raw: string;
  /** Output is decided (emitted) before this global offset. */
  emitted: number;
  /** [global start offset, arrival time] of the input chunks still (partly) unreleased. */
  segs: [number, number][];
  scan: ScanState;
  /** Chunks that arrived before their predecessors, in seq order. */
  waiting: { seq: number; time: number; text: string }[];
  /** The exchange ended (flush ran). */
  done: boolean;
  /** Page chunks never received (gaps given up on, or missing at the end). */
  skipped: number;
  /** Chunks that arrived after the end, redacted on their own. */
  late: number;
}

export interface StreamStep {
  state: StreamRedactState;
  emit: ChunkRecord[];
}

/** What a stream needs from a redactor. */
export interface StreamEngine {
  rules: readonly Rule[];
  /** Hold-back: the widest span among `rules`. */
  window: number;
  mark(reason: string): string;
  /** Redacts a complete text with the same rules. */
  whole(text: string): string;
  meter?: Meter;
}

/** Page chunks allowed to wait for a missing predecessor. */
const MAX_WAITING = 64;
/**
 * Original text kept before the undecided part: for look-behinds, and for a field's name read
 * before its value (Rule.value) when the name itself lies up to LOOKBEHIND_MAX characters back;
 * one more so ^ never misfires.
 */
const CONTEXT = 2 * LOOKBEHIND_MAX + 1;

export function startStream(exchangeId: string): StreamRedactState {
  return { v: 1, exchangeId, nextIn: 0, nextOut: 0, base: 0, raw: "", emitted: 0, segs: [], scan: freshScan(), waiting: [], done: false, skipped: 0, late: 0 };
}

const copy = (s: StreamRedactState): StreamRedactState => ({ ...s, segs: [...s.segs], waiting: [...s.waiting] });

function append(s: StreamRedactState, time: number, text: string): void {
  s.segs.push([s.base + s.raw.length, time]);
  s.raw += text;
  s.nextIn++;
}

function drain(s: StreamRedactState): void {
  while (s.waiting[0]?.seq === s.nextIn) {
    const next = s.waiting.shift()!;
    append(s, next.time, next.text);
  }
}

/** Feeds one page chunk; returns the records that are now decided. */
export function pushChunk(engine: StreamEngine, state: StreamRedactState, chunk: ChunkRecord): StreamStep {
  return pushChunks(engine, state, [chunk]);
}

/** Feeds page chunks in the order given (copying the state once, not once per chunk). */
export function pushChunks(engine: StreamEngine, state: StreamRedactState, chunks: readonly ChunkRecord[]): StreamStep {
  const s = copy(state);
  const emit: ChunkRecord[] = [];
  for (const chunk of chunks) feed(engine, s, chunk, emit);
  return { state: s, emit };
}

function feed(engine: StreamEngine, s: StreamRedactState, chunk: ChunkRecord, emit: ChunkRecord[]): void {
  if (chunk.exchangeId !== s.exchangeId) throw new Error(`chunk of ${chunk.exchangeId} fed to the stream of ${s.exchangeId}`);
  if (chunk.seq < s.nextIn || s.waiting.some((w) => w.seq === chunk.seq)) return;
  if (s.done) {
    // After the end nothing joins the stream; a straggler is redacted on its own.
    s.nextIn = chunk.seq + 1;
    s.late++;
    const text = engine.whole(chunk.text);
    if (text) emit.push({ exchangeId: s.exchangeId, seq: s.nextOut++, time: chunk.time, text });
    return;
  }
  if (chunk.seq > s.nextIn) {
    s.waiting.push({ seq: chunk.seq, time: chunk.time, text: chunk.text });
    s.waiting.sort((a, b) => a.seq - b.seq);
    if (s.waiting.length <= MAX_WAITING) return;
    s.skipped += s.waiting[0]!.seq - s.nextIn;
    s.nextIn = s.waiting[0]!.seq;
  } else {
    append(s, chunk.time, chunk.text);
  }
  drain(s);
  const end = s.base + s.raw.length;
  if (end - s.scan.decided >= engine.window + Math.ceil(engine.window / 2)) round(engine, s, false, emit);
}

/**
 * The exchange ended: releases everything held back. `chunkCount` (from the page's end
 * event), when given, counts chunks that never arrived.
 */
export function flushStream(engine: StreamEngine, state: StreamRedactState, chunkCount?: number): StreamStep {
  if (state.done) return { state, emit: [] };
  const s = copy(state);
  for (const w of s.waiting) {
    s.skipped += w.seq - s.nextIn;
    s.nextIn = w.seq;
    append(s, w.time, w.text);
  }
  s.waiting = [];
  if (chunkCount !== undefined && chunkCount > s.nextIn) s.skipped += chunkCount - s.nextIn;
  const emit: ChunkRecord[] = [];
  round(engine, s, true, emit);
  // Nothing unredacted stays behind.
  return { state: { ...s, done: true, base: s.base + s.raw.length, raw: "", segs: [], scan: freshScan() }, emit };
}

/**
 * The stream went quiet: decide the held-back tail now, as if the text ended here, and go on
 * taking chunks afterwards. Chunks waiting for a missing predecessor keep waiting.
 */
export function releaseStream(engine: StreamEngine, state: StreamRedactState): StreamStep {
  if (state.done || state.emitted >= state.base + state.raw.length) return { state, emit: [] };
  const s = copy(state);
  const emit: ChunkRecord[] = [];
  round(engine, s, true, emit);
  return { state: s, emit };
}

/** Text of the stream received but not yet released. */
export function heldBack(state: StreamRedactState): boolean {
  return !state.done && state.emitted < state.base + state.raw.length;
}

function round(engine: StreamEngine, s: StreamRedactState, final: boolean, emit: ChunkRecord[]): void {
  const end = s.base + s.raw.length;
  const decideBefore = final ? end : s.base + alignOffset(s.raw, end - engine.window - s.base);
  // A window grown by a settings change may leave nothing new to decide yet.
  if (!final && decideBefore <= s.scan.decided) return;
  const { cuts, to, scan } = scanRound(engine.rules, s.raw, s.base, decideBefore, final, s.scan, engine.meter);
  const starts = s.segs.map(([at]) => at);
  for (const piece of renderCuts(s.raw, s.base, s.emitted, to, cuts, engine.mark, starts)) {
    emit.push({ exchangeId: s.exchangeId, seq: s.nextOut++, time: s.segs[piece.seg]![1], text: piece.text });
  }
  s.emitted = to;
  s.scan = scan;
  // Keep the look-behind context before the decided point, and the segments not fully released.
  const keep = s.base + alignOffset(s.raw, Math.max(0, scan.decided - CONTEXT - s.base));
  s.raw = s.raw.slice(keep - s.base);
  s.base = keep;
  let first = 0;
  while (first + 1 < s.segs.length && s.segs[first + 1]![0] <= s.emitted) first++;
  s.segs = s.segs.slice(first);
}
