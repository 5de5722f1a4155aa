/**
 * Values of secret-named fields in bodies, whatever the value looks like: `"password": "…"` in
 * JSON (also inside a JSON string, as a model's tool-call arguments carry it), `password=…` in
 * a form or query string, and a multipart part named `password`. The name list is
 * secret-names.ts.
 *
 * Each shape finds the end of a name (its `prefix`, kept) and removes only the VALUE after it
 * (Rule.value), so the mark replaces the value and a JSON body stays valid JSON (the parsers
 * read it afterwards): a JSON value is removed up to its closing quote and never through one,
 * escapes included; a form value up to the next `&`. The prefix asks only for a name ending
 * like a secret's (…key, …token, …password): ordinary fields never make a match, which keeps
 * the scan of a model call's JSON as cheap as a shape detector's. The whole name is then read
 * back from the text before the value (`before`) and checked in code, which keeps the regexes
 * small, unambiguous and linear.
 *
 * FormData bodies as the page hook describes them (`name=value` lines) are handled apart, by
 * `redactFormLines`, since only there does a value run to the end of its line.
 */
import { LOOKBEHIND_MAX } from "./regex";
import { NAME_ENDINGS, secretNameReason, secretValueReason, type NameContext } from "./secret-names";

export interface FieldShape {
  /** The value, removed. */
  source: string;
  /** The end of its name and what separates them, matched and kept. */
  prefix: string;
  extend?: string;
  run?: { source: string; hold: number };
  valid: (match: string, before: string) => boolean;
  reasonOf: (match: string, before: string) => string;
}

/** Characters of a multipart part's name (a longer name is not looked at). */
const NAME = "[A-Za-z0-9_.$@%\\[\\]-]{1,40}";
/** A character of a form field's name. */
const FORM_NAME_CHAR = /[A-Za-z0-9_.$@%[\]-]/;

/** Where the form field name that `text` ends with (`name=`) starts, or -1: read backwards, in linear time. */
function formNameStart(text: string): number {
  if (!text.endsWith("=")) return -1;
  let at = text.length - 1;
  while (at > 0 && FORM_NAME_CHAR.test(text[at - 1]!)) at--;
  return at;
}

/**
 * `words` as one alternation, letters in any case, merged on common beginnings (the regex
 * checker refuses alternatives that start alike); `_` in a word is an optional `_` or `-`.
 */
function endingsSource(words: readonly string[]): string {
  interface Node { end: boolean; next: Map<string, Node> }
  const root: Node = { end: false, next: new Map() };
  for (const word of words) {
    let node = root;
    for (const c of word) {
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { end: false, next: new Map() }));
      node = child;
    }
    node.end = true;
  }
  const atom = (c: string): string => (c === "_" ? "[_-]?" : `[${c.toUpperCase()}${c}]`);
  const emit = (node: Node): string => {
    const alts = [...node.next].map(([c, child]) => atom(c) + emit(child));
    if (alts.length === 0) return "";
    const group = alts.length === 1 ? alts[0]! : `(?:${alts.join("|")})`;
    return node.end ? `(?:${group})?` : group;
  };
  return emit(root);
}

const JSON_ENDINGS = endingsSource(NAME_ENDINGS.json);
const FORM_ENDINGS = endingsSource(NAME_ENDINGS.form);

interface Named {
  name: string;
  context: NameContext;
}

/** The key of `"key": "` at the end of `before`, where `quote` is `"` or `\"` (inside a JSON string). */
function jsonKey(before: string, quote: string): string {
  let j = before.length - quote.length;
  while (j > 0 && /\s/.test(before[j - 1]!)) j--;
  j--; // ":"
  while (j > 0 && /[ \t]/.test(before[j - 1]!)) j--;
  j -= quote.length; // the key's closing quote
  return before.slice(before.lastIndexOf(quote, j - 1) + quote.length, j);
}

/**
 * The name of `name=` at the end of `before`, when it follows `?`, `&`, `;`, a quote (a form
 * body quoted in JSON or code), white space or the start of the text (else it is no form
 * field). After white space it is prose or a shell line, not a form: names that are secrets
 * only in forms (`code`, `key`) are not taken there.
 */
function formName(before: string): Named | undefined {
  const at = formNameStart(before);
  const sep = at > 0 ? before[at - 1]! : "";
  // `before` is cut at LOOKBEHIND_MAX characters: a name reaching its start is too long to read.
  if (at === 0 ? before.length >= LOOKBEHIND_MAX : !/[?&;"'\s]/.test(sep)) return undefined;
  const raw = before.slice(at, -1);
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // keep the raw name
  }
  return { name, context: /\s/.test(sep) ? "json" : "form" };
}

/** The name of a multipart part's `name="…"` header, followed by the blank line, at the end of `before`. */
function partName(before: string): string {
  const close = before.lastIndexOf('"');
  return before.slice(before.lastIndexOf('name="', close) + 6, close);
}

function shape(prefix: string, source: string, nameOf: (before: string) => Named | undefined, rest: Pick<FieldShape, "extend" | "run">): FieldShape {
  const reason = (m: string, before: string): string | undefined => {
    const named = nameOf(before);
    return named && secretValueReason(named.name, m, named.context);
  };
  return { prefix, source, ...rest, valid: (m, before) => reason(m, before) !== undefined, reasonOf: (m, before) => reason(m, before) ?? "secret" };
}

const json = (quote: string) => (before: string): Named => ({ name: jsonKey(before, quote), context: "json" });

export const SECRET_FIELD_SHAPES: readonly FieldShape[] = [
  // "…name": "value" — the value's characters or escapes, never its closing quote.
  shape(`${JSON_ENDINGS}"[ \\t]{0,4}:[ \\t\\r\\n]{0,8}"`, `(?:[^"\\\\]|\\\\[\\s\\S]){1,32}`, json('"'), {
    // An escape cut in two at the end of the known text is finished in the next round.
    run: { source: `(?:[^"\\\\]|\\\\[\\s\\S])*`, hold: 1 },
  }),
  // \"…name\": \"value\" — JSON inside a JSON string (tool-call arguments): up to the next backslash.
  shape(`${JSON_ENDINGS}\\\\"[ \\t]{0,4}:[ \\t]{0,8}\\\\"`, `[^"\\\\]{1,32}`, json('\\"'), { extend: '^"\\\\' }),
  // …name=value in a form body or a query string, also one in a text (`export API_KEY=…`);
  // a bracketed name (`user[password]=`) percent-encoded or not.
  shape(`${FORM_ENDINGS}(?:\\]|%5[Dd])?=`, `[^&#"'\\\\\\s<>]{1,32}`, formName, { extend: "^&#\"'\\\\\\s<>" }),
  // A multipart/form-data part: Content-Disposition: form-data; name="password", a blank line, the value.
  shape(`\\bname="${NAME}"\\r?\\n\\r?\\n`, `[^\\r\\n]{1,32}`, (b) => ({ name: partName(b), context: "form" }), { extend: "^\\r\\n" }),
];

/**
 * A FormData body as the page hook records it, `name=value` per line: a secret-named field's
 * value goes whole, to the end of its line (it may hold `&` or quotes a form value cannot).
 */
export function redactFormLines(text: string, mark: (reason: string) => string): string {
  let changed = false;
  const lines = text.split("\n").map((line) => {
    const eq = line.indexOf("=");
    if (eq <= 0 || eq === line.length - 1) return line;
    const reason = secretNameReason(line.slice(0, eq), "form");
    if (!reason || line.startsWith("[REDACTED:", eq + 1)) return line;
    changed = true;
    return `${line.slice(0, eq + 1)}${mark(reason)}`;
  });
  return changed ? lines.join("\n") : text;
}
