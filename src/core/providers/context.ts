/**
 * Everything a provider parser reads from an Exchange, derived once per classification:
 * parsed URL, request JSON (with a salvage path for truncated bodies), response body pieces.
 */
import { headerValue, mimeTypeOf, type Chunk, type Exchange, type Header } from "../contract";
import { isObj, parseJson } from "./json";
import type { Obj } from "./json";

export interface Ctx {
  readonly ex: Exchange;
  readonly url: URL | undefined;
  readonly method: string;
  readonly path: string;
  /** Parsed request JSON object; for a truncated body only the fields we could salvage. */
  readonly req: Obj | undefined;
  /** Why `req` is missing or partial, for llm_trace.parse_error. */
  readonly reqProblem: string | undefined;
  readonly status: number | undefined;
  readonly mime: string;
  readonly responseHeaders: readonly Header[];
  /** Response body pieces: the streamed chunks, or the whole captured body as one piece. */
  readonly chunks: readonly Chunk[];
  /** The outcome is known (ok, error, abort or timeout). */
  readonly done: boolean;
  /** The exchange ended successfully, so the body is whole (unless the capture cap cut it). */
  readonly complete: boolean;
  /** The capture cap cut the response body. */
  readonly bodyTruncated: boolean;
  /** Whole body text so far (joined once, on first use). */
  text(): string;
  /** The first `n` characters of the body, without joining all of it. */
  head(n: number): string;
}

export function makeContext(ex: Exchange): Ctx {
  let url: URL | undefined;
  try {
    url = new URL(ex.request.url, ex.pageUrl);
  } catch {
    url = undefined;
  }
  const { req, problem } = readRequest(ex);
  const chunks = bodyChunks(ex);
  let text: string | undefined;
  return {
    ex,
    url,
    method: (ex.request.method || "GET").toUpperCase(),
    path: url ? url.pathname : ex.request.url.split("?")[0] ?? "",
    req,
    reqProblem: problem,
    status: ex.response?.status,
    mime: mimeTypeOf(ex.response?.headers),
    responseHeaders: ex.response?.headers ?? [],
    chunks,
    done: ex.outcome !== undefined,
    complete: ex.outcome?.state === "ok",
    bodyTruncated: ex.response?.body?.truncated === true,
    text() {
      if (text === undefined) text = chunks.length === 1 ? chunks[0]!.text : chunks.map((c) => c.text).join("");
      return text;
    },
    head(n: number) {
      if (text !== undefined) return text.slice(0, n);
      const pieces: string[] = [];
      let length = 0;
      for (const c of chunks) {
        if (length >= n) break;
        pieces.push(c.text);
        length += c.text.length;
      }
      return pieces.join("").slice(0, n);
    },
  };
}

function bodyChunks(ex: Exchange): Chunk[] {
  if (ex.chunks.length > 0) return ex.chunks;
  const body = ex.response?.body?.text;
  if (!body) return [];
  return [{ time: ex.timing.end ?? ex.timing.firstByte ?? ex.timing.start, text: body }];
}

function readRequest(ex: Exchange): { req: Obj | undefined; problem: string | undefined } {
  const body = ex.request.body;
  const text = body?.text;
  if (text === undefined || text.trim() === "") {
    if (body?.omitted) return { req: undefined, problem: `request body not captured (${body.omitted})` };
    return { req: undefined, problem: undefined };
  }
  const parsed = parseJson(text);
  if (parsed.ok) {
    return isObj(parsed.value) ? { req: parsed.value, problem: undefined } : { req: undefined, problem: undefined };
  }
  if (body?.truncated) {
    return { req: salvage(text), problem: "request body truncated at the capture cap: messages not recorded" };
  }
  // Not JSON (form data, plain text): nothing to say, the request simply is not a model call.
  return { req: undefined, problem: undefined };
}

/**
 * The few scalar fields that usually come first in a request body, recovered from a truncated
 * one so the span still gets its model and stream flag. Only top-level-looking fields are taken:
 * a match must precede the first `[` (where message arrays start).
 */
function salvage(text: string): Obj {
  const head = text.slice(0, Math.max(0, text.indexOf("[")) || text.length);
  const out: Obj = {};
  const model = /"model"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(head);
  if (model) out.model = model[1];
  const stream = /"stream"\s*:\s*(true|false)/.exec(head);
  if (stream) out.stream = stream[1] === "true";
  return out;
}

/** Seconds from the page's call to `time`, rounded to the microsecond to drop float noise. */
export function secondsSinceStart(ctx: Ctx, time: number): number {
  return Math.round((time - ctx.ex.timing.start) * 1000) / 1e6;
}

export function responseHeader(ctx: Ctx, name: string): string | undefined {
  return headerValue(ctx.responseHeaders, name);
}

export function requestHeader(ctx: Ctx, name: string): string | undefined {
  return headerValue(ctx.ex.request.headers, name);
}

const SSE_START = /^\uFEFF?(?:(?:data|event|id|retry):|:)/;

/** The response is an SSE stream: by content type, or by its first line when the type is missing or generic. */
export function isEventStream(ctx: Ctx): boolean {
  if (ctx.mime === "text/event-stream") return true;
  if (ctx.mime !== "" && ctx.mime !== "text/plain" && ctx.mime !== "application/octet-stream") return false;
  return SSE_START.test(ctx.head(16));
}

const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "application/x-jsonlines",
  "application/jsonlines",
  "application/json-lines",
  "application/stream+json",
  "application/x-json-stream",
]);

export function isNdjson(ctx: Ctx): boolean {
  return NDJSON_TYPES.has(ctx.mime);
}
