/**
 * Reviewing spans from the panel (docs/DESIGN.md, "Review"): thumbs, a number, labels and a note
 * saved through the background, which answers the span as it now is; the labels used before,
 * for the label field's completion; and the mark a trace row shows.
 */
import { computed, signal } from "@preact/signals";
import type { SpanRecord } from "../../core/contract";
import type { Trace } from "../../core/query";
import { reviewOf, type Review, type Thumbs } from "../../core/review";
import type { ReviewParams } from "../../shared/messages";
import type { Connection } from "../connection";
import type { SpanStore } from "./spans";

const paramsOf = (review: Review | undefined): ReviewParams | null =>
  review ? { thumbs: review.thumbs ?? null, score: review.score ?? null, labels: review.labels, note: review.note ?? null } : null;

export function createReviewStore(connection: Connection, spans: SpanStore) {
  /** Labels the background knows of (other tabs' and earlier sessions' reviews too). */
  const stored = signal<string[]>([]);
  /** The last save that failed, and why: shown in the review bar. */
  const error = signal<{ spanId: string; message: string } | undefined>(undefined);

  /** Labels used before, most used first: those of the spans shown, then the stored ones. */
  const labels = computed(() => {
    const counts = new Map<string, { label: string; n: number }>();
    for (const span of spans.list.value) {
      for (const label of reviewOf(span)?.labels ?? []) {
        const key = label.toLowerCase();
        const seen = counts.get(key);
        if (seen) seen.n++;
        else counts.set(key, { label, n: 1 });
      }
    }
    const shown = [...counts.values()].sort((a, b) => b.n - a.n || a.label.localeCompare(b.label)).map((c) => c.label);
    return [...shown, ...stored.value.filter((l) => !counts.has(l.toLowerCase()))];
  });

  async function refreshLabels(): Promise<void> {
    try {
      stored.value = await connection.call("reviewLabels", {});
    } catch {
      // asked again when the line reopens
    }
  }

  /** Save the span's review (undefined: none); the answer replaces the span in the store. */
  async function save(span: SpanRecord, review: Review | undefined): Promise<boolean> {
    const session = spans.session.value;
    try {
      const updated = await connection.call("setReview", { spanId: span.spanId, review: paramsOf(review), ...(session === undefined ? {} : { session }) });
      spans.put([updated]);
      if (error.value?.spanId === span.spanId) error.value = undefined;
      if (review?.labels.some((l) => !stored.value.includes(l))) void refreshLabels();
      return true;
    } catch (e) {
      error.value = { spanId: span.spanId, message: e instanceof Error ? e.message : String(e) };
      return false;
    }
  }

  /** Change part of the span's review, keeping the rest. */
  function update(span: SpanRecord, change: Partial<Review>): Promise<boolean> {
    const current = reviewOf(span) ?? { labels: [] };
    const next: Review = { ...current, ...change };
    for (const key of ["thumbs", "score", "note"] as const) if (next[key] === undefined) delete next[key];
    return save(span, next);
  }

  /** `+` / `-`: thumbs up or down; the same again takes it back. */
  function toggleThumbs(span: SpanRecord, thumbs: Thumbs): Promise<boolean> {
    return update(span, { thumbs: reviewOf(span)?.thumbs === thumbs ? undefined : thumbs });
  }

  // Asked again whenever the line (re)opens: a review made in another panel meanwhile.
  const unsubscribe = connection.subscribe((push) => {
    if (push === null) void refreshLabels();
  });

  return { labels, error, save, update, toggleThumbs, refreshLabels, dispose: unsubscribe };
}

export type ReviewStore = ReturnType<typeof createReviewStore>;

/** What a trace row shows of its reviews: the trace's own (its root's), and how many spans have one. */
export interface ReviewMark {
  thumbs?: Thumbs;
  score?: number;
  reviewed: number;
  title: string;
}

export function reviewMark(trace: Trace<SpanRecord>): ReviewMark | undefined {
  const reviewed = trace.spans.filter((s) => reviewOf(s) !== undefined);
  if (reviewed.length === 0) return undefined;
  const root = trace.roots[0]?.span;
  const own = root ? reviewOf(root) : undefined;
  const said = own && [
    own.thumbs && `thumbs ${own.thumbs}`,
    own.score !== undefined && `score ${own.score}`,
    own.labels.length > 0 && `labels: ${own.labels.join(", ")}`,
  ].filter(Boolean).join(", ");
  const others = reviewed.length - (own ? 1 : 0);
  const title = [said && `Reviewed: ${said}`, others > 0 && `${others} span${others > 1 ? "s" : ""} in it reviewed`].filter(Boolean).join("; ") || "Reviewed (a note)";
  return { ...(own?.thumbs ? { thumbs: own.thumbs } : {}), ...(own?.score !== undefined ? { score: own.score } : {}), reviewed: reviewed.length, title };
}
