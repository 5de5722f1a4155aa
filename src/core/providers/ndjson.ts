/**
 * Framing of JSON values streamed without SSE: newline-delimited JSON (Ollama, the AI SDK data
 * stream's `X:json` lines) and a top-level JSON array written element by element (Gemini's
 * streamGenerateContent without alt=sse). Each frame carries the arrival time of the network
 * chunk that completed it. Single pass over the text, pieces joined once per frame: linear.
 * Framers are incremental (feed chunks as they come) so a live stream is framed only once.
 */
import type { Chunk } from "../contract";

export interface Frame {
  text: string;
  /** Arrival time of the chunk that completed this frame (ms since epoch). */
  time: number;
}

export interface FrameOptions {
  /** The body is complete: a last line without a trailing newline is still a frame. */
  complete?: boolean;
}

/** Lines split on LF (a CR before it is dropped, also when CR and LF arrive in different chunks). */
export class LineFramer {
  readonly lines: Frame[] = [];
  private pending: string[] = [];
  private lastTime = 0;
  private first = true;
  private ended = false;

  private emit(line: string, time: number): void {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (this.first) {
      this.first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    this.lines.push({ text: line, time });
  }

  feed(chunk: Chunk): void {
    const text = chunk.text;
    if (!text || this.ended) return;
    this.lastTime = chunk.time;
    let pos = 0;
    for (;;) {
      const nl = text.indexOf("\n", pos);
      if (nl === -1) {
        if (pos < text.length) this.pending.push(pos === 0 ? text : text.slice(pos));
        return;
      }
      let line = text.slice(pos, nl);
      if (this.pending.length > 0) {
        this.pending.push(line);
        line = this.pending.join("");
        this.pending = [];
      }
      this.emit(line, chunk.time);
      pos = nl + 1;
    }
  }

  /** The body is complete: a last line without newline is a line too. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.pending.length > 0) this.emit(this.pending.join(""), this.lastTime);
    this.pending = [];
  }
}

export function splitLines(chunks: readonly Chunk[], options: FrameOptions = {}): Frame[] {
  const framer = new LineFramer();
  for (const chunk of chunks) framer.feed(chunk);
  if (options.complete) framer.end();
  return framer.lines;
}

export type JsonFrame = Frame & ({ value: unknown; error?: undefined } | { value?: undefined; error: string });

export function parseJsonLine(line: Frame): JsonFrame {
  try {
    return { text: line.text, time: line.time, value: JSON.parse(line.text) as unknown };
  } catch (e) {
    return { text: line.text, time: line.time, error: e instanceof Error ? e.message : String(e) };
  }
}

/** NDJSON: one JSON value per non-blank line; a bad line is reported, not thrown. */
export function parseNdjson(chunks: readonly Chunk[], options: FrameOptions = {}): JsonFrame[] {
  return splitLines(chunks, options)
    .filter((line) => line.text.trim() !== "")
    .map(parseJsonLine);
}

export interface JsonArrayFrames {
  /** Each complete element's JSON text, in order. */
  elements: Frame[];
  /** The closing `]` arrived. */
  closed: boolean;
  /** The text is not a JSON array of objects/arrays (what went wrong, where). */
  error?: string;
}

// States of the array scanner (plain numbers: enums are not erasable syntax).
const BEFORE_OPEN = 0;
const BETWEEN_ELEMENTS = 1;
const IN_ELEMENT = 2;
const CLOSED = 3;
const FAILED = 4;

/**
 * Elements of a top-level JSON array as they complete: `[{...}\n,\r\n{...}]`. Only object and
 * array elements are recognised (all Gemini sends); strings inside elements may hold brackets.
 */
export class JsonArrayFramer implements JsonArrayFrames {
  readonly elements: Frame[] = [];
  closed = false;
  error: string | undefined;
  private state = BEFORE_OPEN;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private pieces: string[] = [];
  private offset = 0;

  feed(chunk: Chunk): void {
    const text = chunk.text;
    if (this.state === FAILED) return;
    let elementStart = this.state === IN_ELEMENT ? 0 : -1;
    for (let i = 0; i < text.length && this.state !== FAILED; i++) {
      const c = text.charCodeAt(i);
      if (this.state === IN_ELEMENT) {
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === 92 /* \ */) this.escaped = true;
          else if (c === 34 /* " */) this.inString = false;
          continue;
        }
        if (c === 34) this.inString = true;
        else if (c === 123 /* { */ || c === 91 /* [ */) this.depth++;
        else if (c === 125 /* } */ || c === 93 /* ] */) {
          this.depth--;
          if (this.depth === 0) {
            this.pieces.push(text.slice(elementStart, i + 1));
            this.elements.push({ text: this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join(""), time: chunk.time });
            this.pieces = [];
            elementStart = -1;
            this.state = BETWEEN_ELEMENTS;
          }
        }
        continue;
      }
      // whitespace and a BOM between tokens
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff) continue;
      if (this.state === BEFORE_OPEN) {
        if (c === 91) this.state = BETWEEN_ELEMENTS;
        else this.fail(`expected '[' at offset ${this.offset + i}`);
      } else if (this.state === BETWEEN_ELEMENTS) {
        if (c === 44 /* , */) continue;
        if (c === 93) {
          this.state = CLOSED;
          this.closed = true;
        } else if (c === 123 || c === 91) {
          this.state = IN_ELEMENT;
          this.depth = 1;
          elementStart = i;
        } else this.fail(`unexpected '${text[i]}' between array elements at offset ${this.offset + i}`);
      } else if (this.state === CLOSED) {
        this.fail(`unexpected text after the closing ']' at offset ${this.offset + i}`);
      }
    }
    if (this.state === IN_ELEMENT && elementStart !== -1) this.pieces.push(elementStart === 0 ? text : text.slice(elementStart));
    this.offset += text.length;
  }

  private fail(message: string): void {
    this.state = FAILED;
    this.closed = false;
    this.error = message;
    this.pieces = [];
  }
}

export function splitJsonArray(chunks: readonly Chunk[]): JsonArrayFrames {
  const framer = new JsonArrayFramer();
  for (const chunk of chunks) framer.feed(chunk);
  const result: JsonArrayFrames = { elements: framer.elements, closed: framer.closed };
  if (framer.error !== undefined) result.error = framer.error;
  return result;
}
