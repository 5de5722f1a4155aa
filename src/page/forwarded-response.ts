/**
 * A Response that stands in for a fetched one, so its body can be recorded as the page gets it.
 *
 * Why not hand back the original and read a clone: a clone is a tee, and a tee's cancel()
 * waits for the other branch, so a page cancelling a stream would hang while the connection
 * stayed open. Instead the page gets `forwarded`, whose body stream pulls from the original's
 * only when the page reads it, so reads, cancel() and backpressure reach the network as before.
 * What the constructor cannot set (url, redirected, type, immutable headers) is answered for
 * the original by patched getters.
 *
 * The Body methods (text(), json(), ...) are run natively on the original, so their results
 * and failures (abort reasons, network errors, JSON syntax errors) are exactly the browser's;
 * we record from a clone ("tap") instead, which is safe because these methods never cancel.
 * A body the page leaves unread is recorded through a tap too, so an error response that the
 * page ignores is still captured; if the page then cancels, both branches are cancelled.
 */
import type { Outcome } from "../core/exchange";
import type { BodyRecorder } from "./body";
import { apply, getter, patchGetter, patchMethod, uncurry } from "./patch";

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
  /** Reader of the original body, once the page reads the forwarded stream. */
  source?: ReadableStreamDefaultReader<Uint8Array>;
  /** Reader of a clone of the original, when recording goes through one. */
  tap?: ReadableStreamDefaultReader<Uint8Array>;
  /** A Body method consumed the original natively: the forwarded stream is spent. */
  consumed: boolean;
}

const ResponseNative = Response;
const ReadableStreamNative = ReadableStream;
const Uint8ArrayNative = Uint8Array;
const setTimeoutNative = setTimeout;
const metas = new WeakMap<object, Meta>();
const forwardings = new WeakMap<object, Forwarding>();
const lockedHeaders = new WeakSet<object>();
const weakGet = WeakMap.prototype.get;
const weakSet = WeakMap.prototype.set;
const weakDelete = WeakMap.prototype.delete;
const lockedHas = WeakSet.prototype.has;
const lockedAdd = WeakSet.prototype.add;
const responseHeaders = getter<Headers>(Response.prototype, "headers");
const responseUrl = getter<string>(Response.prototype, "url");
const responseRedirected = getter<boolean>(Response.prototype, "redirected");
const responseType = getter<ResponseType>(Response.prototype, "type");
const responseStatus = getter<number>(Response.prototype, "status");
const responseStatusText = getter<string>(Response.prototype, "statusText");
const responseBody = getter<ReadableStream<Uint8Array> | null>(Response.prototype, "body");
const responseBodyUsed = getter<boolean>(Response.prototype, "bodyUsed");
const cloneResponse = uncurry(Response.prototype.clone);
const streamLocked = getter<boolean>(ReadableStream.prototype, "locked");
const cancelStream = uncurry(ReadableStream.prototype.cancel);
const getReader = uncurry(ReadableStream.prototype.getReader as (this: ReadableStream<Uint8Array>) => ReadableStreamDefaultReader<Uint8Array>);
const read = uncurry(ReadableStreamDefaultReader.prototype.read as (this: ReadableStreamDefaultReader<Uint8Array>) => Promise<ReadableStreamReadResult<Uint8Array>>);
const cancel = uncurry(ReadableStreamDefaultReader.prototype.cancel);
const byteLength = getter<number>(Object.getPrototypeOf(Uint8Array.prototype), "byteLength");
const setBytes = uncurry(Uint8Array.prototype.set as (a: ArrayLike<number>, offset?: number) => void);

const metaOf = (response: unknown): Meta | undefined => apply(weakGet, metas, [response]) as Meta | undefined;
const forwardingOf = (response: unknown): Forwarding | undefined => apply(weakGet, forwardings, [response]) as Forwarding | undefined;
const ignore = () => {};

/** Record the original's body through a clone, as fast as it arrives, up to the recorder's cap. */
function startTap(f: Forwarding): void {
  if (f.tap) return;
  const body = responseBody(cloneResponse(f.original));
  if (!body) return;
  const tap = getReader(body);
  f.tap = tap;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await read(tap);
        if (done) return f.recorder.end({ state: "ok" });
        f.recorder.bytes(value);
        // Past the cap there is nothing more to keep; stop pulling so the tee stops buffering.
        if (f.recorder.full()) {
          f.recorder.end({ state: "ok" });
          return void cancel(tap).catch(ignore);
        }
      }
    } catch (error) {
      f.recorder.end(f.outcomeOf(error));
    }
  })();
}

/**
 * The Response the page gets instead of `original`, or `undefined` if one cannot be made (the
 * original is then left untouched). `outcomeOf` classifies a read error.
 */
export function forwardResponse(original: Response, recorder: BodyRecorder, outcomeOf: (error: unknown) => Outcome): Response | undefined {
  let f!: Forwarding;
  const stream = new ReadableStreamNative({
    type: "bytes",
    async pull(controller) {
      if (f.consumed) {
        controller.close();
        controller.byobRequest?.respond(0);
        return;
      }
      try {
        // The original body as it is now (a tap replaces it with one branch of a tee).
        f.source ??= getReader(responseBody(f.original)!);
        for (;;) {
          const { done, value } = await read(f.source);
          if (done) {
            if (!f.tap) recorder.end({ state: "ok" });
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          // A byte stream cannot enqueue an empty view; the page would not see one either.
          if (byteLength(value) === 0) continue;
          if (!f.tap) recorder.bytes(value);
          controller.enqueue(value as Uint8Array<ArrayBuffer>);
          return;
        }
      } catch (error) {
        if (!f.tap) recorder.end(outcomeOf(error));
        controller.error(error);
      }
    },
    async cancel(reason) {
      recorder.end({ state: "abort", errorName: "AbortError", errorMessage: "the page cancelled the response body" });
      if (f.tap) await cancel(f.tap, reason).catch(ignore);
      return f.source ? cancel(f.source, reason) : cancelStream(responseBody(f.original)!, reason);
    },
  }, { highWaterMark: 0 });
  let forwarded: Response;
  try {
    forwarded = new ResponseNative(stream, { status: responseStatus(original), statusText: responseStatusText(original), headers: responseHeaders(original) });
  } catch {
    return undefined;
  }
  f = { original, forwardedBody: stream, recorder, outcomeOf, consumed: false };
  apply(weakSet, forwardings, [forwarded, f]);
  setMeta(forwarded, { url: responseUrl(original), redirected: responseRedirected(original), type: responseType(original) });
  // If the page has not started on the body by the next task, record it anyway.
  setTimeoutNative(() => {
    if (!f.source && !f.consumed) startTap(f);
  }, 0);
  return forwarded;
}

function setMeta(response: Response, meta: Meta): void {
  apply(weakSet, metas, [response, meta]);
  apply(lockedAdd, lockedHeaders, [responseHeaders(response)]);
}

/** All of a stream, read the way a Body method would (disturbing it at once). */
async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  const reader = getReader(stream);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await read(reader);
    if (done) break;
    parts[parts.length] = value;
    total += byteLength(value);
  }
  const all = new Uint8ArrayNative(total);
  let offset = 0;
  for (const part of parts) {
    setBytes(all, part, offset);
    offset += byteLength(part);
  }
  return all;
}

const BODY_METHODS = ["text", "json", "arrayBuffer", "blob", "formData", "bytes"] as const;

/**
 * Responses the page keeps untouched (not model calls: no forwarding, no clone), whose body is
 * recorded from what the page's own Body method returns, when it reads one.
 */
interface Plain {
  recorder: BodyRecorder;
  outcomeOf(error: unknown): Outcome;
}
const plains = new WeakMap<object, Plain>();
const stringifyNative = JSON.stringify;
const ArrayBufferNative = ArrayBuffer;
const blobSize = getter<number>(Blob.prototype, "size");

export function recordWhenRead(response: Response, recorder: BodyRecorder, outcomeOf: (error: unknown) => Outcome): void {
  apply(weakSet, plains, [response, { recorder, outcomeOf }]);
}

async function readPlain({ recorder, outcomeOf }: Plain, method: (this: Response) => Promise<unknown>, self: Response, name: string, args: unknown[]): Promise<unknown> {
  let result: unknown;
  try {
    result = await (apply(method, self, args) as Promise<unknown>);
  } catch (error) {
    recorder.end(outcomeOf(error));
    throw error;
  }
  try {
    if (name === "text" && typeof result === "string") recorder.text(result);
    // The page parsed it; the text is written back (same content, compact spacing).
    else if (name === "json") recorder.text(stringifyNative(result) ?? "");
    else if (result instanceof ArrayBufferNative) recorder.bytes(new Uint8ArrayNative(result));
    else if (result instanceof Uint8ArrayNative) recorder.bytes(result);
    else if (name === "blob") recorder.binary(blobSize(result));
    recorder.end({ state: "ok" });
  } catch {
    // recording is best effort; the page has its result
  }
  return result;
}


/**
 * A Body method on a forwarded Response. On the forwarded Response itself it runs natively on
 * the original. On a clone of it (whose body is a tee of our stream) it reads the clone's
 * stream and lets a native Response over the same bytes produce the result.
 */
function bodyMethod(method: (this: Response) => Promise<unknown>, self: Response, body: ReadableStream<Uint8Array>, args: unknown[]): Promise<unknown> {
  const f = forwardingOf(self);
  if (f && !f.source && !streamLocked(f.forwardedBody)) {
    startTap(f);
    f.consumed = true;
    // Spend the forwarded stream as the native method would have: used and locked.
    void read(getReader(f.forwardedBody)).catch(ignore);
    return apply(method, f.original, args) as Promise<unknown>;
  }
  const headers = responseHeaders(self);
  return (async () => apply(method, new ResponseNative(await readAll(body), { headers }), args) as Promise<unknown>)();
}

export function hookForwardedResponses(win: typeof globalThis): void {
  const proto = win.Response.prototype;
  patchGetter<string>(proto, "url", (original, self) => metaOf(self)?.url ?? apply(original, self, []));
  patchGetter<boolean>(proto, "redirected", (original, self) => metaOf(self)?.redirected ?? apply(original, self, []));
  patchGetter<ResponseType>(proto, "type", (original, self) => metaOf(self)?.type ?? apply(original, self, []));
  patchMethod<() => Response>(proto, "clone", (original, self, args) => {
    const copy = apply(original, self, args) as Response;
    const meta = metaOf(self);
    if (meta) setMeta(copy, meta);
    // Cloning tees our stream, which from now on feeds both: no more native shortcut.
    apply(weakDelete, forwardings, [self]);
    return copy;
  });

  for (const name of BODY_METHODS) {
    if (typeof proto[name] !== "function") continue;
    patchMethod<() => Promise<unknown>>(proto, name, (original, self, args) => {
      const plain = apply(weakGet, plains, [self]) as Plain | undefined;
      if (plain) {
        apply(weakDelete, plains, [self]);
        const stream = responseBody(self);
        if (stream && !responseBodyUsed(self) && !streamLocked(stream)) return readPlain(plain, original, self as Response, name, args);
      }
      const body = metaOf(self) ? responseBody(self) : null;
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
  for (const name of ["append", "set", "delete"] as const) {
    patchMethod<(...args: string[]) => void>(win.Headers.prototype, name, (original, self, args) =>
      apply(original, apply(lockedHas, lockedHeaders, [self]) ? immutable : self, args) as void,
    );
  }
}
