import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { costOf, DEFAULT_PRICES, findPrice, parsePriceTable } from "../../src/core/providers";
import type { Attributes } from "../../src/core/contract";

const near = (actual: number | undefined, expected: number) =>
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `expected ${expected}, got ${actual}`);

describe("findPrice", () => {
  it("matches exact names, case-insensitively", () => {
    assert.equal(findPrice("gpt-4o-mini")?.key, "gpt-4o-mini");
    assert.equal(findPrice("GPT-4o")?.key, "gpt-4o");
    assert.equal(findPrice("o3")?.key, "o3");
  });

  it("an exact dated entry wins over its base model", () => {
    assert.equal(findPrice("gpt-4o-2024-05-13")?.key, "gpt-4o-2024-05-13");
    assert.equal(findPrice("gpt-4o-2024-08-06")?.key, "gpt-4o");
  });

  it("dated snapshots and aliases find their base model", () => {
    assert.equal(findPrice("gpt-4o-mini-2024-07-18")?.key, "gpt-4o-mini");
    assert.equal(findPrice("claude-3-5-haiku-20241022")?.key, "claude-3-5-haiku");
    assert.equal(findPrice("claude-3-5-haiku-latest")?.key, "claude-3-5-haiku");
    assert.equal(findPrice("claude-sonnet-4-20250514")?.key, "claude-sonnet-4");
    assert.equal(findPrice("claude-sonnet-4-5-20250929")?.key, "claude-sonnet-4-5");
    assert.equal(findPrice("claude-opus-4-1-20250805")?.key, "claude-opus-4-1");
    assert.equal(findPrice("gemini-2.0-flash-001")?.key, "gemini-2.0-flash");
    assert.equal(findPrice("mistral-large-latest")?.key, "mistral-large");
    assert.equal(findPrice("mistral-large-2411")?.key, "mistral-large");
    assert.equal(findPrice("o1-mini-2024-09-12")?.key, "o1-mini");
  });

  it("strips path and cloud vendor prefixes", () => {
    assert.equal(findPrice("models/gemini-2.5-flash")?.key, "gemini-2.5-flash");
    assert.equal(findPrice("meta-llama/llama-4-scout-17b-16e-instruct")?.key, "llama-4-scout-17b-16e-instruct");
    assert.equal(findPrice("anthropic.claude-3-5-haiku-20241022-v1:0")?.key, "claude-3-5-haiku");
    assert.equal(findPrice("us.anthropic.claude-3-7-sonnet-20250219-v1:0")?.key, "claude-3-7-sonnet");
    assert.equal(findPrice("claude-3-5-haiku@20241022")?.key, "claude-3-5-haiku");
  });

  it("falls back to the longest prefix at a name boundary", () => {
    assert.equal(findPrice("gpt-4.1-mini-fast-preview")?.key, "gpt-4.1-mini");
    assert.equal(findPrice("gemini-2.5-flash-preview-05-20")?.key, "gemini-2.5-flash");
    assert.equal(findPrice("gemini-2.5-flash-lite-preview-06-17")?.key, "gemini-2.5-flash-lite");
    // "gpt-4" must not price gpt-4.5, nor "o3" an unrelated "o3x".
    assert.equal(findPrice("gpt-4.5-preview"), undefined);
    assert.equal(findPrice("o3x"), undefined);
    assert.equal(findPrice("my-own-model"), undefined);
    assert.equal(findPrice(""), undefined);
  });

  it("searches the user's table first, entirely", () => {
    const mine = { "gpt-4o": { input: 1, output: 2 }, "acme-llm": { input: 3, output: 4 } };
    assert.deepEqual(findPrice("gpt-4o-2024-05-13", mine), { key: "gpt-4o", price: mine["gpt-4o"], custom: true });
    assert.equal(findPrice("acme-llm-v2", mine)?.key, "acme-llm");
    assert.equal(findPrice("gpt-4o-mini", mine)?.custom, true, "user prefix gpt-4o wins over the default exact gpt-4o-mini");
    assert.equal(findPrice("o3", mine)?.custom, false);
  });

  it("every default price is a well-formed entry", () => {
    const { errors } = parsePriceTable(DEFAULT_PRICES);
    assert.deepEqual(errors, []);
  });
});

describe("costOf", () => {
  const base: Attributes = { "gen_ai.request.model": "gpt-4o-mini", "gen_ai.response.model": "gpt-4o-mini-2024-07-18" };

  it("charges input and output at their rates", () => {
    const cost = costOf({ ...base, "gen_ai.usage.input_tokens": 1_000_000, "gen_ai.usage.output_tokens": 500_000 })!;
    near(cost.usd, 0.15 + 0.3);
    assert.equal(cost.model, "gpt-4o-mini-2024-07-18");
    assert.equal(cost.match.key, "gpt-4o-mini");
    assert.deepEqual(cost.breakdown.map((l) => l.part), ["input", "output"]);
    assert.deepEqual(cost.missing, []);
  });

  it("input includes cached reads: those are charged at the cached rate, the rest at the input rate", () => {
    const cost = costOf({ ...base, "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.cache_read.input_tokens": 400, "gen_ai.usage.output_tokens": 10 })!;
    const [input, cached, output] = cost.breakdown;
    assert.deepEqual([input!.part, input!.tokens, input!.rate], ["input", 600, 0.15]);
    assert.deepEqual([cached!.part, cached!.tokens, cached!.rate], ["cache_read", 400, 0.075]);
    assert.deepEqual([output!.part, output!.tokens], ["output", 10]);
    near(cost.usd, (600 * 0.15 + 400 * 0.075 + 10 * 0.6) / 1e6);
  });

  it("Anthropic cache creation is charged at the cache write rate", () => {
    const cost = costOf({
      "gen_ai.request.model": "claude-3-5-haiku-latest",
      "gen_ai.usage.input_tokens": 430,
      "gen_ai.usage.cache_read.input_tokens": 120,
      "gen_ai.usage.cache_creation.input_tokens": 200,
      "gen_ai.usage.output_tokens": 24,
    })!;
    const byPart = Object.fromEntries(cost.breakdown.map((l) => [l.part, l]));
    assert.equal(byPart.input!.tokens, 110);
    assert.equal(byPart.cache_read!.rate, 0.08);
    assert.equal(byPart.cache_creation!.rate, 1);
    near(cost.usd, (110 * 0.8 + 120 * 0.08 + 200 * 1 + 24 * 4) / 1e6);
  });

  it("without a cached or write rate, those tokens cost the input rate", () => {
    const cost = costOf({ "gen_ai.request.model": "mistral-small", "gen_ai.usage.input_tokens": 100, "gen_ai.usage.cache_read.input_tokens": 40, "gen_ai.usage.cache_creation.input_tokens": 10 })!;
    near(cost.usd, (100 * 0.1) / 1e6);
    assert.deepEqual(cost.missing, ["output"]);
  });

  it("reasoning is part of output, listed apart at the output rate, never counted twice", () => {
    const cost = costOf({ "gen_ai.request.model": "o4-mini", "gen_ai.usage.input_tokens": 0, "gen_ai.usage.output_tokens": 1000, "gen_ai.usage.reasoning.output_tokens": 800 })!;
    const byPart = Object.fromEntries(cost.breakdown.map((l) => [l.part, l]));
    assert.equal(byPart.output!.tokens, 200);
    assert.equal(byPart.reasoning!.tokens, 800);
    assert.equal(byPart.reasoning!.rate, 4.4);
    near(cost.usd, (1000 * 4.4) / 1e6);
  });

  it("inconsistent cache counts are clamped to the input they belong to", () => {
    const cost = costOf({ ...base, "gen_ai.usage.input_tokens": 100, "gen_ai.usage.cache_read.input_tokens": 500, "gen_ai.usage.output_tokens": 0 })!;
    assert.deepEqual(cost.breakdown.map((l) => [l.part, l.tokens]), [["cache_read", 100]]);
  });

  it("falls back to the request model when the response model has no price", () => {
    const cost = costOf({ "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "some-deployment-name", "gen_ai.usage.input_tokens": 10 })!;
    assert.equal(cost.model, "gpt-4o");
  });

  it("says nothing rather than guess: no usage, no model, or no price", () => {
    assert.equal(costOf(base), undefined);
    assert.equal(costOf({ "gen_ai.usage.input_tokens": 10 }), undefined);
    assert.equal(costOf({ "gen_ai.request.model": "unknown-model", "gen_ai.usage.input_tokens": 10 }), undefined);
    assert.equal(costOf({ ...base, "gen_ai.usage.input_tokens": "10" as unknown as number }), undefined);
  });

  it("uses the user's prices when given", () => {
    const cost = costOf({ "gen_ai.request.model": "acme-1", "gen_ai.usage.input_tokens": 2_000_000, "gen_ai.usage.output_tokens": 0 }, { "acme-1": { input: 1.5, output: 3 } })!;
    near(cost.usd, 3);
    assert.equal(cost.match.custom, true);
  });

  it("embeddings: input only", () => {
    const cost = costOf({ "gen_ai.operation.name": "embeddings", "gen_ai.request.model": "text-embedding-3-small", "gen_ai.usage.input_tokens": 9 })!;
    near(cost.usd, (9 * 0.02) / 1e6);
    assert.deepEqual(cost.missing, [], "embeddings have no output to miss");
  });
});

describe("parsePriceTable", () => {
  it("accepts a valid table, as text or value", () => {
    const text = '{"acme-1": {"input": 1, "output": 2, "cachedInput": 0.5, "cacheWrite": 1.25}}';
    const expected = { "acme-1": { input: 1, output: 2, cachedInput: 0.5, cacheWrite: 1.25 } };
    assert.deepEqual(parsePriceTable(text), { table: expected, errors: [] });
    assert.deepEqual(parsePriceTable(JSON.parse(text)), { table: expected, errors: [] });
    assert.deepEqual(parsePriceTable("  "), { table: {}, errors: [] });
  });

  it("reports bad JSON and a wrong top-level shape", () => {
    assert.match(parsePriceTable("{oops").errors[0]!, /^Not valid JSON/);
    assert.match(parsePriceTable("[1]").errors[0]!, /object mapping model names/);
    assert.match(parsePriceTable("null").errors[0]!, /object mapping model names/);
  });

  it("reports each bad entry readably and keeps the good ones", () => {
    const { table, errors } = parsePriceTable({
      good: { input: 1, output: 2 },
      typo: { inptu: 1, output: 2 },
      negative: { input: -1, output: 2 },
      text: { input: "1", output: 2 },
      notObject: 3,
      " ": { input: 1, output: 1 },
    });
    assert.deepEqual(Object.keys(table), ["good"]);
    assert.equal(errors.length, 5);
    assert.ok(errors.some((e) => e.startsWith('"typo": unknown field "inptu"') && e.includes('"input" is required')), errors.join("\n"));
    assert.ok(errors.some((e) => e.startsWith('"negative": "input" must be a number')));
    assert.ok(errors.some((e) => e.startsWith('"text": "input" must be a number') && e.includes('(got "1")')));
    assert.ok(errors.some((e) => e.startsWith('"notObject": expected an object')));
    assert.ok(errors.includes("A model name is empty."));
  });
});
