/**
 * The fetch hook. The page's promise settles as native fetch settles it, with the same value or
 * error. Requests take one of two paths, decided when the page calls (route.ts):
 *   - fast: metadata only (request, status, headers, times), batched; the page keeps its own
 *     Response, nothing is read or copied;
 *   - recorded: the request body is captured, and the response body reaches the page through a
 *     forwarding Response (forwarded-response.ts) that copies each chunk for the recorder.
 * A response that turns out to be a stream (SSE, NDJSON, the AI SDK's) or an HTTP error is
 * recorded whatever the call-time guess was: its body is what the trace is about, or what a
 * failing tool call has to say.
 */
import type { Channel } from "./channel";
import { BodyRecorder, clock, emitRequest, headerValue, isTextual, mimeOf, outcomeOf } from "./body";
import { newExchangeId } from "./ids";
import {
  PromiseNative, apply, matches, pageUrl, responseBody, responseHeaders, responseRedirected, responseStatus, responseStatusText,
  responseType, responseUrl, signalAborted, stringSlice, toLowerCase,
} from "./natives";
import { patchMethod } from "./patch";
import { describeFetch, fetchRequestBody, headerList, type RequestInfo } from "./request-info";
import { forwardResponse } from "./forwarded-response";
import { rememberRequest, runReplay, type ReplayMark } from "./replay";

const STREAMING = /event-stream|ndjson|jsonl|x-vercel-ai/;

export function hookFetch(win: Window & typeof globalThis, channel: Channel): boolean {
  // Before the page's scripts run: the fetch replays go through, whatever the page does to window.fetch later.
  const nativeFetch = win.fetch;
  channel.onReplay = (command) => runReplay(command, (url, init, mark) => {
    const out = recordedFetch(channel, nativeFetch, win, [url, init] as Parameters<typeof fetch>, mark);
    return { id: out.id, response: out.response };
  });
  return patchMethod<typeof fetch>(win, "fetch", (original, self, args) => recordedFetch(channel, original, self, args).response);
}

/**
 * One fetch, as the page made it or as a replay (`mark`): the promise settles as native fetch
 * settles it; `id` is the recorded exchange's, when it is recorded.
 */
function recordedFetch(channel: Channel, original: typeof fetch, self: unknown, args: Parameters<typeof fetch>, mark?: ReplayMark): { id: string | undefined; response: Promise<Response> } {
  const config = channel.config;
  if (!config.enabled) return { id: undefined, response: apply(original, self, args) as Promise<Response> };
  const start = clock();
  let info: RequestInfo | undefined;
  try {
    info = describeFetch(args, config.capture);
    // A replay is model work by definition: recorded, whatever its URL looks like.
    if (info && mark) info.route = "record";
  } catch {
    info = undefined;
  }
  // A synchronous throw (bad `this`) propagates exactly as without us, before we record anything.
  const pending = apply(original, self, args) as Promise<Response>;
  if (!info) return { id: undefined, response: pending };
  const id = newExchangeId();
  try {
    const body = info.route === "record" && config.bodies ? fetchRequestBody(info, config.bodyCap) : undefined;
    emitRequest(channel, {
      t: "request", id, transport: "fetch", time: start, method: info.method, url: info.url, headers: info.headers, pageUrl: pageUrl(),
      ...(mark ? { replayOf: mark.of, replayGroup: mark.group } : {}),
    }, body);
    if (info.route === "record" && !mark) rememberRequest(id, info.url, info.method, info.headers);
  } catch {
    return { id: undefined, response: pending };
  }
  const observed = info;
  // A promise of ours rather than `pending.then(...)`, which would consult Promise[Symbol.species].
  const response = new PromiseNative<Response>((resolve, reject) => {
    void (async () => {
      let res: Response;
      try {
        res = await pending;
      } catch (error) {
        try {
          channel.emit({ t: "end", id, time: clock(), outcome: outcomeOf(error, aborted(observed)), chunks: 0 });
        } catch {
          // recording is best effort
        }
        reject(error);
        return;
      }
      let out = res;
      try {
        out = observe(channel, id, observed, res);
      } catch {
        out = res;
      }
      resolve(out);
    })();
  });
  return { id, response };
}

function aborted(info: RequestInfo): boolean {
  try {
    return info.signal ? signalAborted(info.signal) : false;
  } catch {
    return false;
  }
}

function isStreamResponse(headers: readonly [string, string][], mime: string): boolean {
  if (matches(STREAMING, mime)) return true;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    if (name.length > 11 && toLowerCase(stringSlice(name, 0, 11)) === "x-vercel-ai") return true;
  }
  return false;
}

/** Runs when headers arrive. Returns the Response the page gets; never throws (the caller guards). */
function observe(channel: Channel, id: string, info: RequestInfo, res: Response): Response {
  const headers = headerList(responseHeaders(res));
  const type = responseType(res);
  const body = responseBody(res);
  const mime = mimeOf(headers);
  const config = channel.config;
  const status = responseStatus(res);
  const recorded = config.bodies && body !== null && type !== "opaque" && type !== "opaqueredirect" && isTextual(mime) !== false &&
    (info.route === "record" || status >= 400 || isStreamResponse(headers, mime));
  const time = clock();
  const declared = headerValue(headers, "content-length");
  const length = declared === undefined ? -1 : +declared;
  const known = length >= 0 && length === length;
  channel.emit({
    t: "response", id, time, status, statusText: responseStatusText(res), headers,
    url: responseUrl(res), redirected: responseRedirected(res), type,
    ...(!recorded && body !== null ? { body: { omitted: omittedReason(info, config.bodies, mime), mimeType: mime, ...(known ? { size: length } : {}) } } : {}),
  });
  if (recorded) {
    const recorder = new BodyRecorder(channel, id, headers);
    const forwarded = forwardResponse(res, recorder, (error) => outcomeOf(error, aborted(info)));
    if (forwarded) return forwarded;
  }
  // The page keeps its own Response, untouched: the exchange ends with its headers.
  channel.emit({ t: "end", id, time, outcome: { state: "ok" }, chunks: 0, ...(known ? { size: length } : {}) });
  return res;
}

/** Why a body was not recorded: capture policy, binary content, or the fast path. */
function omittedReason(info: RequestInfo, bodies: boolean, mime: string): "policy" | "binary" | "fast-path" {
  if (!bodies) return "policy";
  if (isTextual(mime) === false) return "binary";
  return info.route === "fast" ? "fast-path" : "binary";
}
