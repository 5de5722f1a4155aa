/**
 * What a fetch() call asks for, read from its arguments without running page code: only data
 * properties are read (a getter on `init` would otherwise run twice, once for us and once for
 * fetch), an arbitrary object's toString is left alone, and no Request is constructed (that
 * would consume a streamed body). The body itself is read only on the recorded path.
 */
import type { CapturedBody, Header } from "../core/contract";
import { captureRequestBody, mimeOf, readCapped, type RequestBody } from "./body";
import {
  URLNative, createObject, dict as dictOf, getter, hasOwn, headersForEach, isArray, isHeaders, isRequest, isUrl, nativeMethod, objectKeys,
  ownValue, stringSlice, toLowerCase,
} from "./natives";
import { SNIFF_CHARS, isStreamAccept, routeRequest, type Route } from "./route";

const requestUrl = getter<string>(Request.prototype, "url");
const requestMethod = getter<string>(Request.prototype, "method");
const requestHeaders = getter<Headers>(Request.prototype, "headers");
const requestSignal = getter<AbortSignal>(Request.prototype, "signal");
const requestBodyUsed = getter<boolean>(Request.prototype, "bodyUsed");
const requestBody = getter<ReadableStream<Uint8Array> | null>(Request.prototype, "body");
const cloneRequest = nativeMethod<() => Request>(Request.prototype, "clone");
const requestArrayBuffer = nativeMethod<() => Promise<ArrayBuffer>>(Request.prototype, "arrayBuffer");
const urlHref = getter<string>(URL.prototype, "href");
const urlPath = getter<string>(URL.prototype, "pathname");
const documentObject = typeof document === "object" ? document : undefined;
const baseURI = typeof Node === "function" ? getter<string>(Node.prototype, "baseURI") : () => "";

/** fetch and XHR upper-case these method names (and only these); others are sent as given. */
const STANDARD_METHODS: Record<string, string> = dictOf({ delete: "DELETE", get: "GET", head: "HEAD", options: "OPTIONS", post: "POST", put: "PUT", patch: "PATCH" });
export const normalMethod = (method: string): string => STANDARD_METHODS[toLowerCase(method)] ?? method;

export interface RequestInfo {
  method: string;
  url: string;
  headers: Header[];
  route: Route;
  /** The body as the page gave it (kept only to be read if the route turns out "record"). */
  rawBody: unknown;
  request: Request | undefined;
  signal: AbortSignal | undefined;
}

/** The value of a data property; accessors are not called (they are page code). */
const dataProperty = (obj: unknown, key: string): unknown => (typeof obj === "object" && obj !== null ? ownValue(obj, key) : undefined);

/**
 * A page value as text when it is a primitive (undefined: absent); converting an object would
 * run its toString, page code.
 */
export const text = (v: unknown): string | undefined =>
  v === undefined || (typeof v === "object" && v !== null) || typeof v === "function" || typeof v === "symbol" ? undefined : `${v}`;

/** Header pairs from what the page passed (Headers, [[k, v]] or a record), plus their lower-cased names. */
export function headerList(init: unknown, names?: string[]): Header[] {
  const out: Header[] = [];
  if (init === undefined || init === null) return out;
  const add = (k: string, v: string) => {
    out[out.length] = [k, v];
    if (names) names[names.length] = toLowerCase(k);
  };
  if (isHeaders(init)) {
    headersForEach(init, (value, key) => add(key, value));
  } else if (isArray(init)) {
    for (let i = 0; i < init.length; i++) {
      const pair = init[i] as unknown;
      if (!isArray(pair) || pair.length !== 2) continue;
      const k = text(pair[0]);
      const v = text(pair[1]);
      if (k !== undefined && v !== undefined) add(k, v);
    }
  } else if (typeof init === "object") {
    const keys = objectKeys(init);
    for (let i = 0; i < keys.length; i++) {
      const v = text(dataProperty(init, keys[i]!));
      if (v !== undefined) add(keys[i]!, v);
    }
  }
  return out;
}

export interface ParsedUrl {
  href: string;
  path: string;
}

/** The background refuses longer URLs (a data: URL can be megabytes): keep their start. */
const MAX_URL = 2 * 1024 * 1024;
const bounded = (href: string): string => (href.length > MAX_URL ? stringSlice(href, 0, MAX_URL) : href);

export function parseUrl(input: string): ParsedUrl {
  try {
    const url = new URLNative(input, documentObject ? baseURI(documentObject) : undefined);
    return { href: bounded(urlHref(url)), path: urlPath(url) };
  } catch {
    return { href: bounded(input), path: "" };
  }
}

function urlOf(input: unknown, request: Request | undefined): ParsedUrl {
  if (request) return parseUrl(requestUrl(request));
  if (typeof input === "string") return parseUrl(input);
  if (isUrl(input)) return parseUrl(urlHref(input));
  return { href: "", path: "" };
}

export function describeFetch(args: readonly unknown[], capture: readonly string[]): RequestInfo {
  const input = args[0];
  const rawInit = args[1];
  const initMethod = dataProperty(rawInit, "method");
  const initHeaders = dataProperty(rawInit, "headers");
  const initBody = dataProperty(rawInit, "body");
  const initSignal = dataProperty(rawInit, "signal") as AbortSignal | null | undefined;
  const request = isRequest(input) ? (input as Request) : undefined;
  const url = urlOf(input, request);
  let method = text(initMethod) ?? (request ? requestMethod(request) : "GET");
  method = normalMethod(method);
  const names: string[] = [];
  const headers = initHeaders !== undefined ? headerList(initHeaders, names) : request ? headerList(requestHeaders(request), names) : [];
  const signal = initSignal ?? (request ? requestSignal(request) : undefined);
  const rawBody = initBody !== undefined && initBody !== null ? initBody : undefined;
  const bodyHead = typeof rawBody === "string" ? (rawBody.length > SNIFF_CHARS ? stringSlice(rawBody, 0, SNIFF_CHARS) : rawBody) : undefined;
  let acceptsStream = false;
  for (let i = 0; i < names.length; i++) if (names[i] === "accept" && isStreamAccept(headers[i]![1])) acceptsStream = true;
  const route = routeRequest({
    method, url: url.href, path: url.path, headerNames: names, bodyHead,
    otherBody: rawBody !== undefined ? typeof rawBody !== "string" : request !== undefined && method !== "GET" && method !== "HEAD",
  }, capture, acceptsStream);
  return { method, url: url.href, headers, route, rawBody, request, signal: signal ?? undefined };
}

/** The request body, read without disturbing what fetch sends (only on the recorded path). */
export function fetchRequestBody(info: RequestInfo, bodyCap: number): RequestBody {
  if (info.rawBody !== undefined) return captureRequestBody(info.rawBody, mimeOf(info.headers), bodyCap);
  const request = info.request;
  if (!request || requestBodyUsed(request) || info.method === "GET" || info.method === "HEAD") return undefined;
  // Reading a clone leaves the page's Request untouched for fetch to send. Firefox has no
  // Request.body, so there the clone is read whole.
  const clone = cloneRequest(request);
  const stream = requestBody(clone);
  if (stream === null) return undefined;
  if (stream) return { deferred: readCapped(stream, "utf-8", bodyCap) };
  return {
    deferred: (async () => {
      const captured = captureRequestBody(await requestArrayBuffer(clone), mimeOf(info.headers), bodyCap);
      return captured && !hasOwn(captured, "deferred") ? captured as CapturedBody : createObject(null) as CapturedBody;
    })(),
  };
}
