import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Span } from "../../src/core/contract";
import { flatten, formatTraces, groupTraces, matchesSpans, parseQuery } from "../../src/core/query";

let n = 0;
function span(fields: Partial<Span> & { spanId: string }): Span {
  return { traceId: "a".repeat(32), name: fields.spanId, kind: "http", startTime: ++n, endTime: n + 10, status: "ok", attributes: {}, ...fields };
}

describe("trace tree", () => {
  it("nests children under parents in time order; a missing parent makes a root", () => {
    const spans = [
      span({ spanId: "c2", parentSpanId: "r", startTime: 30 }),
      span({ spanId: "r", startTime: 10 }),
      span({ spanId: "c1", parentSpanId: "r", startTime: 20 }),
      span({ spanId: "orphan", parentSpanId: "not-captured", startTime: 40 }),
    ];
    const [trace] = groupTraces(spans);
    assert.deepEqual(flatten(trace!.roots).map((x) => [x.span.spanId, x.depth]), [["r", 0], ["c1", 1], ["c2", 1], ["orphan", 0]]);
    assert.deepEqual(flatten(trace!.roots, new Set(["r"])).map((x) => x.span.spanId), ["r", "orphan"]);
  });

  it("never loses spans in a parent cycle", () => {
    const spans = [span({ spanId: "x", parentSpanId: "y" }), span({ spanId: "y", parentSpanId: "x" })];
    const [trace] = groupTraces(spans);
    assert.equal(flatten(trace!.roots).length, 2);
  });

  it("a trace with a span in flight has no end; traces are in time order", () => {
    const traces = groupTraces([span({ spanId: "b", traceId: "b".repeat(32), startTime: 5 }), span({ spanId: "a", startTime: 100, endTime: undefined })]);
    assert.deepEqual(traces.map((t) => t.traceId[0]), ["b", "a"]);
    assert.equal(traces[1]!.endTime, undefined);
    assert.match(formatTraces(traces), /in flight/);
  });

  it("the text tree leaves out a token count the provider did not report (no \"?\")", () => {
    const text = formatTraces(groupTraces([
      span({ spanId: "m", kind: "llm", name: "chat m", attributes: { "gen_ai.usage.input_tokens": 9 } }),
      span({ spanId: "e", kind: "llm", name: "chat m", attributes: { "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3 } }),
    ]));
    assert.match(text, /\(9 in tokens\)/);
    assert.match(text, /\(12 in \/ 3 out tokens\)/);
    assert.doesNotMatch(text, /\?/);
  });
});

describe("filter query", () => {
  const chat = span({ spanId: "m", kind: "llm", name: "chat gpt-4o", attributes: { "gen_ai.request.model": "gpt-4o", "gen_ai.provider.name": "openai", "gen_ai.request.stream": true, "gen_ai.input.messages": '[{"role":"user","parts":[{"type":"text","content":"Reset my password"}]}]' } });
  const failed = span({ spanId: "e", kind: "http", status: "error", name: "GET /x", attributes: { "http.response.status_code": 500 } });

  it("parses keys, quotes and negation", () => {
    assert.deepEqual(parseQuery('model:gpt -kind:http "reset my" foo:bar'), [
      { key: "model", value: "gpt", negate: false },
      { key: "kind", value: "http", negate: true },
      { value: "reset my", negate: false },
      { value: "foo:bar", negate: false },
    ]);
  });

  it("matches text in prompts, keys and states; every term must hold", () => {
    const match = (q: string, spans: Span[]) => matchesSpans(parseQuery(q), spans);
    assert.equal(match("password", [chat]), true);
    assert.equal(match("model:gpt-4o provider:openai is:streaming", [chat]), true);
    assert.equal(match("status:error", [chat]), false);
    assert.equal(match("status:error", [chat, failed]), true);
    assert.equal(match("status:500", [failed]), true);
    assert.equal(match("-status:error", [chat, failed]), false);
    assert.equal(match("kind:model -provider:anthropic", [chat]), true);
    assert.equal(match("", [failed]), true);
  });
});
