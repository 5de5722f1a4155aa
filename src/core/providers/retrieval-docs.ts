/**
 * What every retrieval parser shares: the retrieved-document shape of
 * gen_ai.retrieval.documents ([{id, score, content?}]), picking a readable text out of a
 * vendor's payload/metadata object, and the caps that keep a span small (the full response
 * body stays in the exchange).
 */
import type { DraftBuilder } from "./draft";
import { isObj, num } from "./json";

export interface RetrievedDoc {
  id?: string;
  score?: number;
  content?: string;
}

/** Everything a detector learned from the request, plus how to read documents from the response. */
export interface RetrievalRequest {
  /** gen_ai.provider.name: the vendor; none for an app's own endpoint (its host is server.address). */
  provider?: string | undefined;
  /** gen_ai.data_source.id: index, collection, namespace, function or endpoint. */
  dataSource: string;
  query?: string | undefined;
  topK?: number | undefined;
  /** Documents from the parsed response body; undefined when the body is not the expected shape. */
  readDocs(body: unknown): RetrievedDoc[] | undefined;
  /** An error the vendor reports inside a 200 response (GraphQL errors, Milvus codes). */
  bodyError?(body: unknown): { type: string; message?: string | undefined } | undefined;
}

/** Documents kept on the span, and characters of content kept per document. */
export const MAX_DOCS = 50;
export const MAX_CONTENT = 1000;

/** Payload keys that usually hold a chunk's text, most specific first. */
const TEXT_KEYS = [
  "content",
  "text",
  "page_content",
  "pageContent",
  "chunk",
  "chunk_text",
  "body",
  "passage",
  "snippet",
  "document",
  "data",
  "description",
  "title",
];

/** The first non-empty string under a text-like key of `o` (one level deep, then one nested object). */
export function textOf(o: unknown): string | undefined {
  if (!isObj(o)) return undefined;
  for (const k of TEXT_KEYS) {
    const v = o[k];
    if (typeof v === "string" && v.trim() !== "") return v;
  }
  // LangChain-style documents nest the text: {metadata: {...}, document: {pageContent}}.
  for (const k of ["metadata", "payload", "document", "fields", "properties", "attributes", "_source"]) {
    const inner = o[k];
    if (isObj(inner)) {
      for (const key of TEXT_KEYS) {
        const v = inner[key];
        if (typeof v === "string" && v.trim() !== "") return v;
      }
    }
  }
  return undefined;
}

/** A number, or a numeric string (Weaviate reports hybrid scores as strings). */
export function numeric(v: unknown): number | undefined {
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return num(v);
}

export function idOf(v: unknown): string | undefined {
  if (typeof v === "string" && v !== "") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

export function doc(id: unknown, score: unknown, content: unknown): RetrievedDoc {
  const d: RetrievedDoc = {};
  const i = idOf(id);
  if (i !== undefined) d.id = i;
  const s = numeric(score);
  if (s !== undefined) d.score = s;
  if (typeof content === "string" && content !== "") d.content = content;
  return d;
}

function capped(d: RetrievedDoc): RetrievedDoc {
  if (d.content === undefined || d.content.length <= MAX_CONTENT) return d;
  return { ...d, content: `${d.content.slice(0, MAX_CONTENT)}…[${d.content.length} chars]` };
}

/** gen_ai.retrieval.documents (capped) and the full count, so a cut list is visible as one. */
export function setDocuments(b: DraftBuilder, docs: readonly RetrievedDoc[]): void {
  b.set("llm_trace.retrieval.document_count", docs.length);
  if (docs.length === 0) {
    b.attributes["gen_ai.retrieval.documents"] = "[]";
    return;
  }
  b.setJson("gen_ai.retrieval.documents", docs.slice(0, MAX_DOCS).map(capped));
}

/** The request-side attributes every retrieval span carries. */
export function setRetrievalRequest(b: DraftBuilder, r: RetrievalRequest): void {
  b.kind = "retrieval";
  b.operation = "retrieval";
  b.set("gen_ai.data_source.id", r.dataSource);
  if (r.query !== undefined && r.query.trim() !== "") b.set("gen_ai.retrieval.query.text", r.query);
  b.set("gen_ai.request.top_k", r.topK);
}
