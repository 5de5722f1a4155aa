/**
 * Import of an entry from any HAR (Chrome's or Firefox's Network export, proxies, other tools):
 * the entry is turned back into an exchange as the page hook would have recorded it, and its
 * span is derived with the same classifier as live capture.
 *
 * What a HAR cannot give back: chunk arrival times. The body becomes one chunk at the entry's
 * end (spreading SSE events over the receive time would invent data), unless the entry carries
 * our `_chunkTimes`. For a streamed response that single chunk would make time-to-first-chunk equal
 * the whole duration, so that attribute is dropped rather than shown wrong.
 */
import { deriveSpan, isObj, type Obj } from "../providers";
import {
  headerValue, mimeTypeOf, newSpanId, type CapturedBody, type Chunk, type Exchange, type ExchangeRequest, type Outcome, type SpanRecord,
} from "../contract";
import { checkedBodyType } from "../capture";
import { redactUrl } from "../redaction";
import { decodeChunks } from "./chunks";
import { objOr, readHeaders } from "./har-read";
import { utf8Length } from "./json-error";
import { isFiniteNumber } from "./read";

/**
 * Chrome's `_resourceType`s that can be a page's fetch/XHR call. Documents, scripts, images,
 * fonts, websockets... are not calls the extension records, so such entries are skipped.
 */
const CALL_TYPES = new Set(["fetch", "xhr", "eventsource", "other"]);

export type ForeignResult = { exchange: Exchange; span: SpanRecord } | { skipped: "not-a-call" } | { skipped: "invalid"; reason: string };
export type ForeignExchange = { exchange: Exchange } | Exclude<ForeignResult, { span: SpanRecord }>;

export function importForeignEntry(entry: Obj, pageUrls: ReadonlyMap<string, string>, now: number): ForeignResult {
  const read = foreignExchange(entry, pageUrls);
  if (!("exchange" in read)) return read;
  const { exchange } = read;
  const span = deriveSpan(exchange, { tabId: 0 }, now);
  if (exchange.chunks.length === 1 && isStreamed(span, exchange)) delete span.attributes["gen_ai.response.time_to_first_chunk"];
  return { exchange, span };
}

/** The exchange a HAR entry stands for, as the page hook would have recorded it. */
export function foreignExchange(entry: Obj, pageUrls: ReadonlyMap<string, string>): ForeignExchange {
  const request = objOr(entry.request);
  if (typeof request.url !== "string" || request.url === "") return { skipped: "invalid", reason: "has no request.url" };
  const resourceType = typeof entry._resourceType === "string" ? entry._resourceType.toLowerCase() : undefined;
  if (resourceType !== undefined && !CALL_TYPES.has(resourceType)) return { skipped: "not-a-call" };
  const start = typeof entry.startedDateTime === "string" ? Date.parse(entry.startedDateTime) : NaN;
  if (!Number.isFinite(start)) return { skipped: "invalid", reason: "has no valid startedDateTime" };

  const times = entryTimes(entry, start);
  const response = objOr(entry.response);
  const status = isFiniteNumber(response.status) ? response.status : 0;
  const responseHeaders = readHeaders(response.headers);
  // Status 0 is how HAR writers record a request that got no response (failed, blocked, aborted).
  const hasResponse = status > 0 || responseHeaders.length > 0;
  const body = hasResponse ? responseBody(objOr(response.content), responseHeaders) : undefined;
  const id = newSpanId();

  // A binary body is known by size and type only (body.meta): it has no text, so no chunks.
  const chunks = chunksOf(entry._chunkTimes, body?.text, start, times.end);
  const exchange: Exchange = {
    id,
    transport: resourceType === "xhr" ? "xhr" : "fetch",
    ...pageUrlOf(entry, pageUrls, request),
    request: requestOf(request),
    ...(hasResponse
      ? { response: { status, statusText: typeof response.statusText === "string" ? response.statusText : "", headers: responseHeaders, ...(body?.meta ? { body: body.meta } : {}) } }
      : {}),
    timing: { start, ...(hasResponse ? { headers: times.headers } : {}), ...(chunks[0] ? { firstByte: chunks[0].time } : {}), end: times.end },
    chunks,
    outcome: outcomeOf(entry, response, hasResponse),
  };
  return { exchange };
}

/** When the response headers arrived and the body ended, from HAR's phase timings. */
function entryTimes(entry: Obj, start: number): { headers: number; end: number } {
  const t = objOr(entry.timings);
  const phase = (k: string): number => (isFiniteNumber(t[k]) && (t[k] as number) > 0 ? (t[k] as number) : 0);
  // HAR 1.2: ssl is included in connect, so it is not added again.
  const beforeHeaders = phase("blocked") + phase("dns") + phase("connect") + phase("send") + phase("wait");
  const total = isFiniteNumber(entry.time) && entry.time >= 0 ? entry.time : beforeHeaders + phase("receive");
  return { headers: start + Math.min(beforeHeaders, total), end: start + Math.max(total, beforeHeaders) };
}

function pageUrlOf(entry: Obj, pageUrls: ReadonlyMap<string, string>, request: Obj): { pageUrl?: string } {
  const fromPage = typeof entry.pageref === "string" ? pageUrls.get(entry.pageref) : undefined;
  // Without a page URL (Firefox titles pages with the document title) the Referer is the best
  // clue to the calling document; cross-origin it is only the origin.
  const url = fromPage ?? headerValue(readHeaders(request.headers), "referer");
  return url ? { pageUrl: redactUrl(url) } : {};
}

function requestOf(request: Obj): ExchangeRequest {
  const headers = readHeaders(request.headers);
  const post = isObj(request.postData) ? request.postData : undefined;
  let body: CapturedBody | undefined;
  if (post) {
    const text = typeof post.text === "string" ? post.text : paramsText(post.params);
    const size = isFiniteNumber(request.bodySize) && request.bodySize >= 0 ? request.bodySize : text !== undefined ? utf8Length(text) : undefined;
    body = checkedBodyType({
      ...(text !== undefined ? { text } : {}),
      ...(size !== undefined ? { size } : {}),
      ...(typeof post.mimeType === "string" ? { mimeType: post.mimeType } : {}),
    });
  }
  return {
    method: typeof request.method === "string" && request.method !== "" ? request.method.toUpperCase() : "GET",
    url: redactUrl(request.url as string),
    headers,
    ...(body ? { body } : {}),
  };
}

/** A form body that the HAR lists only as params, written back as urlencoded text. */
function paramsText(params: unknown): string | undefined {
  if (!Array.isArray(params) || params.length === 0) return undefined;
  return params
    .filter((p): p is Obj => isObj(p) && typeof p.name === "string")
    .map((p) => `${encodeURIComponent(p.name as string)}=${encodeURIComponent(typeof p.value === "string" ? p.value : "")}`)
    .join("&");
}

const TEXTUAL = /^text\/|[/+](json|xml|javascript|ecmascript|x-ndjson|ndjson|jsonl|x-www-form-urlencoded|graphql|yaml|event-stream)\b/i;

/** The body text, or a binary body known by size and type only (as live capture keeps it). */
function responseBody(content: Obj, headers: readonly [string, string][]): { text?: string; meta?: CapturedBody } {
  const mime = typeof content.mimeType === "string" && content.mimeType !== "" ? content.mimeType : headerValue(headers, "content-type");
  const size = isFiniteNumber(content.size) && content.size >= 0 ? content.size : undefined;
  if (typeof content.text !== "string") return size !== undefined ? { meta: { size } } : {};
  if (content.encoding !== "base64") return { text: content.text };
  const bytes = base64Bytes(content.text);
  if (!bytes) return { text: content.text };
  const textual = TEXTUAL.test(mime ?? "") || mimeTypeOf([["content-type", mime ?? ""]]) === "";
  const decoded = textual ? utf8(bytes) : undefined;
  if (decoded !== undefined && !decoded.includes("\u0000")) return { text: decoded };
  // Chrome writes "x-unknown" where it knows no type: that is no type, not a wrong one.
  return { meta: checkedBodyType({ size: bytes.length, ...(mime && mime !== "x-unknown" ? { mimeType: mime } : {}), omitted: "binary" }) };
}

function base64Bytes(b64: string): Uint8Array | undefined {
  try {
    const bin = atob(b64.replace(/\s+/g, ""));
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function chunksOf(encoded: unknown, text: string | undefined, start: number, end: number): Chunk[] {
  if (text === undefined || text === "") return [];
  if (typeof encoded === "string") {
    const chunks = decodeChunks(encoded, text, start);
    if (typeof chunks !== "string") return chunks;
  }
  return [{ time: end, text }];
}

/** Chrome writes why a request failed in `_error` (net::ERR_ABORTED for a cancelled fetch). */
function outcomeOf(entry: Obj, response: Obj, hasResponse: boolean): Outcome {
  const error = typeof response._error === "string" && response._error !== "" ? response._error : typeof entry._error === "string" && entry._error !== "" ? entry._error : undefined;
  if (error !== undefined) {
    return /ERR_ABORTED|abort/i.test(error) ? { state: "abort", errorName: "AbortError", errorMessage: error } : { state: "error", errorName: "TypeError", errorMessage: error };
  }
  return hasResponse ? { state: "ok" } : { state: "error", errorName: "TypeError", errorMessage: "the HAR entry has no response" };
}

function isStreamed(span: SpanRecord, exchange: Exchange): boolean {
  const mime = mimeTypeOf(exchange.response?.headers);
  return span.attributes["gen_ai.request.stream"] === true || mime === "text/event-stream" || /ndjson|jsonl/.test(mime);
}
