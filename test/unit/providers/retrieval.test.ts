import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange, type SpanDraft } from "../../../src/core/providers";
import { searchCollection } from "../../../src/core/providers/retrieval-vendors";
import * as f from "../../fixtures/providers/retrieval";
import { makeExchange } from "../../fixtures/providers/make-exchange";
import type { Fixture } from "../../fixtures/providers/make-exchange";
import { assertSubset, classify, jsonAttr } from "./helpers";

const QUESTION = "How do I reset my account password?";

/** Kind, status and attribute types as every span needs them (attribute values are OTel-typed). */
function assertWellFormed(d: SpanDraft, label: string): void {
  assert.ok(["retrieval", "http", "tool", "llm"].includes(d.kind), `${label}: kind`);
  assert.ok(["unset", "ok", "error"].includes(d.status), `${label}: status`);
  for (const [k, v] of Object.entries(d.attributes)) {
    assert.match(k, /^(gen_ai|http|url|server|llm_trace)\.[a-z0-9_.]+$|^error\.type$/, `${label}: key ${k}`);
    const ok = typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || Array.isArray(v);
    assert.ok(ok, `${label}: ${k}`);
  }
  const documents = d.attributes["gen_ai.retrieval.documents"];
  if (documents !== undefined) assert.ok(Array.isArray(JSON.parse(documents as string)), `${label}: documents JSON`);
}

interface Doc {
  id?: string;
  score?: number;
  content?: string;
}
const docs = (d: SpanDraft): Doc[] => jsonAttr(d, "gen_ai.retrieval.documents") as Doc[];

/** The fixture's response body cut at a few places: each draft well-formed and of `kind`. */
function assertCutsAre(fx: Fixture, kind: SpanDraft["kind"]): void {
  const ex = makeExchange(fx);
  const text = ex.chunks.map((c) => c.text).join("");
  for (const cut of [0, 1, Math.floor(text.length / 2), text.length - 1]) {
    const d = classifyExchange({ ...ex, chunks: [{ time: ex.chunks[0]!.time, text: text.slice(0, cut) }] });
    assertWellFormed(d, `${fx.name} cut at ${cut}`);
    assert.equal(d.kind, kind, `${fx.name} cut at ${cut}`);
  }
}

function retrieval(fixture: Fixture): SpanDraft {
  const d = classify(fixture);
  assertWellFormed(d, fixture.name);
  assert.equal(d.kind, "retrieval", `${fixture.name}: kind`);
  assert.equal(d.attributes["gen_ai.operation.name"], "retrieval");
  assert.equal(d.name, `retrieval ${String(d.attributes["gen_ai.data_source.id"])}`);
  return d;
}

describe("retrieval vendors", () => {
  it("Pinecone query: index from the host, matches with metadata text", () => {
    const d = retrieval(f.pineconeQuery);
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "pinecone",
      "gen_ai.data_source.id": "support-kb",
      "gen_ai.request.top_k": 3,
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "llm_trace.retrieval.document_count": 3,
    });
    assert.equal(d.status, "ok");
    assert.equal(d.attributes["gen_ai.retrieval.query.text"], undefined, "a vector query has no text");
    const list = docs(d);
    assert.deepEqual(list[0], { id: "kb-101#chunk-0", score: 0.912, content: list[0]!.content });
    assert.match(list[0]!.content!, /reset your password/);
    assert.deepEqual(list[2], { id: "kb-300#chunk-1", score: 0.611 });
  });

  it("Pinecone search records: the text query", () => {
    const d = retrieval(f.pineconeSearchRecords);
    assertSubset(d.attributes, { "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 2, "gen_ai.data_source.id": "support-kb" });
    assert.deepEqual(docs(d).map((x) => [x.id, x.score]), [["kb-101#chunk-0", 0.88], ["kb-207#chunk-2", 0.74]]);
  });

  it("Qdrant search and query (cloud inference text)", () => {
    const s = retrieval(f.qdrantSearch);
    assertSubset(s.attributes, { "gen_ai.provider.name": "qdrant", "gen_ai.data_source.id": "support_docs", "gen_ai.request.top_k": 2 });
    assert.deepEqual(docs(s).map((x) => x.id), ["101", "5c56c793-69f3-4fbf-87e6-c4bf54c28c26"]);
    assert.match(docs(s)[1]!.content!, /locked/);
    const q = retrieval(f.qdrantQuery);
    assert.equal(q.attributes["gen_ai.retrieval.query.text"], QUESTION);
    assert.deepEqual(docs(q).map((x) => [x.id, x.score]), [["101", 0.79]]);
  });

  it("Weaviate GraphQL nearText: class, concepts, _additional id and distance", () => {
    const d = retrieval(f.weaviateGraphql);
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "weaviate",
      "gen_ai.data_source.id": "HelpArticle",
      "gen_ai.retrieval.query.text": QUESTION,
      "gen_ai.request.top_k": 2,
    });
    const list = docs(d);
    assert.equal(list[0]!.id, "8f3a1c52-0d1e-4b7e-9d8c-1f2e3a4b5c6d");
    assert.equal(list[0]!.score, 0.18);
    assert.match(list[0]!.content!, /reset your password/);
  });

  it("Weaviate GraphQL hybrid: the query and a string score", () => {
    const d = retrieval(f.weaviateHybrid);
    assert.equal(d.attributes["gen_ai.retrieval.query.text"], "reset password");
    assert.equal(docs(d)[0]!.score, 0.016393442);
  });

  it("Weaviate REST search", () => {
    const d = retrieval(f.weaviateRest);
    assertSubset(d.attributes, { "gen_ai.data_source.id": "HelpArticle", "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 1 });
    assert.deepEqual(docs(d)[0]!.id, "8f3a1c52-0d1e-4b7e-9d8c-1f2e3a4b5c6d");
  });

  it("Weaviate REST: the collection is found as the pattern it replaces found it, on every path of up to 5 pieces", () => {
    const before = /\/v1\/search\/([^/]+)(?:\/[^/]+)*$/;
    const pieces = ["/", "v1", "search", "a", "/v1/search/", "x/"];
    let paths = [""];
    for (let length = 1; length <= 5; length++) {
      paths = paths.flatMap((p) => pieces.map((x) => p + x));
      for (const path of paths) assert.equal(searchCollection(path), before.exec(path)?.[1], path);
    }
  });

  it("Weaviate GraphQL errors in a 200 response make an error span", () => {
    const d = classify({ ...f.weaviateGraphql, chunks: [{ dt: 10, text: JSON.stringify({ errors: [{ message: "no such class HelpArticle" }] }) }] });
    assert.equal(d.kind, "retrieval");
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "graphql_error");
  });

  it("Chroma: columnar results aligned by position", () => {
    const d = retrieval(f.chromaQuery);
    assertSubset(d.attributes, { "gen_ai.provider.name": "chroma", "gen_ai.data_source.id": "6f4a2c1e-support", "gen_ai.request.top_k": 2 });
    const list = docs(d);
    assert.deepEqual(list.map((x) => [x.id, x.score]), [["kb-101", 0.21], ["kb-207", 0.44]]);
    assert.match(list[1]!.content!, /locked/);
  });

  it("Milvus/Zilliz search, and an error code in a 200 body", () => {
    const d = retrieval(f.milvusSearch);
    assertSubset(d.attributes, { "gen_ai.provider.name": "zilliz", "gen_ai.data_source.id": "support_docs", "gen_ai.request.top_k": 2 });
    assert.deepEqual(docs(d).map((x) => [x.id, x.score]), [["451", 0.93], ["452", 0.81]]);
    const e = classify(f.milvusError);
    assert.equal(e.kind, "retrieval");
    assert.equal(e.status, "error");
    assert.equal(e.attributes["error.type"], "100");
    assert.equal(e.attributes["gen_ai.provider.name"], "milvus");
  });

  it("Elasticsearch kNN with a query_vector_builder text; OpenSearch neural", () => {
    const d = retrieval(f.elasticKnn);
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "elasticsearch",
      "gen_ai.data_source.id": "help-articles",
      "gen_ai.retrieval.query.text": QUESTION,
      "gen_ai.request.top_k": 2,
    });
    assert.deepEqual(docs(d).map((x) => x.id), ["101", "207"]);
    const o = retrieval(f.openSearchNeural);
    assertSubset(o.attributes, { "gen_ai.provider.name": "opensearch", "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 1 });
    assert.match(docs(o)[0]!.content!, /reset your password/);
  });

  it("a plain keyword _search is not a retrieval", () => {
    assert.equal(classify(f.elasticKeyword).kind, "http");
  });

  it("Supabase match_* RPC", () => {
    const d = retrieval(f.supabaseMatch);
    assertSubset(d.attributes, { "gen_ai.provider.name": "supabase", "gen_ai.data_source.id": "match_documents", "gen_ai.request.top_k": 2 });
    assert.deepEqual(docs(d).map((x) => [x.id, x.score]), [["12", 0.86], ["31", 0.8]]);
  });

  it("Upstash Vector query-data: text query, data or metadata text", () => {
    const d = retrieval(f.upstashQueryData);
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "upstash",
      "gen_ai.data_source.id": "support-kb-12345-us1-vector/help",
      "gen_ai.retrieval.query.text": QUESTION,
    });
    assert.match(docs(d)[0]!.content!, /reset your password/);
    assert.match(docs(d)[1]!.content!, /locked/);
  });

  it("Turbopuffer BM25: the rank_by text and $dist", () => {
    const d = retrieval(f.turbopufferQuery);
    assertSubset(d.attributes, { "gen_ai.data_source.id": "help-center", "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 2 });
    assert.deepEqual(docs(d).map((x) => [x.id, x.score]), [["101", 7.42], ["207", 3.1]]);
  });

  it("a vendor request is a retrieval span already while in flight", () => {
    const d = classify({ ...f.qdrantSearch, chunks: [], outcome: "inflight" });
    assert.equal(d.kind, "retrieval");
    assert.equal(d.status, "unset");
    assert.equal(d.attributes["gen_ai.retrieval.documents"], undefined);
  });

  it("HTTP errors keep the retrieval kind", () => {
    const d = classify({ ...f.pineconeQuery, status: 401, chunks: [{ dt: 5, text: '{"code":16,"message":"Invalid API Key"}' }] });
    assert.equal(d.kind, "retrieval");
    assert.equal(d.status, "error");
  });

  it("documents are capped: at most 50 kept, long contents cut, the full count recorded", () => {
    const matches = Array.from({ length: 80 }, (_, i) => ({ id: `d${i}`, score: 1 - i / 100, metadata: { text: "x".repeat(3000) } }));
    const d = classify({ ...f.pineconeQuery, chunks: [{ dt: 5, text: JSON.stringify({ matches }) }] });
    const list = docs(d);
    assert.equal(list.length, 50);
    assert.equal(d.attributes["llm_trace.retrieval.document_count"], 80);
    assert.ok(list[0]!.content!.length < 1100);
    assert.match(list[0]!.content!, /…\[3000 chars\]$/);
  });

  it("every vendor fixture yields a well-formed retrieval draft under any truncation", () => {
    for (const fx of f.vendorFixtures) assertCutsAre(fx, "retrieval");
  });
});

describe("retrieval heuristic for an app's own search endpoint", () => {
  it("recognises scored chunks under results, with the query from the body; no provider, the host is the server", () => {
    const d = retrieval(f.appSearch);
    assert.equal(d.attributes["gen_ai.provider.name"], undefined);
    assertSubset(d.attributes, {
      "server.address": "support.example.com",
      "gen_ai.data_source.id": "/api/search",
      "gen_ai.retrieval.query.text": QUESTION,
    });
    assert.deepEqual(docs(d).map((x) => [x.id, x.score]), [["kb-101", 0.91], ["kb-207", 0.77]]);
  });

  it("recognises LangChain [document, score] pairs, with the query from the URL", () => {
    const d = retrieval(f.appRetrieveLangchain);
    assert.equal(d.attributes["gen_ai.retrieval.query.text"], "reset password");
    assert.deepEqual(docs(d).map((x) => [x.id, x.score]), [["kb-101", 0.23], ["kb-207", 0.41]]);
  });

  it("leaves ordinary JSON APIs alone", () => {
    for (const fx of [f.appRecommendations, f.appFeed, f.appScoredComments]) {
      assert.equal(classify(fx).kind, "http", fx.name);
    }
    // One unscored item is enough to reject the list.
    const mixed = JSON.stringify({ results: [{ id: 1, score: 0.9, content: "a" }, { id: 2, content: "b" }] });
    assert.equal(classify({ ...f.appSearch, chunks: [{ dt: 5, text: mixed }] }).kind, "http");
    // Empty results, errors, and unfinished bodies are not judged.
    assert.equal(classify({ ...f.appSearch, chunks: [{ dt: 5, text: '{"results":[]}' }] }).kind, "http");
    assert.equal(classify({ ...f.appSearch, status: 500 }).kind, "http");
    assert.equal(classify({ ...f.appSearch, outcome: "inflight" }).kind, "http");
  });
});

describe("vector stores by request and response shape, at any address", () => {
  it("each vendor's call through a proxy or an emulator is its retrieval, documents and all", () => {
    const expected: [Fixture, string, string][] = [
      [f.pineconeLocal, "pinecone", "help-center"],
      [f.pineconeRecordsProxied, "pinecone", "/api/kb/search"],
      [f.upstashProxied, "upstash", "/api/vector/query-data"],
      [f.qdrantProxied, "qdrant", "/api/qdrant"],
      [f.qdrantQueryProxied, "qdrant", "/api/qdrant"],
      [f.weaviateProxied, "weaviate", "HelpArticle"],
      [f.chromaProxied, "chroma", "/api/chroma"],
      [f.milvusProxied, "milvus", "support_docs"],
      [f.elasticProxied, "elasticsearch", "help-articles"],
      [f.postgrestMatch, "supabase", "match_documents"],
      [f.turbopufferProxied, "turbopuffer", "/api/tpuf"],
    ];
    assert.equal(expected.length, f.shapeFixtures.length);
    for (const [fx, provider, dataSource] of expected) {
      const d = retrieval(fx);
      assertSubset(d.attributes, { "gen_ai.provider.name": provider, "gen_ai.data_source.id": dataSource });
      assert.equal(d.status, "ok", fx.name);
      assert.equal(d.attributes["server.address"], new URL(fx.url).hostname, fx.name);
      // The same documents as at the vendor's own address.
      const home = f.vendorFixtures.find((v) => fx.name.startsWith(v.name))!;
      assert.deepEqual(docs(d), docs(classify(home)), fx.name);
      assert.ok(docs(d).length > 0, fx.name);
    }
  });

  it("the query text and top_k come from the request as at the vendor's address", () => {
    assertSubset(retrieval(f.pineconeLocal).attributes, { "gen_ai.request.top_k": 3, "server.port": 5081 });
    assertSubset(retrieval(f.qdrantQueryProxied).attributes, { "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 2 });
    assertSubset(retrieval(f.weaviateProxied).attributes, { "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 2 });
    assertSubset(retrieval(f.turbopufferProxied).attributes, { "gen_ai.retrieval.query.text": QUESTION, "gen_ai.request.top_k": 2 });
  });

  it("a vendor's error in a 200 body is its error span", () => {
    const d = classify(f.milvusErrorProxied);
    assert.equal(d.kind, "retrieval");
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "100");
  });

  it("needs both halves: a vendor-like request or response alone is an ordinary API", () => {
    for (const fx of [f.sportsMatches, f.recommenderVector, f.jobStatus, f.elasticKeywordProxied]) {
      assert.equal(classify(fx).kind, "http", fx.name);
    }
    // A vendor's request answered by another vendor's result shape is neither.
    const crossed = { ...f.pineconeLocal, chunks: f.chromaQuery.chunks };
    assert.equal(classify(crossed).kind, "http");
    // One result without the vendor's score is enough to reject the list.
    const unscored = JSON.stringify({ matches: [{ id: "a", score: 0.9 }, { id: "b" }], namespace: "" });
    assert.equal(classify({ ...f.pineconeLocal, chunks: [{ dt: 5, text: unscored }] }).kind, "http");
  });

  it("judged on the whole successful response only: in flight, HTTP errors and other methods stay http", () => {
    assert.equal(classify({ ...f.pineconeLocal, chunks: [], outcome: "inflight" }).kind, "http");
    assert.equal(classify({ ...f.pineconeLocal, outcome: "inflight" }).kind, "http");
    assert.equal(classify({ ...f.pineconeLocal, status: 500 }).kind, "http");
    assert.equal(classify({ ...f.pineconeLocal, method: "PUT" }).kind, "http");
    assert.equal(classify({ ...f.pineconeLocal, responseHeaders: { "content-type": "text/html" } }).kind, "http");
  });

  it("a cut body is never judged: http, well-formed, whatever the cut", () => {
    for (const fx of f.shapeFixtures) assertCutsAre(fx, "http");
  });

  it("an empty result list still counts when both shapes match", () => {
    const d = classify({ ...f.pineconeLocal, chunks: [{ dt: 5, text: JSON.stringify({ matches: [], namespace: "help-center" }) }] });
    assert.equal(d.kind, "retrieval");
    assert.equal(d.attributes["llm_trace.retrieval.document_count"], 0);
  });
});
