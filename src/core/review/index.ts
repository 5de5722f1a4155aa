/**
 * Review: what a person said of a span or trace (thumbs, a number, labels, a note), its checks,
 * and its form as OpenTelemetry `gen_ai.evaluation.result` span events, in and out
 * (docs/DESIGN.md, "Review").
 */
export {
  MAX_LABEL_CHARS, MAX_LABELS, MAX_NOTE_CHARS, cleanLabel, isEmptyReview, makeReview, reviewFromInput, sameReview,
  type Review, type ReviewInput, type Thumbs,
} from "./review";
export { EVALUATION_EVENT, isEvaluationEvent, reviewEvents, reviewFromEvents, reviewOf, splitReview, withReview } from "./events";
