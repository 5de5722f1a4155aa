/** LangChain runs streamed by an app's backend, and other streams of text deltas. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/langchain";
import { genericSse } from "../../fixtures/providers/generic";
import { assertSubset, classify, outputText, outputs } from "./helpers";

describe("LangChain streams and text deltas", () => {
  it("LangServe /stream: text from AIMessageChunk contents, model from response_metadata, usage from usage_metadata", () => {
    const d = classify(f.langserveStream);
    assert.equal(d.kind, "llm");
    assert.equal(d.status, "ok");
    assert.equal(d.name, "chat gpt-4o-mini-2024-07-18");
    assert.equal(outputText(d), "Parrots can talk.");
    assertSubset(d.attributes, { "gen_ai.response.model": "gpt-4o-mini-2024-07-18", "gen_ai.usage.input_tokens": 11, "gen_ai.usage.output_tokens": 4, "llm_trace.langchain.protocol": "langserve-stream", "gen_ai.response.time_to_first_chunk": 0.5 });
  });

  it("LangServe error event: an error with its status code, partial text kept", () => {
    const d = classify(f.langserveError);
    assert.equal(d.status, "error");
    assertSubset(d.attributes, { "error.type": "500", "llm_trace.error.message": "Internal Server Error" });
    assert.equal(outputText(d), "Par");
  });

  it("streamEvents v2: on_chat_model_stream content blocks (reasoning, text), provider and totals from the run", () => {
    const d = classify(f.langserveStreamEvents);
    assert.equal(d.status, "ok");
    assert.deepEqual(outputs(d)[0]!.parts, [{ type: "reasoning", content: "A greeting." }, { type: "text", content: "Hello! How can I help?" }]);
    assertSubset(d.attributes, { "gen_ai.provider.name": "anthropic", "gen_ai.response.model": "claude-sonnet-4-5-20250929", "gen_ai.usage.input_tokens": 9, "gen_ai.usage.output_tokens": 20 });
  });

  it("LangChain.js serialised chunks relayed as NDJSON", () => {
    const d = classify(f.langchainJsNdjson);
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "LCEL is LangChain's expression language.");
    assertSubset(d.attributes, { "gen_ai.provider.name": "openai", "gen_ai.response.model": "gpt-4o-mini" });
  });

  it("any SSE whose events carry text deltas: output text and model recovered, raw events kept", () => {
    const d = classify(f.customDeltaSse);
    assert.equal(d.kind, "llm");
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "The team agreed to ship.");
    assertSubset(d.attributes, { "gen_ai.response.model": "llama-3.1-70b", "llm_trace.output.source": 'text deltas in "delta"' });
    assert.equal(d.events?.filter((e) => e.name === "sse.event").length, 4);
    assert.equal(d.attributes["gen_ai.usage.output_tokens"], undefined, "no usage report, no token counts");
  });

  it("streams without text deltas stay plain http spans", () => {
    assert.equal(classify(genericSse).kind, "http");
    const feed = classify({ ...f.customDeltaSse, requestJson: undefined, method: "GET", chunks: [{ dt: 10, text: 'data: {"text":"New comment"}\n\ndata: {"text":"Another"}\n\n' }] });
    assert.equal(feed.kind, "http", "a generic field name needs a model-like request");
  });
});
