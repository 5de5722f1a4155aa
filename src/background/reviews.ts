/**
 * Reviews in storage (docs/DESIGN.md, "Review"): one record per span id in the database that
 * holds the span (the live one, or an imported session's), written only for a span of the
 * caller's own tab or session, and put into spans as evaluation events whenever spans leave
 * the background (to panels, to the OTLP push). They go with their spans: deleteSpans removes
 * both in one transaction, and a session's database is dropped whole.
 */
import type { SpanRecord } from "../core/contract";
import { reviewFromInput, withReview, type Review } from "../core/review";
import { DB_NAME, listSpans, openStore, type ReviewRecord } from "./store";

/** Where a call reads and writes: a panel's live tab, or an imported session's own database. */
export interface ReviewScope {
  tabId: number;
  db?: string;
}

const reviewOfRecord = ({ thumbs, score, labels, note }: ReviewRecord): Review => ({
  ...(thumbs !== undefined ? { thumbs } : {}), ...(score !== undefined ? { score } : {}), labels, ...(note !== undefined ? { note } : {}),
});

/** The tab's reviews by span id: one request, whatever the number of spans asked about. */
export async function readReviews(where: ReviewScope): Promise<Map<string, ReviewRecord>> {
  const db = await openStore(where.db ?? DB_NAME);
  const records = await db.getAllFromIndex("reviews", "tabId", where.tabId);
  return new Map(records.map((r) => [r.spanId, r]));
}

/** The spans as they leave the background: each with its review as evaluation events. */
export async function withStoredReviews(spans: SpanRecord[], where: ReviewScope): Promise<SpanRecord[]> {
  if (spans.length === 0) return spans;
  const reviews = await readReviews(where);
  if (reviews.size === 0) return spans;
  return spans.map((span) => {
    const review = reviews.get(span.spanId);
    return review ? withReview(span, reviewOfRecord(review), review.updatedAt) : span;
  });
}

/**
 * Store (or, for null or an empty review, remove) a span's review and answer the span as it
 * now goes out. The span must be the caller's: of its tab (checked in the same transaction as
 * the write, so a deletion cannot leave a review without its span) or of its session.
 */
export async function saveReview(where: ReviewScope, spanId: unknown, input: unknown, now = Date.now()): Promise<SpanRecord> {
  if (typeof spanId !== "string") throw new Error("a review needs the span's id");
  const parsed = reviewFromInput(input);
  if (!parsed.ok) throw new Error(`invalid review: ${parsed.error}`);
  const db = await openStore(where.db ?? DB_NAME);
  // An imported session's spans are in blocks, read whole (and cached) by listSpans.
  const imported = where.db === undefined ? undefined : (await listSpans(where.tabId, where.db)).find((s) => s.spanId === spanId);
  const tx = db.transaction(["spans", "reviews"], "readwrite");
  const span = where.db === undefined ? await tx.objectStore("spans").get(spanId) : imported ?? (await tx.objectStore("spans").get(spanId));
  if (!span || span.tabId !== where.tabId) throw new Error("no such span here");
  const record: ReviewRecord | undefined = parsed.review && { ...parsed.review, spanId, tabId: where.tabId, updatedAt: now };
  if (record) await tx.objectStore("reviews").put(record);
  else await tx.objectStore("reviews").delete(spanId);
  await tx.done;
  return withReview(span, parsed.review, now);
}

/** Imported spans' reviews, as their files' evaluation events said (sessions.ts). */
export function reviewRecords(reviews: readonly { spanId: string; review: Review }[], tabId: number, now: number): ReviewRecord[] {
  return reviews.map(({ spanId, review }) => ({ ...review, spanId, tabId, updatedAt: now }));
}

const MAX_LABELS_LISTED = 200;

/** Labels used before (in the databases named: the live one and the imported sessions'), most used first: what the label field offers. */
export async function usedLabels(databases: readonly string[] = [DB_NAME]): Promise<string[]> {
  const counts = new Map<string, { label: string; n: number }>();
  for (const name of databases) {
    for (const record of await (await openStore(name)).getAll("reviews")) {
      for (const label of record.labels) {
        const key = label.toLowerCase();
        const seen = counts.get(key);
        if (seen) seen.n++;
        else counts.set(key, { label, n: 1 });
      }
    }
  }
  return [...counts.values()].sort((a, b) => b.n - a.n || a.label.localeCompare(b.label)).slice(0, MAX_LABELS_LISTED).map((c) => c.label);
}
