import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson, requestedToolCalls, returnedToolResults } from "../../../src/core/assembly/tool-messages";
import type { SpanRecord } from "../../../src/core/contract";

const span = (attributes: Record<string, string>): SpanRecord => ({
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  spanId: "00f067aa0ba902b7",
  name: "chat",
  kind: "llm",
  startTime: 0,
  status: "ok",
  attributes,
  tabId: 1,
  updatedAt: 0,
});
const msgs = (...m: object[]): string => JSON.stringify(m);

describe("tool calls in OTel messages", () => {
  it("reads the calls a response requests, skipping calls it answered itself", () => {
    const s = span({
      "gen_ai.output.messages": msgs(
        { role: "assistant", parts: [{ type: "tool_call", id: "a", name: "search", arguments: { q: "x" } }, { type: "tool_call_response", id: "a", response: "done on the server" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "b", name: "lookup", arguments: { id: 1 } }, { type: "tool_call", name: "code_execution" }, { type: "tool_call_response", response: "ran" }] },
      ),
    });
    assert.deepEqual(requestedToolCalls(s), [{ id: "b", name: "lookup", arguments: { id: 1 }, index: 0 }]);
    assert.deepEqual(requestedToolCalls(span({ "gen_ai.output.messages": "not json" })), []);
    assert.deepEqual(requestedToolCalls(span({})), []);
  });

  it("reads the results a request returns, only those after the last user turn", () => {
    const history = span({
      "gen_ai.input.messages": msgs(
        { role: "user", parts: [{ type: "text", content: "q1" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "old", name: "f" }] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "old", response: 1 }] },
        { role: "user", parts: [{ type: "text", content: "q2" }] },
      ),
    });
    assert.equal(returnedToolResults(history), undefined);
    // Anthropic: results live in a user message, possibly next to text: still a continuation.
    const anthropic = span({
      "gen_ai.input.messages": msgs(
        { role: "user", parts: [{ type: "text", content: "q" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "f" }] },
        { role: "user", parts: [{ type: "tool_call_response", id: "t1", response: "r" }, { type: "text", content: "continue" }] },
      ),
    });
    assert.deepEqual(returnedToolResults(anthropic)?.results, [{ id: "t1", response: "r" }]);
  });

  it("gives the id-less calls the results answer (Gemini)", () => {
    const s = span({
      "gen_ai.input.messages": msgs(
        { role: "user", parts: [{ type: "text", content: "q" }] },
        { role: "model", parts: [{ type: "tool_call", name: "f", arguments: { a: 1 } }, { type: "tool_call", name: "g" }] },
        { role: "user", parts: [{ type: "tool_call_response", id: "f", response: 1 }, { type: "tool_call_response", id: "g", response: 2 }] },
      ),
    });
    const input = returnedToolResults(s)!;
    assert.deepEqual(input.answeredCalls, [{ name: "f", arguments: { a: 1 } }, { name: "g", arguments: undefined }]);
    assert.equal(input.results.length, 2);
  });

  it("canonical JSON ignores key order", () => {
    assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
  });
});
