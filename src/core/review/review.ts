/**
 * A person's review of a span (docs/DESIGN.md, "Review"): thumbs up or down, a number, free
 * labels and a note. A trace's review is its root span's. Whatever a review is made from (a
 * panel's call, an imported file's events) is hostile: it is read field by field, strings are
 * capped, labels counted, and anything of the wrong type is refused or dropped.
 */

export type Thumbs = "up" | "down";

export interface Review {
  thumbs?: Thumbs;
  /** Any finite number: the scale is the reviewer's (1–5, 0–1, 0–100). */
  score?: number;
  /** Free tags, each once (compared without case), in the order given. */
  labels: string[];
  note?: string;
}

export const MAX_LABELS = 20;
export const MAX_LABEL_CHARS = 64;
export const MAX_NOTE_CHARS = 4000;

/** Control characters (other than tab and newline in a note) say nothing a person typed. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** A label as kept: one line, trimmed, capped; "" when nothing is left. */
export function cleanLabel(value: string): string {
  return value.slice(0, MAX_LABEL_CHARS * 4).replace(CONTROL, " ").replace(/[\t\n]/g, " ").trim().slice(0, MAX_LABEL_CHARS).trim();
}

export function cleanNote(value: string): string {
  return value.slice(0, MAX_NOTE_CHARS).replace(CONTROL, "").trim();
}

/** Labels once each (without case), none empty, at most MAX_LABELS. */
export function cleanLabels(values: readonly unknown[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    if (out.length >= MAX_LABELS) break;
    if (typeof value !== "string") continue;
    const label = cleanLabel(value);
    if (!label || seen.has(label.toLowerCase())) continue;
    seen.add(label.toLowerCase());
    out.push(label);
  }
  return out;
}

/** Whether a review says anything: an empty one is no review (it is deleted, not stored). */
export function isEmptyReview(review: Review): boolean {
  return review.thumbs === undefined && review.score === undefined && review.labels.length === 0 && !review.note;
}

/** Built from checked parts: absent fields stay absent (never `undefined` values). */
export function makeReview(parts: { thumbs?: Thumbs | undefined; score?: number | undefined; labels?: readonly unknown[]; note?: string | undefined }): Review | undefined {
  const note = parts.note === undefined ? "" : cleanNote(parts.note);
  const review: Review = {
    ...(parts.thumbs !== undefined ? { thumbs: parts.thumbs } : {}),
    ...(parts.score !== undefined && Number.isFinite(parts.score) ? { score: parts.score } : {}),
    labels: cleanLabels(parts.labels ?? []),
    ...(note ? { note } : {}),
  };
  return isEmptyReview(review) ? undefined : review;
}

export type ReviewInput = { ok: true; review: Review | undefined } | { ok: false; error: string };

/**
 * A review as a page sends it (the background checks every call as if it came from anywhere):
 * a field of the wrong type is an error that names it; too long or too many is capped. `null`,
 * or a review with nothing in it, clears the span's review.
 */
export function reviewFromInput(value: unknown): ReviewInput {
  if (value === null) return { ok: true, review: undefined };
  if (typeof value !== "object" || Array.isArray(value)) return { ok: false, error: "a review is an object or null" };
  const v = value as Record<string, unknown>;
  const thumbs = v.thumbs;
  if (thumbs !== undefined && thumbs !== null && thumbs !== "up" && thumbs !== "down") return { ok: false, error: 'thumbs is "up", "down" or null' };
  const score = v.score;
  if (score !== undefined && score !== null && (typeof score !== "number" || !Number.isFinite(score))) return { ok: false, error: "score is a finite number or null" };
  const labels = v.labels;
  if (labels !== undefined && (!Array.isArray(labels) || labels.length > 10 * MAX_LABELS || !labels.every((l) => typeof l === "string"))) {
    return { ok: false, error: "labels is a list of strings" };
  }
  const note = v.note;
  if (note !== undefined && note !== null && typeof note !== "string") return { ok: false, error: "note is a string or null" };
  return {
    ok: true,
    review: makeReview({
      ...(thumbs === "up" || thumbs === "down" ? { thumbs } : {}),
      ...(typeof score === "number" ? { score } : {}),
      ...(Array.isArray(labels) ? { labels } : {}),
      ...(typeof note === "string" ? { note } : {}),
    }),
  };
}

/** Two reviews say the same. */
export function sameReview(a: Review | undefined, b: Review | undefined): boolean {
  if (!a || !b) return a === b;
  return a.thumbs === b.thumbs && a.score === b.score && (a.note ?? "") === (b.note ?? "") && a.labels.length === b.labels.length && a.labels.every((l, i) => l === b.labels[i]);
}
