/**
 * Every built-in the hook uses, captured once when it starts (before any page script runs) and
 * called as plain functions afterwards. A page that later patches a prototype
 * (Array.prototype.push, RegExp.prototype.exec, Promise[Symbol.species], ...) neither changes
 * what the hook does nor sees it being called: see docs/DESIGN.md, "The page hook".
 *
 * Rules for code in src/page/ that follow from this: no method calls on built-ins (use these),
 * no for-of, spread or destructuring of arrays (they run the page-patchable array iterator), no
 * `instanceof` on platform classes (a page can define Symbol.hasInstance on them: use the brand
 * checks below), no String/RegExp methods (`exec` below runs the native directly), and objects
 * handed to platform constructors get every member they read as an own property.
 */

export const apply = Reflect.apply;
/** `uncurryThis(fn)` is `Function.prototype.call.bind(fn)`: `fn.call(self, ...args)` as a plain function. */
const uncurryThis = Function.prototype.bind.bind(Function.prototype.call) as (fn: unknown) => unknown;
const protoOf = Object.getPrototypeOf;
const ownDescriptor = Object.getOwnPropertyDescriptor;
export const defineProperty = Object.defineProperty;
export const isArray = Array.isArray;
export const objectKeys = Object.keys;
/** Whether `obj` has `key` itself: `in` and a missing property read would consult Object.prototype. */
export const hasOwn = Object.hasOwn;
export const createObject = Object.create;
export const setPrototypeOf = Object.setPrototypeOf;
export const stringify = JSON.stringify;
export const now = uncurry(Performance.prototype.now);
export const perf = performance;
export const timeOrigin = performance.timeOrigin;
export const setTimeoutNative = setTimeout;
export const PromiseNative = Promise;
export const ProxyNative = Proxy;
export const Uint8ArrayNative = Uint8Array;
export const TextDecoderNative = TextDecoder;
export const URLNative = URL;
export const ResponseNative = Response;
export const ReadableStreamNative = ReadableStream;
export const MessageChannelNative = MessageChannel;
export const CustomEventNative = CustomEvent;

/**
 * `values` as an object without a prototype: platform APIs read every member of an options
 * dictionary, and a member we leave out would otherwise be looked up on Object.prototype, where
 * a page could have put a getter.
 */
export function dict<T extends object>(values: T): T {
  const out = createObject(null) as T;
  const keys = objectKeys(values);
  for (let i = 0; i < keys.length; i++) (out as Record<string, unknown>)[keys[i]!] = (values as Record<string, unknown>)[keys[i]!];
  return out;
}

/** `fn.call(self, ...args)` that a page patching Function.prototype.call cannot intercept. */
export function uncurry<F extends (...args: never[]) => unknown>(fn: F): (self: unknown, ...args: Parameters<F>) => ReturnType<F> {
  // `call` bound to `fn`, made now: later patches of Function.prototype.call or bind do not
  // reach it, and, unlike a rest-parameter wrapper, it allocates nothing per call.
  return uncurryThis(fn) as never;
}

/** The value of `key` if it is a data property of `obj` itself; an accessor (page code, maybe) is not run. */
export function ownValue(obj: object, key: PropertyKey): unknown {
  const d = ownDescriptor(obj, key);
  // `d.value` of an accessor's descriptor would be looked up on Object.prototype.
  return d && hasOwn(d, "value") ? d.value : undefined;
}

/**
 * The getter of `name` found on `proto` or up its chain, as a plain function of the object.
 * A getter this platform lacks reads the object's own data property: undefined for Firefox's
 * Request.body, which it has not; a MessageChannel's ports in Node, where the unit tests run.
 */
export function getter<T = unknown>(proto: object, name: string): (self: unknown) => T {
  for (let obj: object | null = proto; obj; obj = protoOf(obj) as object | null) {
    const get = ownDescriptor(obj, name)?.get;
    if (get) return uncurry(get as () => T);
    if (ownDescriptor(obj, name)) break;
  }
  return (self) => ownValue(self as object, name) as T;
}

/** A method found on `proto` (or undefined in a browser that lacks it), uncurried. */
function method<F extends (...args: never[]) => unknown>(proto: object, name: string): (self: unknown, ...args: Parameters<F>) => ReturnType<F> {
  const fn = ownDescriptor(proto, name)?.value as F | undefined;
  return fn ? uncurry(fn) : (() => undefined) as never;
}

// ---- strings and regular expressions ----
export const regexExec = uncurry(RegExp.prototype.exec);
/** RegExp.prototype.test would look `exec` up on the regex: a page could have replaced it. */
export const matches = (re: RegExp, text: string): boolean => regexExec(re, text) !== null;
export const stringSlice = uncurry(String.prototype.slice);
export const stringIndexOf = uncurry(String.prototype.indexOf);
export const toLowerCase = uncurry(String.prototype.toLowerCase);

// ---- collections ----
const weakMapGet = uncurry(WeakMap.prototype.get as (this: WeakMap<object, unknown>, k: object) => unknown);
const weakMapSet = uncurry(WeakMap.prototype.set as (this: WeakMap<object, unknown>, k: object, v: unknown) => WeakMap<object, unknown>);
const weakMapDelete = uncurry(WeakMap.prototype.delete as (this: WeakMap<object, unknown>, k: object) => boolean);
const WeakMapNative = WeakMap;

/** A WeakMap whose operations no page patch reaches. */
export interface SafeWeakMap<K extends object, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): void;
}
export function safeWeakMap<K extends object, V>(): SafeWeakMap<K, V> {
  const map = new WeakMapNative<object, unknown>();
  return {
    get: (key) => weakMapGet(map, key) as V | undefined,
    set: (key, value) => void weakMapSet(map, key, value),
    delete: (key) => void weakMapDelete(map, key),
  };
}

// ---- lists ----
const arrayProto = Array.prototype;
const iteratorSymbol = Symbol.iterator;
/**
 * `items` as an iterable for a platform API that takes a list (a postMessage transfer list).
 * The platform iterates a list: an array's iterator and its `next` are the page's to replace
 * (they would see our port and buffers), and an own Symbol.iterator on an array would make V8
 * drop its array fast paths for the whole page. This iterable, its iterator and their results
 * are objects of ours without a prototype.
 */
export function listOf<T>(items: readonly T[]): T[] {
  const list = createObject(null) as Record<symbol, unknown>;
  list[iteratorSymbol] = () => {
    let i = 0;
    return dict({ next: () => dict({ done: i >= items.length, value: items[i++] }) });
  };
  return list as unknown as T[];
}

// ---- promises ----
/** Ignore how a promise of ours settles, without `then`/`catch` (which would look up species). */
export const ignoreSettled = (promise: Promise<unknown>): void =>
  void (async () => {
    try {
      await promise;
    } catch {
      // nobody is waiting for it
    }
  })();

// ---- bytes ----
export const byteLength = getter<number>(protoOf(Uint8Array.prototype) as object, "byteLength");
export const byteOffset = getter<number>(protoOf(Uint8Array.prototype) as object, "byteOffset");
export const bufferOf = getter<ArrayBuffer>(protoOf(Uint8Array.prototype) as object, "buffer");
export const arrayBufferLength = getter<number>(ArrayBuffer.prototype, "byteLength");
export const bytesIndexOf = uncurry(Uint8Array.prototype.indexOf as (this: Uint8Array, v: number) => number);
export const setBytes = uncurry(Uint8Array.prototype.set as (this: Uint8Array, a: ArrayLike<number>, offset?: number) => void);
export const isView = ArrayBuffer.isView;
export const decode = uncurry(TextDecoder.prototype.decode as (this: TextDecoder, input?: AllowSharedBufferSource, options?: TextDecodeOptions) => string);

/** A copy of `length` bytes of `view` from `start` (TypedArray slice would look up species). */
export function copyBytes(view: Uint8Array, start = 0, length = byteLength(view) - start): Uint8Array<ArrayBuffer> {
  const copy = new Uint8ArrayNative(length);
  setBytes(copy, start === 0 && length === byteLength(view) ? view : new Uint8ArrayNative(bufferOf(view), byteOffset(view) + start, length), 0);
  return copy;
}

const encodeNative = uncurry(TextEncoder.prototype.encode as (this: TextEncoder, s: string) => Uint8Array);
const encoder = new TextEncoder();
/** UTF-8 size of a string. */
export const utf8Length = (s: string): number => byteLength(encodeNative(encoder, s));

// ---- platform objects ----
export const blobSizeOf = getter<number>(Blob.prototype, "size");
export const blobTypeOf = getter<string>(Blob.prototype, "type");
export const blobStream = method<() => ReadableStream<Uint8Array>>(Blob.prototype, "stream");
export const fileNameOf = getter<string>(File.prototype, "name");
export const formDataForEach = method<(cb: (value: FormDataEntryValue, key: string) => void) => void>(FormData.prototype, "forEach");
export const searchParamsToString = method<() => string>(URLSearchParams.prototype, "toString");
export const responseStatus = getter<number>(Response.prototype, "status");
export const responseStatusText = getter<string>(Response.prototype, "statusText");
export const responseHeaders = getter<Headers>(Response.prototype, "headers");
export const responseUrl = getter<string>(Response.prototype, "url");
export const responseRedirected = getter<boolean>(Response.prototype, "redirected");
export const responseType = getter<ResponseType>(Response.prototype, "type");
export const responseBody = getter<ReadableStream<Uint8Array> | null>(Response.prototype, "body");
export const responseBodyUsed = getter<boolean>(Response.prototype, "bodyUsed");
export const cloneResponse = method<() => Response>(Response.prototype, "clone");
export const headersForEach = method<(cb: (value: string, key: string) => void) => void>(Headers.prototype, "forEach");
export const streamLocked = getter<boolean>(ReadableStream.prototype, "locked");
export const cancelStream = method<(reason?: unknown) => Promise<void>>(ReadableStream.prototype, "cancel");
export const getReader = method<() => ReadableStreamDefaultReader<Uint8Array>>(ReadableStream.prototype, "getReader");
export const readChunk = method<() => Promise<ReadableStreamReadResult<Uint8Array>>>(ReadableStreamDefaultReader.prototype, "read");
export const cancelReader = method<(reason?: unknown) => Promise<void>>(ReadableStreamDefaultReader.prototype, "cancel");
export const controllerEnqueue = method<(chunk: Uint8Array) => void>(ReadableByteStreamController.prototype, "enqueue");
export const controllerClose = method<() => void>(ReadableByteStreamController.prototype, "close");
export const controllerError = method<(e?: unknown) => void>(ReadableByteStreamController.prototype, "error");
export const controllerByobRequest = getter<ReadableStreamBYOBRequest | null>(ReadableByteStreamController.prototype, "byobRequest");
export const byobRespond = typeof ReadableStreamBYOBRequest === "function"
  ? method<(n: number) => void>(ReadableStreamBYOBRequest.prototype, "respond")
  : () => undefined;
export const signalAborted = getter<boolean>(AbortSignal.prototype, "aborted");
export const port1Of = getter<MessagePort>(MessageChannel.prototype, "port1");
export const port2Of = getter<MessagePort>(MessageChannel.prototype, "port2");
export const setOnMessage = uncurry(ownDescriptor(MessagePort.prototype, "onmessage")!.set as (this: MessagePort, handler: (e: MessageEvent) => void) => void);
export const postPortMessage = method<(message: unknown, transfer?: Transferable[]) => void>(MessagePort.prototype, "postMessage");
export const addListener = method<(type: string, listener: (e: Event) => void, options?: AddEventListenerOptions) => void>(EventTarget.prototype, "addEventListener");
export const dispatchEvent = method<(e: Event) => boolean>(EventTarget.prototype, "dispatchEvent");
// Window and Location exist only in a document (the unit tests run these modules in Node).
// Window is a [Global] interface: its operations live on the window object itself.
export const postWindowMessage = typeof Window === "function"
  ? method<(message: unknown, target: string, transfer: Transferable[]) => void>(ownDescriptor(window, "postMessage") ? window : Window.prototype, "postMessage")
  : () => undefined;
export const eventType = getter<string>(Event.prototype, "type");
export const stopImmediatePropagation = method<() => void>(Event.prototype, "stopImmediatePropagation");
export const messageData = getter<unknown>(MessageEvent.prototype, "data");
/** location.href: Location's properties are unforgeable own accessors; the getter is taken once. */
const locationObject = typeof location === "object" ? location : undefined;
const hrefGetter = locationObject && (ownDescriptor(locationObject, "href")?.get ?? ownDescriptor(Location.prototype, "href")?.get);
export const pageUrl = (): string => (hrefGetter ? (apply(hrefGetter, locationObject, []) as string) : "");

/**
 * Brand checks: a native getter that throws for any other object. `instanceof` would consult a
 * Symbol.hasInstance the page may have defined on the class.
 */
const objectProto = Object.prototype;
function branded(get: (self: unknown) => unknown): (value: unknown) => boolean {
  return (value) => {
    if (typeof value !== "object" || value === null) return false;
    // A plain object or array is never a platform object: answered without an exception (a
    // thrown TypeError is the slow path, and headers and init objects are plain most often).
    const proto = protoOf(value) as object | null;
    if (proto === objectProto || proto === arrayProto || proto === null) return false;
    try {
      get(value);
      return true;
    } catch {
      return false;
    }
  };
}
const headersHas = method<(n: string) => boolean>(Headers.prototype, "has");
const formDataHas = method<(n: string) => boolean>(FormData.prototype, "has");
const searchParamsHas = method<(n: string) => boolean>(URLSearchParams.prototype, "has");
export const isRequest = branded(getter(Request.prototype, "url"));
export const isHeaders = branded((h) => headersHas(h, "x"));
export const isUrl = branded(getter(URL.prototype, "href"));
export const isBlob = branded(getter(Blob.prototype, "size"));
export const isFormData = branded((f) => formDataHas(f, ""));
export const isSearchParams = branded((p) => searchParamsHas(p, ""));
export const isReadableStream = branded(streamLocked);
export const isArrayBuffer = branded(arrayBufferLength);
const domExceptionName = getter<string>(DOMException.prototype, "name");
const domExceptionMessage = getter<string>(DOMException.prototype, "message");
const isDomException = branded(domExceptionName);
export { method as nativeMethod };

/**
 * The object on `obj`'s prototype chain that has `key` itself (EventTarget.prototype for
 * addEventListener), within 32 steps: a chain a page built of Proxies may never end.
 */
export function ownerOf(obj: object, key: PropertyKey): object | undefined {
  for (let o: object | null = obj, depth = 0; o !== null && depth < 32; o = protoOf(o) as object | null, depth++) if (hasOwn(o, key)) return o;
  return undefined;
}

/** A data property found on `obj` or its prototypes; accessors are not run (they may be page code). */
function dataValue(obj: object, key: string): unknown {
  const owner = ownerOf(obj, key);
  return owner ? ownValue(owner, key) : undefined;
}

/**
 * Name and message of an error the browser raised (a DOMException or a TypeError). Callers pass
 * only errors that came from the platform: an abort reason is the page's own value, and reading
 * it could run page code (a getter, a Proxy trap).
 */
export function errorInfo(error: unknown): { name: string; message: string } {
  if (typeof error !== "object" || error === null) return { name: typeof error, message: typeof error === "string" ? error : "" };
  if (isDomException(error)) return { name: domExceptionName(error), message: domExceptionMessage(error) };
  const name = dataValue(error, "name");
  const message = dataValue(error, "message");
  return { name: typeof name === "string" ? name : "Error", message: typeof message === "string" ? message : "" };
}

// ---- WebSocket and EventSource (absent in Node, where the unit tests run) ----
export const construct = Reflect.construct;
/**
 * Event.isTrusted is an unforgeable attribute: an own accessor of every event, not on the
 * prototype. Its getter, taken from an event of ours, reads any event's.
 */
const trustedGetter = ownDescriptor(new Event("x"), "isTrusted")?.get;
export const isTrusted = trustedGetter ? uncurry(trustedGetter as () => boolean) : (): boolean => true;
const hasWebSocket = typeof WebSocket === "function";
const hasEventSource = typeof EventSource === "function";
export const socketUrl = hasWebSocket ? getter<string>(WebSocket.prototype, "url") : () => "";
export const socketProtocol = hasWebSocket ? getter<string>(WebSocket.prototype, "protocol") : () => "";
export const eventSourceUrl = hasEventSource ? getter<string>(EventSource.prototype, "url") : () => "";
export const closeCode = typeof CloseEvent === "function" ? getter<number>(CloseEvent.prototype, "code") : () => 0;
export const closeReason = typeof CloseEvent === "function" ? getter<string>(CloseEvent.prototype, "reason") : () => "";
export const closeWasClean = typeof CloseEvent === "function" ? getter<boolean>(CloseEvent.prototype, "wasClean") : () => true;
export const lastEventId = getter<string>(MessageEvent.prototype, "lastEventId");
