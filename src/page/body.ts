/**
 * Bodies on the recorded path: request bodies read from what the page passed (never consumed),
 * response bytes copied as they pass through and handed to the channel as pieces, decoded later
 * by the relay, off the page's read path.
 */
import type { CapturedBody, Header, Outcome, RequestEvent } from "../core/contract";
import { PAGE_LEFT, type Channel, type PendingPieces } from "./channel";
import {
  TextDecoderNative, Uint8ArrayNative, arrayBufferLength, blobSizeOf, blobStream, blobTypeOf, bufferOf, byteLength,
  byteOffset, bytesIndexOf, cancelReader, copyBytes, decode, dict, errorInfo, fileNameOf, formDataForEach, getReader, hasOwn, ignoreSettled,
  isArrayBuffer, isBlob, isFormData, isReadableStream, isSearchParams, isView, matches, now, perf, readChunk, regexExec,
  searchParamsToString, stringIndexOf, stringSlice, stringify, timeOrigin, toLowerCase, utf8Length,
} from "./natives";

const STREAM = dict({ stream: true });

/** Epoch ms, fractional, on the same clock as performance entries. */
export const clock = (): number => timeOrigin + now(perf);

const TEXTUAL = /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded|event-stream|ndjson|graphql|yaml|csv/;

/** Whether a body of this MIME type is worth decoding; unknown types are sniffed instead. */
export function isTextual(mime: string): boolean | undefined {
  return mime === "" ? undefined : matches(TEXTUAL, mime);
}

export function headerValue(headers: readonly Header[], name: string): string | undefined {
  for (let i = 0; i < headers.length; i++) if (toLowerCase(headers[i]![0]) === name) return headers[i]![1];
  return undefined;
}

/** The media type of a content-type header, lower-cased, without parameters. */
export function mimeOf(headers: readonly Header[]): string {
  const v = headerValue(headers, "content-type");
  if (v === undefined) return "";
  const semi = stringIndexOf(v, ";");
  return trimAscii(toLowerCase(semi >= 0 ? stringSlice(v, 0, semi) : v));
}

/** `s` without leading and trailing whitespace and control characters. */
export function trimAscii(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s[a]! <= " ") a++;
  while (b > a && s[b - 1]! <= " ") b--;
  return a === 0 && b === s.length ? s : stringSlice(s, a, b);
}

const CHARSET = /charset\s*=\s*"?([\w.:-]{1,40})/i;

export function charsetOf(headers: readonly Header[]): string {
  const v = headerValue(headers, "content-type");
  const m = v === undefined ? null : regexExec(CHARSET, v.length > 256 ? stringSlice(v, 0, 256) : v);
  return m ? toLowerCase(m[1]!) : "utf-8";
}

function newDecoder(charset: string): TextDecoder {
  try {
    return new TextDecoderNative(charset);
  } catch {
    return new TextDecoderNative();
  }
}

/** The longest prefix of `text` within `cap` UTF-16 units (close enough to bytes for a cap). */
function capText(text: string, cap: number): CapturedBody {
  if (text.length <= cap) return { text };
  return { text: stringSlice(text, 0, cap), truncated: true, size: utf8Length(text) };
}

/** A body that can only be read asynchronously (a Blob, a Request's own body). */
export interface DeferredBody {
  deferred: Promise<CapturedBody>;
}

export type RequestBody = CapturedBody | DeferredBody | undefined;

/** A request body as the page handed it to fetch/XHR: synchronous for the common cases. */
export function captureRequestBody(body: unknown, mime: string, cap: number): RequestBody {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return capText(body, cap);
  if (isSearchParams(body)) return capText(searchParamsToString(body), cap);
  if (isFormData(body)) return { ...capText(describeFormData(body as FormData), cap), mimeType: "multipart/form-data" };
  if (isReadableStream(body)) return { omitted: "stream" };
  if (isArrayBuffer(body) || isView(body)) {
    const bytes = isView(body)
      ? new Uint8ArrayNative(bufferOf(body as Uint8Array), byteOffset(body as Uint8Array), byteLength(body as Uint8Array))
      : new Uint8ArrayNative(body as ArrayBuffer, 0, arrayBufferLength(body));
    const size = byteLength(bytes);
    if (isTextual(mime) === false || bytesIndexOf(bytes, 0) !== -1) return { size, mimeType: mime, omitted: "binary" };
    const text = decode(newDecoder("utf-8"), size > cap ? new Uint8ArrayNative(bufferOf(bytes), byteOffset(bytes), cap) : bytes);
    return size > cap ? { text, size, truncated: true } : { text, size };
  }
  if (isBlob(body)) {
    const type = blobTypeOf(body) || mime;
    const size = blobSizeOf(body);
    if (isTextual(type) !== true) return { size, mimeType: type, omitted: "binary" };
    return {
      // A new own member, never an assignment (which would run a setter the page put on Object.prototype).
      deferred: (async () => ({ ...await readCapped(blobStream(body as Blob), "utf-8", cap), mimeType: type }))(),
    };
  }
  return undefined;
}

function describeFormData(form: FormData): string {
  let out = "";
  formDataForEach(form, (value, key) => {
    out += typeof value === "string"
      ? `${key}=${value}\n`
      : `${key}=<file ${stringify(fileNameOf(value))}, ${blobSizeOf(value)} bytes, ${blobTypeOf(value) || "unknown type"}>\n`;
  });
  return out;
}

/** Reads a stream we own (a clone or a Blob's) up to the cap, then lets go of it. */
export async function readCapped(stream: ReadableStream<Uint8Array>, charset: string, cap: number): Promise<CapturedBody> {
  const reader = getReader(stream);
  const decoder = newDecoder(charset);
  let text = "";
  let size = 0;
  for (;;) {
    const result = await readChunk(reader);
    if (result.done) break;
    const value = result.value;
    const length = byteLength(value);
    const room = cap - size;
    size += length;
    if (length > room) {
      text += decode(decoder, new Uint8ArrayNative(bufferOf(value), byteOffset(value), room));
      ignoreSettled(cancelReader(reader));
      return { text, truncated: true, size };
    }
    text += decode(decoder, value, STREAM);
  }
  text += decode(decoder);
  return { text, size };
}

/**
 * Records a response body as it flows to the page: counts every byte, copies bytes up to the
 * cap as pieces for the channel (the page's own chunk goes on untouched), and reports the end
 * exactly once.
 */
export class BodyRecorder {
  private seq = 0;
  private size = 0;
  private captured = 0;
  private truncated = false;
  private isBinary: boolean | undefined;
  private pending: PendingPieces | undefined;
  private readonly charset: string;
  /** content-length, when the server sent one: the real size of a body we stop reading at the cap. */
  private readonly declared: number;
  ended = false;

  constructor(
    private readonly channel: Channel,
    private readonly id: string,
    headers: readonly Header[],
  ) {
    const textual = isTextual(mimeOf(headers));
    this.isBinary = textual === undefined ? undefined : !textual;
    this.charset = charsetOf(headers);
    const length = headerValue(headers, "content-length");
    this.declared = length === undefined ? -1 : +length;
    // Left mid-body, the recording ends with what it has (its pieces, its size so far).
    channel.onLeave(id, () => this.end(PAGE_LEFT));
  }

  /** Raw bytes from a fetch body, copied (the page's own chunk is handed on as it is). */
  bytes(chunk: Uint8Array, time = clock()): void {
    const length = byteLength(chunk);
    this.size += length;
    if (this.isBinary === undefined) this.isBinary = bytesIndexOf(chunk, 0) !== -1;
    if (this.isBinary || this.truncated || length === 0) return;
    const room = this.channel.config.bodyCap - this.captured;
    const kept = length > room ? room : length;
    if (length > room) this.truncated = true;
    if (kept <= 0) return;
    this.captured += kept;
    this.pending = this.channel.piece(this.id, this.seq++, time, copyBytes(chunk, 0, kept), this.charset, this.pending);
  }

  /** Already-decoded text (XHR responseText grows); `bytes` is the transferred size if known. */
  text(piece: string, bytes?: number): void {
    const time = clock();
    if (bytes !== undefined) this.size = bytes;
    else this.size += piece.length;
    if (this.truncated || piece === "") return;
    const room = this.channel.config.bodyCap - this.captured;
    if (piece.length > room) {
      piece = stringSlice(piece, 0, room);
      this.truncated = true;
    }
    this.captured += piece.length;
    if (piece !== "") this.pending = this.channel.piece(this.id, this.seq++, time, piece, "utf-8", this.pending);
  }

  /** Nothing more will be kept: the cap is reached or the body is binary. */
  full(): boolean {
    return this.truncated || this.isBinary === true;
  }

  /** A body known only by its size (an XHR blob). */
  binary(size: number): void {
    this.isBinary = true;
    this.size = size;
  }

  end(outcome: Outcome, time = clock()): void {
    if (this.ended) return;
    this.ended = true;
    // A tap stops at the cap (the page may not be reading): the header knows the rest.
    const size = this.truncated && this.declared > this.size ? this.declared : this.size;
    this.channel.emit({
      t: "end", id: this.id, time, outcome, size, chunks: this.seq,
      ...(this.truncated ? { truncated: true } : {}),
      ...(this.isBinary ? { binary: true } : {}),
    });
  }
}

/** Emit the request event, once its body is known (some bodies can only be read asynchronously). */
export function emitRequest(channel: Channel, event: Omit<RequestEvent, "body">, body: RequestBody): void {
  // `in` would find a "deferred" the page put on Object.prototype.
  if (!body || !hasOwn(body, "deferred")) {
    channel.emit(body ? { ...event, body: body as CapturedBody } : event);
    return;
  }
  void (async () => {
    let read: CapturedBody | undefined;
    try {
      read = await (body as DeferredBody).deferred;
    } catch {
      read = undefined;
    }
    channel.emit(read ? { ...event, body: read } : event);
  })();
}

/**
 * How a call failed. An aborted call is not inspected: its error is the page's abort reason,
 * any value, and reading it could run page code.
 */
export function outcomeOf(error: unknown, aborted: boolean): Outcome {
  if (aborted) return { state: "abort", errorName: "AbortError", errorMessage: "" };
  const { name, message } = errorInfo(error);
  const state = name === "AbortError" ? "abort" : name === "TimeoutError" ? "timeout" : "error";
  return { state, errorName: stringSlice(name, 0, 200), errorMessage: stringSlice(message, 0, 4096) };
}
