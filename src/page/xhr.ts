/**
 * The XMLHttpRequest hook: open/setRequestHeader/send record what the page asked for, and
 * listeners on the request itself record what came back. The request object, its events and
 * its properties stay exactly the page's: we only read, and never touch xhr.upload (a listener
 * there would turn a simple CORS request into a preflighted one).
 *
 * The same two paths as fetch (route.ts). On the recorded path the response text is recorded as
 * it grows, from listeners on every XHR event. On the fast path the hook listens for `loadend`
 * alone: a listener makes the browser build and dispatch an event object, so fewer listeners
 * is most of what the fast path saves; the metadata is all there at the end (a stream or an
 * error found then is recorded whole).
 */
import type { Header } from "../core/contract";
import type { Channel } from "./channel";
import { BodyRecorder, captureRequestBody, clock, emitRequest, mimeOf, trimAscii } from "./body";
import { newExchangeId } from "./ids";
import {
  addListener, apply, arrayBufferLength, blobSizeOf, dict, errorInfo, eventType, getter, isArrayBuffer, isBlob, isUrl, matches, nativeMethod,
  pageUrl, safeWeakMap, stringIndexOf, stringSlice, stringify, toLowerCase, Uint8ArrayNative,
} from "./natives";
import { patchMethod } from "./patch";
import { normalMethod, parseUrl, text } from "./request-info";
import { SNIFF_CHARS, isStreamAccept, routeRequest, type Route } from "./route";

interface Exchange {
  id: string;
  /** When send() was called. */
  start: number;
  route: Route;
  /** Bodies are recorded (not metadata-only), decided when the request is sent. */
  bodies: boolean;
  /** The response body is recorded (the recorded path, or a streamed response). */
  recording: boolean;
  recorder: BodyRecorder | undefined;
  responded: boolean;
  /** responseText length already recorded */
  seen: number;
  /** load | error | abort | timeout, whichever ended it */
  ending: string | undefined;
  ended: boolean;
}

interface XhrState {
  method: string;
  url: string;
  path: string;
  async: boolean;
  headers: Header[];
  headerNames: string[];
  current: Exchange | undefined;
  /** Events our listener is on: none yet, `loadend` only, or all of EVENTS. */
  listening: "none" | "end" | "all";
  onEvent: ((e: Event) => void) | undefined;
  /** The page called abort() on the request in flight. */
  aborted: boolean;
}

const XHR = XMLHttpRequest.prototype;
const states = safeWeakMap<XMLHttpRequest, XhrState>();
const readyState = getter<number>(XHR, "readyState");
const status = getter<number>(XHR, "status");
const statusText = getter<string>(XHR, "statusText");
const responseURL = getter<string>(XHR, "responseURL");
const responseType = getter<XMLHttpRequestResponseType>(XHR, "responseType");
const timeout = getter<number>(XHR, "timeout");
const responseText = getter<string>(XHR, "responseText");
const response = getter<unknown>(XHR, "response");
const getAllResponseHeaders = nativeMethod<() => string>(XHR, "getAllResponseHeaders");
const loaded = getter<number>(ProgressEvent.prototype, "loaded");
const urlHref = getter<string>(URL.prototype, "href");
const CAPTURE = dict({ capture: true });
const STREAMING = /event-stream|ndjson|jsonl/;

const EVENTS = ["readystatechange", "progress", "load", "error", "abort", "timeout", "loadend"];

function parseHeaders(raw: string): Header[] {
  const out: Header[] = [];
  let from = 0;
  while (from < raw.length) {
    let to = stringIndexOf(raw, "\r\n", from);
    if (to < 0) to = raw.length;
    const colon = stringIndexOf(raw, ":", from);
    if (colon > from && colon < to) out[out.length] = [trimAscii(stringSlice(raw, from, colon)), trimAscii(stringSlice(raw, colon + 1, to))];
    from = to + 2;
  }
  return out;
}


export function hookXhr(channel: Channel): void {
  patchMethod<XMLHttpRequest["open"]>(XHR, "open", (original, self, args) => {
    const result = apply(original, self, args);
    try {
      const xhr = self as XMLHttpRequest;
      const previous = states.get(xhr);
      // open() on a request in flight terminates it without firing any event.
      if (previous?.current && !previous.current.ended) finish(channel, previous.current, { state: "abort", errorName: "AbortError", errorMessage: "open() called again" });
      // A method that is no string or number is not converted again: its toString is page code.
      const method = text(args[0]);
      const url = args[1] as unknown;
      const parsed = typeof url === "string" ? parseUrl(url) : isUrl(url) ? parseUrl(urlHref(url)) : { href: "", path: "" };
      // Every member is set, so that none is ever looked up on Object.prototype.
      if (method === undefined) states.delete(xhr);
      else states.set(xhr, {
        method: normalMethod(method),
        url: parsed.href, path: parsed.path,
        async: args.length < 3 || !!args[2],
        headers: [],
        headerNames: [],
        current: undefined,
        listening: previous?.listening ?? "none",
        onEvent: previous?.onEvent,
        aborted: false,
      });
    } catch {
      // recording is best effort; the page's call already succeeded
    }
    return result;
  });

  patchMethod<XMLHttpRequest["setRequestHeader"]>(XHR, "setRequestHeader", (original, self, args) => {
    apply(original, self, args);
    const state = states.get(self as XMLHttpRequest);
    const name = text(args[0]);
    const value = text(args[1]);
    if (state && name !== undefined && value !== undefined) {
      state.headers[state.headers.length] = [name, value];
      state.headerNames[state.headerNames.length] = toLowerCase(name);
    }
  });

  patchMethod<XMLHttpRequest["send"]>(XHR, "send", (original, self, args) => {
    const xhr = self as XMLHttpRequest;
    const config = channel.config;
    const state = config.enabled ? states.get(xhr) : undefined;
    if (!state) return apply(original, self, args);
    const start = clock();
    let exchange: Exchange;
    try {
      const body = args[0] as unknown;
      let acceptsStream = false;
      for (let i = 0; i < state.headerNames.length; i++) if (state.headerNames[i] === "accept" && isStreamAccept(state.headers[i]![1])) acceptsStream = true;
      const route = routeRequest({
        method: state.method, url: state.url, path: state.path, headerNames: state.headerNames,
        bodyHead: typeof body === "string" ? (body.length > SNIFF_CHARS ? stringSlice(body, 0, SNIFF_CHARS) : body) : undefined,
        otherBody: body !== undefined && body !== null && typeof body !== "string",
      }, config.capture, acceptsStream);
      exchange = {
        id: newExchangeId(), start, route, seen: 0, ended: false, bodies: config.bodies, recording: route === "record" && config.bodies, responded: false,
        recorder: undefined, ending: undefined,
      };
      state.aborted = false;
      const onEvent = state.onEvent ??= (e: Event) => observe(channel, xhr, e);
      // Capture-phase listeners on the target run before the page's own bubbling ones, so a
      // page calling stopImmediatePropagation cannot hide the end of a request from us.
      if (exchange.recording && state.listening !== "all") {
        state.listening = "all";
        for (let i = 0; i < EVENTS.length; i++) addListener(xhr, EVENTS[i]!, onEvent, CAPTURE);
      } else if (state.listening === "none") {
        state.listening = "end";
        addListener(xhr, "loadend", onEvent, CAPTURE);
      }
    } catch {
      return apply(original, self, args);
    }
    const previous = state.current;
    state.current = exchange;
    try {
      apply(original, self, args);
    } catch (error) {
      // Not opened / already sent: nothing was sent, so nothing is recorded.
      if (!state.async && readyState(xhr) === 4) {
        recordRequest(channel, exchange, start, state, args[0]);
        finish(channel, exchange, { state: "error", errorName: errorInfo(error).name, errorMessage: "" });
      } else {
        state.current = previous;
      }
      throw error;
    }
    recordRequest(channel, exchange, start, state, args[0]);
    // A synchronous request is complete when send() returns; its events may not all fire.
    if (!state.async) complete(channel, xhr, exchange, "load");
  });

  // On the fast path no `abort` listener tells an abort from a network error: the call does.
  patchMethod<XMLHttpRequest["abort"]>(XHR, "abort", (original, self, args) => {
    const state = states.get(self as XMLHttpRequest);
    if (state) state.aborted = true;
    return apply(original, self, args);
  });
}


function recordRequest(channel: Channel, exchange: Exchange, time: number, state: XhrState, body: unknown): void {
  try {
    const event = { t: "request", id: exchange.id, transport: "xhr", time, method: state.method, url: state.url, headers: state.headers, pageUrl: pageUrl() } as const;
    // XHR ignores the body of GET and HEAD, so do we; the fast path keeps no body.
    const captured = state.method === "GET" || state.method === "HEAD" || !exchange.recording ? undefined : captureRequestBody(body, mimeOf(state.headers), channel.config.bodyCap);
    emitRequest(channel, event, captured);
  } catch {
    // best effort
  }
}

function observe(channel: Channel, xhr: XMLHttpRequest, event: Event): void {
  try {
    const exchange = states.get(xhr)?.current;
    if (!exchange || exchange.ended) return;
    const type = eventType(event);
    const state = readyState(xhr);
    if (state >= 2 && !exchange.responded) respond(channel, xhr, exchange);
    if (type === "progress" || (type === "readystatechange" && state === 3)) {
      if (exchange.recording) readText(xhr, exchange, type === "progress" ? loaded(event) : undefined);
    } else if (type === "load" || type === "error" || type === "abort" || type === "timeout") {
      exchange.ending = type;
    } else if (type === "loadend") {
      complete(channel, xhr, exchange, exchange.ending ?? endingOf(xhr), loaded(event));
    }
  } catch {
    // never throw into the page's event dispatch
  }
}

/** How a request ended, read at loadend when no load/error/abort/timeout listener saw it. */
function endingOf(xhr: XMLHttpRequest): string {
  if (status(xhr) !== 0) return "load";
  if (states.get(xhr)?.aborted) return "abort";
  return timeout(xhr) > 0 ? "timeout-or-error" : "error";
}

function respond(channel: Channel, xhr: XMLHttpRequest, exchange: Exchange): void {
  exchange.responded = true;
  const headers = parseHeaders(getAllResponseHeaders(xhr));
  const url = responseURL(xhr);
  const mime = mimeOf(headers);
  // A stream or an HTTP error is recorded whatever the call-time guess was.
  if (!exchange.recording && exchange.bodies && (matches(STREAMING, mime) || status(xhr) >= 400)) exchange.recording = true;
  const omitted = exchange.recording ? undefined : exchange.bodies ? "fast-path" as const : "policy" as const;
  channel.emit({
    t: "response", id: exchange.id, time: clock(), status: status(xhr), statusText: statusText(xhr), headers, ...(url ? { url } : {}),
    ...(omitted ? { body: { omitted, mimeType: mime } } : {}),
  });
  if (exchange.recording) exchange.recorder = new BodyRecorder(channel, exchange.id, headers);
}

function readText(xhr: XMLHttpRequest, exchange: Exchange, bytes?: number): void {
  const kind = responseType(xhr);
  if (kind !== "" && kind !== "text") return;
  const text = responseText(xhr);
  if (text.length > exchange.seen) {
    exchange.recorder?.text(stringSlice(text, exchange.seen), bytes);
    exchange.seen = text.length;
  }
}

function complete(channel: Channel, xhr: XMLHttpRequest, exchange: Exchange, ending: string, bytes?: number): void {
  if (exchange.ended) return;
  if (ending === "load") {
    // On the fast path the response is seen only now: a stream or an error is recorded whole.
    if (!exchange.responded && readyState(xhr) >= 2) respond(channel, xhr, exchange);
    const recorder = exchange.recorder;
    if (recorder) {
      const kind = responseType(xhr);
      if (kind === "" || kind === "text") readText(xhr, exchange, bytes);
      else readTypedResponse(recorder, kind, response(xhr));
    }
    finish(channel, exchange, { state: "ok" }, bytes);
  } else {
    // Without a timeout listener, a request with a timeout that failed may have timed out.
    const timedOut = ending === "timeout" || (ending === "timeout-or-error" && clock() - exchange.start >= timeout(xhr) - 1);
    const state = timedOut ? "timeout" : ending === "abort" ? "abort" : "error";
    const errorName = timedOut ? "TimeoutError" : ending === "abort" ? "AbortError" : "NetworkError";
    finish(channel, exchange, { state, errorName, errorMessage: `XMLHttpRequest ${timedOut ? "timeout" : ending === "abort" ? "abort" : "error"}` });
  }
}

/** arraybuffer/blob/json/document bodies exist only once complete; record what is cheap to. */
function readTypedResponse(recorder: BodyRecorder, kind: XMLHttpRequestResponseType, value: unknown): void {
  if (value === null || value === undefined) return;
  if (kind === "json") recorder.text(stringify(value));
  else if (kind === "arraybuffer" && isArrayBuffer(value)) recorder.bytes(new Uint8ArrayNative(value as ArrayBuffer, 0, arrayBufferLength(value)));
  else if (kind === "blob" && isBlob(value)) recorder.binary(blobSizeOf(value));
}

function finish(channel: Channel, exchange: Exchange, outcome: Parameters<BodyRecorder["end"]>[0], bytes?: number): void {
  exchange.ended = true;
  if (exchange.recorder) exchange.recorder.end(outcome);
  else channel.emit({ t: "end", id: exchange.id, time: clock(), outcome, chunks: 0, ...(bytes !== undefined && bytes > 0 ? { size: bytes } : {}) });
}
