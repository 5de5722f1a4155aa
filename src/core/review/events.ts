/**
 * A review as span events and back (docs/DESIGN.md, "Review"): one OpenTelemetry
 * `gen_ai.evaluation.result` event per thing said, so a file or a collector (Langfuse, Phoenix)
 * gets the review with the span, and a file reviewed elsewhere shows its scores here.
 *
 *   thumbs  name "thumbs", score.value 1 (up) or 0 (down), score.label "up" / "down"
 *   number  name "score",  score.value n
 *   label   name "label",  score.label the tag (one event each)
 *   note    explanation on the first of those, or alone on an event named "note"
 *
 * Read back, an evaluation of another name (another tool's evaluator) keeps what fits: its
 * label as a label, its value as the number when there is none yet.
 */
import type { Attributes, Span, SpanEvent } from "../contract";
import { MAX_LABELS, makeReview, type Review, type Thumbs } from "./review";

export const EVALUATION_EVENT = "gen_ai.evaluation.result";
const NAME = "gen_ai.evaluation.name";
const VALUE = "gen_ai.evaluation.score.value";
const LABEL = "gen_ai.evaluation.score.label";
const EXPLANATION = "gen_ai.evaluation.explanation";

/** Events read at most per span: a hostile file may carry millions. */
const MAX_EVENTS_READ = 500;

export const isEvaluationEvent = (event: SpanEvent): boolean => event.name === EVALUATION_EVENT;

/** The review's events, stamped `time` (when it was last changed). */
export function reviewEvents(review: Review, time: number): SpanEvent[] {
  const said: Attributes[] = [];
  if (review.thumbs) said.push({ [NAME]: "thumbs", [VALUE]: review.thumbs === "up" ? 1 : 0, [LABEL]: review.thumbs });
  if (review.score !== undefined) said.push({ [NAME]: "score", [VALUE]: review.score });
  for (const label of review.labels) said.push({ [NAME]: "label", [LABEL]: label });
  if (review.note) {
    if (said[0]) said[0][EXPLANATION] = review.note;
    else said.push({ [NAME]: "note", [EXPLANATION]: review.note });
  }
  return said.map((attributes) => ({ name: EVALUATION_EVENT, time, attributes }));
}

const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const number = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** The review the span's evaluation events make, if any. */
export function reviewFromEvents(events: readonly SpanEvent[] | undefined): Review | undefined {
  if (!events?.length) return undefined;
  let thumbs: Thumbs | undefined;
  let score: number | undefined;
  let note: string | undefined;
  const labels: string[] = [];
  for (let i = 0, read = 0; i < events.length && read < MAX_EVENTS_READ; i++) {
    const event = events[i];
    if (!event || !isEvaluationEvent(event)) continue;
    read++;
    const a = event.attributes ?? {};
    const name = text(a[NAME]) ?? "";
    const value = number(a[VALUE]);
    const label = text(a[LABEL]);
    note ??= text(a[EXPLANATION]) || undefined;
    if (name === "thumbs") {
      const said = label === "up" || label === "down" ? label : value !== undefined ? (value >= 0.5 ? "up" : "down") : undefined;
      thumbs ??= said;
    } else if (name === "score") {
      score ??= value;
    } else if (name === "label") {
      if (label !== undefined && labels.length < MAX_LABELS * 2) labels.push(label);
    } else if (name !== "note") {
      if (label !== undefined && labels.length < MAX_LABELS * 2) labels.push(label);
      score ??= value;
    }
  }
  return makeReview({ thumbs, score, labels, ...(note !== undefined ? { note } : {}) });
}

/** The span with its evaluation events replaced by the review's (none: without any). */
export function withReview<S extends Span>(span: S, review: Review | undefined, time: number): S {
  const others = span.events?.filter((e) => !isEvaluationEvent(e)) ?? [];
  const added = review ? reviewEvents(review, time) : [];
  if (added.length === 0 && others.length === (span.events?.length ?? 0)) return span;
  const events = [...others, ...added];
  const { events: _old, ...rest } = span;
  return (events.length ? { ...rest, events } : rest) as S;
}

/** An imported span apart from the review its events carry: the review is stored on its own. */
export function splitReview<S extends Span>(span: S): { span: S; review: Review | undefined } {
  const review = reviewFromEvents(span.events);
  return { span: withReview(span, undefined, 0), review };
}

/** A span's review, as its events say (spans are replaced, never changed: cached per object). */
const cache = new WeakMap<Span, Review | null>();
export function reviewOf(span: Span): Review | undefined {
  let review = cache.get(span);
  if (review === undefined) {
    review = reviewFromEvents(span.events) ?? null;
    cache.set(span, review);
  }
  return review ?? undefined;
}
