/**
 * User-defined classification rules from the settings page: "requests to this URL are a
 * retrieval / a tool / a model call", with tiny JSON paths saying where the query, documents and
 * their fields, or a model call's model, input and output are. This module is the rules' grammar
 * only (types, the fields of each kind, validation, URL glob, JSON path); applying a matched rule
 * to an exchange lives in providers/retrieval-rules.ts and providers/rule-llm.ts. No provider
 * imports here, so the settings page can validate rules without pulling in parsers.
 */

import { compileGlob } from "./glob";
import type { UrlGlob } from "./glob";

export type RuleKind = "retrieval" | "tool" | "llm";

export interface UserRule {
  /** Glob over the full request URL: `*` any run of characters, `?` one character. */
  urlPattern: string;
  kind: RuleKind;
  /** retrieval: the data source name; tool: the tool name (unless toolName); llm: the provider name. */
  name?: string;
  /** retrieval: where the query text is, a path into the request JSON or a URL query parameter name. tool: the arguments. */
  queryPath?: string;
  /** retrieval: the array of documents in the response JSON. tool: the part of the response kept as result. */
  documentsPath?: string;
  /** retrieval, per document (relative to one item of documentsPath). */
  idPath?: string;
  scorePath?: string;
  contentPath?: string;
  /** tool: gen_ai.tool.name. */
  toolName?: string;
  /** llm: the model, in the request JSON, else in the response JSON (or a stream's events). */
  modelPath?: string;
  /** llm: the input (chat messages, or a prompt string) in the request JSON. */
  inputPath?: string;
  /** llm: the answer in the response JSON; in an SSE or NDJSON stream, each event's text piece. */
  outputPath?: string;
}

/** The fields each kind of rule reads, besides urlPattern and kind; any other is refused. */
export const RULE_FIELDS: Readonly<Record<RuleKind, readonly (keyof UserRule)[]>> = {
  retrieval: ["name", "queryPath", "documentsPath", "idPath", "scorePath", "contentPath"],
  tool: ["toolName", "name", "queryPath", "documentsPath"],
  llm: ["name", "modelPath", "inputPath", "outputPath"],
};

export interface ClassifyOptions {
  /** Applied in order before built-in detection; the first rule whose urlPattern matches wins. */
  rules?: readonly UserRule[];
}

// ---------------------------------------------------------------------------------------------
// JSON paths: `a.b[0].c`, `a[*].b`, `["odd.key"]`, an optional leading `$`.

export type PathStep = { key: string } | { index: number } | { all: true };

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f" || c === "\v";
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

/**
 * Parse a path, or return a readable error. An empty path ("" or "$") selects the root. Read
 * once, left to right, character by character: no regular expression to backtrack on what a
 * user pastes.
 */
export function parsePath(path: string): PathStep[] | string {
  const steps: PathStep[] = [];
  const n = path.length;
  let i = path.startsWith("$") ? 1 : 0;
  let expectKey = i === 0;
  const skipSpaces = (j: number): number => {
    while (j < n && isSpace(path[j])) j++;
    return j;
  };
  while (i < n) {
    const c = path[i]!;
    if (c === ".") {
      if (expectKey) return `unexpected "." at position ${i + 1}`;
      expectKey = true;
      i++;
      continue;
    }
    if (c === "[") {
      let j = skipSpaces(i + 1);
      const first = path[j];
      let step: PathStep | undefined;
      if (first === '"' || first === "'") {
        let key = "";
        for (j++; j < n && path[j] !== first; j++) {
          if (path[j] === "\\" && j + 1 < n) j++;
          key += path[j];
        }
        if (j >= n) return `missing closing ${first} after position ${i + 1}`;
        step = { key };
        j++;
      } else if (first === "*") {
        step = { all: true };
        j++;
      } else if (isDigit(first)) {
        const from = j;
        while (isDigit(path[j])) j++;
        step = { index: Number(path.slice(from, j)) };
      }
      j = skipSpaces(j);
      if (path[j] !== "]") {
        const close = path.indexOf("]", i);
        if (close < 0) return `missing "]" after position ${i + 1}`;
        return `"[${path.slice(i + 1, close).trim()}]" is not an index, [*] or a quoted key`;
      }
      if (!step) return `"[${path.slice(i + 1, j).trim()}]" is not an index, [*] or a quoted key`;
      steps.push(step);
      i = j + 1;
      expectKey = false;
      continue;
    }
    let j = i;
    while (j < n && path[j] !== "." && path[j] !== "[" && path[j] !== "]" && !isSpace(path[j])) j++;
    if (j === i) return `unexpected "${c}" at position ${i + 1}`;
    if (!expectKey) return `expected "." or "[" before "${path.slice(i, j)}"`;
    steps.push({ key: path.slice(i, j) });
    i = j;
    expectKey = false;
  }
  if (expectKey && n > (path.startsWith("$") ? 1 : 0)) return 'path ends with "."';
  return steps;
}

/**
 * Every value the path selects (a `[*]` fans out; missing keys select nothing). Bounded: at
 * most `limit` values, so a hostile document cannot blow up the work.
 */
export function selectAll(root: unknown, steps: readonly PathStep[], limit = 1000): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if ("all" in step) {
        const items = Array.isArray(v) ? v : v !== null && typeof v === "object" ? Object.values(v) : [];
        for (const x of items) {
          if (next.length >= limit) break;
          next.push(x);
        }
      } else if ("index" in step) {
        if (Array.isArray(v) && step.index < v.length) next.push(v[step.index]);
      } else if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, step.key)) {
        next.push((v as Record<string, unknown>)[step.key]);
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** The value a path selects: the single value, or the list when the path fans out with [*]. */
export function selectPath(root: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (typeof steps === "string") return undefined;
  const values = selectAll(root, steps);
  return steps.some((s) => "all" in s) ? values : values[0];
}

// ---------------------------------------------------------------------------------------------
// URL globs (matched by glob.ts)

export interface CompiledRule {
  rule: UserRule;
  test: UrlGlob;
}

const compiledCache = new WeakMap<readonly UserRule[], CompiledRule[]>();

/** Valid rules with their patterns compiled; cached per rules array (classification runs per stream update). */
export function compileRules(rules: readonly UserRule[]): CompiledRule[] {
  const cached = compiledCache.get(rules);
  if (cached) return cached;
  const out: CompiledRule[] = [];
  for (const rule of rules) {
    if (usable(rule)) out.push({ rule, test: compileGlob(rule.urlPattern.trim()) });
  }
  compiledCache.set(rules, out);
  return out;
}

/** The first valid rule whose pattern matches the URL. */
export function matchRule(rules: readonly UserRule[] | undefined, url: string): UserRule | undefined {
  if (!rules || rules.length === 0 || url === "") return undefined;
  for (const c of compileRules(rules)) if (c.test.test(url)) return c.rule;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Validation for the settings page

export interface RuleError {
  /** Index of the rule in the list. */
  index: number;
  field: keyof UserRule | "rule" | (string & {});
  message: string;
  /**
   * A field the rule's kind does not read: refused by the settings page, but a rule saved before
   * the check still works (the field is ignored, as it always was).
   */
  inapplicable?: true;
}

const KINDS: readonly RuleKind[] = ["retrieval", "tool", "llm"];
const PATH_FIELDS = ["queryPath", "documentsPath", "idPath", "scorePath", "contentPath", "modelPath", "inputPath", "outputPath"] as const;
const MAX_PATTERN = 2048;
const MAX_PATH = 512;

function ruleErrors(rule: unknown): Omit<RuleError, "index">[] {
  if (typeof rule !== "object" || rule === null || Array.isArray(rule)) return [{ field: "rule", message: "a rule must be an object" }];
  const r = rule as Record<string, unknown>;
  const errors: Omit<RuleError, "index">[] = [];
  const pattern = r.urlPattern;
  if (typeof pattern !== "string" || pattern.trim() === "") {
    errors.push({ field: "urlPattern", message: "URL pattern is required, e.g. https://api.example.com/search* or */api/kb/*" });
  } else if (pattern.length > MAX_PATTERN) {
    errors.push({ field: "urlPattern", message: `URL pattern is longer than ${MAX_PATTERN} characters` });
  } else if (/^\*+$/.test(pattern.trim())) {
    errors.push({ field: "urlPattern", message: "URL pattern matches every request; narrow it down, e.g. */api/search*" });
  }
  if (typeof r.kind !== "string" || !KINDS.includes(r.kind as RuleKind)) {
    errors.push({ field: "kind", message: `kind must be one of ${KINDS.join(", ")}` });
  }
  for (const key of ["name", "toolName"] as const) {
    if (r[key] !== undefined && typeof r[key] !== "string") errors.push({ field: key, message: `${key} must be text` });
  }
  for (const key of PATH_FIELDS) {
    const v = r[key];
    if (v === undefined || v === "") continue;
    if (typeof v !== "string") {
      errors.push({ field: key, message: `${key} must be a JSON path such as results[*].text` });
      continue;
    }
    if (v.length > MAX_PATH) {
      errors.push({ field: key, message: `${key} is longer than ${MAX_PATH} characters` });
      continue;
    }
    const parsed = parsePath(v.trim());
    if (typeof parsed === "string") errors.push({ field: key, message: `${key}: ${parsed}` });
  }
  const kind = KINDS.includes(r.kind as RuleKind) ? (r.kind as RuleKind) : undefined;
  if (kind) {
    const reads = RULE_FIELDS[kind];
    for (const key of Object.keys(r)) {
      if (key === "urlPattern" || key === "kind" || (reads as readonly string[]).includes(key) || r[key] === undefined || r[key] === "") continue;
      const known = KINDS.filter((k) => (RULE_FIELDS[k] as readonly string[]).includes(key));
      errors.push({
        field: key,
        message: known.length
          ? `${key} does not apply to rules of kind ${kind} (only to ${known.join(" and ")}); a ${kind} rule reads ${reads.join(", ")}`
          : `${key} is not a rule field; a ${kind} rule reads ${reads.join(", ")}`,
        inapplicable: true,
      });
    }
  }
  return errors;
}

/** Whether the extension can apply the rule: a field its kind does not read is ignored. */
function usable(rule: unknown): boolean {
  return ruleErrors(rule).every((e) => e.inapplicable);
}

/** Readable problems with each rule, in list order; an empty list means every rule is usable. */
export function validateRules(rules: unknown): RuleError[] {
  if (!Array.isArray(rules)) return [{ index: -1, field: "rule", message: "rules must be a list" }];
  const out: RuleError[] = [];
  rules.forEach((rule, index) => {
    for (const e of ruleErrors(rule)) out.push({ index, ...e });
  });
  return out;
}
