/**
 * Reading a redaction regex before it is ever run. User patterns run on the browser's own
 * RegExp (fast, nothing of ours to maintain), which backtracks: a pattern like `(a+)+` or
 * `.*x.*` can take exponential or quadratic time on text a web page chose, and a service
 * worker cannot interrupt a running RegExp. So a pattern is parsed here and refused, with a
 * message a user can act on, unless:
 *
 * - it cannot match empty text (that would "redact" every position),
 * - every match is bounded: open repetitions (`*`, `+`, `{n,}`) are rewritten to stop at
 *   REPEAT_CAP and the whole pattern must fit in MAX_SPAN characters. Bounded matches are what
 *   let a stream be redacted chunk by chunk with a bounded hold-back (see stream.ts),
 * - look-behinds reach back at most LOOKBEHIND_MAX characters (the context a stream keeps),
 * - no back-references (they are outside regular languages and defeat the analysis below),
 * - it is unambiguous wherever it repeats: at no point can two different ways through the
 *   pattern consume the same next character if either of them is inside a long repetition.
 *   That is checked on the pattern's Glushkov automaton (one state per character position),
 *   counting edges with multiplicity so that nested loops over the same thing — `(a+)+` —
 *   count as two ways. Unambiguous repetition means the backtracking engine never has two
 *   live choices per character, so a match attempt costs O(span) and a scan O(n * span).
 *   Ambiguity outside repetitions is bounded by the pattern's size and is merely budgeted.
 *
 * The same checks run on the built-in detectors (detectors.ts), which is also how their spans are
 * known without maintaining numbers by hand. Syntax is Unicode mode (flag `u`): its grammar is
 * strict, which keeps this reader small and its conclusions sound.
 */

/** Open repetitions (`*`, `+`, `{n,}`) match at most this many times. */
export const REPEAT_CAP = 256;
/** Longest text one match may cover, after the rewrite above (characters, i.e. UTF-16 units). */
export const MAX_SPAN = 2048;
/** How far back a look-behind may look. */
export const LOOKBEHIND_MAX = 64;
/** Repetitions up to this count are unrolled for the ambiguity check rather than seen as loops. */
const UNROLL = 16;
const MAX_POSITIONS = 4096;
/** Product of the branchings of ambiguous (non-repeating) choice points allowed per match attempt. */
const AMBIGUITY_BUDGET = 64;

export type RegexShape =
  | {
      ok: true;
      /** The source to compile (open repetitions bounded). */
      source: string;
      /** Characters a match attempt may examine from its start: match width + look-ahead + 1. */
      span: number;
      /** Characters it may examine before its start. */
      behind: number;
    }
  | { ok: false; error: string };

export function shapeRegex(source: string): RegexShape {
  if (source === "") return { ok: false, error: "Enter a pattern." };
  try {
    new RegExp(source, "u");
  } catch (e) {
    return { ok: false, error: `Not a valid regular expression: ${(e as Error).message}` };
  }
  try {
    const parser = new Parser(source);
    const root = parser.parse();
    if (nullable(root)) return fail("The pattern can match empty text, so it would mark every position. Make it require at least one character.");
    new Ambiguity().check(root);
    const behind = lookReach(root, true);
    if (behind > LOOKBEHIND_MAX) return fail(`A look-behind may look back at most ${LOOKBEHIND_MAX} characters; this one can reach ${fmt(behind)}.`);
    const span = maxWidth(root) + lookReach(root, false) + 1;
    if (span > MAX_SPAN) {
      return fail(`The pattern can match up to ${fmt(span - 1)} characters (the limit is ${MAX_SPAN}; *, + and {n,} count as ${REPEAT_CAP}). Give repetitions a smaller upper bound, e.g. {1,64}.`);
    }
    return { ok: true, source: parser.rewrite(), span, behind };
  } catch (e) {
    if (e instanceof ShapeError) return { ok: false, error: e.message };
    throw e;
  }
}

const fail = (error: string): RegexShape => ({ ok: false, error });
const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString("en-US") : "unlimited");

class ShapeError extends Error {}

// ---- character sets: sorted, disjoint, inclusive code point ranges, flattened [lo, hi, ...] ----

type CharSet = number[];
const MAX_CP = 0x10ffff;

function charSet(pairs: [number, number][]): CharSet {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const out: CharSet = [];
  for (const [lo, hi] of sorted) {
    if (out.length && lo <= out[out.length - 1]! + 1) out[out.length - 1] = Math.max(out[out.length - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function negate(set: CharSet): CharSet {
  const out: CharSet = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i]! > next) out.push(next, set[i]! - 1);
    next = set[i + 1]! + 1;
  }
  if (next <= MAX_CP) out.push(next, MAX_CP);
  return out;
}

function overlaps(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1]! < b[j]!) i += 2;
    else if (b[j + 1]! < a[i]!) j += 2;
    else return true;
  }
  return false;
}

const pairsOf = (set: CharSet): [number, number][] => {
  const out: [number, number][] = [];
  for (let i = 0; i < set.length; i += 2) out.push([set[i]!, set[i + 1]!]);
  return out;
};

const DIGIT = charSet([[0x30, 0x39]]);
const WORD = charSet([[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]]);
const SPACE = charSet([[9, 13], [32, 32], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]]);
const DOT = negate(charSet([[10, 10], [13, 13], [0x2028, 0x2029]]));
const ANY = charSet([[0, MAX_CP]]);

/** UTF-16 units one character of the set can take. */
const unitsOf = (set: CharSet): number => (set.length && set[set.length - 1]! > 0xffff ? 2 : 1);

// ---- syntax tree ----

type Node =
  | { t: "char"; set: CharSet; src: string }
  | { t: "seq"; items: Node[] }
  | { t: "alt"; alts: Node[] }
  | { t: "rep"; body: Node; min: number; max: number }
  | { t: "look"; body: Node; behind: boolean }
  | { t: "assert" };

/** A recursive-descent reader of Unicode-mode syntax. The source already compiled, so it is valid. */
class Parser {
  private i = 0;
  /** Open repetitions to bound: [start, end) of the quantifier text and its minimum. */
  private readonly open: [number, number, number][] = [];

  constructor(private readonly src: string) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new ShapeError(`Unexpected "${this.src[this.i]}" at ${this.i}.`);
    return node;
  }

  /** The source with every open repetition given the upper bound REPEAT_CAP. */
  rewrite(): string {
    let out = "";
    let last = 0;
    for (const [start, end, min] of this.open) {
      out += this.src.slice(last, start) + `{${min},${Math.max(min, REPEAT_CAP)}}`;
      last = end;
    }
    return out + this.src.slice(last);
  }

  private peek(s: string): boolean {
    return this.src.startsWith(s, this.i);
  }

  private alternation(): Node {
    const alts = [this.sequence()];
    while (this.peek("|")) {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: "alt", alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && !this.peek("|") && !this.peek(")")) items.push(this.term());
    return { t: "seq", items };
  }

  private term(): Node {
    if (this.peek("^") || this.peek("$")) {
      this.i++;
      return { t: "assert" };
    }
    if (this.peek("\\b") || this.peek("\\B")) {
      this.i += 2;
      return { t: "assert" };
    }
    for (const [open, behind] of [["(?=", false], ["(?!", false], ["(?<=", true], ["(?<!", true]] as const) {
      if (this.peek(open)) {
        this.i += open.length;
        const body = this.alternation();
        this.i++; // ")"
        return { t: "look", body, behind };
      }
    }
    return this.quantified(this.atom());
  }

  private atom(): Node {
    const start = this.i;
    if (this.peek("(")) {
      if (this.peek("(?:")) this.i += 3;
      else if (this.peek("(?<")) this.i = this.src.indexOf(">", this.i) + 1;
      else if (this.peek("(?")) throw new ShapeError("Inline flags such as (?i:...) are not supported.");
      else this.i++;
      const body = this.alternation();
      this.i++; // ")"
      return body;
    }
    if (this.peek("[")) return { t: "char", set: this.charClass(), src: this.src.slice(start, this.i) };
    if (this.peek(".")) {
      this.i++;
      return { t: "char", set: DOT, src: "." };
    }
    if (this.peek("\\")) {
      const set = this.escape();
      return { t: "char", set, src: this.src.slice(start, this.i) };
    }
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return { t: "char", set: [cp, cp], src: this.src.slice(start, this.i) };
  }

  private quantified(body: Node): Node {
    const start = this.i;
    let min: number;
    let max: number;
    const c = this.src[this.i];
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else {
      return body;
    }
    if (max === Infinity) this.open.push([start, this.i, min]);
    if (this.peek("?")) this.i++; // lazy: same shape
    return { t: "rep", body, min, max: max === Infinity ? Math.max(min, REPEAT_CAP) : max };
  }

  private charClass(): CharSet {
    this.i++; // "["
    const negated = this.peek("^");
    if (negated) this.i++;
    const pairs: [number, number][] = [];
    while (!this.peek("]")) {
      const lo = this.classAtom();
      if (typeof lo === "number" && this.peek("-") && this.src[this.i + 1] !== "]") {
        this.i++;
        const hi = this.classAtom() as number;
        pairs.push([lo, hi]);
      } else if (typeof lo === "number") {
        pairs.push([lo, lo]);
      } else {
        pairs.push(...pairsOf(lo));
      }
    }
    this.i++; // "]"
    const set = charSet(pairs);
    return negated ? negate(set) : set;
  }

  /** One character (its code point) or, for \d \w \s \p..., a set. */
  private classAtom(): number | CharSet {
    if (this.peek("\\")) {
      const set = this.escape();
      return set.length === 2 && set[0] === set[1] ? set[0]! : set;
    }
    const cp = this.src.codePointAt(this.i)!;
    this.i += cp > 0xffff ? 2 : 1;
    return cp;
  }

  private escape(): CharSet {
    const c = this.src[this.i + 1]!;
    this.i += 2;
    const one = (cp: number): CharSet => [cp, cp];
    switch (c) {
      case "d": return DIGIT;
      case "D": return negate(DIGIT);
      case "w": return WORD;
      case "W": return negate(WORD);
      case "s": return SPACE;
      case "S": return negate(SPACE);
      case "p":
      case "P":
        // Unicode properties: taken as "any character", which only makes the checks stricter.
        this.i = this.src.indexOf("}", this.i) + 1;
        return ANY;
      case "t": return one(9);
      case "n": return one(10);
      case "v": return one(11);
      case "f": return one(12);
      case "r": return one(13);
      case "0": return one(0);
      case "b": return one(8); // only reached inside a class, where \b is a backspace
      case "c": return one(this.src.charCodeAt(this.i++) % 32);
      case "x": {
        const cp = parseInt(this.src.slice(this.i, this.i + 2), 16);
        this.i += 2;
        return one(cp);
      }
      case "u": return one(this.unicodeEscape());
      case "k": throw new ShapeError("Back-references (\\k<name>) are not supported.");
      default:
        if (c >= "1" && c <= "9") throw new ShapeError(`Back-references (\\${c}) are not supported.`);
        return one(c.codePointAt(0)!); // an escaped syntax character
    }
  }

  private unicodeEscape(): number {
    if (this.peek("{")) {
      const end = this.src.indexOf("}", this.i);
      const cp = parseInt(this.src.slice(this.i + 1, end), 16);
      this.i = end + 1;
      return cp;
    }
    const unit = parseInt(this.src.slice(this.i, this.i + 4), 16);
    this.i += 4;
    // A surrogate pair written as two escapes is one character in Unicode mode.
    if (unit >= 0xd800 && unit <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(this.src.slice(this.i))) {
      const trail = parseInt(this.src.slice(this.i + 2, this.i + 6), 16);
      this.i += 6;
      return (unit - 0xd800) * 0x400 + (trail - 0xdc00) + 0x10000;
    }
    return unit;
  }
}

// ---- widths ----

function nullable(n: Node): boolean {
  switch (n.t) {
    case "char": return false;
    case "seq": return n.items.every(nullable);
    case "alt": return n.alts.some(nullable);
    case "rep": return n.min === 0 || nullable(n.body);
    default: return true;
  }
}

/** Most UTF-16 units a match of the node consumes. */
function maxWidth(n: Node): number {
  switch (n.t) {
    case "char": return unitsOf(n.set);
    case "seq": return n.items.reduce((s, x) => s + maxWidth(x), 0);
    case "alt": return Math.max(...n.alts.map(maxWidth));
    case "rep": return n.max === 0 ? 0 : maxWidth(n.body) * n.max;
    default: return 0;
  }
}

/** How far look-arounds (ahead or behind) reach beyond the text they are at. */
function lookReach(n: Node, behind: boolean): number {
  switch (n.t) {
    case "seq": return Math.max(0, ...n.items.map((x) => lookReach(x, behind)));
    case "alt": return Math.max(0, ...n.alts.map((x) => lookReach(x, behind)));
    case "rep": return lookReach(n.body, behind);
    case "look": return Math.max(n.behind === behind ? maxWidth(n.body) : 0, lookReach(n.body, behind));
    default: return 0;
  }
}

// ---- ambiguity (Glushkov positions, edges counted with multiplicity) ----

/** Position id -> number of distinct ways to reach it. */
type Ways = Map<number, number>;
interface Frag {
  first: Ways;
  last: Ways;
  /** Number of ways to match empty text. */
  empty: number;
}

const SATURATE = 1e6;
const addWays = (into: Ways, from: Ways, times = 1): void => {
  if (times === 0) return;
  for (const [p, k] of from) into.set(p, Math.min(SATURATE, (into.get(p) ?? 0) + k * times));
};

class Ambiguity {
  private readonly set: CharSet[] = [];
  private readonly src: string[] = [];
  /** Inside a repetition longer than UNROLL: ambiguity there can recur once per character. */
  private readonly looping: boolean[] = [];
  private readonly follow: Ways[] = [];
  private readonly starts: Ways[] = [];

  check(root: Node): void {
    this.starts.push(this.build(root, false).first);
    let budget = 1;
    for (const edges of [...this.starts, ...this.follow]) {
      const ids = [...edges.keys()];
      let involved = 0;
      for (let a = 0; a < ids.length; a++) {
        const p = ids[a]!;
        let clash = edges.get(p)! > 1 ? p : -1;
        for (let b = a + 1; clash < 0 && b < ids.length; b++) if (overlaps(this.set[p]!, this.set[ids[b]!]!)) clash = ids[b]!;
        if (clash < 0) continue;
        if (this.looping[p] || this.looping[clash]) throw new ShapeError(this.loopMessage(p, clash));
        involved += edges.get(p)!;
      }
      if (involved) budget *= involved + 1;
      if (budget > AMBIGUITY_BUDGET) throw new ShapeError("Too many alternatives start alike (e.g. (ab|ac|ad)…); merge their common beginnings.");
    }
  }

  private loopMessage(p: number, q: number): string {
    const slow = "which can make matching take extremely long on some text";
    if (p === q) return `"${this.src[p]}" is repeated inside another repetition (like (a+)+), ${slow}. Keep only one of the two repetitions.`;
    return `"${this.src[p]}" and "${this.src[q]}" can match the same character where the pattern repeats (like \\w*\\w* or .*x.*), ${slow}. ` +
      "Make each repeated part exclude what may follow it, e.g. [^,]* instead of .* before a comma.";
  }

  private position(n: Extract<Node, { t: "char" }>, looping: boolean): Frag {
    const id = this.set.length;
    if (id >= MAX_POSITIONS) throw new ShapeError(`The pattern is too large to check (over ${MAX_POSITIONS} character positions once repetitions are counted).`);
    this.set.push(n.set);
    this.src.push(n.src);
    this.looping.push(looping);
    this.follow.push(new Map());
    const ways: Ways = new Map([[id, 1]]);
    return { first: ways, last: new Map(ways), empty: 0 };
  }

  private link(from: Ways, to: Ways): void {
    for (const [p, k] of from) addWays(this.follow[p]!, to, k);
  }

  private seq(a: Frag, b: Frag): Frag {
    this.link(a.last, b.first);
    const first = new Map(a.first);
    addWays(first, b.first, a.empty);
    const last = new Map(b.last);
    addWays(last, a.last, b.empty);
    return { first, last, empty: Math.min(SATURATE, a.empty * b.empty) };
  }

  private build(n: Node, looping: boolean): Frag {
    switch (n.t) {
      case "char":
        return this.position(n, looping);
      case "seq":
        return n.items.reduce<Frag>((acc, x) => this.seq(acc, this.build(x, looping)), { first: new Map(), last: new Map(), empty: 1 });
      case "alt": {
        const out: Frag = { first: new Map(), last: new Map(), empty: 0 };
        for (const a of n.alts) {
          const f = this.build(a, looping);
          addWays(out.first, f.first);
          addWays(out.last, f.last);
          out.empty = Math.min(SATURATE, out.empty + f.empty);
        }
        return out;
      }
      case "look":
        // Checked as a pattern of its own (each evaluation starts afresh); zero-width where it stands.
        this.starts.push(this.build(n.body, false).first);
        return { first: new Map(), last: new Map(), empty: 1 };
      case "assert":
        return { first: new Map(), last: new Map(), empty: 1 };
      case "rep":
        return this.rep(n, looping);
    }
  }

  private rep(n: Extract<Node, { t: "rep" }>, looping: boolean): Frag {
    if (n.max > 1 && nullable(n.body)) throw new ShapeError("A repetition repeats something that can match empty text; make its inside require a character.");
    if (n.max <= UNROLL) {
      // x{2,4} as x x (x (x)?)?: distinct positions, so ambiguity is seen exactly.
      let optional: Frag = { first: new Map(), last: new Map(), empty: 1 };
      for (let k = n.max - n.min; k > 0; k--) {
        const f = this.seq(this.build(n.body, looping), optional);
        optional = { ...f, empty: f.empty + 1 };
      }
      let out: Frag = { first: new Map(), last: new Map(), empty: 1 };
      for (let k = 0; k < n.min; k++) out = this.seq(out, this.build(n.body, looping));
      return this.seq(out, optional);
    }
    const body = this.build(n.body, true);
    this.link(body.last, body.first);
    return { ...body, empty: n.min === 0 ? 1 : 0 };
  }
}
