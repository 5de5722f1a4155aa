/**
 * The XMLHttpRequest hook: open/setRequestHeader/send record what the page asked for, and
 * listeners on the request itself record what came back. The request object, its events and
 * its properties stay exactly the page's: we only read, and never touch xhr.upload (a listener
 * there would turn a simple CORS request into a preflighted one).
 */
import type { Header } from "../core/exchange";
import type { Channel } from "./channel";
import { BodyRecorder, captureRequestBody, clock, emitRequest, mimeOf, outcomeOf } from "./body";
import { newExchangeId } from "./ids";
import { apply, getter, patchMethod, uncurry } from "./patch";
import { resolveUrl } from "./request-info";

interface Exchange {
  id: string;
  /** Bodies are recorded (not metadata-only), decided when the request is sent. */
  bodies: boolean;
  recorder?: BodyRecorder;
  /** responseText length already recorded */
  seen: number;
  /** load | error | abort | timeout, whichever ended it */
  ending?: string;
  ended: boolean;
}

interface XhrState {
  method: string;
  url: string;
  async: boolean;
  headers: Header[];
  current?: Exchange;
  listening: boolean;
}

const XHR = XMLHttpRequest.prototype;
const states = new WeakMap<XMLHttpRequest, XhrState>();
const stateGet = uncurry(WeakMap.prototype.get as (k: XMLHttpRequest) => XhrState | undefined);
const stateSet = uncurry(WeakMap.prototype.set as (k: XMLHttpRequest, v: XhrState) => WeakMap<XMLHttpRequest, XhrState>);
const addListener = uncurry(EventTarget.prototype.addEventListener as (t: string, l: (e: Event) => void, o: AddEventListenerOptions) => void);
const readyState = getter<number>(XHR, "readyState");
const status = getter<number>(XHR, "status");
const statusText = getter<string>(XHR, "statusText");
const responseURL = getter<string>(XHR, "responseURL");
const responseType = getter<XMLHttpRequestResponseType>(XHR, "responseType");
const responseText = getter<string>(XHR, "responseText");
const response = getter<unknown>(XHR, "response");
const getAllResponseHeaders = uncurry(XHR.getAllResponseHeaders);
const eventType = getter<string>(Event.prototype, "type");
const loaded = getter<number>(ProgressEvent.prototype, "loaded");
const arrayBufferLength = getter<number>(ArrayBuffer.prototype, "byteLength");
const blobSize = getter<number>(Blob.prototype, "size");
const stringify = JSON.stringify;
const urlHref = getter<string>(URL.prototype, "href");
const URLNative = URL;
const ArrayBufferNative = ArrayBuffer;
const BlobNative = Blob;
const ProgressEventNative = ProgressEvent;
const locationHref = () => location.href;

const EVENTS = ["readystatechange", "progress", "load", "error", "abort", "timeout", "loadend"];

function parseHeaders(raw: string): Header[] {
  const out: Header[] = [];
  for (const line of raw.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

export function hookXhr(channel: Channel): void {
  patchMethod<XMLHttpRequest["open"]>(XHR, "open", (original, self, args) => {
    const result = apply(original, self, args);
    try {
      const xhr = self as XMLHttpRequest;
      const previous = stateGet(states, xhr);
      // open() on a request in flight terminates it without firing any event.
      if (previous?.current && !previous.current.ended) finish(channel, previous.current, { state: "abort", errorName: "AbortError", errorMessage: "open() called again" });
      const [method, url] = args as unknown[];
      stateSet(states, xhr, {
        method: `${method}`.toUpperCase(),
        url: typeof url === "string" ? resolveUrl(url) : url instanceof URLNative ? urlHref(url) : "",
        async: args.length < 3 || !!args[2],
        headers: [],
        listening: previous?.listening ?? false,
      });
    } catch {
      // recording is best effort; the page's call already succeeded
    }
    return result;
  });

  patchMethod<XMLHttpRequest["setRequestHeader"]>(XHR, "setRequestHeader", (original, self, args) => {
    apply(original, self, args);
    const state = stateGet(states, self as XMLHttpRequest);
    if (state) state.headers.push([`${args[0]}`, `${args[1]}`]);
  });

  patchMethod<XMLHttpRequest["send"]>(XHR, "send", (original, self, args) => {
    const xhr = self as XMLHttpRequest;
    const state = channel.config.enabled ? stateGet(states, xhr) : undefined;
    if (!state) return apply(original, self, args);
    const start = clock();
    const exchange: Exchange = { id: newExchangeId(), seen: 0, ended: false, bodies: channel.config.bodies };
    try {
      if (!state.listening) {
        state.listening = true;
        const onEvent = (e: Event) => observe(channel, xhr, e);
        // Capture-phase listeners on the target run before the page's own bubbling ones, so a
        // page calling stopImmediatePropagation cannot hide the end of a request from us.
        for (const type of EVENTS) addListener(xhr, type, onEvent, { capture: true });
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
        recordRequest(channel, exchange.id, start, state, args[0]);
        finish(channel, exchange, outcomeOf(error, false));
      } else {
        state.current = previous;
      }
      throw error;
    }
    recordRequest(channel, exchange.id, start, state, args[0]);
    // A synchronous request is complete when send() returns; its events may not all fire.
    if (!state.async) complete(channel, xhr, exchange, "load");
  });
}

function recordRequest(channel: Channel, id: string, time: number, state: XhrState, body: unknown): void {
  try {
    const event = { t: "request", id, transport: "xhr", time, method: state.method, url: state.url, headers: state.headers, pageUrl: locationHref() } as const;
    // XHR ignores the body of GET and HEAD, so do we.
    const captured = state.method === "GET" || state.method === "HEAD" || !channel.config.bodies ? undefined : captureRequestBody(body, mimeOf(state.headers), channel.config.bodyCap);
    emitRequest(channel, event, captured);
  } catch {
    // best effort
  }
}

function observe(channel: Channel, xhr: XMLHttpRequest, event: Event): void {
  try {
    const exchange = stateGet(states, xhr)?.current;
    if (!exchange || exchange.ended) return;
    const type = eventType(event);
    const state = readyState(xhr);
    if (state >= 2 && !exchange.recorder) respond(channel, xhr, exchange);
    if (type === "progress" || type === "readystatechange" && state === 3) {
      readText(xhr, exchange, event instanceof ProgressEventNative ? loaded(event) : undefined);
    } else if (type === "load" || type === "error" || type === "abort" || type === "timeout") {
      exchange.ending = type;
    } else if (type === "loadend") {
      complete(channel, xhr, exchange, exchange.ending ?? "load", loaded(event as ProgressEvent));
    }
  } catch {
    // never throw into the page's event dispatch
  }
}

function respond(channel: Channel, xhr: XMLHttpRequest, exchange: Exchange): void {
  const headers = parseHeaders(getAllResponseHeaders(xhr));
  const url = responseURL(xhr);
  channel.emit({ t: "response", id: exchange.id, time: clock(), status: status(xhr), statusText: statusText(xhr), headers, ...(url ? { url } : {}) });
  exchange.recorder = new BodyRecorder(channel, exchange.id, headers);
}

function readText(xhr: XMLHttpRequest, exchange: Exchange, bytes?: number): void {
  if (!exchange.bodies) return;
  const kind = responseType(xhr);
  if (kind !== "" && kind !== "text") return;
  const text = responseText(xhr);
  if (text.length > exchange.seen) {
    exchange.recorder?.text(text.slice(exchange.seen), bytes);
    exchange.seen = text.length;
  }
}

function complete(channel: Channel, xhr: XMLHttpRequest, exchange: Exchange, ending: string, bytes?: number): void {
  if (exchange.ended) return;
  if (ending === "load") {
    if (!exchange.recorder && readyState(xhr) >= 2) respond(channel, xhr, exchange);
    const kind = responseType(xhr);
    if (!exchange.bodies) exchange.recorder?.binary(bytes ?? 0);
    else if (kind === "" || kind === "text") readText(xhr, exchange, bytes);
    else readTypedResponse(exchange, kind, response(xhr));
    finish(channel, exchange, { state: "ok" });
  } else {
    const state = ending === "timeout" ? "timeout" : ending === "abort" ? "abort" : "error";
    const errorName = ending === "timeout" ? "TimeoutError" : ending === "abort" ? "AbortError" : "NetworkError";
    finish(channel, exchange, { state, errorName, errorMessage: `XMLHttpRequest ${ending}` });
  }
}

/** arraybuffer/blob/json/document bodies exist only once complete; record what is cheap to. */
function readTypedResponse(exchange: Exchange, kind: XMLHttpRequestResponseType, value: unknown): void {
  const recorder = exchange.recorder;
  if (!recorder || value === null || value === undefined) return;
  if (kind === "json") recorder.text(stringify(value));
  else if (kind === "arraybuffer" && value instanceof ArrayBufferNative) recorder.bytes(new Uint8Array(value, 0, arrayBufferLength(value)));
  else if (kind === "blob" && value instanceof BlobNative) recorder.binary(blobSize(value));
}

function finish(channel: Channel, exchange: Exchange, outcome: Parameters<BodyRecorder["end"]>[0]): void {
  exchange.ended = true;
  if (exchange.recorder) exchange.recorder.end(outcome);
  else channel.emit({ t: "end", id: exchange.id, time: clock(), outcome, chunks: 0 });
}
