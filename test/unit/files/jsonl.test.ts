/** JSON Lines of model calls for evals. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { toEvalJsonl, type EvalRecord } from "../../../src/core/files";
import { T0 } from "../../fixtures/providers/make-exchange";
import { chatStream } from "../../fixtures/providers/openai-chat";
import { makeExchange } from "../../fixtures/providers/make-exchange";
import { captured, fullSession, supportBotTrace } from "../../fixtures/files/session";

const lines = (text: string): EvalRecord[] => text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as EvalRecord);

describe("toEvalJsonl", () => {
  it("writes one line per finished llm span, in start order, each line a JSON object ending in a newline", () => {
    const session = fullSession();
    const text = toEvalJsonl(session.spans);
    assert.ok(text.endsWith("\n"));
    const records = lines(text);
    const expected = session.spans.filter((s) => s.kind === "llm" && s.endTime !== undefined);
    assert.equal(records.length, expected.length);
    assert.ok(records.every((r, i) => i === 0 || r.start_time >= records[i - 1]!.start_time));
    assert.ok(!records.some((r) => session.spans.find((s) => s.spanId === r.span_id)!.kind !== "llm"));
  });

  it("holds inputs, system instructions, outputs, model, parameters, usage, latency, ttft and ids", () => {
    const { span } = captured(makeExchange(chatStream));
    const [r] = lines(toEvalJsonl([span]));
    assert.equal(r!.trace_id, span.traceId);
    assert.equal(r!.span_id, span.spanId);
    assert.equal(r!.parent_span_id, null);
    assert.equal(r!.model, "gpt-4o-mini");
    assert.equal(r!.response_model, "gpt-4o-mini-2024-07-18");
    assert.equal(r!.provider, "openai");
    assert.equal(r!.operation, "chat");
    assert.deepEqual(r!.parameters, { temperature: 0.7, max_tokens: 256, top_p: 0.9 });
    assert.equal(r!.stream, true);
    assert.deepEqual(r!.usage, { input_tokens: 1117, output_tokens: 46, cache_read_input_tokens: 1024, cache_creation_input_tokens: null, reasoning_output_tokens: 0 });
    assert.equal(r!.latency_ms, 900); // the stream ends at [DONE] (900 ms), not at the connection close (901 ms)
    assert.equal(r!.ttft_ms, 360); // "Hello" completes in the network chunk at 360 ms
    assert.equal(r!.status, "ok");
    assert.equal(r!.error, null);
    assert.equal(r!.start_time, new Date(T0).toISOString());
    // OpenAI chat keeps the system message among the inputs (the parser's choice, per OTel).
    assert.equal(r!.system_instructions, null);
    assert.deepEqual((r!.input_messages as { role: string }[]).map((m) => m.role), ["system", "user"]);
    assert.match(JSON.stringify(r!.output_messages), /Hello! How can I help you today\? 😊/);
    assert.deepEqual(r!.finish_reasons, ["stop"]);
  });

  it("parses system instructions when the provider has them apart (Anthropic)", () => {
    const anthropic = fullSession().spans.find((s) => s.kind === "llm" && typeof s.attributes["gen_ai.system_instructions"] === "string")!;
    const [r] = lines(toEvalJsonl([anthropic]));
    assert.ok(Array.isArray(r!.system_instructions));
  });

  it("reports errors with type and message", () => {
    const errored = fullSession().spans.filter((s) => s.kind === "llm" && s.status === "error" && s.endTime !== undefined);
    const records = lines(toEvalJsonl(errored));
    assert.ok(records.length > 2);
    for (const r of records) {
      assert.equal(r.status, "error");
      assert.equal(typeof r.error!.type, "string");
    }
    assert.ok(records.some((r) => r.error!.type === "AbortError"));
  });

  it("leaves out spans in flight and non-model spans, and keeps a malformed message attribute as text", () => {
    const spans = supportBotTrace().spans;
    const llm = spans.find((s) => s.kind === "llm")!;
    const broken = { ...llm, spanId: "c000000000000001", attributes: { ...llm.attributes, "gen_ai.input.messages": "{not json" } };
    const inflight = { ...llm, spanId: "c000000000000002", endTime: undefined };
    const records = lines(toEvalJsonl([broken, inflight, spans[0]!]));
    assert.equal(records.length, 1);
    assert.equal(records[0]!.input_messages, "{not json");
  });
});
