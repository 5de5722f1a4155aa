/**
 * The call-time decision of the page hook (docs/DESIGN.md, "Fast path and recorded path"):
 * can this request be model, retrieval or tool-result work worth its body? Decided from what is
 * cheap to see when the page calls fetch()/send(): the URL, the method, header names, the kind of
 * body and a bounded look at a string body. A "no" costs the page almost nothing (metadata only);
 * a wrong "yes" costs a little more recording, never a different page.
 *
 * Every pattern here is linear and runs on bounded input.
 */
import { matches, stringSlice, toLowerCase } from "./natives";

export type Route = "record" | "fast";

export interface RequestShape {
  method: string;
  /** The absolute URL. */
  url: string;
  path: string;
  /** Lower-case request header names. */
  headerNames: readonly string[];
  /** A string body's first characters, if the body is a string. */
  bodyHead?: string | undefined;
  /** The request has a body that is not a string (Blob, FormData, bytes, stream). */
  otherBody?: boolean;
}

/** How much of a string body is looked at. */
export const SNIFF_CHARS = 4096;
/** URLs longer than this are judged by their start (a data: URL, a huge query string). */
const URL_CHARS = 2048;

/**
 * Path segments of model APIs, app backends that front them (/api/chat, /api/completion), and
 * search/retrieval endpoints. A segment is delimited by / : . _ - or the end.
 */
const MODEL_PATH = /(?:^|[/:._-])(?:chat|completions?|responses|messages|embed|embeddings?|embedcontent|batchembedcontents|generate|generatecontent|streamgeneratecontent|rawpredict|streamrawpredict|predict|converse|converse-stream|invoke|invoke-with-response-stream|graphql|search|query|queries|retrieve|retrieval|rag|knn|vectors?|similar|similarity|semantic|llm|ai|agents?|copilot|assistants?|threads|runs|prompts?|inference|ask|answer|stream|sse|match_[a-z0-9_]*|_search|_knn_search|vectordb)(?:$|[/:._-])/;

/** GETs are recorded only where they can be a search or a stream. */
const RETRIEVAL_OR_STREAM_PATH = /(?:^|[/:._-])(?:search|query|retrieve|retrieval|rag|knn|vectors?|similar|semantic|stream|sse|ask|answer|completions?|chat|_search)(?:$|[/:._-])/;

/** Keys that model, embedding and vector-search request bodies are made of. */
const MODEL_BODY = /"(?:jsonrpc|model|messages|contents|prompt|inputs?|query|queries|question|vector|topK|top_k|nearText|nearVector|hybrid|bm25|knn|embedding|query_embeddings?|query_texts|n_results|annsField|system|tools|instructions)"\s*:|\b(?:nearText|nearVector|hybrid|bm25)\s*[:(]/;

/** Request headers only model SDKs send. */
const MODEL_HEADER = /^(?:anthropic-version|anthropic-beta|openai-organization|openai-project|x-stainless-lang|x-goog-api-key|x-goog-api-client|api-key|x-api-key|x-vercel-ai-[a-z-]*|mcp-session-id|mcp-protocol-version)$/;

const STREAM_ACCEPT = "text/event-stream";

function pathMatches(re: RegExp, path: string): boolean {
  return matches(re, toLowerCase(path.length > URL_CHARS ? stringSlice(path, 0, URL_CHARS) : path));
}

/**
 * Whether the page's request takes the recorded path. `capture`: the user's URL globs, trimmed
 * and lower-cased (matched case-insensitively, like the background's rules).
 */
export function routeRequest(r: RequestShape, capture: readonly string[], acceptsStream: boolean): Route {
  if (capture.length > 0) {
    const url = toLowerCase(r.url);
    for (let i = 0; i < capture.length; i++) if (globMatches(capture[i]!, url)) return "record";
  }
  if (acceptsStream) return "record";
  const method = r.method;
  if (method === "GET") return pathMatches(RETRIEVAL_OR_STREAM_PATH, r.path) ? "record" : "fast";
  if (method !== "POST" && method !== "PUT" && method !== "PATCH") return "fast";
  for (let i = 0; i < r.headerNames.length; i++) if (matches(MODEL_HEADER, r.headerNames[i]!)) return "record";
  if (pathMatches(MODEL_PATH, r.path)) return "record";
  if (r.bodyHead !== undefined) return matches(MODEL_BODY, r.bodyHead) ? "record" : "fast";
  return "fast";
}

/** The request header value a client sends when it wants a stream. */
export const isStreamAccept = (value: string): boolean => matches(/text\/event-stream|ndjson/i, value.length > 256 ? stringSlice(value, 0, 256) : value);
export { STREAM_ACCEPT };

/**
 * `pattern` (the rules' glob: `*` any run, `?` one character) against the whole of `text`.
 * Without backtracking into earlier stars: on a mismatch only the last `*` takes one more
 * character, so it is O(pattern x text) at worst, never exponential.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const c = p < pattern.length ? pattern[p] : undefined;
    if (c === "*") {
      star = p++;
      resume = t;
    } else if (c !== undefined && (c === "?" || c === text[t])) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") p++;
  return p === pattern.length;
}
