/**
 * One HTTP request/response as the page hook observed it: the raw material every span is
 * derived from (provider parsers, trace assembly, HAR export). Pure data, JSON-safe.
 */

/** [name, value] in the order the page gave or the server sent them. */
export type Header = [name: string, value: string];

export interface CapturedBody {
  /** The body text, up to the capture cap. Absent when omitted. */
  text?: string;
  /** Size in bytes as observed (the full size, also when truncated), when known. */
  size?: number;
  /** A media type (RFC 9110), checked where the body enters (see capture/media-type.ts). */
  mimeType?: string;
  /** The page or file gave a content type that is not a media type; it was dropped. */
  mimeTypeDropped?: true;
  /** The text stops at the capture cap; `size` says how large the body really was. */
  truncated?: boolean;
  /**
   * Why there is no text: binary content (recorded by size and type only), a streamed request
   * body (cannot be read without consuming it), capture policy (metadata only), or the page
   * hook's fast path (a request that did not look like model, retrieval or tool work).
   */
  omitted?: "binary" | "stream" | "policy" | "fast-path";
}

/** A piece of the response body in the order and at the time the page received it. */
export interface Chunk {
  /** ms since the Unix epoch */
  time: number;
  text: string;
}

export type Outcome =
  | { state: "ok" }
  | { state: "error" | "abort" | "timeout"; errorName?: string; errorMessage?: string };

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Header[];
  body?: CapturedBody;
}

export interface ExchangeResponse {
  status: number;
  statusText: string;
  headers: Header[];
  /** Final URL after redirects, when it differs or is known. */
  url?: string;
  redirected?: boolean;
  /** fetch Response.type: basic | cors | opaque | ... */
  type?: string;
  /** Set once the body has been read to its end (or cut at the cap). Streamed bodies: see `chunks`. */
  body?: CapturedBody;
}

export interface ExchangeTiming {
  /** The page called fetch() / xhr.send(). */
  start: number;
  /** Response headers became available. */
  headers?: number;
  /** First body bytes reached the page. */
  firstByte?: number;
  /** Body fully read, or the exchange failed. */
  end?: number;
}

export interface Exchange {
  /** 16 lowercase hex; also the spanId of the span this exchange backs. */
  id: string;
  transport: "fetch" | "xhr";
  /** URL of the document that made the call. */
  pageUrl?: string;
  request: ExchangeRequest;
  response?: ExchangeResponse;
  timing: ExchangeTiming;
  /** Response body pieces with arrival times, in order. */
  chunks: Chunk[];
  /** Absent while in flight. */
  outcome?: Outcome;
  /** Sent by the extension from the page at the panel's request: which call it replays, and with which others (docs/DESIGN.md, "Compare and replay"). */
  replay?: { of: string; group: string };
  /**
   * Seen in the browser's network log (DevTools open), not by the page hook: a call from a
   * worker. `initiator` is the URL of the script that made it, where the log names one
   * (docs/DESIGN.md, "Calls from workers").
   */
  network?: { initiator: string };
}

export function headerValue(headers: readonly Header[] | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of headers) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The response body text received so far. */
export function responseText(ex: Pick<Exchange, "chunks">): string {
  return ex.chunks.length === 1 ? ex.chunks[0]!.text : ex.chunks.map((c) => c.text).join("");
}

export function mimeTypeOf(headers: readonly Header[] | undefined): string {
  return (headerValue(headers, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}
