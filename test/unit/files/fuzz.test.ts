/**
 * Import must survive any file: thousands of corrupted files (truncated at random offsets, bytes
 * flipped, every field given a wrong type or deleted, huge strings, deep nesting) go through
 * importTraceFile. None may throw; a failure is ok:false with a message; a success holds a
 * well-formed session, which export must write and import back byte-for-byte. Seeded, so any
 * failure reproduces.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { harText, importTraceFile, toEvalJsonl, toHar, toOtlp, type TraceSession } from "../../../src/core/files";
import { isSpanId, isTraceId } from "../../../src/core/contract";
import { chromeHar } from "../../fixtures/files/chrome-har";
import { firefoxHar } from "../../fixtures/files/firefox-har";
import { META, mergeSessions, oddBodies, supportBotTrace } from "../../fixtures/files/session";
import { prng, randInt } from "../providers/random";
import { chromeImporterProblems } from "./chrome-importer";

const KINDS = ["interaction", "llm", "embedding", "retrieval", "tool", "agent", "http"];
const isAttr = (v: unknown): boolean =>
  typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) ||
  (Array.isArray(v) && (v.every((x) => typeof x === "string") || v.every((x) => typeof x === "number" && Number.isFinite(x))));

function assertWellFormed(s: TraceSession, label: string): void {
  for (const span of s.spans) {
    assert.ok(isTraceId(span.traceId) && isSpanId(span.spanId), `${label}: span ids`);
    assert.ok(span.parentSpanId === undefined || isSpanId(span.parentSpanId), `${label}: parent id`);
    assert.ok(KINDS.includes(span.kind) && ["unset", "ok", "error"].includes(span.status), `${label}: kind/status`);
    assert.ok(typeof span.name === "string" && Number.isFinite(span.startTime), `${label}: name/start`);
    assert.ok(span.endTime === undefined || Number.isFinite(span.endTime), `${label}: end`);
    assert.equal(Object.getPrototypeOf(span.attributes), Object.prototype, `${label}: attributes prototype`);
    for (const [k, v] of Object.entries(span.attributes)) assert.ok(isAttr(v), `${label}: attribute ${k}`);
    for (const e of span.events ?? []) assert.ok(typeof e.name === "string" && Number.isFinite(e.time), `${label}: event`);
  }
  for (const ex of s.exchanges) {
    assert.ok(isSpanId(ex.id) && typeof ex.request.url === "string" && typeof ex.request.method === "string", `${label}: exchange`);
    assert.ok(Number.isFinite(ex.timing.start), `${label}: timing`);
    for (const [n, v] of [...ex.request.headers, ...(ex.response?.headers ?? [])]) assert.ok(typeof n === "string" && typeof v === "string", `${label}: header`);
    for (const c of ex.chunks) assert.ok(Number.isFinite(c.time) && typeof c.text === "string", `${label}: chunk`);
  }
}

/**
 * A checker per test case, so that each case stands alone (run by itself, in any order, or
 * filtered): it counts the files it checked and picks its own sample of successes.
 */
function checker() {
  let checked = 0;
  let accepted = 0;
  function check(text: string, label: string): void {
    let r: ReturnType<typeof importTraceFile>;
    try {
      r = importTraceFile(text, { now: 1 });
    } catch (e) {
      assert.fail(`${label}: import threw ${String(e)}`);
    }
    checked++;
    if (!r.ok) {
      assert.ok(typeof r.error === "string" && r.error.length > 10, `${label}: message`);
      assert.doesNotMatch(r.error, /internal error/, `${label}: ${r.error}`);
      return;
    }
    assert.ok(Array.isArray(r.warnings) && r.warnings.every((w) => typeof w === "string"), `${label}: warnings`);
    assertWellFormed(r.session, label);
    // Whatever import accepts, export writes, and our own file then round-trips exactly. Most
    // mutations leave the same session, so this slower check runs on a sample (every 4th success).
    if (++accepted % 4 !== 0) return;
    const again = harText(toHar(r.session, META));
    assert.deepEqual(chromeImporterProblems(JSON.parse(again)), [], `${label}: re-export not importable by Chrome`);
    toEvalJsonl(r.session.spans);
    JSON.stringify(toOtlp(r.session.spans, { serviceName: "x" }));
    const back = importTraceFile(again, { now: 1 });
    assert.ok(back.ok, `${label}: re-import of the re-export failed`);
    assert.ok(harText(toHar(back.session, META)) === again, `${label}: re-export not stable`);
  }
  return { check, checked: () => checked, accepted: () => accepted };
}

// ---- mutations ----

const GARBAGE = ['"', "{", "}", "[", "]", ",", ":", "\\", "\u0000", "\n", "\uD800", "😊", "1e999", "-", "null", "\uFEFF", "<"];
const DEEP = "[".repeat(20_000) + "]".repeat(20_000);
const HUGE = "x".repeat(500_000);
const DEEP_MARK = "@@deep@@";
/** Values of the wrong type for any field; the deep one is spliced in as text (no stringify recursion). */
const WRONG: unknown[] = [null, 0, -1, 1e308, 3.5, "", "junk", true, [], {}, [1, "a", null], { a: { b: [] } }, HUGE, DEEP_MARK, "0".repeat(32), "__proto__"];

type Path = (string | number)[];
function paths(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (at.length > 0) out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (typeof v === "object" && v !== null) for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, remove: boolean): unknown {
  const copy = JSON.parse(JSON.stringify(root));
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const serialize = (v: unknown): string => JSON.stringify(v).replace(`"${DEEP_MARK}"`, DEEP);

function flip(text: string, rand: () => number): string {
  const chars = text.split("");
  const n = randInt(rand, 1, 6);
  for (let i = 0; i < n; i++) chars[randInt(rand, 0, chars.length - 1)] = GARBAGE[randInt(rand, 0, GARBAGE.length - 1)]!;
  return chars.join("");
}

// ---- base files ----

function small(): TraceSession {
  const s = supportBotTrace();
  return { spans: [s.spans[0]!, s.spans[2]!, s.spans[3]!], exchanges: [s.exchanges[0]!, s.exchanges[1]!] };
}
const ours = JSON.parse(harText(toHar(mergeSessions(supportBotTrace(), oddBodies()), META)));
const smallOurs = JSON.parse(harText(toHar(small(), META)));
const otlp = JSON.parse(JSON.stringify(toOtlp(supportBotTrace().spans, { serviceName: "x" })));
const BASES: [string, unknown][] = [["ours", ours], ["chrome", chromeHar()], ["firefox", firefoxHar()], ["otlp", otlp]];

describe("fuzzing importTraceFile", () => {
  it("every field of one of our files set to each wrong type, or deleted", () => {
    const { check, checked, accepted } = checker();
    const all = paths(smallOurs);
    all.forEach((p, i) => {
      check(serialize(setAt(smallOurs, p, undefined, true)), `delete ${p.join(".")}`);
      // The two heavy values (megabytes to parse) go to every third field, to keep the run short.
      for (const w of WRONG) if ((w !== HUGE && w !== DEEP_MARK) || i % 3 === 0) check(serialize(setAt(smallOurs, p, w, false)), `${p.join(".")} = ${String(w).slice(0, 20)}`);
    });
    assert.ok(all.length > 150, `${all.length} paths`);
    assert.ok(checked() > 2000 && accepted() > 0, `${checked()} files, ${accepted()} accepted`);
  });

  it("every field of an OTLP file set to a wrong type, or deleted", () => {
    const { check, checked } = checker();
    const small = JSON.parse(JSON.stringify(toOtlp(supportBotTrace().spans.slice(0, 2), { serviceName: "x" })));
    const all = paths(small);
    for (const p of all) {
      check(serialize(setAt(small, p, undefined, true)), `otlp delete ${p.join(".")}`);
      for (const w of [null, 0, "junk", [], {}, true, DEEP_MARK]) check(serialize(setAt(small, p, w, false)), `otlp ${p.join(".")}`);
    }
    assert.ok(all.length > 30, `${all.length} paths`);
    assert.equal(checked(), all.length * 8);
  });

  it("random truncations, byte flips and field corruptions of every kind of file", () => {
    const { check, checked } = checker();
    const rand = prng(20250310);
    const texts = BASES.map(([, base]) => [JSON.stringify(base), JSON.stringify(base, null, 2)]);
    const basePaths = BASES.map(([, base]) => paths(base));
    for (let i = 0; i < 1500; i++) {
      const b = i % BASES.length;
      const [name, base] = BASES[b]!;
      const text = texts[b]![i % 2]!;
      const op = randInt(rand, 0, 3);
      if (op === 0) check(text.slice(0, randInt(rand, 0, text.length)), `${name} truncated (${i})`);
      else if (op === 1) check(flip(text, rand), `${name} flipped (${i})`);
      else {
        const all = basePaths[b]!;
        const p = all[randInt(rand, 0, all.length - 1)]!;
        check(serialize(setAt(base, p, WRONG[randInt(rand, 0, WRONG.length - 1)], op === 2)), `${name} ${p.join(".")} (${i})`);
      }
    }
    assert.equal(checked(), 1500);
  });

  it("pathological whole files", () => {
    const { check, checked } = checker();
    const cases = [
      "", " ", "\uFEFF", "null", "0", "true", '""', "[]", "{}", DEEP, "{".repeat(100_000), `{"log":${DEEP}}`,
      `{"log":{"entries":${DEEP}}}`, `{"resourceSpans":${DEEP}}`, `{"log":{"entries":[${DEEP}]}}`,
      `{"log":{"entries":"${HUGE}"}}`, `"${HUGE}`, `{"log":{"entries":[],"_spans":[{"spanId":"${HUGE}"}]}}`,
      JSON.stringify({ log: { entries: [{ request: { url: "x" }, startedDateTime: "2025", _exchange: { id: "0000000000000001" }, _span: { __proto__: 1 } }] } }),
      '{"log":{"entries":[{"__proto__":{"polluted":true},"request":{"url":"https://x.test/"},"startedDateTime":"2025-01-01T00:00:00Z"}]}}',
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"1111111111111111","startTimeUnixNano":"1","attributes":[{"key":"__proto__","value":{"stringValue":"x"}}]}]}]}]}',
      Array.from({ length: 5000 }, () => '{"resourceSpans":[]}').join("\n"),
    ];
    for (const [i, c] of cases.entries()) check(c, `pathological ${i}`);
    assert.equal(checked(), cases.length);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
