/**
 * Finding what to redact in a text that may only be known in part. One function serves a
 * whole string (a URL, a header, a request body) and a stream (a response body arriving in
 * chunks), so that the two cannot disagree: a stream is the same scan done in rounds.
 *
 * Semantics, for a whole text: every rule scans it on its own, leftmost-first and without
 * overlapping itself; the union of everything any rule matched is removed, and each run of
 * overlapping or touching removals becomes ONE mark whose reason is that of the removal that
 * starts first (on a tie, the rule listed first). Union rather than "first rule wins" so that
 * a user pattern ending inside an API key can never leave the rest of the key visible.
 *
 * In a round over a partial text, a rule's match is only believed if it starts before
 * `decideBefore` (the caller keeps that at least one rule span short of the known end): a
 * match attempt at such a position examines nothing past the known text, so it ends exactly
 * as it would on the whole. Matches starting later are left for the next round. Each rule's
 * search resumes where it stopped (`cursors`), so no text is searched twice by a rule beyond
 * the hold-back window.
 */

import { LOOKBEHIND_MAX } from "./regex";

export type Where = "url" | "headers" | "bodies";

export interface Rule {
  /** Stable across redactor rebuilds: a stream's saved cursors are keyed by it. */
  key: string;
  reason: string;
  /** Global + unicode, compiled once; lastIndex is set before every use. */
  re: RegExp;
  /** Characters a match attempt may examine from its start (see regex.ts). */
  span: number;
  where: readonly Where[];
  /**
   * A shape check the regex cannot express (Luhn, mixed case, a field's name); false rejects
   * the match. `before`: up to LOOKBEHIND_MAX characters before it, as a look-behind sees them.
   */
  valid?: (match: string, before: string) => boolean;
  /**
   * Sticky run absorbed after the match, without length limit: a JWT or key longer than the
   * pattern's bounded span is still removed to its last character.
   */
  extend?: RegExp;
  /**
   * How many characters short of the end of the known text an `extend` run may stop only for
   * want of the next ones (a backslash whose escaped character has not arrived): such a run
   * is continued, from where it stopped, in the next round. 0 when absent.
   */
  hold?: number;
  /** The reason to show, when it comes from the match itself (an existing mark, a field's name). */
  reasonOf?: (m: RegExpExecArray, before: string) => string;
  /**
   * Only the regex's first group, which ends where the match ends, is removed: what precedes it
   * locates it (a field's name before its value). `valid` and `reasonOf` then see the group and
   * the text before it. A match whose group would start past what can be decided waits for the
   * next round whole. What precedes the group spans at most LOOKBEHIND_MAX characters.
   */
  value?: true;
}

export interface Cursor {
  /** Global offset where the rule's next search starts. */
  at: number;
  /** Inside an `extend` run that reached the end of the known text. */
  run?: true;
}

/** A removal whose mark has been written but whose end is not known yet. */
export interface OpenCut {
  start: number;
  end: number;
  reason: string;
}

export interface ScanState {
  cursors: Record<string, Cursor>;
  open: OpenCut | null;
  /** `decideBefore` of the last round: where a rule new to this scan starts searching. */
  decided: number;
}

export interface Cut extends OpenCut {
  /** Its mark was written in an earlier round: only drop its text. */
  continued: boolean;
}

/** Counts characters handed to the regex engine, for tests of linearity. */
export interface Meter {
  scanned: number;
}

const textBefore = (text: string, index: number): string => text.slice(Math.max(0, index - LOOKBEHIND_MAX), index);

export const freshScan = (): ScanState => ({ cursors: {}, open: null, decided: 0 });

interface Found {
  start: number;
  end: number;
  reason: string;
  order: number;
}

const isLead = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
};

/** Steps back off the second half of a surrogate pair (V8 would silently do so for us). */
export function alignOffset(text: string, index: number): number {
  return index > 0 && index < text.length && isLead(text, index - 1) ? index - 1 : index;
}

function runEnd(rule: Rule, text: string, from: number, meter?: Meter): number {
  const re = rule.extend!;
  re.lastIndex = from;
  const m = re.exec(text);
  const end = from + (m ? m[0].length : 0);
  if (meter) meter.scanned += end - from;
  return end;
}

/** Where in `text` a match's removal starts (see Rule.value). */
const removalAt = (rule: Rule, m: RegExpExecArray): number => (rule.value ? m.index + m[0].length - m[1]!.length : m.index);

/** One rule's matches that can be decided now; returns where its search stands. */
function scanRule(rule: Rule, order: number, text: string, base: number, cursor: Cursor, decideBefore: number, final: boolean, out: Found[], meter?: Meter): Cursor {
  const end = base + text.length;
  let at = cursor.at;
  if (cursor.run) {
    // Continuing a run that reached the end of the previous round's text: it touches the open cut.
    const stop = base + runEnd(rule, text, at - base, meter);
    if (stop > at) out.push({ start: at, end: stop, reason: rule.reason, order });
    if (!final && stop >= end - (rule.hold ?? 0)) return { at: stop, run: true };
    at = stop;
  }
  const { re } = rule;
  for (;;) {
    let from = (re.lastIndex = at - base);
    let m = re.exec(text);
    while (m && ((rule.valid && !rule.valid(rule.value ? m[1]! : m[0], textBefore(text, removalAt(rule, m)))) || m[0] === "")) {
      // A rejected match was read to its end; the search goes on from its second character.
      if (meter) meter.scanned += m.index + Math.max(1, m[0].length) - from;
      from = re.lastIndex = m.index + (isLead(text, m.index) ? 2 : 1);
      m = re.exec(text);
    }
    if (meter) meter.scanned += (m ? m.index + m[0].length : text.length) - from;
    if (!m || (!final && base + m.index >= decideBefore)) return { at: final ? end : Math.max(at, decideBefore) };
    const start = base + removalAt(rule, m);
    // Its name is decided but its value not yet: the whole match is looked at again next round.
    if (!final && start >= decideBefore) return { at: base + m.index };
    let stop = base + m.index + m[0].length;
    if (rule.extend) stop = base + runEnd(rule, text, stop - base, meter);
    out.push({ start, end: stop, reason: rule.reasonOf?.(m, textBefore(text, start - base)) ?? rule.reason, order });
    if (rule.extend && !final && stop >= end - (rule.hold ?? 0)) return { at: stop, run: true };
    at = stop;
  }
}

export interface RoundResult {
  /** Removals in text order; the output is decided up to `to` (global). */
  cuts: Cut[];
  to: number;
  scan: ScanState;
}

/**
 * One round over `text` (which starts at global offset `base` and must reach back at least
 * the rules' look-behind before the previous `decided`). `final`: the text is complete.
 */
export function scanRound(rules: readonly Rule[], text: string, base: number, decideBefore: number, final: boolean, scan: ScanState, meter?: Meter): RoundResult {
  const end = base + text.length;
  const limit = final ? end : decideBefore;
  const found: Found[] = [];
  const cursors: Record<string, Cursor> = {};
  rules.forEach((rule, order) => {
    const cursor = scan.cursors[rule.key] ?? { at: scan.decided };
    cursors[rule.key] = scanRule(rule, order, text, base, cursor, limit, final, found, meter);
  });
  found.sort((a, b) => a.start - b.start || a.order - b.order);

  const cuts: Cut[] = [];
  let cur: Cut | null = scan.open ? { ...scan.open, continued: true } : null;
  for (const f of found) {
    if (cur && f.start <= cur.end) {
      cur.end = Math.max(cur.end, f.end);
      continue;
    }
    // f starts after cur's end and before `limit`; no undecided match can start that early,
    // so nothing can still reach back into cur: it is closed.
    if (cur) cuts.push(cur);
    cur = { start: f.start, end: f.end, reason: f.reason, continued: false };
  }
  let open: OpenCut | null = null;
  let to = limit;
  if (cur) {
    cuts.push(cur);
    // A match starting at `limit` or later could still touch cur and extend it.
    if (!final && cur.end >= limit) {
      open = { start: cur.start, end: cur.end, reason: cur.reason };
      to = cur.end;
    }
  }
  return { cuts, to, scan: { cursors, open, decided: limit } };
}

/** A piece of output text and the index of the input segment its characters arrived in. */
export interface Piece {
  seg: number;
  text: string;
}

/**
 * The output for the global range [from, to): the text with each cut replaced by its mark.
 * `segs` are [start offset, ...] of the input pieces (sorted); output characters stay with the
 * segment they arrived in, and a mark goes with the segment where its removal starts.
 */
export function renderCuts(text: string, base: number, from: number, to: number, cuts: readonly Cut[], mark: (reason: string) => string, segs: readonly number[]): Piece[] {
  const out: Piece[] = [];
  let seg = 0;
  const segAt = (offset: number): number => {
    while (seg + 1 < segs.length && segs[seg + 1]! <= offset) seg++;
    return seg;
  };
  const put = (s: number, piece: string): void => {
    if (piece === "") return;
    const last = out[out.length - 1];
    if (last && last.seg === s) last.text += piece;
    else out.push({ seg: s, text: piece });
  };
  const plain = (a: number, b: number): void => {
    while (a < b) {
      const s = segAt(a);
      const stop = Math.min(b, segs[s + 1] ?? b);
      put(s, text.slice(a - base, stop - base));
      a = stop;
    }
  };
  let pos = from;
  for (const cut of cuts) {
    plain(pos, Math.max(pos, cut.start));
    if (!cut.continued) put(segAt(cut.start), mark(cut.reason));
    pos = Math.max(pos, Math.min(cut.end, to));
  }
  plain(pos, to);
  return out;
}

/** Redacts a complete text in one round. */
export function redactWhole(rules: readonly Rule[], text: string, mark: (reason: string) => string, meter?: Meter): { text: string; cuts: Cut[] } {
  if (text === "" || rules.length === 0) return { text, cuts: [] };
  const { cuts } = scanRound(rules, text, 0, text.length, true, freshScan(), meter);
  if (cuts.length === 0) return { text, cuts };
  return { text: renderCuts(text, 0, 0, text.length, cuts, mark, [0]).map((p) => p.text).join(""), cuts };
}
