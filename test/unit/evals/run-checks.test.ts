/** The checks of a regression run, its summary and its cost estimate (docs/DESIGN.md, "Regression runs"). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareRuns, compileChecks, estimateRunCost, summarizeRun, verdict, type Check, type DatasetItem, type DatasetRun, type ExpectedOutput } from "../../../src/core/evals";

const out = (text: string, toolCalls: ExpectedOutput["toolCalls"] = []): ExpectedOutput => ({ text, toolCalls });

function grade(check: Check, actual: ExpectedOutput, expected: ExpectedOutput = out("")) {
  const c = compileChecks([check]);
  assert.ok(c.ok, c.ok ? "" : c.error);
  return c.grade(actual, expected)[0]!;
}

describe("run checks", () => {
  it("exact and contains", () => {
    assert.equal(grade({ kind: "exact" }, out("Paris. "), out("Paris.")).pass, true);
    assert.equal(grade({ kind: "exact" }, out("Lyon."), out("Paris.")).pass, false);
    assert.equal(grade({ kind: "contains", text: "" }, out("It is Paris."), out("Paris")).pass, true);
    assert.equal(grade({ kind: "contains", text: "30 minutes" }, out("valid for 30 minutes")).pass, true);
    assert.equal(grade({ kind: "contains", text: "30 minutes" }, out("valid for an hour")).pass, false);
  });

  it("JSON valid and JSON schema", () => {
    assert.equal(grade({ kind: "json" }, out('{"a": 1}')).pass, true);
    assert.equal(grade({ kind: "json" }, out("{a: 1}")).pass, false);
    const schema = JSON.stringify({ type: "object", properties: { city: { type: "string" } }, required: ["city"] });
    assert.equal(grade({ kind: "schema", schema }, out('{"city": "Paris"}')).pass, true);
    const miss = grade({ kind: "schema", schema }, out('{"town": "Paris"}'));
    assert.equal(miss.pass, false);
    assert.ok(miss.note);
    assert.equal(grade({ kind: "schema", schema }, out("Paris")).pass, false);
  });

  it("refuses a schema that is not JSON or uses backtracking patterns, and a regex RE2 cannot compile", () => {
    assert.match((compileChecks([{ kind: "schema", schema: "{" }]) as { error: string }).error, /not JSON/);
    assert.match((compileChecks([{ kind: "schema", schema: '{"properties": {"a": {"pattern": "(a+)+$"}}}' }]) as { error: string }).error, /pattern/);
    assert.match((compileChecks([{ kind: "regex", pattern: "(a" }]) as { error: string }).error, /not valid/);
    // Backreferences are not RE2: refused rather than run with backtracking.
    assert.equal(compileChecks([{ kind: "regex", pattern: "(a)\\1" }]).ok, false);
  });

  it("regex runs in linear time on the classic catastrophic pattern", () => {
    const text = "a".repeat(100_000) + "!";
    // A backtracking engine would not finish this; RE2 answers (no timing asserted: it returns).
    assert.equal(grade({ kind: "regex", pattern: "^(a+)+$" }, out(text)).pass, false);
    assert.equal(grade({ kind: "regex", pattern: "\\d+ minutes" }, out("valid for 30 minutes")).pass, true);
  });

  it("same tool called with equal arguments, JSON text or object alike", () => {
    const expected = out("", [{ name: "get_weather", arguments: { location: "Paris", unit: "c" } }]);
    assert.equal(grade({ kind: "tool" }, out("", [{ name: "get_weather", arguments: '{"unit":"c","location":"Paris"}' }]), expected).pass, true);
    assert.match(grade({ kind: "tool" }, out("", [{ name: "get_time", arguments: {} }]), expected).note ?? "", /called get_time/);
    assert.match(grade({ kind: "tool" }, out("", [{ name: "get_weather", arguments: { location: "Lyon", unit: "c" } }]), expected).note ?? "", /other arguments/);
    assert.equal(grade({ kind: "tool" }, out("Sunny"), expected).pass, false);
  });

  it("an item passes when all its checks pass", () => {
    const c = compileChecks([{ kind: "exact" }, { kind: "contains", text: "Paris" }]);
    assert.ok(c.ok);
    assert.equal(verdict(c.grade(out("Paris"), out("Paris"))), "passed");
    assert.equal(verdict(c.grade(out("Paris!"), out("Paris"))), "failed");
  });
});

describe("run summary and estimate", () => {
  it("counts passed, failed, errors; median latency; total cost", () => {
    const s = summarizeRun([
      { itemId: "a", status: "passed", latencyMs: 100, costUsd: 0.001 },
      { itemId: "b", status: "failed", latencyMs: 300, costUsd: 0.002 },
      { itemId: "c", status: "passed", latencyMs: 200 },
      { itemId: "d", status: "error", error: "HTTP 500" },
      { itemId: "e", status: "pending" },
    ]);
    assert.deepEqual(s, { passed: 2, failed: 1, errors: 1, pending: 1, medianLatencyMs: 200, totalCostUsd: 0.003 });
  });

  it("estimates from recorded usage at the price of the model the run will use", () => {
    const item = (model: string, input?: number, output?: number): DatasetItem => ({
      id: model, input: { messages: [], params: { model } }, expected: out(""), metadata: { ...(input !== undefined ? { inputTokens: input } : {}), ...(output !== undefined ? { outputTokens: output } : {}) },
    });
    const items = [item("gpt-4o-mini", 1_000_000, 1_000_000), item("no-such-model", 10, 10), item("gpt-4o-mini")];
    const own = estimateRunCost(items, {});
    assert.equal(own.priced, 1);
    assert.equal(own.unpriced, 2);
    assert.ok(own.usd > 0);
    const other = estimateRunCost(items, { model: "gpt-4o" });
    assert.equal(other.priced, 2);
    assert.ok(other.usd > own.usd);
    const custom = estimateRunCost(items, {}, { "no-such-model": { input: 1e6, output: 0 } });
    assert.equal(custom.priced, 2);
  });
});

describe("two runs compared", () => {
  it("lists the items whose verdict changed, of those in both runs", () => {
    const run = (statuses: [string, DatasetRun["results"][number]["status"]][]): DatasetRun => ({
      id: "r", datasetId: "d", startedAt: 0, state: "done", override: {}, checks: [], concurrency: 2, results: statuses.map(([itemId, status]) => ({ itemId, status })),
    });
    const before = run([["a", "passed"], ["b", "passed"], ["c", "failed"]]);
    const after = run([["a", "passed"], ["b", "failed"], ["c", "passed"], ["d", "failed"]]);
    assert.deepEqual(compareRuns(before, after), [{ itemId: "b", before: "passed", after: "failed" }, { itemId: "c", before: "failed", after: "passed" }]);
  });
});
