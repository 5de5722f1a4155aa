/**
 * Compare (docs/DESIGN.md, "Compare and replay"): two traces of 1,000 spans each, an agent's
 * long run (250 rounds of retrieval, a chat call with the growing history, a tool and its
 * request), the second run under a changed system prompt with different answers. What the view
 * needs to open: the steps matched by structure with every pair's numbers and changed flags,
 * plus the word diffs of the first changed pair (opened at once). Runs in Node, in this process.
 */
import type { Span } from "../../src/core/contract";
import { diffSteps } from "../../src/panel/compare-model/span-diff";
import { compareTraces } from "../../src/panel/compare-model/trace-diff";
import type { Env } from "../lib/env";
import { judge, single, type Row } from "../lib/report";

const ROUNDS = 250;

function run(system: string, answer: (i: number) => string, seed: number): Span[] {
  const spans: Span[] = [];
  const history: object[] = [];
  let t = 0;
  let id = seed;
  const span = (kind: Span["kind"], name: string, attributes: Span["attributes"], ms: number): void => {
    spans.push({ traceId: "b".repeat(32), spanId: (id++).toString(16).padStart(16, "0"), name, kind, startTime: t, endTime: t + ms, status: "ok", attributes });
    t += ms + 1;
  };
  for (let i = 0; i < ROUNDS; i++) {
    const question = `Question ${i}: what does step ${i} of the runbook say about account ${i % 17}?`;
    history.push({ role: "user", parts: [{ type: "text", content: question }] });
    span("retrieval", "retrieval docs", {
      "gen_ai.data_source.id": "docs",
      "gen_ai.retrieval.query.text": question,
      "gen_ai.retrieval.documents": JSON.stringify(Array.from({ length: 5 }, (_, d) => ({ id: `doc-${(i + d + seed) % 40}`, score: 0.9 - d * 0.05, content: `Runbook section ${d}: ${"text ".repeat(40)}` }))),
    }, 12);
    span("llm", "chat gpt-4o-mini", {
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: system }]),
      "gen_ai.input.messages": JSON.stringify(history),
      "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: answer(i) }, { type: "tool_call", id: `call_${seed}_${i}`, name: "lookup", arguments: { account: i % 17 } }] }]),
      "gen_ai.usage.input_tokens": 200 + history.length * 30,
      "gen_ai.usage.output_tokens": 40,
      "gen_ai.response.time_to_first_chunk": 0.2,
    }, 300);
    history.push({ role: "assistant", parts: [{ type: "text", content: answer(i) }] });
    span("tool", "execute_tool lookup", { "gen_ai.tool.name": "lookup", "gen_ai.tool.call.arguments": JSON.stringify({ account: i % 17 }), "gen_ai.tool.call.result": JSON.stringify({ status: "active" }) }, 20);
    span("http", "GET /tools/lookup", {}, 18);
  }
  return spans;
}

export async function compareSection(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const before = run("You are a careful assistant. Answer briefly.", (i) => `Step ${i} says to check the account first. ${"Detail ".repeat(30)}`, 1);
  const after = run("You are a careful assistant. Answer in detail, with steps.", (i) => `Step ${i} says: first, check the account; then, reset. ${"Detail ".repeat(32)}`, 100_000);
  const times: number[] = [];
  let pairs = 0;
  for (let r = 0; r < (env.quick ? 3 : 7); r++) {
    // Fresh copies: the per-span key cache must not carry over between repetitions.
    const b = before.map((s) => ({ ...s }));
    const a = after.map((s) => ({ ...s }));
    const t = performance.now();
    const result = compareTraces(b, a);
    const first = result.pairs.find((p) => p.changed);
    if (first) diffSteps(first.before?.span, first.after?.span);
    times.push(performance.now() - t);
    pairs = result.pairs.length;
  }
  return {
    rows: [judge(single("compare.1000", "Compare", "Two 1,000-span traces: steps matched, numbers, first pair's diffs", "ms", times), { text: "< 500 ms", on: "value", limit: 500 })],
    details: { spans: before.length, pairs },
  };
}
