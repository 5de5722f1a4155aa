/**
 * Import of an entry we wrote: the exchange is rebuilt exactly from `_exchange`, `_chunkTimes` and
 * the bulky standard fields (see har-entry.ts for what goes where). Every field is checked
 * because the file may have been edited; an entry whose `_exchange` does not hold up is
 * returned as undefined and imported like any other HAR entry instead.
 */
import { isMessageSession, isSpanId, type CapturedBody, type Chunk, type Exchange, type ExchangeResponse, type ExchangeTiming, type Outcome, type Transport } from "../contract";
import { isObj, type Obj } from "../providers";
import { checkedBodyType } from "../capture";
import { redactUrl } from "../redaction";
import { decodeChunks } from "./chunks";
import { chunksOfWebSocketMessages } from "./har-websocket";
import { objOr, readHeaders } from "./har-read";
import { isFiniteNumber } from "./read";
import type { Warnings } from "./warnings";

const OMITTED = ["binary", "stream", "policy", "fast-path"];
const TRANSPORTS = ["fetch", "xhr", "websocket", "eventsource", "webrtc"];
const FAILURES = ["error", "abort", "timeout"];

/** Why `_exchange` is unusable, or undefined when it is fine. */
function metaProblem(m: Obj, entry: Obj): string | undefined {
  if (!isSpanId(m.id)) return "no valid id";
  if (!TRANSPORTS.includes(m.transport as string)) return "an unknown transport";
  if (m.pageUrl !== undefined && typeof m.pageUrl !== "string") return "an invalid pageUrl";
  const t = m.timing;
  if (!isObj(t) || !isFiniteNumber(t.start)) return "no timing.start";
  for (const k of ["headers", "firstByte", "end"]) if (t[k] !== undefined && !isFiniteNumber(t[k])) return `an invalid timing.${k}`;
  if (m.outcome !== undefined && !outcomeOf(m.outcome)) return "an invalid outcome";
  if (m.requestBody !== undefined && !bodyOf(m.requestBody)) return "an invalid requestBody";
  if (m.response !== undefined) {
    const r = m.response;
    if (!isObj(r)) return "an invalid response";
    if ((r.url !== undefined && typeof r.url !== "string") || (r.redirected !== undefined && typeof r.redirected !== "boolean") || (r.type !== undefined && typeof r.type !== "string")) return "an invalid response field";
    if (r.body !== undefined && !bodyOf(r.body)) return "an invalid response body";
    if (!isFiniteNumber(objOr(entry.response).status)) return "no response.status";
  }
  const request = objOr(entry.request);
  if (typeof request.url !== "string" || typeof request.method !== "string") return "no request.url or request.method";
  return undefined;
}

function outcomeOf(v: unknown): Outcome | undefined {
  if (!isObj(v)) return undefined;
  if (v.state === "ok") return { state: "ok" };
  if (!FAILURES.includes(v.state as string)) return undefined;
  if ((v.errorName !== undefined && typeof v.errorName !== "string") || (v.errorMessage !== undefined && typeof v.errorMessage !== "string")) return undefined;
  return {
    state: v.state as "error" | "abort" | "timeout",
    ...(v.errorName !== undefined ? { errorName: v.errorName as string } : {}),
    ...(v.errorMessage !== undefined ? { errorMessage: v.errorMessage as string } : {}),
  };
}

function bodyOf(v: unknown): CapturedBody | undefined {
  if (!isObj(v)) return undefined;
  if (v.text !== undefined && typeof v.text !== "string") return undefined;
  if (v.size !== undefined && !(isFiniteNumber(v.size) && v.size >= 0)) return undefined;
  if (v.mimeType !== undefined && typeof v.mimeType !== "string") return undefined;
  if (v.truncated !== undefined && typeof v.truncated !== "boolean") return undefined;
  if (v.omitted !== undefined && !OMITTED.includes(v.omitted as string)) return undefined;
  if (v.mimeTypeDropped !== undefined && v.mimeTypeDropped !== true) return undefined;
  return checkedBodyType({
    ...(v.text !== undefined ? { text: v.text as string } : {}),
    ...(v.size !== undefined ? { size: v.size as number } : {}),
    ...(v.mimeType !== undefined ? { mimeType: v.mimeType as string } : {}),
    ...(v.mimeTypeDropped ? { mimeTypeDropped: true } : {}),
    ...(v.truncated !== undefined ? { truncated: v.truncated as boolean } : {}),
    ...(v.omitted !== undefined ? { omitted: v.omitted as CapturedBody["omitted"] } : {}),
  });
}

/** The exchange of an entry we wrote, or undefined (with a warning) when it is not one. */
export function readOwnEntry(entry: Obj, where: string, warn: Warnings): Exchange | undefined {
  const m = entry._exchange;
  if (!isObj(m)) return undefined;
  const problem = metaProblem(m, entry);
  if (problem) {
    warn.add(`${where}: _exchange has ${problem}; re-derived from the HAR fields`);
    return undefined;
  }
  const request = objOr(entry.request);
  const post = objOr(request.postData);
  const response = objOr(entry.response);
  const content = objOr(response.content);
  const t = m.timing as Obj;
  const timing: ExchangeTiming = { start: t.start as number };
  for (const k of ["headers", "firstByte", "end"] as const) if (t[k] !== undefined) timing[k] = t[k] as number;

  const reqBody = m.requestBody !== undefined ? bodyOf(m.requestBody)! : undefined;
  const ex: Exchange = {
    id: m.id as string,
    transport: m.transport as Transport,
    ...(m.pageUrl !== undefined ? { pageUrl: redactUrl(m.pageUrl as string) } : {}),
    request: {
      method: request.method as string,
      url: redactUrl(request.url as string),
      headers: readHeaders(request.headers),
      ...(reqBody ? { body: { ...(typeof post.text === "string" ? { text: post.text } : {}), ...reqBody } } : {}),
    },
    timing,
    chunks: [],
  };
  if (isObj(m.response)) ex.response = responseOf(m.response, response);
  const outcome = m.outcome !== undefined ? outcomeOf(m.outcome) : undefined;
  if (outcome) ex.outcome = outcome;
  ex.chunks = isMessageSession(ex.transport)
    ? chunksOfWebSocketMessages(entry._webSocketMessages, timing.start) ?? []
    : chunksOf(entry._chunkTimes, content.text, timing, where, warn);
  return ex;
}

function responseOf(meta: Obj, response: Obj): ExchangeResponse {
  const body = meta.body !== undefined ? bodyOf(meta.body) : undefined;
  return {
    status: response.status as number,
    statusText: typeof response.statusText === "string" ? response.statusText : "",
    headers: readHeaders(response.headers),
    ...(meta.url !== undefined ? { url: redactUrl(meta.url as string) } : {}),
    ...(meta.redirected !== undefined ? { redirected: meta.redirected as boolean } : {}),
    ...(meta.type !== undefined ? { type: meta.type as string } : {}),
    ...(body ? { body } : {}),
  };
}

function chunksOf(encoded: unknown, text: unknown, timing: ExchangeTiming, where: string, warn: Warnings): Chunk[] {
  if (encoded === undefined) return [];
  const body = typeof text === "string" ? text : "";
  const chunks = typeof encoded === "string" ? decodeChunks(encoded, body, timing.start) : "it is not a string";
  if (typeof chunks !== "string") return chunks;
  warn.add(`${where}: _chunkTimes unusable (${chunks}); the body is kept as one chunk`);
  return body === "" ? [] : [{ time: timing.end ?? timing.start, text: body }];
}
