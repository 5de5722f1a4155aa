/**
 * A call the page hook cannot see, read from the browser's network log while DevTools is open
 * (devtools.network.onRequestFinished): a fetch or XHR made by a worker. The entry is turned
 * into the capture events the hook would have sent, so it is redacted, classified, placed in a
 * trace and stored exactly as live capture is (docs/DESIGN.md, "Calls from workers").
 *
 * The log holds every request of the tab, the page's own too, which the hook has recorded
 * already. Chromium names each entry's initiator: the page's calls have the hook's script on top
 * of the stack (its sourceURL), and are skipped here. Firefox's log names none: its entries are
 * "unattributed", and the background tells them apart by matching them with the hook's calls
 * (network-match.ts). Entries that cannot be a call (documents, images, preflights...) are
 * skipped in both.
 */
import { isObj, type Obj } from "../providers";
import type { CaptureEvent, Exchange } from "../contract";
import { redactUrl } from "../redaction";
import { foreignExchange } from "./har-foreign";
import { objOr } from "./har-read";

/** The hook's sourceURL (scripts/build.mjs): the initiator of every call the page made through it. */
export const HOOK_SCRIPT_URL = "page-hook.js";

/** Resource types a worker's call can have in the log; the rest (documents, images...) are never model work. */
const CALL_TYPES = new Set(["fetch", "xhr", "eventsource", "other"]);

/** The script at the top of the entry's initiator stack, where the log names one. */
export function initiatorScript(entry: unknown): string {
  const initiator = objOr(objOr(entry)._initiator);
  const stack = objOr(initiator.stack);
  const frames = Array.isArray(stack.callFrames) ? stack.callFrames : [];
  const top: unknown = frames[0];
  if (isObj(top) && typeof top.url === "string") return top.url;
  return typeof initiator.url === "string" ? initiator.url : "";
}

/**
 * Whose call an entry is: the page's (made through the hook), a worker's (Chromium's initiator
 * says so), unattributed (Firefox's log names no initiator: the background matches it with the
 * hook's calls), or skip (not a call, or Chromium names no script to tell by).
 */
export type EntrySource = "page" | "worker" | "unattributed" | "skip";

export function entrySource(entry: unknown): EntrySource {
  if (!isObj(entry)) return "skip";
  const type = typeof entry._resourceType === "string" ? entry._resourceType.toLowerCase() : undefined;
  if (type !== undefined && !CALL_TYPES.has(type)) return "skip";
  if (!("_initiator" in entry)) return mayBeCall(entry) ? "unattributed" : "skip";
  const script = initiatorScript(entry);
  return script === "" ? "skip" : script === HOOK_SCRIPT_URL ? "page" : "worker";
}

/** Whether an entry is worth sending to the background at all: a call the hook may not have made. */
export function isUnhookedCall(entry: unknown): boolean {
  const source = entrySource(entry);
  return source === "worker" || source === "unattributed";
}

/** Response types of what is loaded, never called: documents, scripts, styles, images, fonts, media. */
const LOADED = /^(?:text\/(?:html|css|javascript)|application\/(?:javascript|xhtml\+xml)|image\/|font\/|audio\/|video\/)/;

/** A raw (unredacted) request header of a HAR entry. */
function entryHeader(entry: Obj, name: string): string | undefined {
  const headers = objOr(entry.request).headers;
  if (!Array.isArray(headers)) return undefined;
  for (const h of headers) if (isObj(h) && typeof h.name === "string" && h.name.toLowerCase() === name && typeof h.value === "string") return h.value;
  return undefined;
}

/**
 * A Firefox entry that can be a fetch or XHR (the log has no resource type): `Sec-Fetch-Dest:
 * empty` where the browser sends it (secure origins and localhost), otherwise a response that
 * is not a document, script, style, image, font or media; never a CORS preflight or a WebSocket.
 */
function mayBeCall(entry: Obj): boolean {
  const request = objOr(entry.request);
  if (String(request.method).toUpperCase() === "OPTIONS" && entryHeader(entry, "access-control-request-method") !== undefined) return false;
  if (entryHeader(entry, "upgrade") !== undefined) return false;
  const dest = entryHeader(entry, "sec-fetch-dest");
  if (dest !== undefined) return dest.trim().toLowerCase() === "empty";
  const mime = objOr(objOr(entry.response).content).mimeType;
  return !(typeof mime === "string" && LOADED.test(mime.trim().toLowerCase()));
}

/**
 * What the entry says made the call: Chromium's initiator script; in Firefox, the Referer the
 * browser sent (a worker's script for a call to its own origin, often only an origin otherwise).
 */
export function initiatorOf(entry: unknown): string {
  if (!isObj(entry)) return "";
  return "_initiator" in entry ? initiatorScript(entry) : entryHeader(entry, "referer") ?? "";
}

/** The host of the page or worker that made the call, as far as the request says (Origin, else Referer): where capture may be refused. */
export function requesterHost(entry: unknown): string {
  if (!isObj(entry)) return "";
  const origin = entryHeader(entry, "origin");
  try {
    return new URL(origin && origin !== "null" ? origin : entryHeader(entry, "referer") ?? "").hostname;
  } catch {
    return "";
  }
}

export type NetworkEntryResult = { events: CaptureEvent[] } | { skipped: string };

/**
 * The entry with its body (`content`, as getContent gave it: text, or base64 for bytes) as
 * capture events of one new exchange. `maxBodyChars` caps the body as the hook's cap does.
 */
export function networkEntryEvents(entry: unknown, content: string | undefined, encoding: string | undefined, maxBodyChars: number): NetworkEntryResult {
  if (!isObj(entry)) return { skipped: "not an entry" };
  if (!isUnhookedCall(entry)) return { skipped: "made through the page hook, or not a call" };
  const response = objOr(entry.response);
  const withBody: Obj = {
    ...entry,
    response: { ...response, content: { ...objOr(response.content), ...(typeof content === "string" ? { text: content } : {}), ...(encoding ? { encoding } : {}) } },
  };
  const read = foreignExchange(withBody, new Map());
  if (!("exchange" in read)) return { skipped: read.skipped };
  const initiator = initiatorOf(entry);
  return { events: eventsOf(read.exchange, initiator ? redactUrl(initiator) : "", maxBodyChars) };
}

/** An exchange as the events that fold back into it (capture/fold.ts). */
function eventsOf(ex: Exchange, initiator: string, maxBodyChars: number): CaptureEvent[] {
  const { id, request, response, timing, outcome } = ex;
  const events: CaptureEvent[] = [{
    t: "request", id, transport: ex.transport, time: timing.start, method: request.method, url: request.url,
    headers: request.headers, pageUrl: ex.pageUrl ?? "", ...(request.body ? { body: request.body } : {}), network: { initiator },
  }];
  if (response) events.push({ t: "response", id, time: timing.headers ?? timing.start, ...response });
  let truncated = false;
  const texts: string[] = [];
  const times: number[] = [];
  let room = maxBodyChars;
  for (const chunk of ex.chunks) {
    if (room <= 0) break;
    const text = chunk.text.length > room ? chunk.text.slice(0, room) : chunk.text;
    truncated ||= text !== chunk.text;
    room -= text.length;
    texts.push(text);
    times.push(chunk.time);
  }
  if (texts.length) events.push({ t: "chunks", id, seq: 0, times, texts });
  events.push({
    t: "end", id, time: timing.end ?? timing.start, outcome: outcome ?? { state: "ok" }, chunks: texts.length, ...(truncated ? { truncated } : {}),
  });
  return events;
}
