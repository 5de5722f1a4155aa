/**
 * Vector stores and search APIs recognised by their URL grammar (plus, where a path is shared
 * with ordinary traffic, the request body): Pinecone, Qdrant, Weaviate, Chroma, Milvus/Zilliz,
 * Elasticsearch/OpenSearch vector search, Supabase/pgvector RPC, Upstash Vector, Turbopuffer.
 * Each detector reads only the request; documents are read from the response by `readDocs`.
 * The per-vendor readers (`pineconeQuery`, `qdrantSearch`, ...) are shared with
 * retrieval-shapes.ts, which finds the same calls at other addresses by their shape.
 */
import type { Ctx } from "./context";
import { graphqlSearchText } from "./graphql-search";
import { arr, isObj, name, num, obj, str, strings } from "./json";
import type { Obj } from "./json";
import { doc, numeric, textOf } from "./retrieval-docs";
import type { RetrievalRequest, RetrievedDoc } from "./retrieval-docs";

type Detector = (ctx: Ctx, path: string) => RetrievalRequest | undefined;

/** Map items to documents; undefined (shape not understood) when `items` is not an array. */
function docsFrom(items: unknown, read: (item: Obj) => RetrievedDoc): RetrievedDoc[] | undefined {
  if (!Array.isArray(items)) return undefined;
  const out: RetrievedDoc[] = [];
  for (const item of items) if (isObj(item)) out.push(read(item));
  return out;
}

/** Batch endpoints answer a list of lists; single queries a list. */
function flatten(items: unknown): unknown[] | undefined {
  if (!Array.isArray(items)) return undefined;
  return items.some(Array.isArray) ? items.flatMap((x) => (Array.isArray(x) ? x : [x])) : items;
}

/** The first of several score-like fields, in the vendor's order of preference. */
function scoreOf(o: Obj | undefined, ...keys: string[]): number | undefined {
  if (!o) return undefined;
  for (const k of keys) {
    const v = numeric(o[k]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The request body of a batch call is a list: judge by its first element. */
export function firstRequest(req: Obj | undefined, raw: string | undefined): Obj | undefined {
  if (req) return req;
  if (raw?.trimStart().startsWith("[")) {
    try {
      return obj((JSON.parse(raw) as unknown[])[0]);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// ---- Pinecone: data-plane hosts {index}-{project}.svc.{env}.pinecone.io ----

/** POST /query: by vector (or a stored vector's id), matches[].id/score/metadata. */
export function pineconeQuery(req: Obj | undefined, dataSource: string): RetrievalRequest {
  return {
    provider: "pinecone",
    dataSource,
    topK: num(req?.topK),
    readDocs: (body) => docsFrom(obj(body)?.matches, (m) => doc(m.id, m.score, textOf(m.metadata))),
  };
}

/** Integrated inference, POST /records/namespaces/{namespace}/search: result.hits[]._id/_score/fields. */
export function pineconeSearch(req: Obj | undefined, dataSource: string): RetrievalRequest {
  const query = obj(req?.query);
  return {
    provider: "pinecone",
    dataSource,
    query: str(obj(query?.inputs)?.text),
    topK: num(query?.top_k),
    readDocs: (body) => docsFrom(obj(obj(body)?.result)?.hits, (h) => doc(h._id, h._score, textOf(h.fields))),
  };
}

const pinecone: Detector = (ctx, path) => {
  const host = ctx.url?.hostname ?? "";
  if (!host.endsWith(".pinecone.io") || ctx.method !== "POST") return undefined;
  // The first host label is the index name followed by a 7-character project id.
  const index = host.split(".")[0]!.replace(/-[a-z0-9]{7}$/, "");
  if (path === "/query") return pineconeQuery(ctx.req, index);
  if (/^\/records\/namespaces\/[^/]+\/search$/.test(path)) return pineconeSearch(ctx.req, index);
  return undefined;
};

// ---- Qdrant: /collections/{name}/points/search | /points/query (and /batch) ----

/** Search or query points, single or batch ({searches: [...]}): result[] or result.points[]. */
export function qdrantSearch(req: Obj | undefined, dataSource: string, batch: boolean): RetrievalRequest {
  const single = batch ? obj(arr(req?.searches)[0]) : req;
  const q = single?.query;
  // Qdrant Cloud inference takes a document ({text, model}) where a vector would go.
  const query = str(q) ?? str(obj(q)?.text) ?? str(obj(obj(q)?.nearest)?.text);
  return {
    provider: "qdrant",
    dataSource,
    query,
    topK: num(single?.limit) ?? num(single?.top),
    readDocs: (body) => {
      const result = obj(body)?.result;
      // search: a list of points; query: {points}; search/batch: a list of lists; query/batch: a list of {points}.
      const points = Array.isArray(result)
        ? flatten(result.map((r) => (isObj(r) && Array.isArray(r.points) ? r.points : r)))
        : obj(result)?.points;
      return docsFrom(points, (p) => doc(p.id, p.score, textOf(p.payload)));
    },
    bodyError: (body) => {
      const status = obj(body)?.status;
      const error = str(obj(status)?.error);
      return error ? { type: "qdrant_error", message: error } : undefined;
    },
  };
}

const qdrant: Detector = (ctx, path) => {
  const m = /\/collections\/([^/]+)\/points\/(search|query)(\/batch)?$/.exec(path);
  if (!m || ctx.method !== "POST") return undefined;
  return qdrantSearch(ctx.req, m[1]!, m[3] !== undefined);
};

// ---- Weaviate: GraphQL Get with a search operator, and the REST Search API ----

const GRAPHQL_SEARCH = /\b(nearText|nearVector|nearObject|hybrid|bm25|ask)\s*:/;
/** The text a GraphQL Get searches for: nearText concepts, hybrid/bm25/ask query, else a variable. */
function graphqlQueryText(query: string, variables: Obj | undefined): string | undefined {
  const text = graphqlSearchText(query);
  if (text !== undefined) return text;
  // Parameterised queries pass the text as a variable.
  for (const v of Object.values(variables ?? {})) {
    const s = strings(v);
    if (s && typeof s[0] === "string" && s[0] !== "") return s.join(", ");
  }
  return undefined;
}

/** A GraphQL Get with a search operator: data.Get.{Class}[] with _additional id and distance. */
export function weaviateGraphqlSearch(req: Obj | undefined): RetrievalRequest | undefined {
  const query = str(req?.query);
  if (!query || !/\bGet\s*\{/.test(query) || !GRAPHQL_SEARCH.test(query)) return undefined;
  const className = /\bGet\s*\{\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1] ?? "weaviate";
  const limit = /\blimit\s*:\s*(\d+)/.exec(query);
  return {
    provider: "weaviate",
    dataSource: className,
    query: graphqlQueryText(query, obj(req?.variables)),
    topK: limit ? Number(limit[1]) : undefined,
    readDocs: (body) =>
      docsFrom(obj(obj(obj(body)?.data)?.Get)?.[className], (item) => {
        const extra = obj(item._additional);
        return doc(extra?.id, scoreOf(extra, "distance", "certainty", "score", "rerankScore"), textOf(item));
      }),
    bodyError: (body) => {
      const first = obj(arr(obj(body)?.errors)[0]);
      return first ? { type: "graphql_error", message: str(first.message) } : undefined;
    },
  };
}

const weaviateGraphql: Detector = (ctx, path) => {
  if (!path.endsWith("/v1/graphql") || ctx.method !== "POST") return undefined;
  return weaviateGraphqlSearch(ctx.req);
};

/**
 * The collection of a `/v1/search/{collection}[/more/segments]` path, whose segments from there
 * on are all non-empty. Found with indexOf: a pattern that retried each `/v1/search/` to the end
 * of the path took quadratic time on a long one.
 */
export function searchCollection(path: string): string | undefined {
  if (path.endsWith("/")) return undefined;
  // The match must start after any empty segment ("//"), so search from just before the last one.
  const at = path.indexOf("/v1/search/", Math.max(0, path.lastIndexOf("//") - 9));
  if (at < 0) return undefined;
  const start = at + "/v1/search/".length;
  const end = path.indexOf("/", start);
  return path.slice(start, end < 0 ? undefined : end);
}

const weaviateRest: Detector = (ctx, path) => {
  const collection = searchCollection(path);
  if (collection === undefined || ctx.method !== "POST") return undefined;
  const req = ctx.req;
  return {
    provider: "weaviate",
    dataSource: decodeURIComponent(collection),
    query: str(req?.query) ?? strings(req?.concepts)?.join(", ") ?? str(req?.text),
    topK: num(req?.limit),
    readDocs: (body) =>
      docsFrom(obj(body)?.objects ?? obj(body)?.results, (item) => {
        const meta = obj(item.metadata) ?? obj(item._additional);
        return doc(item.uuid ?? item.id, scoreOf(meta, "distance", "certainty", "score", "rerank_score"), textOf(item.properties) ?? textOf(item));
      }),
  };
};

// ---- Chroma: /api/v1/collections/{id}/query, /api/v2/tenants/{t}/databases/{d}/collections/{id}/query ----

/** A collection query: columnar ids/distances/documents/metadatas, one list per query. */
export function chromaQuery(req: Obj | undefined, dataSource: string): RetrievalRequest {
  return {
    provider: "chroma",
    dataSource,
    query: strings(req?.query_texts)?.[0],
    topK: num(req?.n_results),
    readDocs: (body) => {
      const o = obj(body);
      if (!o || !Array.isArray(o.ids)) return undefined;
      // Columnar: one list per query embedding, aligned by position.
      const out: RetrievedDoc[] = [];
      o.ids.forEach((ids, q) => {
        arr(ids).forEach((id, j) => {
          const at = (key: string): unknown => arr(arr(o[key])[q])[j];
          out.push(doc(id, at("distances"), str(at("documents")) ?? textOf(at("metadatas"))));
        });
      });
      return out;
    },
  };
}

const chroma: Detector = (ctx, path) => {
  const m = /^\/api\/v[12]\/(?:.*\/)?collections\/([^/]+)\/query$/.exec(path);
  if (!m || ctx.method !== "POST") return undefined;
  return chromaQuery(ctx.req, decodeURIComponent(m[1]!));
};

// ---- Milvus / Zilliz Cloud: RESTful v2 /v2/vectordb/entities/search ----

/** Entity search: {code, data[].id/distance/fields}; errors as {code, message} with HTTP 200. */
export function milvusSearch(req: Obj | undefined, host: string): RetrievalRequest {
  return {
    provider: host.includes("zilliz") ? "zilliz" : "milvus",
    dataSource: name(req?.collectionName) ?? "milvus",
    // Full-text (BM25) collections take the query text in place of a vector.
    query: strings(req?.data)?.[0],
    topK: num(req?.limit),
    readDocs: (body) =>
      docsFrom(obj(body)?.data, (item) => doc(item.id ?? item.pk, scoreOf(item, "distance", "score"), textOf(item) ?? textOf(item.entity))),
    bodyError: (body) => {
      // Milvus answers HTTP 200 with {code, message} on failure; 0 (and 200 in 2.3) mean success.
      const code = num(obj(body)?.code);
      return code !== undefined && code !== 0 && code !== 200 ? { type: String(code), message: str(obj(body)?.message) } : undefined;
    },
  };
}

const milvus: Detector = (ctx, path) => {
  if (!/\/v2\/vectordb\/entities\/(search|hybrid_search|advanced_search)$/.test(path) || ctx.method !== "POST") return undefined;
  return milvusSearch(ctx.req, ctx.url?.hostname ?? "");
};

// ---- Elasticsearch / OpenSearch: _search with kNN, neural, semantic or hybrid queries ----

const VECTOR_QUERY_KEYS = new Set(["knn", "neural", "semantic", "hybrid", "sparse_vector", "text_expansion", "neural_sparse"]);

/** Depth- and size-bounded walk over a request body, calling `visit` with each key and value. */
function walk(root: unknown, visit: (key: string, value: unknown) => boolean | undefined, maxDepth = 8): void {
  let budget = 2000;
  const step = (v: unknown, depth: number): boolean => {
    if (depth > maxDepth || budget-- <= 0) return false;
    if (Array.isArray(v)) {
      for (const x of v) if (step(x, depth + 1)) return true;
    } else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (visit(k, x) === true) return true;
        if (step(x, depth + 1)) return true;
      }
    }
    return false;
  };
  step(root, 0);
}

export function isVectorSearch(req: Obj): boolean {
  if (req.knn !== undefined || isObj(req.retriever)) return true;
  let found = false;
  walk(req.query, (k) => (found = VECTOR_QUERY_KEYS.has(k)) || undefined);
  return found;
}

/** The text of the search: the embedding model's input, a neural/semantic query, else a match query. */
function searchText(req: Obj): string | undefined {
  let best: string | undefined;
  let rank = 9;
  walk(req, (k, v) => {
    if (typeof v === "string" && v !== "") {
      // semantic.query, multi_match.query, match.{field}.query, query_string.query
      const r = k === "model_text" || k === "query_text" ? 0 : k === "query" ? 2 : 9;
      if (r < rank) {
        best = v;
        rank = r;
      }
    } else if ((k === "match" || k === "match_phrase") && isObj(v) && rank > 3) {
      for (const field of Object.values(v)) {
        const text = str(field) ?? str(obj(field)?.query);
        if (text) {
          best = text;
          rank = 3;
          break;
        }
      }
    }
    return rank === 0 || undefined;
  });
  return best;
}

function knnK(req: Obj): number | undefined {
  const knn = Array.isArray(req.knn) ? obj(req.knn[0]) : obj(req.knn);
  let k = num(knn?.k);
  if (k === undefined) walk(req.query, (key, v) => (key === "k" && (k = num(v)) !== undefined) || undefined);
  return k ?? num(req.size);
}

/** A _search whose query is a vector search (isVectorSearch): hits.hits[]._id/_score/_source. */
export function vectorSearch(req: Obj, dataSource: string, host: string): RetrievalRequest {
  // OpenSearch-only query types, or its knn shape {field: {vector, k}} (Elasticsearch's has `field`).
  const openSearchKnn = isObj(obj(req.query)?.knn) && obj(obj(req.query)?.knn)?.field === undefined;
  const openSearch = /opensearch|\.aoss\./.test(host) || openSearchKnn || obj(req.query)?.neural !== undefined || obj(req.query)?.hybrid !== undefined;
  return {
    provider: openSearch ? "opensearch" : "elasticsearch",
    dataSource,
    query: searchText(req),
    topK: knnK(req),
    readDocs: (body) => docsFrom(obj(obj(body)?.hits)?.hits, (h) => doc(h._id, h._score, textOf(h._source) ?? textOf(h.fields))),
  };
}

const searchEngine: Detector = (ctx, path) => {
  const m = /^(?:\/([^/_][^/]*))?\/_search$/.exec(path);
  const req = ctx.req;
  if (!m || !req || !isVectorSearch(req)) return undefined;
  return vectorSearch(req, m[1] ? decodeURIComponent(m[1]) : "_all", ctx.url?.hostname ?? "");
};

// ---- Supabase / PostgREST: POST /rest/v1/rpc/match_* (pgvector similarity functions) ----

/** A pgvector similarity function called over RPC: rows with a similarity (or distance). */
export function supabaseMatch(req: Obj | undefined, dataSource: string): RetrievalRequest {
  return {
    provider: "supabase",
    dataSource,
    query: str(req?.query_text) ?? str(req?.query) ?? str(req?.search_text) ?? str(req?.search) ?? str(req?.text),
    topK: num(req?.match_count) ?? num(req?.top_k) ?? num(req?.k) ?? num(req?.limit),
    readDocs: (body) =>
      docsFrom(body, (row) => doc(row.id, scoreOf(row, "similarity", "score", "rank", "rrf_score", "distance"), textOf(row))),
  };
}

const supabase: Detector = (ctx, path) => {
  const m = /\/rest\/v1\/rpc\/(match_[A-Za-z0-9_]*)$/.exec(path);
  if (!m || ctx.method !== "POST") return undefined;
  return supabaseMatch(ctx.req, m[1]!);
};

// ---- Upstash Vector: POST https://{index}.upstash.io/query[-data][/{namespace}] ----

/** Query by vector or by data (text); a batch is a list of queries: result[] or a list of lists. */
export function upstashQuery(req: Obj | undefined, dataSource: string): RetrievalRequest {
  return {
    provider: "upstash",
    dataSource,
    query: str(req?.data),
    topK: num(req?.topK),
    readDocs: (body) =>
      docsFrom(flatten(obj(body)?.result), (r) => doc(r.id, r.score, typeof r.data === "string" ? r.data : textOf(r.metadata))),
  };
}

const upstash: Detector = (ctx, path) => {
  const host = ctx.url?.hostname ?? "";
  const m = /^\/(query|query-data)(?:\/([^/]+))?$/.exec(path);
  if (!host.endsWith(".upstash.io") || !m || ctx.method !== "POST") return undefined;
  const index = host.split(".")[0]!;
  return upstashQuery(firstRequest(ctx.req, ctx.ex.request.body?.text), m[2] ? `${index}/${decodeURIComponent(m[2])}` : index);
};

// ---- Turbopuffer: POST /v2/namespaces/{ns}/query (v1: /v1/namespaces/{ns}/query, /v1/vectors/{ns}/query) ----

/** The BM25 text of rank_by: ["field", "BM25", "text"], possibly inside ["Sum", [...]]. */
function bm25Text(rankBy: unknown): string | undefined {
  if (!Array.isArray(rankBy)) return undefined;
  if (rankBy[1] === "BM25" && typeof rankBy[2] === "string") return rankBy[2];
  for (const x of rankBy) {
    const found = bm25Text(x);
    if (found) return found;
  }
  return undefined;
}

/** A namespace query ranked by ANN or BM25: rows[] (v2) or vectors[] (v1) with $dist. */
export function turbopufferQuery(req: Obj | undefined, dataSource: string): RetrievalRequest {
  return {
    provider: "turbopuffer",
    dataSource,
    query: bm25Text(req?.rank_by),
    topK: num(req?.top_k),
    readDocs: (body) => {
      const o = obj(body);
      const rows = Array.isArray(body) ? body : (o?.rows ?? o?.vectors);
      return docsFrom(rows, (r) => doc(r.id, scoreOf(r, "$dist", "dist", "$score", "score"), textOf(r) ?? textOf(r.attributes)));
    },
  };
}

const turbopuffer: Detector = (ctx, path) => {
  const host = ctx.url?.hostname ?? "";
  const m = /^\/v[12]\/(?:namespaces|vectors)\/([^/]+)\/query$/.exec(path);
  if (!host.endsWith("turbopuffer.com") || !m || ctx.method !== "POST") return undefined;
  return turbopufferQuery(ctx.req, decodeURIComponent(m[1]!));
};

const DETECTORS: readonly Detector[] = [pinecone, qdrant, weaviateGraphql, weaviateRest, chroma, milvus, searchEngine, supabase, upstash, turbopuffer];

/** The vendor request this exchange is, judged from its URL and request body. */
export function detectVendorRetrieval(ctx: Ctx, path: string): RetrievalRequest | undefined {
  for (const detect of DETECTORS) {
    const found = detect(ctx, path);
    if (found) return found;
  }
  return undefined;
}
