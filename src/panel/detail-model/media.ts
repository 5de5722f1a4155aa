/**
 * Images and audio in messages (docs/DESIGN.md, "Reading messages"). A span keeps an inline
 * payload shortened (`<first 256 characters>…[N chars]`, src/core/providers/messages.ts); the
 * whole payload is in the exchange's request or response body, found again here by its first
 * characters and length. Nothing here loads anything: remote media is described, and a payload
 * becomes bytes with a checked media type that the panel shows through a blob: URL.
 */
import type { Exchange } from "../../core/contract";
import { isMessageSession, responseText, wsMessages } from "../../core/contract";
import { findLiveAudio } from "../../core/providers";
import { base64Bytes, pcmFormat, pcmSeconds } from "../../core/providers/messages";

export { pcmFormat };
import type { Part } from "./messages";

export type MediaKind = "image" | "audio" | "video" | "document";

export interface MediaView {
  kind: MediaKind;
  mime?: string;
  /** Where it is: inline (base64 in the message), at a remote URL, or an uploaded file id. */
  source: "inline" | "remote" | "file" | "none";
  /** Inline: the base64 payload when the span holds all of it. */
  data?: string;
  /** Inline, shortened: its first characters and its full length in base64 characters. */
  prefix?: string;
  length?: number;
  /** Decoded size in bytes (inline). */
  bytes?: number;
  url?: string;
  fileId?: string;
  transcript?: string;
}

const SHORTENED = /^([A-Za-z0-9+/=_-]*)…\[(\d+) chars\]$/;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);


function kindOf(part: Part, mime: string | undefined): MediaKind {
  const m = str(part.modality) ?? mime?.split("/")[0];
  return m === "image" || m === "audio" || m === "video" ? m : "document";
}

/** What a media part (blob, uri, file) is and where its content can be found. */
export function mediaOf(part: Part): MediaView {
  const mime = str(part.mime_type);
  const view: MediaView = { kind: kindOf(part, mime), source: "none" };
  if (mime) view.mime = mime;
  if (typeof part.transcript === "string") view.transcript = part.transcript;
  if (part.type === "blob" && typeof part.content === "string") {
    view.source = "inline";
    const short = SHORTENED.exec(part.content);
    if (short) {
      view.prefix = short[1]!;
      view.length = Number(short[2]);
      view.bytes = base64Bytes(view.length);
    } else {
      view.data = part.content;
      view.bytes = base64Bytes(part.content.length, part.content);
    }
  } else if (part.type === "uri" && str(part.uri)) {
    view.source = "remote";
    view.url = part.uri as string;
  } else if (part.type === "file" && str(part.file_id)) {
    view.source = "file";
    view.fileId = part.file_id as string;
  }
  return view;
}

const B64 = /[A-Za-z0-9+/=]/;

/** The run of base64 characters at `from`. */
function runAt(text: string, from: number, max: number): string {
  let end = from;
  while (end < text.length && end - from < max && B64.test(text[end]!)) end++;
  return text.slice(from, end);
}

/** Every string in a JSON value, by path, in document order. */
function strings(value: unknown, path: string, out: Map<string, string[]>): void {
  if (typeof value === "string") {
    const list = out.get(path);
    if (list) list.push(value);
    else out.set(path, [value]);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) strings(value[i], `${path}/${i}`, out);
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) strings(v, `${path}/${k}`, out);
  }
}

/** The JSON values of a streamed body: SSE `data:` lines, or one value per line (NDJSON). */
function streamValues(text: string): unknown[] {
  const out: unknown[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.startsWith("data:") ? raw.slice(5).trim() : raw.trim();
    if (!line.startsWith("{") && !line.startsWith("[")) continue;
    try {
      out.push(JSON.parse(line) as unknown);
    } catch {
      // an event that is not JSON carries no payload
    }
  }
  return out;
}

/**
 * The whole base64 payload that starts with `prefix` and is `length` characters long, in a
 * body's text: one string in the body, or (a stream) the pieces of one field across its events
 * joined, as OpenAI streams audio (`choices/0/delta/audio/data`). Undefined when not there.
 */
export function findPayload(text: string, prefix: string, length: number): string | undefined {
  if (prefix === "" || length <= prefix.length) return undefined;
  for (let at = text.indexOf(prefix); at !== -1; at = text.indexOf(prefix, at + 1)) {
    const run = runAt(text, at, length + 1);
    if (run.length === length) return run;
  }
  const byPath = new Map<string, string[]>();
  for (const value of streamValues(text)) strings(value, "", byPath);
  for (const pieces of byPath.values()) {
    if (pieces.length < 2) continue;
    const first = pieces[0]!;
    if (!(first.startsWith(prefix.slice(0, first.length)) || first.startsWith(prefix))) continue;
    const joined = pieces.join("");
    if (joined.length === length && joined.startsWith(prefix)) return joined;
  }
  return undefined;
}

export type PayloadResult =
  | { state: "found"; data: string }
  /** Audio a live session sent in chunks, each base64 of its own: decoded and joined. */
  | { state: "found"; bytes: Uint8Array }
  | { state: "loading" }
  /** The body holding it was cut at the capture cap, or not recorded. */
  | { state: "missing"; why: "cap" | "not-recorded" | "not-found" };

/** The full payload of a shortened inline part, from the exchange of its span. */
export function payloadOf(view: MediaView, exchange: Exchange | null | undefined, inInput: boolean): PayloadResult {
  if (view.data !== undefined) return { state: "found", data: view.data };
  if (exchange === undefined) return { state: "loading" };
  if (!exchange || view.prefix === undefined || view.length === undefined) return { state: "missing", why: "not-recorded" };
  if (isMessageSession(exchange.transport)) return liveAudioPayload(view, exchange);
  const body = inInput ? exchange.request.body : exchange.response?.body;
  const text = inInput ? body?.text : body?.text ?? responseText(exchange);
  if (text) {
    const data = findPayload(text, view.prefix, view.length);
    if (data) return { state: "found", data };
  }
  if (body?.truncated) return { state: "missing", why: "cap" };
  if (!text) return { state: "missing", why: "not-recorded" };
  return { state: "missing", why: "not-found" };
}

/** A live response's spoken output, from its session's messages (core/providers/derive.ts, findLiveAudio). */
function liveAudioPayload(view: MediaView, exchange: Exchange): PayloadResult {
  const audio = findLiveAudio(exchange.request.url, wsMessages(exchange.chunks), view.prefix ?? "", view.length ?? 0);
  if (!audio) return { state: "missing", why: exchange.response?.body?.truncated ? "cap" : "not-found" };
  const pieces: Uint8Array[] = [];
  let size = 0;
  for (const chunk of audio.chunks) {
    const bytes = decodeBase64(chunk);
    if (!bytes) return { state: "missing", why: "not-found" };
    pieces.push(bytes);
    size += bytes.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return { state: "found", bytes: out };
}

/** base64 (standard or URL-safe) to bytes; undefined when it is not base64. */
export function decodeBase64(data: string): Uint8Array | undefined {
  try {
    const bin = atob(data.replace(/-/g, "+").replace(/_/g, "/").replace(/\s+/g, ""));
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The media type the bytes themselves show, for the formats the panel plays or draws. */
export function sniff(b: Uint8Array): string | undefined {
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(b, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(b, ascii("GIF87a")) || startsWith(b, ascii("GIF89a"))) return "image/gif";
  if (startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(b, ascii("RIFF")) && startsWith(b, ascii("WAVE"), 8)) return "audio/wav";
  if (startsWith(b, ascii("ID3")) || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return "audio/mpeg";
  if (startsWith(b, ascii("OggS"))) return "audio/ogg";
  if (startsWith(b, ascii("fLaC"))) return "audio/flac";
  if (startsWith(b, [0x1a, 0x45, 0xdf, 0xa3])) return "audio/webm";
  if (startsWith(b, ascii("ftyp"), 4)) return "audio/mp4";
  if (startsWith(b, ascii("BM"))) return "image/bmp";
  return undefined;
}

/** Media types drawn in an <img>. SVG is not among them: it is a document that can carry script. */
const IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp"]);
const AUDIO = new Set(["audio/wav", "audio/mpeg", "audio/ogg", "audio/flac", "audio/webm", "audio/mp4", "audio/aac"]);
/** How providers name audio formats, as media types a browser plays. */
const AUDIO_ALIASES: Record<string, string> = {
  "audio/mp3": "audio/mpeg", "audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/opus": "audio/ogg",
  "audio/x-flac": "audio/flac", "audio/m4a": "audio/mp4", "audio/x-m4a": "audio/mp4",
};


/** Raw 16-bit PCM wrapped in a WAV header, so an <audio> element plays it. */
export function pcmToWav(pcm: Uint8Array, format: { rate: number; channels: number }): Uint8Array {
  const out = new Uint8Array(44 + pcm.length);
  const view = new DataView(out.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + pcm.length, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.rate, true);
  view.setUint32(28, format.rate * format.channels * 2, true);
  view.setUint16(32, format.channels * 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, pcm.length, true);
  out.set(pcm, 44);
  return out;
}

export type Playable = { as: "image" | "audio"; mime: string; bytes: Uint8Array } | { as: "none"; why: string };

/**
 * What the panel may show of a payload: an image or audio with a media type it checked (the
 * bytes' own signature wins over a declared type), or why not.
 */
export function playable(view: MediaView, bytes: Uint8Array): Playable {
  const declared = view.mime?.toLowerCase().split(";")[0]?.trim();
  const pcm = view.kind === "audio" ? pcmFormat(view.mime) : undefined;
  if (pcm) return { as: "audio", mime: "audio/wav", bytes: pcmToWav(bytes, pcm) };
  const sniffed = sniff(bytes);
  const mime = sniffed ?? (declared ? AUDIO_ALIASES[declared] ?? declared : undefined);
  if (mime && IMAGES.has(mime)) return { as: "image", mime, bytes };
  if (mime && AUDIO.has(mime)) return { as: "audio", mime, bytes };
  if (declared === "image/svg+xml") return { as: "none", why: "SVG is not drawn here (it can carry script)" };
  return { as: "none", why: mime ? `${mime} is not shown here` : "the format is not recognised" };
}

/** How long raw 16-bit PCM of `bytes` plays ("0.5 s", "1 min 12 s"); undefined for other formats. */
export function pcmDuration(mime: string | undefined, bytes: number | undefined): string | undefined {
  const seconds = bytes === undefined ? undefined : pcmSeconds(mime, bytes);
  if (seconds === undefined) return undefined;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** "1.2 MB", "340 KB", "512 B". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
