/**
 * The WebSocket hook (docs/DESIGN.md, "Other transports"). The constructor and send() are
 * wrapped so that everything the page can see is native (patch.ts): the socket is the one the
 * browser made, its events, their order, binaryType and errors are untouched. A listener the
 * hook adds to each socket when it is made sees each message before the page's own listeners,
 * and reads only: no provider format is parsed here; each message goes to the background as a
 * line of the session's body (core/contract/ws-messages.ts), batched like a fetch body's chunks.
 *
 * Sockets whose URL looks like a model's live API (or matches the user's rules) keep their
 * messages up to the body cap; any other socket on a recorded page is kept as a session too,
 * with fewer messages (like DevTools' Messages tab, capped).
 */
import type { Channel, PendingPieces } from "./channel";
import { PAGE_LEFT } from "./channel";
import { clock, readCapped } from "./body";
import { newExchangeId } from "./ids";
import {
  TextDecoderNative, Uint8ArrayNative, addListener, arrayBufferLength, blobStream, bytesIndexOf, closeCode, closeReason, closeWasClean,
  eventType, getter, isArrayBuffer, isBlob, isTrusted, isView, matches, messageData, pageUrl, safeWeakMap, socketProtocol, socketUrl,
  stringIndexOf, stringSlice, stringify, toLowerCase, decode, bufferOf, byteOffset, byteLength,
} from "./natives";
import { watchClass } from "./patch";
import { parseUrl } from "./request-info";
import { globMatches } from "./route";
import type { Outcome } from "../core/contract";

/** Model live APIs: OpenAI (and Azure) Realtime, Gemini Live's BidiGenerateContent, and the like. */
const LIVE_PATH = /realtime|bidigeneratecontent|(?:^|[/._-])(?:live|voice|agents?|chat|llm|ai)(?:$|[/._-])/;
/** A message's data beyond this is cut (an audio frame); its line says so. */
const MESSAGE_CHARS = 64 * 1024;
/**
 * Messages this close together go in one piece (the lines stay apart): a burst costs one piece,
 * and a message's time is that of the first of its burst, within this much.
 */
const JOIN_MS = 1;
/** A socket that does not look like model work keeps at most this many messages... */
const OTHER_MESSAGES = 1000;
/** ...and this much text. */
const OTHER_CHARS = 256 * 1024;

export interface Session {
  id: string;
  seq: number;
  pending: PendingPieces | undefined;
  /** Characters kept so far, and the most there may be. */
  kept: number;
  cap: number;
  /** Messages kept so far, and the most there may be. */
  count: number;
  maxCount: number;
  truncated: boolean;
  /** A Blob message is being read: later messages wait behind it, so the order stays the page's. */
  reading: boolean;
  backlog: [time: number, dir: string, data: unknown][];
  /** The end waiting for the backlog. */
  closing: Outcome | undefined;
  ended: boolean;
}

/** Sessions by the object whose messages they record (a WebSocket, an RTCDataChannel). */
export const sessions = safeWeakMap<object, Session>();
const decoder = new TextDecoderNative();

export function hookWebSocket(win: Window & typeof globalThis, channel: Channel): void {
  if (typeof win.WebSocket !== "function") return;
  const readyState = getter<number>(win.WebSocket.prototype, "readyState");
  watchClass(win, "WebSocket", (ws) => watch(channel, ws as WebSocket), "send", (self, args) => {
    const s = sessions.get(self as object);
    // A socket that is closing or closed drops what is sent without an error: so does the record.
    if (s && readyState(self) === 1) receive(channel, s, clock(), "s", args[0]);
  });
}

/**
 * A new session of `target`'s messages, its request emitted now: a model's keeps its messages
 * up to the body cap, any other fewer (OTHER_MESSAGES, OTHER_CHARS).
 */
export function openSession(channel: Channel, target: object, url: string, transport: "websocket" | "webrtc", model: boolean): Session {
  const config = channel.config;
  const id = newExchangeId();
  const s: Session = {
    id, seq: 0, pending: undefined, kept: 0, cap: config.bodies ? (model ? config.bodyCap : OTHER_CHARS) : 0, count: 0,
    maxCount: model ? 1e9 : OTHER_MESSAGES, truncated: false, reading: false, backlog: [], closing: undefined, ended: false,
  };
  sessions.set(target, s);
  channel.emit({ t: "request", id, transport, time: clock(), method: "GET", url, headers: [], pageUrl: pageUrl() });
  channel.onLeave(id, () => end(channel, s, PAGE_LEFT));
  return s;
}

function watch(channel: Channel, ws: WebSocket): void {
  const config = channel.config;
  if (!config.enabled) return;
  const url = socketUrl(ws);
  const s = openSession(channel, ws, url, "websocket", isLive(url, config.capture));
  const id = s.id;
  const onEvent = (e: Event): void => {
    try {
      if (!isTrusted(e)) return;
      const type = eventType(e);
      if (type === "message") receive(channel, s, clock(), "r", messageData(e));
      else if (type === "open") {
        const protocol = socketProtocol(ws);
        channel.emit({
          t: "response", id, time: clock(), status: 101, statusText: "Switching Protocols",
          headers: protocol ? [["sec-websocket-protocol", protocol]] : [],
        });
      } else if (type === "close") {
        const code = closeCode(e);
        const clean = closeWasClean(e) && (code === 1000 || code === 1005);
        close(channel, s, clean ? { state: "ok" } : { state: "error", errorName: `close ${code}`, errorMessage: stringSlice(closeReason(e), 0, 1024) });
      }
    } catch {
      // never throw into the page's event dispatch
    }
  };
  addListener(ws, "open", onEvent);
  addListener(ws, "message", onEvent);
  addListener(ws, "close", onEvent);
}

export function isLive(url: string, capture: readonly string[]): boolean {
  const lower = toLowerCase(url.length > 2048 ? stringSlice(url, 0, 2048) : url);
  for (let i = 0; i < capture.length; i++) if (globMatches(capture[i]!, lower)) return true;
  const path = parseUrl(url).path;
  return matches(LIVE_PATH, toLowerCase(path.length > 2048 ? stringSlice(path, 0, 2048) : path));
}

/** A message sent (`s`) or received (`r`): recorded now, or after the Blob before it is read. */
export function receive(channel: Channel, s: Session, time: number, dir: string, data: unknown): void {
  if (s.ended || s.truncated) return;
  if (s.reading) {
    s.backlog[s.backlog.length] = [time, dir, data];
    return;
  }
  if (typeof data === "string") return keep(channel, s, time, dir, "1", data);
  if (isBlob(data)) return readBlob(channel, s, time, dir, data as Blob);
  if (isArrayBuffer(data) || isView(data)) {
    const bytes = isView(data)
      ? new Uint8ArrayNative(bufferOf(data as Uint8Array), byteOffset(data as Uint8Array), byteLength(data as Uint8Array))
      : new Uint8ArrayNative(data as ArrayBuffer, 0, arrayBufferLength(data));
    const size = byteLength(bytes);
    const cut = size > MESSAGE_CHARS ? new Uint8ArrayNative(bufferOf(bytes), byteOffset(bytes), MESSAGE_CHARS) : bytes;
    // Bytes with a NUL are not text (audio): the message is kept, its data is not.
    return keep(channel, s, time, dir, "2", bytesIndexOf(cut, 0) === -1 ? decode(decoder, cut) : "", size > MESSAGE_CHARS);
  }
}

function readBlob(channel: Channel, s: Session, time: number, dir: string, blob: Blob): void {
  s.reading = true;
  void (async () => {
    let text = "";
    let cut = false;
    try {
      const read = await readCapped(blobStream(blob), "utf-8", MESSAGE_CHARS);
      text = read.text ?? "";
      cut = read.truncated === true;
    } catch {
      text = "";
    }
    s.reading = false;
    keep(channel, s, time, dir, "2", stringIndexOf(text, "\u0000") === -1 ? text : "", cut);
    const waiting = s.backlog;
    s.backlog = [];
    for (let i = 0; i < waiting.length; i++) {
      const w = waiting[i]!;
      receive(channel, s, w[0], w[1], w[2]);
    }
    if (!s.reading && s.closing) end(channel, s, s.closing);
  })();
}

function keep(channel: Channel, s: Session, time: number, dir: string, opcode: string, data: string, cut = false): void {
  if (s.ended || s.truncated) return;
  if (data.length > MESSAGE_CHARS) {
    data = stringSlice(data, 0, MESSAGE_CHARS);
    cut = true;
  }
  const line = dir + opcode + (cut ? "t " : " ") + stringify(data) + "\n";
  if (s.count >= s.maxCount || s.kept + line.length > s.cap) {
    s.truncated = true;
    return;
  }
  s.count++;
  s.kept += line.length;
  const p = channel.piece(s.id, s.seq, time, line, "utf-8", s.pending, JOIN_MS);
  s.pending = p;
  s.seq = p.event.seq + p.event.parts.length;
}

export function close(channel: Channel, s: Session, outcome: Outcome): void {
  if (s.reading) s.closing = outcome;
  else end(channel, s, outcome);
}

function end(channel: Channel, s: Session, outcome: Outcome): void {
  if (s.ended) return;
  s.ended = true;
  channel.emit({ t: "end", id: s.id, time: clock(), outcome, size: s.kept, chunks: s.seq, ...(s.truncated ? { truncated: true } : {}) });
}
