import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/openai-legacy";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("OpenAI legacy completions and embeddings", () => {
  it("completions non-streamed", () => {
    const d = classify(f.completionsNonStream);
    assert.equal(d.kind, "llm");
    assert.equal(d.name, "text_completion gpt-3.5-turbo-instruct");
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "text_completion",
      "gen_ai.request.max_tokens": 7,
      "gen_ai.request.temperature": 0,
      "gen_ai.usage.input_tokens": 5,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.response.finish_reasons": ["length"],
    });
    assert.equal(outputText(d), "\n\nThis is indeed a test");
    assert.equal(outputs(d)[0]!.finish_reason, "length");
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: "Say this is a test" }] }]);
  });

  it("completions streamed", () => {
    const d = classify(f.completionsStream);
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "This is a test.");
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], 0.15);
    assert.deepEqual(d.attributes["gen_ai.response.finish_reasons"], ["stop"]);
  });

  it("embeddings: dimension and input counts, no vectors in attributes", () => {
    const d = classify(f.embeddingsFloat);
    assert.equal(d.kind, "embedding");
    assert.equal(d.name, "embeddings text-embedding-3-small");
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "embeddings",
      "gen_ai.provider.name": "openai",
      "gen_ai.embeddings.dimension.count": 8,
      "llm_trace.embeddings.input_count": 2,
      "gen_ai.usage.input_tokens": 8,
      "gen_ai.request.encoding_formats": ["float"],
      "gen_ai.response.model": "text-embedding-3-small",
    });
    assert.equal(d.status, "ok");
    assert.ok(!JSON.stringify(d.attributes).includes("0.0023064255"));
  });

  it("embeddings: base64 vectors are measured without decoding", () => {
    const d = classify(f.embeddingsBase64);
    assert.equal(d.attributes["gen_ai.embeddings.dimension.count"], 4);
    assert.equal(d.attributes["llm_trace.embeddings.input_count"], 1);
  });
});
