/**
 * Word-level text diffs for the compare view (docs/DESIGN.md, "Compare and replay"). jsdiff
 * does the diffing; this module bounds its cost, because captured texts can be megabytes: a
 * diff that would take too long is reported as the whole text replaced, never a frozen panel.
 */
import { diffLines, diffWordsWithSpace, type ChangeObject } from "diff";

export type TextOp = { op: "same" | "added" | "removed"; text: string };

export interface TextDiff {
  ops: TextOp[];
  changed: boolean;
  /** Words added and removed (whitespace runs not counted). */
  added: number;
  removed: number;
  /** Diffed by line, or not at all (replaced whole), because the texts were too large or too different. */
  coarse?: "lines" | "whole";
}

/** Above this many characters together, diff by line: word diffs of megabytes take seconds. */
const WORD_LIMIT = 200_000;
/** jsdiff gives up (returns undefined) past this many edits or this many ms. */
const MAX_EDITS = 10_000;
const TIMEOUT_MS = 60;

/** Words in a run of text: each maximal run of non-space characters. Linear, no regex. */
export function countWords(text: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

const blank = (text: string): boolean => text.trim() === "";

/**
 * jsdiff's runs as the view wants them: a change is one removed run then one added run. A
 * whitespace-only run between two changes belongs to both ("briefly" -> "in detail", not
 * "in", " ", "detail").
 */
function fromChanges(changes: ChangeObject<string>[]): TextOp[] {
  const ops: TextOp[] = [];
  let removed = "";
  let added = "";
  const flush = () => {
    if (removed) ops.push({ op: "removed", text: removed });
    if (added) ops.push({ op: "added", text: added });
    removed = added = "";
  };
  changes.forEach((c, i) => {
    if (c.removed) removed += c.value;
    else if (c.added) added += c.value;
    else if (blank(c.value) && (removed || added) && changes[i + 1] && (changes[i + 1]!.added || changes[i + 1]!.removed)) {
      removed += c.value;
      added += c.value;
    } else {
      flush();
      const last = ops[ops.length - 1];
      if (last && last.op === "same") last.text += c.value;
      else ops.push({ op: "same", text: c.value });
    }
  });
  flush();
  return ops;
}

function summarize(ops: TextOp[], coarse?: TextDiff["coarse"]): TextDiff {
  let added = 0;
  let removed = 0;
  for (const o of ops) {
    if (o.op === "added") added += countWords(o.text);
    else if (o.op === "removed") removed += countWords(o.text);
  }
  const changed = ops.some((o) => o.op !== "same");
  return { ops, changed, added, removed, ...(coarse ? { coarse } : {}) };
}

export function diffText(before: string, after: string): TextDiff {
  if (before === after) return { ops: before ? [{ op: "same", text: before }] : [], changed: false, added: 0, removed: 0 };
  const whole = (): TextDiff => summarize([...(before ? [{ op: "removed" as const, text: before }] : []), ...(after ? [{ op: "added" as const, text: after }] : [])], "whole");
  if (!before || !after) return summarize([...(before ? [{ op: "removed" as const, text: before }] : []), ...(after ? [{ op: "added" as const, text: after }] : [])]);
  const options = { maxEditLength: MAX_EDITS, timeout: TIMEOUT_MS };
  if (before.length + after.length <= WORD_LIMIT) {
    const words = diffWordsWithSpace(before, after, options);
    if (words) return summarize(fromChanges(words));
  }
  const lines = diffLines(before, after, options);
  return lines ? summarize(fromChanges(lines), "lines") : whole();
}

/** A run of unchanged text the view shows folded: its start and end stay, the middle is counted. */
export type ShownOp = TextOp | { op: "fold"; text: string; words: number };

/**
 * Unchanged runs longer than 2 * `keep` words keep `keep` words on each side of a change and
 * fold the rest (the whole run when it touches neither end's change).
 */
export function foldUnchanged(ops: readonly TextOp[], keep = 12): ShownOp[] {
  const out: ShownOp[] = [];
  ops.forEach((o, i) => {
    if (o.op !== "same") return void out.push(o);
    const words = splitKeepingSpace(o.text);
    const head = i > 0 ? keep : 0;
    const tail = i < ops.length - 1 ? keep : 0;
    const wordCount = words.filter((w) => w.trim() !== "").length;
    if (wordCount <= head + tail + keep) return void out.push(o);
    const [start, middle, end] = cutWords(words, head, tail);
    if (start) out.push({ op: "same", text: start });
    out.push({ op: "fold", text: middle, words: countWords(middle) });
    if (end) out.push({ op: "same", text: end });
  });
  return out;
}

/** Tokens that are alternately words and whitespace runs. */
function splitKeepingSpace(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    const boundary = i === text.length || isSpace(text.charCodeAt(i)) !== isSpace(text.charCodeAt(i - 1));
    if (boundary) {
      out.push(text.slice(start, i));
      start = i;
    }
  }
  return out;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0;
}

/** The text of the first `head` words, the middle, and the last `tail` words. */
function cutWords(tokens: string[], head: number, tail: number): [string, string, string] {
  let seen = 0;
  let a = 0;
  while (a < tokens.length && seen < head) {
    if (tokens[a]!.trim() !== "") seen++;
    a++;
  }
  seen = 0;
  let b = tokens.length;
  while (b > a && seen < tail) {
    b--;
    if (tokens[b]!.trim() !== "") seen++;
  }
  return [tokens.slice(0, a).join(""), tokens.slice(a, b).join(""), tokens.slice(b).join("")];
}
