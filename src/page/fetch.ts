/**
 * The fetch hook. The page's promise settles exactly as native fetch settles it; a text body
 * reaches the page through a forwarding Response (forwarded-response.ts) that records each
 * chunk as it passes. Binary, opaque and empty bodies are left untouched.
 */
import type { Channel } from "./channel";
import { BodyRecorder, clock, emitRequest, isTextual, mimeOf, outcomeOf } from "./body";
import { newExchangeId } from "./ids";
import { apply, getter, patchMethod, uncurry } from "./patch";
import { describeFetch, headerList, type RequestInfo } from "./request-info";
import { forwardResponse, recordWhenRead } from "./forwarded-response";

const then = uncurry(Promise.prototype.then as (this: Promise<unknown>, a?: (v: unknown) => unknown, b?: (e: unknown) => unknown) => Promise<unknown>);
const status = getter<number>(Response.prototype, "status");
const statusText = getter<string>(Response.prototype, "statusText");
const responseHeaders = getter<Headers>(Response.prototype, "headers");
const responseUrl = getter<string>(Response.prototype, "url");
const responseRedirected = getter<boolean>(Response.prototype, "redirected");
const responseType = getter<string>(Response.prototype, "type");
const responseBody = getter<ReadableStream<Uint8Array> | null>(Response.prototype, "body");
const signalAborted = getter<boolean>(AbortSignal.prototype, "aborted");
const locationHref = () => location.href;

export function hookFetch(win: Window & typeof globalThis, channel: Channel): boolean {
  return patchMethod<typeof fetch>(win, "fetch", (original, self, args) => {
    if (!channel.config.enabled) return apply(original, self, args);
    const start = clock();
    let info: RequestInfo | undefined;
    try {
      info = describeFetch(args, channel.config.bodyCap);
    } catch {
      info = undefined;
    }
    // A synchronous throw (bad `this`) propagates exactly as without us, before we record anything.
    const pending = apply(original, self, args) as Promise<Response>;
    if (!info) return pending;
    const id = newExchangeId();
    try {
      const { method, url, headers, body } = info;
      emitRequest(channel, { t: "request", id, transport: "fetch", time: start, method, url, headers, pageUrl: locationHref() }, channel.config.bodies ? body : undefined);
    } catch {
      return pending;
    }
    return then(pending, (res) => observe(channel, id, info, res as Response), (error) => {
      channel.emit({ t: "end", id, time: clock(), outcome: outcomeOf(error, aborted(info)), chunks: 0 });
      throw error;
    }) as Promise<Response>;
  });
}

const STREAMING = /event-stream|ndjson|jsonl|x-vercel-ai/;
const MODEL_REQUEST = /"(?:model|messages|contents|prompt|inputs?)"\s*:/;
const MODEL_PATH = /\/(?:chat\/completions|completions|responses|messages|embeddings|api\/(?:chat|generate|embed))\b|:(?:stream)?generateContent/i;

/**
 * Whether the body must reach the page through a forwarding Response: streams (chunk arrival
 * times matter) and model calls (their error bodies matter even when the page never reads
 * them). A cheap look at what is already at hand; the background does the real classifying.
 */
function looksLikeModelCall(info: RequestInfo, headers: readonly [string, string][], mime: string): boolean {
  if (STREAMING.test(mime)) return true;
  for (const [k] of headers) if (k.startsWith("x-vercel-ai")) return true;
  // A body still being read (a Blob, a Request's own) has no text yet: judge by the path then.
  const text = (info.body as { text?: unknown } | undefined)?.text;
  if (typeof text === "string") return MODEL_REQUEST.test(text.length > 4096 ? text.slice(0, 4096) : text);
  return MODEL_PATH.test(info.url);
}

function aborted(info: RequestInfo): boolean {
  try {
    return info.signal ? signalAborted(info.signal) : false;
  } catch {
    return false;
  }
}

/** Runs when headers arrive. Must return the page's Response and must not throw. */
function observe(channel: Channel, id: string, info: RequestInfo, res: Response): Response {
  try {
    const headers = headerList(responseHeaders(res));
    const type = responseType(res);
    const url = responseUrl(res);
    const body = responseBody(res);
    const mime = mimeOf(headers);
    // Metadata-only capture never touches a body: the page keeps the original Response.
    const passThrough = body === null || type === "opaque" || type === "opaqueredirect" || isTextual(mime) === false || !channel.config.bodies;
    const length = Number(headers.find(([k]) => k.toLowerCase() === "content-length")?.[1] ?? NaN);
    channel.emit({
      t: "response", id, time: clock(), status: status(res), statusText: statusText(res), headers,
      url, redirected: responseRedirected(res), type,
      ...(passThrough && body !== null ? { body: { omitted: channel.config.bodies ? "binary" as const : "policy" as const, mimeType: mime, ...(length >= 0 ? { size: length } : {}) } } : {}),
    });
    if (passThrough) {
      // Nothing to read (or nothing worth decoding): the page keeps the untouched original.
      channel.emit({ t: "end", id, time: clock(), outcome: { state: "ok" }, chunks: 0, ...(length >= 0 ? { size: length } : {}) });
      return res;
    }
    const recorder = new BodyRecorder(channel, id, headers);
    const classify = (error: unknown) => outcomeOf(error, aborted(info));
    if (looksLikeModelCall(info, headers, mime)) {
      const forwarded = forwardResponse(res, recorder, classify);
      if (forwarded) return forwarded;
    }
    // Anything else keeps the page's own Response, untouched: its end is the headers, unless
    // the page reads the body through a Body method, which records it (and a later end).
    channel.emit({ t: "end", id, time: clock(), outcome: { state: "ok" }, chunks: 0 });
    recordWhenRead(res, recorder, classify);
    return res;
  } catch {
    return res;
  }
}
