/**
 * Long captured text, cut to a readable length with "Show more". Only the visible slice is in
 * the DOM, so a megabyte prompt costs no more than a short one until the user asks for it.
 */
import { useState } from "preact/hooks";
import { formatCount } from "../../detail-model/numbers";

/** Each "Show more" reveals this many more characters; no single step freezes the pane. */
const STEP = 50_000;

/** Where the first `lines` lines end, within `limit` characters. */
function cutAt(text: string, limit: number, lines: number): number {
  let pos = -1;
  for (let i = 0; i < lines; i++) {
    pos = text.indexOf("\n", pos + 1);
    if (pos === -1 || pos >= limit) return Math.min(limit, text.length);
  }
  return pos;
}

export function TruncatedText({ text, limit = 1000, lines = 12, class: cls = "" }: { text: string; limit?: number; lines?: number; class?: string }) {
  const [shown, setShown] = useState<number | undefined>(undefined);
  const initial = cutAt(text, limit, lines);
  const end = shown ?? initial;
  const hidden = text.length - end;
  return (
    <div class={`dt-text ${cls}`}>
      {hidden > 0 ? `${text.slice(0, end)}…` : text}
      {(hidden > 0 || shown !== undefined) && (
        <span class="dt-more">
          {hidden > 0 && (
            <button type="button" class="dt-link" onClick={() => setShown(Math.min(text.length, end + STEP))}>
              Show more ({formatCount(hidden)} more characters)
            </button>
          )}
          {shown !== undefined && (
            <button type="button" class="dt-link" onClick={() => setShown(undefined)}>
              Show less
            </button>
          )}
        </span>
      )}
    </div>
  );
}
