/**
 * The panel's filter language, familiar from DevTools: free text (matched against names, URLs,
 * prompts and outputs), `key:value` terms (model:, provider:, kind:, status:, is:, method:,
 * trace:, tool:, and a review's score: and label:), and `-` to negate any term. Terms combine with
 * AND; quotes keep spaces in a value.
 */
import { providerLabel } from "./provider-label";
import type { Span } from "../contract";
import { reviewOf } from "../review";

export interface Term {
  key?: "model" | "provider" | "kind" | "status" | "is" | "method" | "trace" | "tool" | "score" | "label";
  value: string;
  negate: boolean;
}

/** The keys, most used first (the order hints list them in). */
export const QUERY_KEYS = ["model", "provider", "kind", "status", "is", "tool", "score", "label", "method", "trace"] as const;
const KEYS = new Set<string>(QUERY_KEYS);
const TERM = /(-?)(?:(\w+):)?(?:"([^"]*)"?|(\S+))/g;

export function parseQuery(text: string): Term[] {
  const terms: Term[] = [];
  for (const m of text.matchAll(TERM)) {
    const [, minus, key, quoted, bare] = m;
    const value = (quoted ?? bare ?? "").toLowerCase();
    if (key && KEYS.has(key.toLowerCase())) {
      if (value) terms.push({ key: key.toLowerCase() as Term["key"], value, negate: minus === "-" });
    } else {
      const word = key ? `${key.toLowerCase()}:${value}` : value;
      if (word) terms.push({ value: word, negate: minus === "-" });
    }
  }
  return terms;
}

/**
 * `key:` words of the query that are no key of the language: a typo the filter would otherwise
 * search for as text, silently. An address (`https://…`) and a time (`12:30`) are text.
 */
export function unknownKeys(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TERM)) {
    const [, , key, quoted, bare] = m;
    if (!key || KEYS.has(key.toLowerCase()) || /^\d+$/.test(key)) continue;
    if (quoted === undefined && bare?.startsWith("//")) continue;
    if (!out.includes(key.toLowerCase())) out.push(key.toLowerCase());
  }
  return out;
}

const TEXT_KEYS = [
  "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.retrieval.query.text",
  "gen_ai.retrieval.documents", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "url.full", "error.type",
];

/** Lower-cased searchable text of a span, cached per span object (spans are replaced, never mutated). */
const searchCache = new WeakMap<Span, string>();

export function searchText(span: Span): string {
  let text = searchCache.get(span);
  if (text === undefined) {
    const a = span.attributes;
    text = [span.name, ...TEXT_KEYS.map((k) => a[k]).filter((v) => v !== undefined).map(String)].join("\n").toLowerCase();
    searchCache.set(span, text);
  }
  return text;
}

/** A number with a comparison in front: `3`, `>3`, `<=0.5`. */
const COMPARISON = /^(<=|>=|<|>|=)?(-?\d+(?:\.\d+)?)$/;

/**
 * `score:up` / `score:down`: the thumbs; `score:3`, `score:>3`, `score:<=0.5`: the number. A
 * span reviewed with thumbs only has no number, so `score:>0` does not match it.
 */
function scoreMatches(value: string, span: Span): boolean {
  const review = reviewOf(span);
  if (!review) return false;
  if (value === "up" || value === "down") return review.thumbs === value;
  const m = COMPARISON.exec(value);
  if (!m || review.score === undefined) return false;
  const n = Number(m[2]);
  switch (m[1]) {
    case ">": return review.score > n;
    case ">=": return review.score >= n;
    case "<": return review.score < n;
    case "<=": return review.score <= n;
    default: return review.score === n;
  }
}

function termMatches(term: Term, span: Span): boolean {
  const a = span.attributes;
  const has = (v: unknown) => v !== undefined && String(v).toLowerCase().includes(term.value);
  switch (term.key) {
    case "model":
      return has(a["gen_ai.request.model"]) || has(a["gen_ai.response.model"]);
    case "provider":
      // The API family or the server, as the panel shows them ("openai · 127.0.0.1:8787"); a
      // plain http span has a server but no provider, so it never matches.
      return span.kind !== "http" && has(providerLabel(a));
    case "kind":
      return span.kind === term.value || (term.value === "model" && span.kind === "llm");
    case "status":
      return span.status === term.value || (term.value === "pending" && span.endTime === undefined) || String(a["http.response.status_code"] ?? "") === term.value;
    case "is":
      if (term.value === "streaming") return a["gen_ai.request.stream"] === true;
      if (term.value === "error") return span.status === "error";
      if (term.value === "pending" || term.value === "running") return span.endTime === undefined;
      if (term.value === "reviewed") return reviewOf(span) !== undefined;
      return false;
    case "method":
      return String(a["http.request.method"] ?? "").toLowerCase() === term.value;
    case "trace":
      return span.traceId.startsWith(term.value);
    case "score":
      return scoreMatches(term.value, span);
    case "label":
      return reviewOf(span)?.labels.some((l) => l.toLowerCase().includes(term.value)) ?? false;
    case "tool":
      return has(a["gen_ai.tool.name"]) || (a["gen_ai.output.messages"] !== undefined && searchText(span).includes(`"name":"${term.value}`));
    default:
      return searchText(span).includes(term.value);
  }
}

/**
 * Whether a group of spans (a trace) matches: every positive term must match some span, and no
 * negated term may match any span. An empty query matches everything.
 */
export function matchesSpans(terms: readonly Term[], spans: readonly Span[]): boolean {
  for (const term of terms) {
    const any = spans.some((s) => termMatches(term, s));
    if (term.negate ? any : !any) return false;
  }
  return true;
}
