/**
 * A call the page hook cannot see, read from the browser's network log while DevTools is open
 * (devtools.network.onRequestFinished): a fetch or XHR made by a worker. The entry is turned
 * into the capture events the hook would have sent, so it is redacted, classified, placed in a
 * trace and stored exactly as live capture is (docs/DESIGN.md, "Calls from workers").
 *
 * The log holds every request of the tab, the page's own too. Those went through the hook,
 * whose script is then the top frame of the entry's initiator stack (Chrome names it by the
 * hook's sourceURL): they are skipped here, or every call would be stored twice. An entry that
 * names no initiator script (Firefox's log names none) is skipped too: it may be the page's, and
 * a call missed is better than every call stored twice.
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

/** Whether an entry is worth sending to the background at all: a call the hook did not make. */
export function isUnhookedCall(entry: unknown): boolean {
  if (!isObj(entry)) return false;
  const type = typeof entry._resourceType === "string" ? entry._resourceType.toLowerCase() : undefined;
  if (type !== undefined && !CALL_TYPES.has(type)) return false;
  const script = initiatorScript(entry);
  return script !== "" && script !== HOOK_SCRIPT_URL;
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
  const initiator = initiatorScript(entry);
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
