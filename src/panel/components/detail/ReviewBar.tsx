/**
 * The review of the selected span (a trace's review is its root's): thumbs up or down (also `+`
 * and `-` on the selected span), a number, labels with completion from those used before, and
 * a note. Each change is saved at once; the span comes back with it (docs/DESIGN.md, "Review").
 */
import { useEffect, useState } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import { MAX_LABEL_CHARS, MAX_NOTE_CHARS, reviewOf, type Thumbs } from "../../../core/review";
import type { ReviewStore } from "../../state/review";
import { Icon } from "../Icon";

const LABEL_OPTIONS_ID = "review-label-options";

function ThumbButton({ thumbs, pressed, onPress }: { thumbs: Thumbs; pressed: boolean; onPress(): void }) {
  const up = thumbs === "up";
  return (
    <button type="button" class={`review-thumb is-${thumbs} ${pressed ? "is-pressed" : ""}`} aria-pressed={pressed}
      aria-label={up ? "Thumbs up" : "Thumbs down"} title={`${up ? "Good" : "Bad"} (${up ? "+" : "-"} on the selected span)${pressed ? ": press again to take it back" : ""}`}
      onClick={onPress}>
      <Icon name={up ? "thumbs-up" : "thumbs-down"} />
    </button>
  );
}

/** Keyed by span id where it is used: the drafts belong to one span. */
export function ReviewBar({ span, review: store }: { span: SpanRecord; review: ReviewStore }) {
  const review = reviewOf(span);
  const [score, setScore] = useState(review?.score !== undefined ? String(review.score) : "");
  const [label, setLabel] = useState("");
  const [note, setNote] = useState(review?.note ?? "");
  const error = store.error.value?.spanId === span.spanId ? store.error.value.message : undefined;
  const labels = review?.labels ?? [];
  // Changed elsewhere (another panel, an import): the fields follow.
  useEffect(() => setScore(review?.score !== undefined ? String(review.score) : ""), [review?.score]);
  useEffect(() => setNote(review?.note ?? ""), [review?.note]);

  function commitScore(): void {
    const text = score.trim();
    const value = text === "" ? undefined : Number(text);
    if (value !== undefined && !Number.isFinite(value)) return setScore(review?.score !== undefined ? String(review.score) : "");
    if (value !== review?.score) void store.update(span, { score: value });
  }

  function addLabel(): void {
    const text = label.trim();
    if (!text) return;
    setLabel("");
    if (labels.some((l) => l.toLowerCase() === text.toLowerCase())) return;
    void store.update(span, { labels: [...labels, text] });
  }

  function commitNote(): void {
    if (note.trim() !== (review?.note ?? "")) void store.update(span, { note: note.trim() || undefined });
  }

  return (
    <div class={`review-bar ${review ? "is-reviewed" : ""}`} role="group" aria-label="Review">
      <span class="review-caption" aria-hidden="true">Review</span>
      <ThumbButton thumbs="up" pressed={review?.thumbs === "up"} onPress={() => void store.toggleThumbs(span, "up")} />
      <ThumbButton thumbs="down" pressed={review?.thumbs === "down"} onPress={() => void store.toggleThumbs(span, "down")} />
      <input class="review-score" type="number" step="any" inputMode="decimal" aria-label="Score" placeholder="score" title="A number on your own scale (filter: score:>3)"
        value={score} onInput={(e) => setScore(e.currentTarget.value)} onBlur={commitScore}
        onKeyDown={(e) => { if (e.key === "Enter") commitScore(); }} />
      <ul class="review-labels" aria-label="Labels">
        {labels.map((l) => (
          <li key={l} class="review-label">
            <span>{l}</span>
            <button type="button" aria-label={`Remove label ${l}`} title="Remove" onClick={() => void store.update(span, { labels: labels.filter((x) => x !== l) })}>×</button>
          </li>
        ))}
      </ul>
      <input class="review-label-input" type="text" list={LABEL_OPTIONS_ID} aria-label="Add label" placeholder="+ label" maxLength={MAX_LABEL_CHARS}
        value={label} onInput={(e) => setLabel(e.currentTarget.value)} onBlur={addLabel}
        onKeyDown={(e) => { if (e.key === "Enter" || e.key === ",") { e.preventDefault(); addLabel(); } }} />
      <datalist id={LABEL_OPTIONS_ID}>
        {store.labels.value.filter((l) => !labels.some((x) => x.toLowerCase() === l.toLowerCase())).map((l) => <option key={l} value={l} />)}
      </datalist>
      <textarea class="review-note" rows={1} aria-label="Note" placeholder="Note (saved when you leave the field; Ctrl+Enter)" maxLength={MAX_NOTE_CHARS}
        value={note} onInput={(e) => setNote(e.currentTarget.value)} onBlur={commitNote}
        onKeyDown={(e) => { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) commitNote(); }} />
      {error && <span class="review-error" role="alert">Not saved: {error}</span>}
    </div>
  );
}
