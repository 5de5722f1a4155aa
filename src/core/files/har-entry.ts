/**
 * One exchange as a HAR 1.2 entry. The standard fields are a faithful view for any HAR reader
 * (Chrome DevTools' importer reads every numeric field with Number() and rejects NaN, so each is
 * present and finite); the exact data our importer needs rides along in `_exchange` and
 * `_chunkTimes` (see har-types.ts). Our importer reads back from the standard fields only the bulky
 * payloads, which are stored once: method, URL, headers, status line and the body texts.
 */
import type { Content, Header as HarHeader, PostData, QueryString, Timings } from "har-format";
import { headerValue, isMessageSession, responseText, type CapturedBody, type Exchange, type Header, type Outcome, type Span } from "../contract";
import { redactHeaders, redactUrl } from "../redaction";
import { encodeChunks } from "./chunks";
import { harWebSocketMessages } from "./har-websocket";
import type { ExchangeMeta, LlmTraceEntry } from "./har-types";
import { utf8Length } from "./json-error";

/** Timings are shown rounded to the microsecond: float subtraction of epoch times leaves noise. */
export function round3(ms: number): number {
  const r = Math.round(ms * 1000) / 1000;
  return Number.isFinite(r) ? r || 0 : ms;
}
const nonNegative = (ms: number | undefined): number => (ms !== undefined && Number.isFinite(ms) && ms > 0 ? round3(ms) : 0);

export function isoTime(ms: number): string {
  const d = new Date(Number.isFinite(ms) ? ms : 0);
  return Number.isNaN(d.getTime()) ? new Date(0).toISOString() : d.toISOString();
}

export function harHeaders(headers: readonly Header[]): HarHeader[] {
  return redactHeaders(headers).map(([name, value]) => ({ name, value }));
}

/** The query of a URL as HAR name/value pairs (decoded; undecodable parts kept as they are). */
export function queryString(url: string): QueryString[] {
  const q = url.indexOf("?");
  if (q < 0) return [];
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  if (query === "") return [];
  return query.split("&").map((part) => {
    const eq = part.indexOf("=");
    return { name: decode(eq < 0 ? part : part.slice(0, eq)), value: eq < 0 ? "" : decode(part.slice(eq + 1)) };
  });
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
}

/**
 * HAR timings from what the page observed: we see the call, the response headers and the end
 * of the body, not the network phases, so blocked/dns/connect/ssl are -1 ("does not apply"),
 * send is 0, wait runs to the headers and receive to the end of the body.
 */
export function harTimings(ex: Exchange): { time: number; timings: Timings } {
  const { start, headers, end } = ex.timing;
  const wait = nonNegative(headers !== undefined ? headers - start : end !== undefined && !ex.response ? end - start : 0);
  const receive = nonNegative(headers !== undefined && end !== undefined ? end - headers : 0);
  return { time: round3(wait + receive), timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait, receive } };
}

function bodyMeta(body: CapturedBody): Omit<CapturedBody, "text"> {
  return {
    ...(body.size !== undefined ? { size: body.size } : {}),
    ...(body.mimeType !== undefined ? { mimeType: body.mimeType } : {}),
    ...(body.mimeTypeDropped ? { mimeTypeDropped: true as const } : {}),
    ...(body.truncated !== undefined ? { truncated: body.truncated } : {}),
    ...(body.omitted !== undefined ? { omitted: body.omitted } : {}),
  };
}

/** A human note on a body that is not all there, in HAR's own `comment` field. */
function bodyComment(body: CapturedBody | undefined): string | undefined {
  if (!body) return undefined;
  if (body.omitted === "binary") return `binary body not captured (recorded by size and type only)`;
  if (body.omitted === "stream") return "streamed request body not captured (reading it would consume it)";
  if (body.omitted === "policy") return "body not captured (capture settings)";
  if (body.omitted === "fast-path") return "body not captured (not model, retrieval or tool work: metadata only)";
  if (body.truncated) return `body truncated at the capture limit${body.size !== undefined ? ` (full size ${body.size} bytes)` : ""}`;
  return undefined;
}

function postData(ex: Exchange): PostData | undefined {
  const body = ex.request.body;
  if (!body) return undefined;
  const mimeType = headerValue(ex.request.headers, "content-type") ?? body.mimeType ?? "";
  const comment = bodyComment(body);
  // HAR types make `text` required unless `params` is given; a body we did not capture has neither.
  const data = { mimeType, ...(body.text !== undefined ? { text: body.text } : {}), ...(comment ? { comment } : {}) };
  return { ...data, ...(body.omitted ? { _omitted: body.omitted } : {}), ...(body.truncated ? { _truncated: true } : {}) } as PostData;
}

function content(ex: Exchange): Content {
  // A session's messages are in _webSocketMessages, as Chrome writes them: its body is empty.
  if (isMessageSession(ex.transport)) return { size: 0, mimeType: "x-unknown" };
  const body = ex.response?.body;
  const text = ex.chunks.length > 0 ? responseText(ex) : body?.text;
  const mimeType = headerValue(ex.response?.headers, "content-type") ?? body?.mimeType ?? "x-unknown";
  const size = body?.size !== undefined && Number.isFinite(body.size) ? Math.max(0, Math.round(body.size)) : text !== undefined ? utf8Length(text) : 0;
  const comment = bodyComment(body);
  // `_omitted`/`_truncated` repeat the capture notes for tools that read custom fields; the
  // HAR typings have no custom-field slot on Content, hence the cast.
  return {
    size,
    mimeType,
    ...(text !== undefined ? { text } : {}),
    ...(comment ? { comment } : {}),
    ...(body?.omitted ? { _omitted: body.omitted } : {}),
    ...(body?.truncated ? { _truncated: true } : {}),
  } as Content;
}

function outcomeCopy(o: Outcome): Outcome {
  if (o.state === "ok") return { state: "ok" };
  return { state: o.state, ...(o.errorName !== undefined ? { errorName: o.errorName } : {}), ...(o.errorMessage !== undefined ? { errorMessage: o.errorMessage } : {}) };
}

function exchangeMeta(ex: Exchange): ExchangeMeta {
  const t = ex.timing;
  const r = ex.response;
  return {
    id: ex.id,
    transport: ex.transport,
    ...(ex.pageUrl !== undefined ? { pageUrl: redactUrl(ex.pageUrl) } : {}),
    timing: {
      start: t.start,
      ...(t.headers !== undefined ? { headers: t.headers } : {}),
      ...(t.firstByte !== undefined ? { firstByte: t.firstByte } : {}),
      ...(t.end !== undefined ? { end: t.end } : {}),
    },
    ...(ex.outcome ? { outcome: outcomeCopy(ex.outcome) } : {}),
    ...(ex.request.body ? { requestBody: bodyMeta(ex.request.body) } : {}),
    ...(r
      ? {
          response: {
            ...(r.url !== undefined ? { url: redactUrl(r.url) } : {}),
            ...(r.redirected !== undefined ? { redirected: r.redirected } : {}),
            ...(r.type !== undefined ? { type: r.type } : {}),
            ...(r.body ? { body: { ...(r.body.text !== undefined ? { text: r.body.text } : {}), ...bodyMeta(r.body) } } : {}),
          },
        }
      : {}),
  };
}

/** Chrome shows `_error` for failed requests (it writes net::ERR_* there itself). */
function failure(ex: Exchange): string | undefined {
  const o = ex.outcome;
  if (!o || o.state === "ok") return undefined;
  return o.errorMessage || o.errorName || o.state;
}

export function exchangeToEntry(ex: Exchange, span: Span | undefined, pageref: string | undefined): LlmTraceEntry {
  const url = redactUrl(ex.request.url);
  const { time, timings } = harTimings(ex);
  const body = ex.request.body;
  const post = postData(ex);
  const error = failure(ex);
  const entry: LlmTraceEntry = {
    ...(pageref !== undefined ? { pageref } : {}),
    startedDateTime: isoTime(ex.timing.start),
    time,
    request: {
      method: ex.request.method,
      url,
      httpVersion: "",
      cookies: [],
      headers: harHeaders(ex.request.headers),
      queryString: queryString(url),
      ...(post ? { postData: post } : {}),
      headersSize: -1,
      bodySize: body ? (body.size !== undefined && Number.isFinite(body.size) ? Math.max(0, Math.round(body.size)) : -1) : 0,
    },
    response: {
      status: ex.response && Number.isFinite(ex.response.status) ? Math.round(ex.response.status) : 0,
      statusText: ex.response?.statusText ?? "",
      httpVersion: "",
      cookies: [],
      headers: harHeaders(ex.response?.headers ?? []),
      content: content(ex),
      redirectURL: headerValue(ex.response?.headers, "location") ?? "",
      headersSize: -1,
      bodySize: -1,
      ...(error !== undefined ? { _error: error } : {}),
    },
    cache: {},
    timings,
    _resourceType: ex.transport === "webrtc" ? "other" : ex.transport,
    ...(span ? { _span: span } : {}),
    _exchange: exchangeMeta(ex),
    // A data channel's messages in Chrome's field for a socket's: the same shape, and readers keep them.
    ...(isMessageSession(ex.transport)
      ? { _webSocketMessages: harWebSocketMessages(ex.chunks) }
      : ex.chunks.length > 0 ? { _chunkTimes: encodeChunks(ex.chunks, ex.timing.start) } : {}),
  };
  return entry;
}
