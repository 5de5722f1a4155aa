/**
 * A Response that forwards a fetched Response's body chunk by chunk, recording it on the way,
 * and passes for the original.
 *
 * Why not hand back the original and read a clone: a clone is a tee, and a tee's cancel()
 * waits for the other branch, so a page cancelling a stream would hang while the connection
 * stayed open. Forwarding keeps cancel() and backpressure reaching the network.
 *
 * What the constructor cannot set (url, redirected, type, immutable headers) is answered for
 * the original by patched getters. The Body methods (text, json, ...) would, consuming a JS
 * stream natively, lose the abort reason and report errors from inside our own calls; so on a
 * forwarded Response they read the forwarded stream themselves and let a native Response over
 * the bytes produce the result, exactly as the original would have.
 */
import type { Outcome } from "../core/exchange";
import type { BodyRecorder } from "./body";
import { apply, getter, patchGetter, patchMethod, uncurry } from "./patch";

interface Meta {
  url: string;
  redirected: boolean;
  type: ResponseType;
}

const ResponseNative = Response;
const ReadableStreamNative = ReadableStream;
const Uint8ArrayNative = Uint8Array;
const metas = new WeakMap<object, Meta>();
const lockedHeaders = new WeakSet<object>();
const metaGet = WeakMap.prototype.get;
const metaSet = WeakMap.prototype.set;
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
const streamLocked = getter<boolean>(ReadableStream.prototype, "locked");
const getReader = uncurry(ReadableStream.prototype.getReader as (this: ReadableStream<Uint8Array>) => ReadableStreamDefaultReader<Uint8Array>);
const read = uncurry(ReadableStreamDefaultReader.prototype.read as (this: ReadableStreamDefaultReader<Uint8Array>) => Promise<ReadableStreamReadResult<Uint8Array>>);
const cancel = uncurry(ReadableStreamDefaultReader.prototype.cancel);
const byteLength = getter<number>(Object.getPrototypeOf(Uint8Array.prototype), "byteLength");
const setBytes = uncurry(Uint8Array.prototype.set as (a: ArrayLike<number>, offset?: number) => void);

const metaOf = (response: unknown): Meta | undefined => apply(metaGet, metas, [response]) as Meta | undefined;

/**
 * How far ahead of the page the forwarding stream reads. Small bodies (error JSON the page
 * never reads, say) are thus recorded in full; a large unread body stops here, much as the
 * network stack itself stops reading.
 */
const READ_AHEAD_BYTES = 1024 * 1024;

/**
 * The Response the page gets instead of `original`, or `undefined` if one cannot be made (the
 * original is then left untouched). `outcomeOf` classifies a read error.
 */
export function forwardResponse(
  original: Response,
  body: ReadableStream<Uint8Array>,
  recorder: BodyRecorder,
  outcomeOf: (error: unknown) => Outcome,
): Response | undefined {
  // Assigned once constructing the Response has not thrown; pull first runs a microtask later.
  let reader!: ReadableStreamDefaultReader<Uint8Array>;
  const stream = new ReadableStreamNative({
    type: "bytes",
    async pull(controller) {
      try {
        for (;;) {
          const { done, value } = await read(reader);
          if (done) {
            recorder.end({ state: "ok" });
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          // A byte stream cannot enqueue an empty view; the page would not see one either.
          if (byteLength(value) === 0) continue;
          recorder.bytes(value);
          controller.enqueue(value as Uint8Array<ArrayBuffer>);
          return;
        }
      } catch (error) {
        recorder.end(outcomeOf(error));
        controller.error(error);
      }
    },
    cancel(reason) {
      recorder.end({ state: "abort", errorName: "AbortError", errorMessage: "the page cancelled the response body" });
      return cancel(reader, reason);
    },
  }, { highWaterMark: READ_AHEAD_BYTES });
  let forwarded: Response;
  try {
    forwarded = new ResponseNative(stream, { status: responseStatus(original), statusText: responseStatusText(original), headers: responseHeaders(original) });
  } catch {
    return undefined;
  }
  setMeta(forwarded, { url: responseUrl(original), redirected: responseRedirected(original), type: responseType(original) });
  reader = getReader(body);
  return forwarded;
}

function setMeta(response: Response, meta: Meta): void {
  apply(metaSet, metas, [response, meta]);
  apply(lockedAdd, lockedHeaders, [responseHeaders(response)]);
}

/** All of a forwarded body, read the way a Body method would (disturbing it at once). */
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
const nativeText = Response.prototype.text;
const parseJson = JSON.parse;
const TypeErrorNative = TypeError;

/**
 * A Body method on a forwarded Response: read the forwarded stream (so the bytes are recorded
 * as they pass), then let the native method produce the result from a Response over the same
 * bytes and headers. Failures are the ones the original would give: an abort rejects with the
 * abort reason itself, and a network failure is handed to the native method as a failed
 * stream, so the browser words the TypeError as it does for its own bodies. `json` parses
 * in script because a native json() over bytes reports syntax errors from inside our call.
 */
async function consume(self: Response, body: ReadableStream<Uint8Array>, method: () => Promise<unknown>, args: unknown[], json: boolean): Promise<unknown> {
  const headers = responseHeaders(self);
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await readAll(body);
  } catch (error) {
    if (!(error instanceof TypeErrorNative)) throw error;
    const failed = new ReadableStreamNative({ start: (c) => c.error(error) });
    return apply(method, new ResponseNative(failed, { headers }), args);
  }
  const result = await (apply(method, new ResponseNative(bytes, { headers }), args) as Promise<unknown>);
  return json ? parseJson(result as string) : result;
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
    return copy;
  });

  for (const name of BODY_METHODS) {
    if (typeof proto[name] !== "function") continue;
    patchMethod<() => Promise<unknown>>(proto, name, (original, self, args) => {
      const body = metaOf(self) ? responseBody(self) : null;
      // Not ours, or already used/locked: the native method answers (and rejects) as always.
      if (!body || responseBodyUsed(self) || streamLocked(body)) return apply(original, self, args) as Promise<unknown>;
      return consume(self as Response, body, name === "json" ? nativeText : original, args, name === "json");
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
