/**
 * Turning bodies into capped text without disturbing them: request bodies are read from what
 * the page passed (never consumed), response bytes are decoded as they pass through.
 */
import type { RequestEvent } from "../core/capture-events";
import type { Outcome, CapturedBody, Header } from "../core/exchange";
import type { Channel } from "./channel";
import { getter, uncurry } from "./patch";

const TextDecoderNative = TextDecoder;
const decode = uncurry(TextDecoder.prototype.decode);
const indexOf = uncurry(Uint8Array.prototype.indexOf as (v: number) => number);
const subarray = uncurry(Uint8Array.prototype.subarray as (a: number, b?: number) => Uint8Array);
const byteLengthOf = getter<number>(ArrayBuffer.prototype, "byteLength");
const viewByteLength = getter<number>(Object.getPrototypeOf(Uint8Array.prototype), "byteLength");
const isView = ArrayBuffer.isView;
const blobSize = getter<number>(Blob.prototype, "size");
const blobType = getter<string>(Blob.prototype, "type");
const blobStream = uncurry(Blob.prototype.stream);
const getReader = uncurry(ReadableStream.prototype.getReader as (this: ReadableStream<Uint8Array>) => ReadableStreamDefaultReader<Uint8Array>);
const readChunk = uncurry(ReadableStreamDefaultReader.prototype.read as (this: ReadableStreamDefaultReader<Uint8Array>) => Promise<ReadableStreamReadResult<Uint8Array>>);
const cancelReader = uncurry(ReadableStreamDefaultReader.prototype.cancel);
const searchParamsToString = uncurry(URLSearchParams.prototype.toString);
const formDataForEach = uncurry(FormData.prototype.forEach as (cb: (value: FormDataEntryValue, key: string) => void) => void);
const fileName = getter<string>(File.prototype, "name");
const encode = uncurry(TextEncoder.prototype.encode);
const encoder = new TextEncoder();
const now = uncurry(Performance.prototype.now);
const perf = performance;
const timeOrigin = performance.timeOrigin;
const stringSlice = uncurry(String.prototype.slice);
const toLowerCase = uncurry(String.prototype.toLowerCase);
const toStringTag = uncurry(Object.prototype.toString);

/** Epoch ms, fractional, on the same clock as performance entries. */
export const clock = (): number => timeOrigin + now(perf);

const TEXTUAL = /^text\/|json|xml|javascript|ecmascript|x-www-form-urlencoded|event-stream|ndjson|graphql|yaml|csv/;

/** Whether a body of this MIME type is worth decoding; unknown types are sniffed instead. */
export function isTextual(mime: string): boolean | undefined {
  return mime === "" ? undefined : TEXTUAL.test(mime);
}

export function mimeOf(headers: readonly Header[]): string {
  for (const [k, v] of headers) if (toLowerCase(k) === "content-type") return toLowerCase(stringSlice(v, 0, (v + ";").indexOf(";"))).trim();
  return "";
}

function charsetOf(headers: readonly Header[]): string {
  for (const [k, v] of headers) {
    if (toLowerCase(k) !== "content-type") continue;
    const m = /charset\s*=\s*"?([\w.:-]+)/i.exec(v);
    if (m) return m[1]!;
  }
  return "utf-8";
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
  return { text: stringSlice(text, 0, cap), truncated: true, size: viewByteLength(encode(encoder, text)) };
}

/**
 * A request body as the page handed it to fetch/XHR. Synchronous for the common cases; a
 * promise for bodies that can only be read asynchronously (Blob, a Request's own body).
 */
export function captureRequestBody(body: unknown, mime: string, cap: number): CapturedBody | Promise<CapturedBody> | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return capText(body, cap);
  const tag = toStringTag(body);
  if (tag === "[object URLSearchParams]") return capText(searchParamsToString(body as URLSearchParams), cap);
  if (tag === "[object FormData]") return { ...capText(describeFormData(body as FormData), cap), mimeType: "multipart/form-data" };
  if (tag === "[object ReadableStream]") return { omitted: "stream" };
  if (tag === "[object ArrayBuffer]" || isView(body)) {
    const bytes = isView(body)
      ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
      : new Uint8Array(body as ArrayBuffer, 0, byteLengthOf(body));
    if (isTextual(mime) === false || indexOf(bytes, 0) !== -1) return { size: bytes.byteLength, mimeType: mime, omitted: "binary" };
    const size = bytes.byteLength;
    const text = decode(newDecoder("utf-8"), size > cap ? subarray(bytes, 0, cap) : bytes);
    return size > cap ? { text, size, truncated: true } : { text, size };
  }
  if (tag === "[object Blob]" || tag === "[object File]") {
    const type = blobType(body) || mime;
    const size = blobSize(body);
    if (isTextual(type) !== true) return { size, mimeType: type, omitted: "binary" };
    return readCapped(blobStream(body as Blob), "utf-8", cap).then((r) => ({ ...r, mimeType: type }));
  }
  return undefined;
}

function describeFormData(form: FormData): string {
  let out = "";
  formDataForEach(form, (value, key) => {
    out += typeof value === "string"
      ? `${key}=${value}\n`
      : `${key}=<file ${JSON.stringify(fileName(value))}, ${blobSize(value)} bytes, ${blobType(value) || "unknown type"}>\n`;
  });
  return out;
}

/** Reads a stream we own (a clone or a Blob's) up to the cap, then lets go of it. */
export async function readCapped(stream: ReadableStream<Uint8Array>, charset: string, cap: number): Promise<CapturedBody> {
  const reader = getReader(stream);
  const decoder = newDecoder(charset);
  let text = "";
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await readChunk(reader);
    if (done) break;
    const room = cap - size;
    size += value.byteLength;
    if (room <= 0) continue;
    if (value.byteLength > room) truncated = true;
    text += decode(decoder, value.byteLength > room ? subarray(value, 0, room) : value, { stream: true });
    if (truncated) {
      cancelReader(reader).catch(() => {});
      return { text, truncated, size };
    }
  }
  text += decode(decoder);
  return { text, size };
}

/**
 * Records a response body as it flows to the page: counts every byte, decodes text up to the
 * cap, emits it as chunks with their arrival time, and reports the end exactly once.
 */
export class BodyRecorder {
  private seq = 0;
  private size = 0;
  private captured = 0;
  private truncated = false;
  private isBinary: boolean | undefined;
  private decoder: TextDecoder | undefined;
  private ended = false;

  constructor(
    private readonly channel: Channel,
    private readonly id: string,
    headers: readonly Header[],
  ) {
    this.isBinary = isTextual(mimeOf(headers)) === undefined ? undefined : !isTextual(mimeOf(headers));
    this.charset = charsetOf(headers);
  }

  private readonly charset: string;

  /** Raw bytes from a fetch body. */
  bytes(chunk: Uint8Array): void {
    const time = clock();
    const length = viewByteLength(chunk);
    this.size += length;
    if (this.isBinary === undefined) this.isBinary = indexOf(chunk, 0) !== -1;
    if (this.isBinary || this.truncated) return;
    const room = this.cap() - this.captured;
    const piece = length > room ? subarray(chunk, 0, room) : chunk;
    if (length > room) this.truncated = true;
    this.captured += viewByteLength(piece);
    this.decoder ??= newDecoder(this.charset);
    this.emitText(decode(this.decoder, piece, { stream: !this.truncated }), time);
  }

  /** Already-decoded text (XHR responseText grows); `bytes` is the transferred size if known. */
  text(piece: string, bytes?: number): void {
    const time = clock();
    if (bytes !== undefined) this.size = bytes;
    else this.size += piece.length;
    if (this.truncated || piece === "") return;
    const room = this.cap() - this.captured;
    if (piece.length > room) {
      piece = stringSlice(piece, 0, room);
      this.truncated = true;
    }
    this.captured += piece.length;
    this.emitText(piece, time);
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

  end(outcome: Outcome): void {
    if (this.ended) return;
    this.ended = true;
    const time = clock();
    if (this.decoder && !this.truncated && !this.isBinary) this.emitText(decode(this.decoder), time);
    this.channel.emit({
      t: "end", id: this.id, time, outcome, size: this.size, chunks: this.seq,
      ...(this.truncated ? { truncated: true } : {}),
      ...(this.isBinary ? { binary: true } : {}),
    });
  }

  private cap(): number {
    return this.channel.config.bodyCap;
  }

  private emitText(text: string, time: number): void {
    if (text === "") return;
    this.channel.emit({ t: "chunks", id: this.id, seq: this.seq++, times: [time], texts: [text] });
  }
}

const ErrorNative = Error;
const DOMExceptionNative = DOMException;

/**
 * How a call failed. Only genuine Error/DOMException values are inspected: an abort reason can
 * be any page object, and reading its properties could run page code.
 */
const PromiseNative = Promise;

/** Emit the request event, once its body is known (some bodies can only be read asynchronously). */
export function emitRequest(channel: Channel, event: Omit<RequestEvent, "body">, body: CapturedBody | Promise<CapturedBody> | undefined): void {
  if (!(body instanceof PromiseNative)) {
    channel.emit(body ? { ...event, body } : event);
    return;
  }
  void (async () => {
    let read: CapturedBody | undefined;
    try {
      read = await body;
    } catch {
      read = undefined;
    }
    channel.emit(read ? { ...event, body: read } : event);
  })();
}

export function outcomeOf(error: unknown, aborted: boolean): Outcome {
  const known = typeof error === "object" && error !== null &&
    (error instanceof DOMExceptionNative || error instanceof ErrorNative);
  const name = known ? (error as Error).name : undefined;
  const state = aborted || name === "AbortError" ? "abort" : name === "TimeoutError" ? "timeout" : "error";
  return {
    state,
    errorName: name ?? (aborted ? "AbortError" : typeof error),
    errorMessage: known ? (error as Error).message : typeof error === "string" ? error : "",
  };
}
