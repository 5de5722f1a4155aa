/** Shared assertions for provider tests. */
import assert from "node:assert/strict";
import { classifyExchange, type SpanDraft } from "../../../src/core/providers";
import { makeExchange } from "../../fixtures/providers/make-exchange";
import type { ExchangeSpec } from "../../fixtures/providers/make-exchange";

export function classify(spec: ExchangeSpec): SpanDraft {
  return classifyExchange(makeExchange(spec));
}

/** A JSON-string attribute, parsed. */
export function jsonAttr(d: SpanDraft, key: string): unknown {
  const v = d.attributes[key];
  assert.equal(typeof v, "string", `${key} should be a JSON string, got ${JSON.stringify(v)}`);
  return JSON.parse(v as string);
}

/** Output messages, parsed. */
export function outputs(d: SpanDraft): { role: string; parts: Record<string, unknown>[]; finish_reason?: string }[] {
  return jsonAttr(d, "gen_ai.output.messages") as { role: string; parts: Record<string, unknown>[]; finish_reason?: string }[];
}

/** All text parts of all output messages, joined. */
export function outputText(d: SpanDraft): string {
  return outputs(d)
    .flatMap((m) => m.parts)
    .filter((p) => p.type === "text")
    .map((p) => p.content)
    .join("");
}

export function assertSubset(actual: Record<string, unknown>, expected: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(actual[k], v, `attribute ${k}`);
}
