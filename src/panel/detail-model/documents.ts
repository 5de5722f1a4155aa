/** gen_ai.retrieval.documents ([{id, score, content?}]) read for the Documents table. */
import type { AttributeValue } from "../../core/contract";
import type { RetrievedDoc as StoredDoc } from "../../core/providers";

/** A document as the attribute stores it, with its place in the table. */
export interface RetrievedDoc extends StoredDoc {
  rank: number;
  /** Score as a 0..1 bar length. */
  bar?: number;
}

export type DocsResult = { ok: true; docs: RetrievedDoc[] } | { ok: false; raw: string };

/**
 * Scores in [0, 1] (cosine similarity, relevance) are drawn as they are; other scales (BM25,
 * distances) relative to the largest absolute score in the list.
 */
export function parseDocuments(value: AttributeValue | undefined): DocsResult | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = typeof value === "string" ? JSON.parse(value) : value;
  } catch {
    return { ok: false, raw: String(value) };
  }
  if (!Array.isArray(parsed)) return { ok: false, raw: String(value) };
  const docs: RetrievedDoc[] = parsed.map((d: unknown, i) => {
    const o = (typeof d === "object" && d !== null ? d : { content: d }) as Record<string, unknown>;
    const doc: RetrievedDoc = { rank: i + 1 };
    if (typeof o.id === "string" || typeof o.id === "number") doc.id = String(o.id);
    if (typeof o.score === "number" && Number.isFinite(o.score)) doc.score = o.score;
    if (o.content !== undefined && o.content !== null) doc.content = typeof o.content === "string" ? o.content : JSON.stringify(o.content);
    return doc;
  });
  const scores = docs.map((d) => d.score).filter((s): s is number => s !== undefined);
  const unit = scores.every((s) => s >= 0 && s <= 1);
  const max = Math.max(0, ...scores.map(Math.abs));
  for (const d of docs) if (d.score !== undefined) d.bar = unit ? d.score : max > 0 ? Math.abs(d.score) / max : 0;
  return { ok: true, docs };
}
