/**
 * What a fetch() call asks for, read from its arguments without running page code: only data
 * properties are read (a getter on `init` would otherwise run twice, once for us and once for
 * fetch), an arbitrary object's toString is left alone, and no Request is constructed (that
 * would consume a streamed body).
 */
import type { CapturedBody, Header } from "../core/exchange";
import { captureRequestBody, mimeOf, readCapped } from "./body";
import { getter, uncurry } from "./patch";

const RequestNative = Request;
const HeadersNative = Headers;
const URLNative = URL;
const requestUrl = getter<string>(Request.prototype, "url");
const requestMethod = getter<string>(Request.prototype, "method");
const requestHeaders = getter<Headers>(Request.prototype, "headers");
const requestSignal = getter<AbortSignal>(Request.prototype, "signal");
const requestBodyUsed = getter<boolean>(Request.prototype, "bodyUsed");
const requestBody = getter<ReadableStream<Uint8Array> | null>(Request.prototype, "body");
const cloneRequest = uncurry(Request.prototype.clone);
const requestArrayBuffer = uncurry(Request.prototype.arrayBuffer);
const urlHref = getter<string>(URL.prototype, "href");
const headersForEach = uncurry(Headers.prototype.forEach as (cb: (value: string, key: string) => void) => void);
const isArray = Array.isArray;
const objectKeys = Object.keys;
const getOwnDescriptor = Object.getOwnPropertyDescriptor;
const baseURI = getter<string>(Node.prototype, "baseURI");

const STANDARD_METHODS = /^(delete|get|head|options|post|put|patch)$/i;

export interface RequestInfo {
  method: string;
  url: string;
  headers: Header[];
  body: CapturedBody | Promise<CapturedBody> | undefined;
  signal: AbortSignal | undefined;
}

/** The value of a data property; accessors are not called (they are page code). */
function dataProperty(obj: unknown, key: string): unknown {
  if (typeof obj !== "object" || obj === null) return undefined;
  const own = getOwnDescriptor(obj, key);
  return own && "value" in own ? own.value : undefined;
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : typeof v === "number" ? `${v}` : undefined);

export function headerList(init: unknown): Header[] {
  const out: Header[] = [];
  if (init === undefined || init === null) return out;
  if (init instanceof HeadersNative) {
    headersForEach(init, (value, key) => out.push([key, value]));
  } else if (isArray(init)) {
    for (const pair of init as unknown[]) {
      const [k, v] = isArray(pair) && pair.length === 2 ? [text(pair[0]), text(pair[1])] : [];
      if (k !== undefined && v !== undefined) out.push([k, v]);
    }
  } else if (typeof init === "object") {
    for (const key of objectKeys(init)) {
      const v = text(dataProperty(init, key));
      if (v !== undefined) out.push([key, v]);
    }
  }
  return out;
}

export function resolveUrl(input: string): string {
  try {
    return urlHref(new URLNative(input, baseURI(document)));
  } catch {
    return input;
  }
}

export function describeFetch(args: readonly unknown[], bodyCap: number): RequestInfo {
  const [input, rawInit] = args as [unknown, unknown];
  const init = {
    method: dataProperty(rawInit, "method"),
    headers: dataProperty(rawInit, "headers"),
    body: dataProperty(rawInit, "body"),
    signal: dataProperty(rawInit, "signal") as AbortSignal | null | undefined,
  };
  const request = input instanceof RequestNative ? input : undefined;
  const url = request ? requestUrl(request)
    : typeof input === "string" ? resolveUrl(input)
    : input instanceof URLNative ? urlHref(input)
    : "";
  let method = text(init.method) ?? (request ? requestMethod(request) : "GET");
  if (STANDARD_METHODS.test(method)) method = method.toUpperCase();
  const headers = init.headers !== undefined ? headerList(init.headers) : request ? headerList(requestHeaders(request)) : [];
  const signal = init.signal ?? (request ? requestSignal(request) : undefined);

  let body: RequestInfo["body"];
  if (init.body !== undefined && init.body !== null) {
    body = captureRequestBody(init.body, mimeOf(headers), bodyCap);
  } else if (request && !requestBodyUsed(request) && method !== "GET" && method !== "HEAD") {
    // Reading a clone leaves the page's Request untouched for fetch to send. Firefox has no
    // Request.body, so there the clone is read whole.
    const clone = cloneRequest(request);
    const stream = requestBody(clone);
    body = stream ? readCapped(stream, "utf-8", bodyCap)
      : stream === null ? undefined
      : requestArrayBuffer(clone).then((buffer) => captureRequestBody(buffer, mimeOf(headers), bodyCap) ?? {});
  }
  return { method, url, headers, body, signal: signal ?? undefined };
}
