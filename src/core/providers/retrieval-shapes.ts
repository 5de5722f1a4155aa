/**
 * Vector stores recognised by the shape of their calls, wherever they are sent: a proxy, a local
 * emulator, an app route that forwards the vendor's body (docs/DESIGN.md, "Retrieval by shape").
 * retrieval-vendors.ts knows the vendors' own addresses; this finds the same calls elsewhere.
 *
 * Conservative, because an app's ordinary JSON API must not become a retrieval span: a vendor
 * counts only when BOTH its request is that vendor's query (Pinecone's topK with a vector, a
 * Weaviate GraphQL Get with nearText...) AND the complete, successful JSON response is that
 * vendor's result (Pinecone's matches[{id, score}], Qdrant's {result, status, time}...). Every
 * inspected result item must carry the vendor's id and score; an empty result list counts (a
 * query that found nothing is still a retrieval). The response is parsed only when some
 * vendor's request shape matched, so ordinary traffic costs one look at its request.
 */
import type { Ctx } from "./context";
import { arr, isObj, name, num, obj, parseJson } from "./json";
import type { Obj } from "./json";
import { idOf } from "./retrieval-docs";
import type { RetrievalRequest } from "./retrieval-docs";
import { judgeableBody } from "./retrieval-heuristic";
import {
  chromaQuery,
  firstRequest,
  isVectorSearch,
  milvusSearch,
  pineconeQuery,
  pineconeSearch,
  qdrantSearch,
  supabaseMatch,
  turbopufferQuery,
  upstashQuery,
  vectorSearch,
  weaviateGraphqlSearch,
} from "./retrieval-vendors";

interface Shape {
  /** Whether the request is this vendor's query. */
  request(req: Obj): boolean;
  /** The retrieval, when the parsed response is this vendor's result. */
  response(body: Obj | unknown[], req: Obj, ctx: Ctx): RetrievalRequest | undefined;
}

/** Items inspected per result list: enough to tell, bounded on a long list. */
const INSPECTED = 20;

/** A dense vector: a non-empty array of numbers. */
function isVector(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number");
}

/** Every inspected item is an object with an id and a numeric score, read by the vendor's keys. */
function allScored(items: unknown, id: (o: Obj) => unknown, score: (o: Obj) => unknown): boolean {
  if (!Array.isArray(items)) return false;
  return items.slice(0, INSPECTED).every((item) => isObj(item) && idOf(id(item)) !== undefined && num(score(item)) !== undefined);
}

/** A list of lists (one per query of a batch) or a plain list. */
function flat(items: unknown): unknown {
  return Array.isArray(items) && items.some(Array.isArray) ? items.flat() : items;
}

/** Where the call went, as a data source when the body names none. */
const where = (ctx: Ctx): string => ctx.path || "/";

// Pinecone: POST /query {topK, vector | sparseVector | id} -> {matches: [{id, score, metadata}], namespace}
const pinecone: Shape = {
  request: (req) => num(req.topK) !== undefined && (isVector(req.vector) || isObj(req.sparseVector) || typeof req.id === "string"),
  response: (body, req, ctx) => {
    const o = obj(body);
    if (!o || !allScored(o.matches, (m) => m.id, (m) => m.score)) return undefined;
    return pineconeQuery(req, name(req.namespace) ?? name(o.namespace) ?? where(ctx));
  },
};

// Pinecone integrated inference: {query: {top_k, inputs | vector | id}} -> {result: {hits: [{_id, _score, fields}]}}
const pineconeRecords: Shape = {
  request: (req) => {
    const q = obj(req.query);
    return q !== undefined && num(q.top_k) !== undefined && (isObj(q.inputs) || isObj(q.vector) || typeof q.id === "string");
  },
  response: (body, req, ctx) => (allScored(obj(obj(body)?.result)?.hits, (h) => h._id, (h) => h._score) ? pineconeSearch(req, where(ctx)) : undefined),
};

// Upstash Vector: {topK, vector | data | sparseVector} (or a list of them) -> {result: [{id, score}]} (or a list of lists)
const upstash: Shape = {
  request: (req) => num(req.topK) !== undefined && (isVector(req.vector) || typeof req.data === "string" || isObj(req.sparseVector)),
  response: (body, req, ctx) => {
    const result = obj(body)?.result;
    return Array.isArray(result) && allScored(flat(result), (r) => r.id, (r) => r.score) ? upstashQuery(req, where(ctx)) : undefined;
  },
};

// Qdrant: {vector, limit} | {query, limit...} | {searches: [...]} -> {result, status: "ok", time}
const qdrant: Shape = {
  request: (req) =>
    isVector(req.vector) ||
    isObj(req.vector) ||
    Array.isArray(req.searches) ||
    (req.query !== undefined && (num(req.limit) !== undefined || req.with_payload !== undefined || req.prefetch !== undefined || typeof req.using === "string")),
  response: (body, req, ctx) => {
    const o = obj(body);
    if (!o || o.status !== "ok" || num(o.time) === undefined) return undefined;
    // search: points; query: {points}; the batches: a list of either.
    const groups = Array.isArray(o.result) ? o.result : [o.result];
    const points = flat(groups.map((g) => (isObj(g) && Array.isArray(g.points) ? g.points : g)));
    if (!allScored(points, (p) => p.id, (p) => p.score)) return undefined;
    return qdrantSearch(req, where(ctx), Array.isArray(req.searches));
  },
};

// Weaviate: GraphQL {query: "{ Get { Class(nearText: ...) { ... _additional { id distance } } } }"} -> {data: {Get: {Class: [...]}}}
const weaviate: Shape = {
  request: (req) => weaviateGraphqlSearch(req) !== undefined,
  response: (body, req) => {
    const search = weaviateGraphqlSearch(req);
    const found = obj(obj(obj(body)?.data)?.Get)?.[search?.dataSource ?? ""];
    // Items are the class's objects: their id and score are optional _additional fields.
    return search && Array.isArray(found) && found.slice(0, INSPECTED).every(isObj) ? search : undefined;
  },
};

// Chroma: {query_embeddings | query_texts, n_results} -> columnar {ids: [[...]], distances, metadatas, ...}
const chroma: Shape = {
  request: (req) => Array.isArray(req.query_embeddings) || Array.isArray(req.query_texts),
  response: (body, req, ctx) => {
    const o = obj(body);
    if (!o || !Array.isArray(o.ids) || !o.ids.every(Array.isArray) || !("distances" in o) || !("metadatas" in o)) return undefined;
    return chromaQuery(req, where(ctx));
  },
};

// Milvus / Zilliz: {collectionName, data | search} -> {code, data: [{id, distance}]} or {code, message}
const milvus: Shape = {
  request: (req) => name(req.collectionName) !== undefined && (Array.isArray(req.data) || Array.isArray(req.search)),
  response: (body, req, ctx) => {
    const o = obj(body);
    const code = num(o?.code);
    if (!o || code === undefined) return undefined;
    const hits = allScored(o.data, (h) => h.id ?? h.pk, (h) => h.distance);
    // An error answered with HTTP 200 is Milvus's too; the span reports it.
    const error = code !== 0 && code !== 200 && typeof o.message === "string";
    return hits || error ? milvusSearch(req, ctx.url?.hostname ?? "") : undefined;
  },
};

// Elasticsearch / OpenSearch: a kNN, neural, semantic or hybrid query -> {took, hits: {hits: [{_index, _id, _score}]}}
const searchEngine: Shape = {
  request: isVectorSearch,
  response: (body, req, ctx) => {
    const o = obj(body);
    const hits = obj(o?.hits)?.hits;
    if (!o || num(o.took) === undefined || !allScored(hits, (h) => h._id, (h) => h._score)) return undefined;
    return vectorSearch(req, name(obj(arr(hits)[0])?._index) ?? where(ctx), ctx.url?.hostname ?? "");
  },
};

// pgvector through Supabase RPC: {query_embedding, match_count | match_threshold} -> [{id, content, similarity}]
const supabase: Shape = {
  request: (req) =>
    (isVector(req.query_embedding) || typeof req.query_embedding === "string") && (num(req.match_count) !== undefined || num(req.match_threshold) !== undefined),
  response: (body, req, ctx) => {
    const similarity = (row: Obj) => row.similarity ?? row.distance ?? row.score;
    if (!Array.isArray(body) || !allScored(body, (row) => row.id, similarity)) return undefined;
    // PostgREST calls a function at /rpc/{name}: its name is the data source.
    const fn = /\/rpc\/([^/]+)$/.exec(ctx.path)?.[1];
    return supabaseMatch(req, fn ?? where(ctx));
  },
};

/** Whether turbopuffer's rank_by ranks by a vector or BM25: ["field", "ANN" | "BM25", ...], perhaps nested. */
function ranksBySearch(rankBy: unknown, depth = 0): boolean {
  if (!Array.isArray(rankBy) || depth > 4) return false;
  if (rankBy[1] === "ANN" || rankBy[1] === "BM25") return true;
  return rankBy.some((x) => ranksBySearch(x, depth + 1));
}

// turbopuffer: {rank_by: ["vector", "ANN", [...]], top_k} (v1: {vector, top_k}) -> {rows: [{id, $dist}]} (v1: vectors, dist)
const turbopuffer: Shape = {
  request: (req) => num(req.top_k) !== undefined && (ranksBySearch(req.rank_by) || isVector(req.vector)),
  response: (body, req, ctx) => {
    const o = obj(body);
    const rows = o?.rows ?? o?.vectors;
    return allScored(rows, (r) => r.id, (r) => r.$dist ?? r.dist) ? turbopufferQuery(req, where(ctx)) : undefined;
  },
};

/** Vendors whose request shapes overlap (Pinecone's and Upstash's) are told apart by their responses. */
const SHAPES: readonly Shape[] = [pinecone, pineconeRecords, upstash, qdrant, weaviate, chroma, milvus, searchEngine, supabase, turbopuffer];

/** The vendor retrieval this exchange is by the shapes of its request and response, if any. */
export function detectRetrievalShape(ctx: Ctx): RetrievalRequest | undefined {
  if (ctx.method !== "POST") return undefined;
  // A batch request is a list of queries: judged by its first (Upstash's batch form).
  const req = firstRequest(ctx.req, ctx.ex.request.body?.text);
  if (!req) return undefined;
  const candidates = SHAPES.filter((s) => s.request(req));
  if (candidates.length === 0) return undefined;
  const text = judgeableBody(ctx);
  const parsed = text === undefined ? undefined : parseJson(text);
  if (!parsed?.ok || !(isObj(parsed.value) || Array.isArray(parsed.value))) return undefined;
  for (const shape of candidates) {
    const found = shape.response(parsed.value, req, ctx);
    if (found) return found;
  }
  return undefined;
}
