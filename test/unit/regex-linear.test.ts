/**
 * Every regular expression in the sources runs in linear time on what a page (or a shared file)
 * can send: 2 MB, the default body cap, of text built to make it backtrack, within 50 ms.
 * A service worker cannot interrupt a running RegExp, so one slow pattern stalls capture for
 * every tab.
 *
 * The literals are found by parsing the sources, so a new pattern is tested without anyone
 * listing it; patterns built at run time are listed by file below and must be covered here.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { detectorRules, DETECTOR_IDS } from "../../src/core/redaction/detectors";
import { MARK_SOURCE } from "../../src/core/redaction/redact";
import { shapeRegex } from "../../src/core/redaction/regex";
import { CHUNK_KEY_TEXT, SCORE_KEY_TEXT } from "../../src/core/providers/retrieval-heuristic";
import { searchCollection } from "../../src/core/providers/retrieval-vendors";
import { matchRule } from "../../src/core/providers/rules";
import type { UserRule } from "../../src/core/providers";
import { splitRedactions } from "../../src/panel/detail-model/redaction";
import { adversaries, adversaryText, dynamicRegexFiles, regexLiterals } from "./regex-adversary";
import type { Adversary } from "./regex-adversary";
import { assertFast, BUDGET_MS, cost, slowdown } from "./timing";

const SIZE = 2 * 1024 * 1024;
/**
 * A global pattern that matches at every other character is linear but pays the engine's
 * bookkeeping per match (about 0.1 µs); that much more is allowed per match. A superlinear scan
 * costs whole milliseconds per match.
 */
const PER_MATCH_MS = 0.00025;
/**
 * Every text is tried at these sizes first; the slowest few per pattern then at SIZE. A pattern
 * that is superlinear on a text is over budget at 256 KB already (quadratic work there is at
 * least 256K² / (length of the repeated piece) steps, tens of ms per ns step), and the small
 * size stops a very slow one before it could run for minutes.
 */
const PROBES = [32 * 1024, 256 * 1024];
const SLOWEST = 6;

function runOnce(re: RegExp, text: string): void {
  re.lastIndex = 0;
  // A global pattern scans the whole text, as replace/matchAll/split do in the sources.
  if (re.global) text.replace(re, "");
  else re.exec(text);
}

function assertWithin(re: RegExp, label: string, text: string): number {
  const ms = cost(() => runOnce(re, text));
  if (ms <= BUDGET_MS) return ms;
  let budget = BUDGET_MS + (re.global ? (text.match(re)?.length ?? 0) * PER_MATCH_MS : 0);
  if (ms > budget) budget *= slowdown();
  assert.ok(ms <= budget, `${label} took ${ms.toFixed(0)} ms (budget ${budget.toFixed(0)}) on ${text.length} characters starting ${JSON.stringify(text.slice(0, 60))}`);
  return ms;
}

function assertLinear(re: RegExp, label: string): void {
  for (let i = 0; i < 3; i++) runOnce(re, `warm-up ${i}`);
  const all = adversaries(re.source, re.flags);
  let timed: { a: Adversary; ms: number }[] = [];
  for (const size of PROBES) timed = all.map((a) => ({ a, ms: assertWithin(re, label, adversaryText(a, size)) }));
  for (const { a } of timed.sort((x, y) => y.ms - x.ms).slice(0, SLOWEST)) assertWithin(re, label, adversaryText(a, SIZE));
}

describe("regular expression literals in src/", () => {
  const literals = regexLiterals("src");

  it("are found (the parser sees the sources)", () => {
    assert.ok(literals.length > 50, `only ${literals.length} literals found`);
    assert.ok(literals.some((r) => r.file.endsWith("retrieval-vendors.ts")));
  });

  const seen = new Set<string>();
  for (const { file, source, flags } of literals) {
    const key = `/${source}/${flags}`;
    if (seen.has(key)) continue;
    seen.add(key);
    it(`${file}: ${key}`, () => assertLinear(new RegExp(source, flags), key));
  }
});

describe("regular expressions built at run time", () => {
  it("are only the ones covered here", () => {
    // A new file here: cover its patterns below, then add it.
    assert.deepEqual(dynamicRegexFiles("src"), [
      "src/core/providers/retrieval-heuristic.ts", // key patterns: below
      "src/core/redaction/detectors.ts", // detectors: below
      "src/core/redaction/patterns.ts", // the user's patterns, refused by shapeRegex unless bounded and unambiguous
      "src/core/redaction/redact.ts", // existing marks: below
      "src/core/redaction/regex.ts", // compiles a user pattern to check its syntax; never runs it
    ]);
  });

  it("retrieval heuristic: response key patterns", () => {
    assertLinear(CHUNK_KEY_TEXT, "CHUNK_KEY_TEXT");
    assertLinear(SCORE_KEY_TEXT, "SCORE_KEY_TEXT");
  });

  it("existing redaction marks", () => {
    const shape = shapeRegex(MARK_SOURCE);
    assert.ok(shape.ok);
    assertLinear(new RegExp(shape.source, "gu"), "MARK_SOURCE");
  });

  const all = Object.fromEntries(DETECTOR_IDS.map((id) => [id, true]));
  for (const rule of detectorRules(all)) {
    it(`built-in detector ${rule.key}`, () => {
      assertLinear(rule.re, rule.key);
      if (rule.extend) assertLinear(rule.extend, `${rule.key} extend`);
    });
  }
});

describe("code that replaced a superlinear pattern", () => {
  const mb2 = (unit: string, tail = ""): string => unit.repeat(Math.ceil(SIZE / unit.length)) + tail;

  it("Weaviate REST: the collection of a 2 MB path", () => {
    for (const path of [mb2("/v1/search/a", "/"), mb2("/v1/search/a/"), mb2("/v1/search/"), mb2("/"), `/v1/search/${mb2("a")}//`]) {
      assertFast(() => searchCollection(path), `searchCollection on ${JSON.stringify(path.slice(0, 30))}`);
    }
  });

  it("panel: redaction marks in 2 MB of text", () => {
    for (const text of [mb2("[REDACTED:"), mb2("[REDACTED:a"), mb2("%5BREDACTED%3A"), mb2("%5BREDACTED%3Aa%"), mb2("%5bredacted%3a%25")]) {
      assertFast(() => splitRedactions(text), `splitRedactions on ${JSON.stringify(text.slice(0, 30))}`);
    }
  });

  it("URL rules: globs with several stars on a 2 MB URL", () => {
    const rules: UserRule[] = ["*a*a*b*", "https://*/*api*chat*", "*a?a?b*", "*?*?*?x"].map((urlPattern) => ({ urlPattern, kind: "retrieval" }));
    for (const url of [mb2("a"), `https://h.test/${mb2("api")}`, mb2("a?")]) {
      assertFast(() => matchRule(rules, url), `matchRule on ${JSON.stringify(url.slice(0, 30))}`);
    }
  });
});
