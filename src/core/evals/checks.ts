/**
 * What a regression run checks on each new answer against the item (docs/DESIGN.md,
 * "Regression runs"): the same text, a text it contains, valid JSON, JSON matching a schema,
 * the same tools called with equal arguments, a regular expression. The person's patterns run
 * on model output, so they run on RE2 (re2js: linear time, no backtracking); schemas are
 * checked by @cfworker/json-schema, which interprets them (the extension's CSP allows no
 * generated code) and whose own `pattern` keyword would use the backtracking engine: a schema
 * with patterns is refused, the regex check does that job.
 */
import { Validator, type Schema } from "@cfworker/json-schema";
import { RE2JS } from "re2js";
import type { ExpectedOutput } from "./item";

export type Check =
  | { kind: "exact" }
  /** `text` empty: contains the expected output. */
  | { kind: "contains"; text: string }
  | { kind: "json" }
  | { kind: "schema"; schema: string }
  | { kind: "tool" }
  | { kind: "regex"; pattern: string };

export type CheckKind = Check["kind"];

export const CHECK_LABEL: Record<CheckKind, string> = {
  exact: "exact", contains: "contains", json: "JSON valid", schema: "JSON schema", tool: "same tool call", regex: "regex",
};

export interface CheckOutcome {
  kind: CheckKind;
  pass: boolean;
  /** Why it failed, in a few words. */
  note?: string;
}

export type Grader = (actual: ExpectedOutput, expected: ExpectedOutput) => CheckOutcome[];

const MAX_PATTERN = 2000;

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Tool arguments compared as values: a JSON string and the object it encodes are equal. */
function argValue(v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; note: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, note: error instanceof Error ? error.message.slice(0, 120) : "not JSON" };
  }
}

/** Whether a schema (at any depth) uses keywords that would run a backtracking regex. */
function usesPatterns(v: unknown, depth = 0): boolean {
  if (depth > 64 || typeof v !== "object" || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => usesPatterns(x, depth + 1));
  return Object.entries(v).some(([k, x]) => ((k === "pattern" || k === "patternProperties") && typeof x !== "boolean") || usesPatterns(x, depth + 1));
}

type One = (actual: ExpectedOutput, expected: ExpectedOutput) => CheckOutcome;

function compileOne(check: Check): One {
  switch (check.kind) {
    case "exact":
      return (a, e) => ({ kind: "exact", pass: a.text.trim() === e.text.trim(), ...(a.text.trim() === e.text.trim() ? {} : { note: "the text differs" }) });
    case "contains": {
      const wanted = check.text;
      return (a, e) => {
        const needle = wanted === "" ? e.text.trim() : wanted;
        const pass = a.text.includes(needle);
        return { kind: "contains", pass, ...(pass ? {} : { note: `no "${needle.slice(0, 40)}"` }) };
      };
    }
    case "json":
      return (a) => {
        const r = parseJson(a.text.trim());
        return { kind: "json", pass: r.ok, ...(r.ok ? {} : { note: r.note }) };
      };
    case "schema": {
      const parsed = parseJson(check.schema);
      if (!parsed.ok) throw new Error(`The JSON schema is not JSON: ${parsed.note}`);
      if (typeof parsed.value !== "object" && typeof parsed.value !== "boolean") throw new Error("The JSON schema is not an object.");
      if (usesPatterns(parsed.value)) throw new Error('The JSON schema uses "pattern": use the regex check for that (it runs in linear time).');
      const validator = new Validator(parsed.value as Schema | boolean, "2020-12", true);
      return (a) => {
        const r = parseJson(a.text.trim());
        if (!r.ok) return { kind: "schema", pass: false, note: `not JSON: ${r.note}` };
        const result = validator.validate(r.value);
        const first = result.errors[result.errors.length - 1];
        return { kind: "schema", pass: result.valid, ...(result.valid ? {} : { note: first ? `${first.instanceLocation}: ${first.error}`.slice(0, 160) : "does not match" }) };
      };
    }
    case "tool":
      return (a, e) => {
        if (a.toolCalls.length !== e.toolCalls.length) return { kind: "tool", pass: false, note: `${a.toolCalls.length} tool calls, expected ${e.toolCalls.length}` };
        for (let i = 0; i < e.toolCalls.length; i++) {
          const x = a.toolCalls[i]!;
          const y = e.toolCalls[i]!;
          if (x.name !== y.name) return { kind: "tool", pass: false, note: `called ${x.name}, expected ${y.name}` };
          if (!deepEqual(argValue(x.arguments), argValue(y.arguments))) return { kind: "tool", pass: false, note: `other arguments to ${y.name}` };
        }
        return { kind: "tool", pass: true };
      };
    case "regex": {
      if (check.pattern === "" || check.pattern.length > MAX_PATTERN) throw new Error(`The regex must be 1 to ${MAX_PATTERN} characters.`);
      let re: RE2JS;
      try {
        re = RE2JS.compile(check.pattern);
      } catch (error) {
        throw new Error(`The regex is not valid (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`);
      }
      return (a) => {
        const pass = re.test(a.text);
        return { kind: "regex", pass, ...(pass ? {} : { note: "no match" }) };
      };
    }
  }
}

/** The checks as one grader, or a readable error for a check that cannot run (bad schema, bad regex). */
export function compileChecks(checks: readonly Check[]): { ok: true; grade: Grader } | { ok: false; error: string } {
  try {
    const all = checks.map(compileOne);
    return { ok: true, grade: (a, e) => all.map((one) => one(a, e)) };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
