/**
 * A Response that stands in for a fetched one on the recorded path, so its body can be recorded
 * as the page gets it (docs/DESIGN.md, "The page hook").
 *
 * Why not hand back the original and read a clone: a clone is a tee, and a tee's cancel()
 * waits for the other branch, so a page cancelling a stream would hang while the connection
 * stayed open. Instead the page gets `forwarded`, whose body stream pulls from the original's
 * only when the page reads it, so reads, cancel() and backpressure reach the network as before.
 * Each chunk is copied for the recorder (a cheap memcpy) and handed on untouched; decoding and
 * messaging happen later, in batches. What the constructor cannot set (url, redirected, type,
 * immutable headers) is answered for the original by patched getters.
 *
 * The Body methods (text(), json(), ...) are run natively on the original, so their results
 * and failures (abort reasons, network errors, JSON syntax errors) are exactly the browser's;
 * we record from a clone ("tap") instead, which is safe because these methods never cancel.
 * A body the page leaves unread is recorded through a tap too, so an error response that the
 * page ignores is still captured; if the page then cancels, both branches are cancelled.
 *
 * When the page stops reading a stream without cancelling it (SDKs stop after the provider's
 * terminal event), nothing tells us: after IDLE_MS without a read the recording ends as
 * "incomplete", and the background decides from the recorded events whether the stream had in
 * fact finished (docs/DESIGN.md, "When a call is over").
 */
import type { Outcome } from "../core/contract";
import type { BodyRecorder } from "./body";
import { clock } from "./body";
import {
  ReadableStreamNative, ResponseNative, Uint8ArrayNative, apply, byobRespond, byteLength, cancelReader, cancelStream, cloneResponse,
  controllerByobRequest, controllerClose, controllerEnqueue, controllerError, createObject, dict, getReader, headersForEach,
  ignoreSettled, readChunk, responseBody, responseBodyUsed, responseHeaders, responseRedirected, responseStatus,
  responseStatusText, responseType, responseUrl, safeWeakMap, setBytes, setTimeoutNative, streamLocked,
} from "./natives";
import { patchGetter, patchMethod } from "./patch";

/** A stream the page has not read for this long, while data could flow, is recorded as incomplete. */
export const IDLE_MS = 10_000;

/** The clock and timer of a forwarding: the page's own, or a test's. */
export interface Timing {
  now(): number;
  after(run: () => void, ms: number): void;
}
const pageTiming: Timing = { now: clock, after: (run, ms) => void setTimeoutNative(run, ms) };

interface Meta {
  url: string;
  redirected: boolean;
  type: ResponseType;
}

/** The live link between a forwarded Response and the original it stands in for. */
interface Forwarding {
  original: Response;
  forwardedBody: ReadableStream<Uint8Array>;
  recorder: BodyRecorder;
  outcomeOf(error: unknown): Outcome;
  timing: Timing;
  /** Reader of the original body, once the page reads the forwarded stream. */
  source: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** Reader of a clone of the original, when recording goes through one. */
  tap: ReadableStreamDefaultReader<Uint8Array> | undefined;
  /** A Body method consumed the original natively: the forwarded stream is spent. */
  consumed: boolean;
  /** The page cancelled the forwarded body. */
  cancelled: boolean;
  /** A pull is waiting for the network (the page is reading; the server is slow). */
  pulling: boolean;
  lastPull: number;
  watching: boolean;
}

const metas = safeWeakMap<object, Meta>();
const forwardings = safeWeakMap<object, Forwarding>();
const lockedHeaders = safeWeakMap<object, true>();
const HWM0 = dict({ highWaterMark: 0, size: undefined });

/** The original's headers as a record, for constructors (a Headers object would be iterated with the page-patchable iterator). */
function headerRecord(headers: Headers): Record<string, string> {
  const out = createObject(null) as Record<string, string>;
  headersForEach(headers, (value, key) => {
    out[key] = value;
  });
  return out;
}

function responseInit(original: Response): ResponseInit {
  return dict({ status: responseStatus(original), statusText: responseStatusText(original), headers: headerRecord(responseHeaders(original)) });
}

/** Record the original's body through a clone, as fast as it arrives, up to the recorder's cap. */
function startTap(f: Forwarding): void {
  if (f.tap || f.cancelled || f.recorder.ended) return;
  let body: ReadableStream<Uint8Array> | null;
  try {
    body = responseBody(cloneResponse(f.original));
  } catch {
    // The original is already used or locked (the page got there first): nothing to tap.
    return;
  }
  if (!body) return;
  const tap = getReader(body);
  f.tap = tap;
  void (async () => {
    try {
      for (;;) {
        const result = await readChunk(tap);
        if (result.done) return f.recorder.end({ state: "ok" });
        f.recorder.bytes(result.value);
        // Past the cap there is nothing more to keep; stop pulling so the tee stops buffering.
        if (f.recorder.full()) {
          f.recorder.end({ state: "ok" });
          return ignoreSettled(cancelReader(tap));
        }
      }
    } catch (error) {
      f.recorder.end(f.outcomeOf(error));
    }
  })();
}

/** After IDLE_MS without a read (and no read waiting for the network), end the recording. */
function watchIdle(f: Forwarding): void {
  if (f.watching) return;
  f.watching = true;
  const check = () => {
    if (f.recorder.ended || f.tap) return;
    const idle = f.timing.now() - f.lastPull;
    if (f.pulling || idle < IDLE_MS) {
      f.timing.after(check, f.pulling ? IDLE_MS : IDLE_MS - idle + 1);
      return;
    }
    f.recorder.end({ state: "abort", errorName: "incomplete", errorMessage: "the page stopped reading the response body" }, f.lastPull);
  };
  f.timing.after(check, IDLE_MS);
}

function underlyingSource(get: () => Forwarding): UnderlyingByteSource {
  const source = createObject(null) as UnderlyingByteSource;
  source.type = "bytes";
  source.start = undefined;
  source.autoAllocateChunkSize = undefined;
  source.pull = async (controller) => {
    const f = get();
    const recorder = f.recorder;
    if (f.consumed) {
      controllerClose(controller);
      const byob = controllerByobRequest(controller);
      if (byob) byobRespond(byob, 0);
      return;
    }
    f.pulling = true;
    try {
      // The original body as it is now (a tap replaces it with one branch of a tee).
      f.source ??= getReader(responseBody(f.original)!);
      for (;;) {
        const result = await readChunk(f.source);
        f.lastPull = f.timing.now();
        if (result.done) {
          if (!f.tap) recorder.end({ state: "ok" });
          controllerClose(controller);
          const byob = controllerByobRequest(controller);
          if (byob) byobRespond(byob, 0);
          return;
        }
        const value = result.value;
        // A byte stream cannot enqueue an empty view; the page would not see one either.
        if (byteLength(value) === 0) continue;
        // Copied for the recorder first: enqueue transfers the chunk's buffer to the page.
        if (!f.tap) recorder.bytes(value, f.lastPull);
        controllerEnqueue(controller, value);
        if (!recorder.ended && !f.tap) watchIdle(f);
        return;
      }
    } catch (error) {
      if (!f.tap) recorder.end(f.outcomeOf(error));
      controllerError(controller, error);
    } finally {
      f.pulling = false;
    }
  };
  source.cancel = async (reason) => {
    const f = get();
    f.cancelled = true;
    f.recorder.end({ state: "abort", errorName: "cancelled", errorMessage: "the page cancelled the response body" });
    if (f.tap) {
      try {
        await cancelReader(f.tap, reason);
      } catch {
        // the tap's own cancellation failing changes nothing for the page
      }
    }
    return f.source ? cancelReader(f.source, reason) : cancelStream(responseBody(f.original)!, reason);
  };
  return source;
}

/**
 * The Response the page gets instead of `original`, or `undefined` if one cannot be made (the
 * original is then left untouched). `outcomeOf` classifies a read error.
 */
export function forwardResponse(original: Response, recorder: BodyRecorder, outcomeOf: (error: unknown) => Outcome, timing = pageTiming): Response | undefined {
  let f!: Forwarding;
  let forwarded: Response;
  let stream: ReadableStream<Uint8Array>;
  try {
    stream = new ReadableStreamNative(underlyingSource(() => f), HWM0 as QueuingStrategy<Uint8Array>);
    forwarded = new ResponseNative(stream, responseInit(original));
  } catch {
    return undefined;
  }
  // Every member is set, so that none is ever looked up on Object.prototype.
  f = {
    original, forwardedBody: stream, recorder, outcomeOf, timing, source: undefined, tap: undefined,
    consumed: false, cancelled: false, pulling: false, lastPull: timing.now(), watching: false,
  };
  forwardings.set(forwarded, f);
  setMeta(forwarded, { url: responseUrl(original), redirected: responseRedirected(original), type: responseType(original) });
  // If the page has not started on the body by the next task, record it anyway.
  timing.after(() => {
    try {
      if (!f.source && !f.consumed) startTap(f);
    } catch {
      // never throw into the page
    }
  }, 0);
  return forwarded;
}

function setMeta(response: Response, meta: Meta): void {
  metas.set(response, meta);
  lockedHeaders.set(responseHeaders(response), true);
}

/** All of a stream, read the way a Body method would (disturbing it at once). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const reader = getReader(stream);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const result = await readChunk(reader);
    if (result.done) break;
    parts[parts.length] = result.value;
    total += byteLength(result.value);
  }
  const all = new Uint8ArrayNative(total);
  let offset = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    setBytes(all, part, offset);
    offset += byteLength(part);
  }
  return all;
}

const BODY_METHODS = ["text", "json", "arrayBuffer", "blob", "formData", "bytes"];

/**
 * A Body method on a forwarded Response. On the forwarded Response itself it runs natively on
 * the original. On a clone of it (whose body is a tee of our stream) it reads the clone's
 * stream and lets a native Response over the same bytes produce the result.
 */
function bodyMethod(method: (this: Response) => Promise<unknown>, self: Response, body: ReadableStream<Uint8Array>, args: unknown[]): Promise<unknown> {
  const f = forwardings.get(self);
  if (f && !f.source && !streamLocked(f.forwardedBody)) {
    startTap(f);
    f.consumed = true;
    // Spend the forwarded stream as the native method would have: used and locked.
    ignoreSettled(readChunk(getReader(f.forwardedBody)));
    return apply(method, f.original, args) as Promise<unknown>;
  }
  const init = dict({ headers: headerRecord(responseHeaders(self)) });
  return (async () => apply(method, new ResponseNative(await readAll(body), init), args) as Promise<unknown>)();
}

export function hookForwardedResponses(win: typeof globalThis): void {
  const proto = win.Response.prototype;
  patchGetter<string>(proto, "url", (original, self) => metas.get(self as object)?.url ?? apply(original, self, []) as string);
  patchGetter<boolean>(proto, "redirected", (original, self) => metas.get(self as object)?.redirected ?? apply(original, self, []) as boolean);
  patchGetter<ResponseType>(proto, "type", (original, self) => metas.get(self as object)?.type ?? apply(original, self, []) as ResponseType);
  patchMethod<() => Response>(proto, "clone", (original, self, args) => {
    const copy = apply(original, self, args) as Response;
    const meta = typeof self === "object" && self !== null ? metas.get(self) : undefined;
    if (meta) {
      setMeta(copy, meta);
      // Cloning tees our stream, which from now on feeds both: no more native shortcut.
      forwardings.delete(self as object);
    }
    return copy;
  });

  for (let i = 0; i < BODY_METHODS.length; i++) {
    const name = BODY_METHODS[i]!;
    if (typeof (proto as unknown as Record<string, unknown>)[name] !== "function") continue;
    patchMethod<() => Promise<unknown>>(proto, name, (original, self, args) => {
      const body = typeof self === "object" && self !== null && metas.get(self) ? responseBody(self) : null;
      // Not ours, or already used/locked: the native method answers (and rejects) as always.
      if (!body || responseBodyUsed(self) || streamLocked(body)) return apply(original, self, args) as Promise<unknown>;
      try {
        return bodyMethod(original, self as Response, body, args);
      } catch {
        return apply(original, self, args) as Promise<unknown>;
      }
    });
  }

  // The native TypeError for mutating immutable headers, thrown by native code itself.
  const immutable = responseHeaders(win.Response.error());
  const HEADER_METHODS = ["append", "set", "delete"];
  for (let i = 0; i < HEADER_METHODS.length; i++) {
    patchMethod<(...args: string[]) => void>(win.Headers.prototype, HEADER_METHODS[i]!, (original, self, args) =>
      apply(original, typeof self === "object" && self !== null && lockedHeaders.get(self) ? immutable : self, args) as void,
    );
  }
}
