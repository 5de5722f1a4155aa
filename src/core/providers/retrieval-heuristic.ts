/**
 * An app's own search endpoint (`/api/search`, `/api/retrieve`, a RAG backend's `/context`)
 * recognised by shape. Conservative on purpose: most JSON APIs return lists of objects, so a
 * response only counts when
 *   1. it is a complete, successful JSON body whose list of results sits at the top level or
 *      under a results-like key (results, documents, matches, hits, data, ...), and
 *   2. every inspected item carries both a numeric relevance score (score, similarity,
 *      distance, _score, ...) and a chunk of text (content, text, page_content, chunk, ...),
 *      or is a LangChain-style [document, score] pair, and
 *   3. the request looks like a search: a search-like path, or a query field / parameter.
 * A product catalogue ({name, price}) or a user list never has (2); a scored list without text
 * (a recommender's ids) is not a retrieval either.
 */
import type { Ctx } from "./context";
import { isEventStream } from "./context";
import { isObj, obj, parseJson, str } from "./json";
import type { Obj } from "./json";
import { doc } from "./retrieval-docs";
import type { RetrievalRequest, RetrievedDoc } from "./retrieval-docs";

const RESULT_KEYS = ["results", "documents", "docs", "matches", "hits", "data", "items", "chunks", "sources", "passages", "contexts", "context", "records"];
const SCORE_KEYS = ["score", "similarity", "relevance", "relevance_score", "relevanceScore", "_score", "rank_score", "rerank_score", "distance", "$dist"];
/** Stricter than textOf's list: titles and descriptions alone do not make a retrieved chunk. */
const CHUNK_KEYS = ["content", "text", "page_content", "pageContent", "chunk", "chunk_text", "passage", "snippet"];
const NESTED = ["document", "metadata", "payload", "_source", "fields", "node"];
const SEARCH_PATH = /(?:^|[/_.-])(search|retrieve|retrieval|query|rag|context|similar|semantic|knn|vector|lookup|kb|knowledge)(?:$|[/_.-])/i;
const QUERY_FIELDS = ["query", "q", "question", "search", "search_query", "searchQuery", "text", "input"];
const INSPECTED = 20;
/** Exported for the linear-time test of every pattern that reads captured text. */
export const CHUNK_KEY_TEXT = new RegExp(`"(?:${CHUNK_KEYS.join("|")})"\\s*:`);
export const SCORE_KEY_TEXT = new RegExp(`"(?:${SCORE_KEYS.map((k) => k.replace("$", "\\$")).join("|")})"\\s*:\\s*-?\\d`);
/** The score closing a [document, score] pair. */
const PAIR_SCORE_TEXT = /\}\s*,\s*-?\d[\d.eE+-]*\s*\]/;
/** Bodies larger than this are not parsed for the heuristic (a search answer is small). */
const MAX_BODY = 2 * 1024 * 1024;

function scoreOf(item: Obj): number | undefined {
  // Numbers only: a numeric string is too weak a signal for a shape heuristic.
  for (const k of SCORE_KEYS) {
    const v = item[k];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

function chunkText(item: Obj): string | undefined {
  for (const k of CHUNK_KEYS) if (typeof item[k] === "string" && item[k] !== "") return item[k];
  for (const n of NESTED) {
    const inner = obj(item[n]);
    if (inner) for (const k of CHUNK_KEYS) if (typeof inner[k] === "string" && inner[k] !== "") return inner[k];
  }
  return undefined;
}

/** One result as a document, or undefined when it does not look like a scored chunk. */
function scoredChunk(item: unknown): RetrievedDoc | undefined {
  // LangChain similarity_search_with_score serialised: [document, score].
  if (Array.isArray(item) && item.length === 2 && isObj(item[0]) && typeof item[1] === "number") {
    const text = chunkText(item[0]);
    return text === undefined ? undefined : doc(item[0].id ?? obj(item[0].metadata)?.id, item[1], text);
  }
  if (!isObj(item)) return undefined;
  const text = chunkText(item);
  const score = scoreOf(item) ?? scoreOf(obj(item.metadata) ?? {});
  if (text === undefined || score === undefined) return undefined;
  return doc(item.id ?? item._id ?? obj(item.metadata)?.id ?? obj(item.document)?.id, score, text);
}

/** The result list: the body itself, or under a results-like key (one level of nesting allowed). */
function resultList(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  const o = obj(body);
  if (!o) return undefined;
  for (const k of RESULT_KEYS) {
    const v = o[k];
    if (Array.isArray(v)) return v;
    const inner = obj(v);
    if (inner) for (const k2 of RESULT_KEYS) if (Array.isArray(inner[k2])) return inner[k2] as unknown[];
  }
  return undefined;
}

function scoredChunks(items: unknown[]): RetrievedDoc[] | undefined {
  if (items.length === 0) return undefined;
  const inspected = items.slice(0, INSPECTED).map(scoredChunk);
  if (inspected.some((d) => d === undefined)) return undefined;
  const rest = items.slice(INSPECTED).map(scoredChunk).filter((d): d is RetrievedDoc => d !== undefined);
  return [...(inspected as RetrievedDoc[]), ...rest];
}

/** The query text of a search-like request: a common body field, else a common URL parameter. */
export function defaultQueryText(ctx: Ctx): string | undefined {
  for (const k of QUERY_FIELDS) {
    const v = str(ctx.req?.[k]);
    if (v && v.trim() !== "") return v;
  }
  const params = ctx.url?.searchParams;
  for (const k of ["q", "query", "question", "search"]) {
    const v = params?.get(k);
    if (v) return v;
  }
  return undefined;
}

/**
 * The response text when it can be judged by its shape: complete, successful, not a stream,
 * JSON or untyped, small enough, and opening like JSON. Shared with retrieval-shapes.ts.
 */
export function judgeableBody(ctx: Ctx): string | undefined {
  if (!ctx.complete || (ctx.status !== undefined && ctx.status >= 400) || ctx.chunks.length === 0 || isEventStream(ctx)) return undefined;
  if (ctx.mime !== "" && !ctx.mime.includes("json")) return undefined;
  const text = ctx.text();
  return text.length > MAX_BODY || !/^\s*[[{]/.test(text) ? undefined : text;
}

/** The documents of a search-like response, when the exchange passes all three tests above. */
export function detectSearchEndpoint(ctx: Ctx): RetrievalRequest | undefined {
  const text = judgeableBody(ctx);
  if (text === undefined) return undefined;
  // Most JSON responses are not search results: skip parsing those that cannot be.
  if (!CHUNK_KEY_TEXT.test(text) || !(SCORE_KEY_TEXT.test(text) || PAIR_SCORE_TEXT.test(text))) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok) return undefined;
  const items = resultList(parsed.value);
  const docs = items && scoredChunks(items);
  if (!docs) return undefined;
  const query = defaultQueryText(ctx);
  if (query === undefined && !SEARCH_PATH.test(ctx.path)) return undefined;
  return {
    dataSource: ctx.path || "/",
    query,
    readDocs: () => docs,
  };
}

/** Documents anywhere in a response, by the same shape rules but without the request test (user rules). */
export function findScoredChunks(body: unknown): RetrievedDoc[] | undefined {
  const items = resultList(body);
  return items ? scoredChunks(items) : undefined;
}
