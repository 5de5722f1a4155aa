/**
 * Adversarial inputs for a regular expression, derived from the pattern itself, and the list of
 * every regular expression literal in the sources. Used by regex-linear.test.ts.
 *
 * A backtracking engine is slow on a pattern in two ways: one match attempt costs more than
 * linear time (nested or adjacent repetitions that can take the same characters), or each
 * attempt is linear but one is made at every position (an open repetition that runs to the
 * end of the text without finding what must follow it). Both show on text built from the
 * pattern's own pieces: its prefixes repeated (`nearText:{nearText:{…`), a prefix followed by a
 * long run of what its next repetition accepts (`"model":` and 2 MB of spaces), a repeated
 * body taken through each of its alternatives (`"\"\"\"…`), and long runs of single characters.
 * Each of those also gets a final character that spoils a match at the end, so that a pattern
 * anchored at `$` cannot succeed early.
 */
import { transformSync } from "esbuild";
import { parse } from "acorn";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type Node =
  | { k: "set"; src: string }
  | { k: "seq"; items: Node[] }
  | { k: "alt"; alts: Node[] }
  | { k: "group"; body: Node }
  | { k: "look" }
  | { k: "anchor" }
  | { k: "rep"; body: Node; min: number; max: number };

/** A reader of the syntax the sources use; it only needs to find pieces and repetitions. */
class Reader {
  private i = 0;
  constructor(private readonly src: string) {}

  read(): Node {
    const node = this.alternation();
    if (this.i < this.src.length) throw new Error(`cannot read /${this.src}/ at ${this.i}`);
    return node;
  }

  private alternation(): Node {
    const alts = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      alts.push(this.sequence());
    }
    return alts.length === 1 ? alts[0]! : { k: "alt", alts };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") items.push(this.quantified(this.atom()));
    return { k: "seq", items };
  }

  private atom(): Node {
    const s = this.src;
    const start = this.i;
    const c = s[this.i]!;
    if (c === "^" || c === "$") {
      this.i++;
      return { k: "anchor" };
    }
    if (c === "(") {
      const look = /^\(\?<?[=!]/.exec(s.slice(this.i))?.[0];
      if (look) this.i += look.length;
      else if (s.startsWith("(?:", this.i)) this.i += 3;
      else if (s.startsWith("(?<", this.i)) this.i = s.indexOf(">", this.i) + 1;
      else this.i++;
      const body = this.alternation();
      this.i++; // ")"
      return look ? { k: "look" } : { k: "group", body };
    }
    if (c === "[") {
      this.i++;
      while (s[this.i] !== "]") this.i += s[this.i] === "\\" ? 2 : 1;
      this.i++;
      return { k: "set", src: s.slice(start, this.i) };
    }
    if (c === "\\") {
      const e = s[this.i + 1]!;
      if (e === "b" || e === "B") {
        this.i += 2;
        return { k: "anchor" };
      }
      if (e === "u" && s[this.i + 2] === "{") this.i = s.indexOf("}", this.i) + 1;
      else if (e === "u") this.i += 6;
      else if (e === "x") this.i += 4;
      else if ((e === "p" || e === "P") && s[this.i + 2] === "{") this.i = s.indexOf("}", this.i) + 1;
      else this.i += 2;
      return { k: "set", src: s.slice(start, this.i) };
    }
    this.i += c.codePointAt(0)! > 0xffff ? 2 : 1;
    return { k: "set", src: s.slice(start, this.i) };
  }

  private quantified(body: Node): Node {
    const s = this.src;
    let min: number;
    let max: number;
    const c = s[this.i];
    if (c === "*" || c === "+" || c === "?") {
      this.i++;
      [min, max] = c === "*" ? [0, Infinity] : c === "+" ? [1, Infinity] : [0, 1];
    } else if (c === "{" && /^\{\d+(,\d*)?\}/.test(s.slice(this.i))) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i))!;
      this.i += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else {
      return body;
    }
    if (s[this.i] === "?") this.i++;
    return { k: "rep", body, min, max };
  }
}

/** Characters tried as stand-ins for a character class: plain ones and the usual delimiters. */
const PLAIN = [..."a0 A_-./\n\"\\{}[]:,;=@+#?&%'`<>()é\u2028\u0000"];

/**
 * The characters a class may stand for, in the order samples pick them: a plain one, then each
 * literal of the pattern that it accepts (where attempts overlap), then the last candidate.
 */
type Alphabet = (set: string) => string[];

const CLASS_ESCAPE = /^\\[dDwWsSpP]/;
const ESCAPED: Record<string, string> = { n: "\n", r: "\r", t: "\t", f: "\f", v: "\v", "0": "\u0000" };

/** The characters the pattern has as literals (outside classes): where attempts can overlap. */
function literalsOf(n: Node, out: Set<string>): Set<string> {
  switch (n.k) {
    case "set":
      if (n.src.startsWith("[") || n.src === "." || CLASS_ESCAPE.test(n.src)) break;
      if (!n.src.startsWith("\\")) out.add(n.src);
      else if (n.src[1] === "u" || n.src[1] === "x") out.add(String.fromCodePoint(parseInt(n.src.slice(2).replace(/[{}]/g, ""), 16)));
      else out.add(ESCAPED[n.src[1]!] ?? n.src[1]!);
      break;
    case "seq": n.items.forEach((x) => literalsOf(x, out)); break;
    case "alt": n.alts.forEach((x) => literalsOf(x, out)); break;
    case "group": case "rep": literalsOf(n.body, out); break;
  }
  return out;
}

function alphabet(root: Node, flags: string): { of: Alphabet; used: Set<string> } {
  const literals = [...literalsOf(root, new Set())];
  const candidates = [...new Set([...PLAIN, ...literals])];
  const f = flags.replace(/[gy]/g, "");
  const cache = new Map<string, string[]>();
  const used = new Set<string>(literals);
  const of = (set: string): string[] => {
    let out = cache.get(set);
    if (!out) {
      const re = new RegExp(`^(?:${set === "." ? "[^\\n\\r\\u2028\\u2029]" : set})$`, f);
      const all = candidates.filter((c) => re.test(c));
      out = [...new Set([all[0], ...all.filter((c) => literals.includes(c)), all[all.length - 1]].filter((c): c is string => c !== undefined))];
      for (const c of out) used.add(c);
      cache.set(set, out);
    }
    return out;
  };
  return { of, used };
}

/**
 * How a sample takes the parts it may leave out: all once, `?` parts not at all (the runs around
 * them then meet: `[ ]*;[ ]*(x)?` repeated is ` ; ; ;`), or none of them.
 */
type Optional = "once" | "no-maybes" | "none";

/** A text the node matches, choosing the `pick`-th stand-in of each class and alternative. */
function sample(n: Node, of: Alphabet, pick: number, optional: Optional): string {
  switch (n.k) {
    case "set": {
      const chars = of(n.src);
      return chars.length ? chars[Math.min(pick, chars.length - 1)]! : "";
    }
    case "seq": return n.items.map((x) => sample(x, of, pick, optional)).join("");
    case "alt": return sample(n.alts[Math.min(pick, n.alts.length - 1)]!, of, pick, optional);
    case "group": return sample(n.body, of, pick, optional);
    case "rep": {
      const skip = n.min === 0 && (optional === "none" || (optional === "no-maybes" && n.max === 1));
      return skip ? "" : sample(n.body, of, pick, optional).repeat(Math.min(Math.max(n.min, 1), 256));
    }
    default: return "";
  }
}

/** Every alternative of every choice at the top of `n`, each as its own branch. */
function branches(n: Node): Node[] {
  if (n.k === "alt") return n.alts.flatMap(branches);
  if (n.k === "group") return branches(n.body);
  return [n];
}

const PICKS: [number, Optional][] = [[0, "once"], [1, "once"], [0, "no-maybes"], [0, "none"]];
const OPTIONALS: Optional[] = ["once", "no-maybes", "none"];
/** A repeated part is also tried with each literal of the pattern its classes accept. */
const BODY_PICKS = [0, 1, 2, 3, 4, 5, 6, 7];

/** A group around a single repetition is that repetition. */
function unwrap(n: Node): Node {
  while (n.k === "group" || (n.k === "seq" && n.items.length === 1)) {
    const inner: Node = n.k === "group" ? n.body : n.items[0]!;
    if (inner.k !== "rep" && inner.k !== "group" && inner.k !== "seq") break;
    n = inner;
  }
  return n;
}

/** Last characters that keep a match from ending at the end of the text (one of them will, for most patterns). */
const SPOILERS = ["\u0000", "/", "\n"];

/** The pieces an input is made of: `head` once, then `unit` repeated to the full length. */
function seeds(source: string, flags: string): { unit: string; head: string }[] {
  const root = new Reader(source).read();
  const { of, used } = alphabet(root, flags);
  const out: { unit: string; head: string }[] = [];
  const walk = (n: Node): void => {
    for (const branch of branches(n)) {
      const items = branch.k === "seq" ? branch.items : [branch];
      for (const [pick, optional] of PICKS) {
        let prefix = "";
        for (const group of items) {
          const item = unwrap(group);
          if (item.k === "rep" || item.k === "group") {
            // Repeated prefixes: an attempt starts at each copy and runs on into the next ones.
            if (prefix !== "") out.push({ unit: prefix, head: "" });
            if (item.k === "rep" && item.max > 1) {
              for (const body of branches(item.body)) {
                for (const unit of new Set(BODY_PICKS.flatMap((p) => OPTIONALS.map((o) => sample(body, of, p, o))))) {
                  // A long repetition after the prefix, and the prefix with one repetition, repeated.
                  if (unit !== "") out.push({ unit, head: prefix }, { unit: prefix + unit, head: "" });
                }
              }
            }
          }
          prefix += sample(group, of, pick, optional);
        }
        if (prefix !== "") out.push({ unit: prefix, head: "" });
      }
      for (const item of items) if (item.k === "group" || item.k === "rep") walk(item.body);
    }
  };
  walk(root);
  // Long runs of one character, for every character the pattern may look at.
  for (const c of used) out.push({ unit: c, head: "" });
  const seen = new Set<string>();
  return out.filter((s) => {
    const key = `${s.head}\u0001${s.unit}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One adversarial text, at any length: `head`, then `unit` repeated, then `spoiler`. */
export interface Adversary {
  head: string;
  unit: string;
  spoiler: string;
}

export function adversaryText({ head, unit, spoiler }: Adversary, length: number): string {
  const repeats = Math.max(0, Math.floor((length - head.length - spoiler.length) / unit.length));
  return head + unit.repeat(repeats) + spoiler;
}

/** The adversarial texts for a pattern, each ending in a character that spoils a match there. */
export function adversaries(source: string, flags: string): Adversary[] {
  // Texts that agree on their first few KB agree on the rest (the rest repeats).
  const distinct = new Map<string, Adversary>();
  for (const { unit, head } of seeds(source, flags)) {
    for (const spoiler of SPOILERS) {
      const a = { head, unit, spoiler };
      const key = adversaryText(a, 4096);
      if (!distinct.has(key)) distinct.set(key, a);
    }
  }
  return [...distinct.values()];
}

export interface SourceRegex {
  file: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every regular expression literal in the TypeScript files under `dir` (found by a real JavaScript parser). */
export function regexLiterals(dir: string): SourceRegex[] {
  const out: SourceRegex[] = [];
  for (const file of sourceFiles(dir).sort()) {
    const js = transformSync(readFileSync(file, "utf8"), { loader: file.endsWith(".tsx") ? "tsx" : "ts", target: "esnext", jsx: "transform" }).code;
    parse(js, {
      ecmaVersion: "latest",
      sourceType: "module",
      onToken: (t) => {
        if (t.type.label !== "regexp") return;
        const { pattern, flags } = (t as unknown as { value: { pattern: string; flags: string } }).value;
        out.push({ file, source: pattern, flags });
      },
    });
  }
  return out;
}

/** Files that build a RegExp at run time: each must be covered by name in the test. */
export function dynamicRegexFiles(dir: string): string[] {
  return sourceFiles(dir).filter((f) => /\bRegExp\(/.test(readFileSync(f, "utf8"))).sort();
}
