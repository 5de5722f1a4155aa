import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/ollama";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("Ollama native API", () => {
  it("/api/chat NDJSON stream: done_reason, prompt_eval_count/eval_count, TTFT", () => {
    const d = classify(f.ollamaChatStream);
    assert.equal(d.name, "chat llama3.2");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "ollama",
      "gen_ai.request.stream": true,
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 300,
      "gen_ai.request.top_k": 20,
      "gen_ai.usage.input_tokens": 26,
      "gen_ai.usage.output_tokens": 282,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.response.time_to_first_chunk": 0.83,
      "llm_trace.stream.event_count": 4,
    });
    assert.equal(outputText(d), "The sky is blue.");
    assert.deepEqual((jsonAttr(d, "gen_ai.input.messages") as unknown[])[0], { role: "system", parts: [{ type: "text", content: "Be terse." }] });
  });

  it("tool calls and thinking, stream:false", () => {
    const d = classify(f.ollamaChatTools);
    assert.equal(d.status, "ok");
    assert.equal(d.attributes["gen_ai.request.stream"], false);
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], undefined);
    assert.deepEqual(outputs(d)[0]!.parts, [
      { type: "reasoning", content: "I need the weather tool." },
      { type: "tool_call", name: "get_current_weather", arguments: { location: "Paris, FR" } },
    ]);
    assert.equal((jsonAttr(d, "gen_ai.tool.definitions") as { name: string }[])[0]!.name, "get_current_weather");
  });

  it("/api/generate: text_completion with system instructions", () => {
    const d = classify(f.ollamaGenerate);
    assert.equal(d.name, "text_completion llama3.2");
    assert.equal(outputText(d), "Because of Rayleigh scattering.");
    assert.deepEqual(jsonAttr(d, "gen_ai.system_instructions"), [{ type: "text", content: "Answer in one sentence." }]);
    assert.equal(d.attributes["gen_ai.usage.output_tokens"], 6);
  });

  it("errors: 404 body and an error line mid-stream", () => {
    const nf = classify(f.ollamaNotFound);
    assert.equal(nf.status, "error");
    assert.equal(nf.attributes["error.type"], "404");
    assert.match(String(nf.attributes["llm_trace.error.message"]), /not found/);
    const mid = classify(f.ollamaMidStreamError);
    assert.equal(mid.status, "error");
    assert.equal(mid.attributes["error.type"], "stream_error");
    assert.equal(outputText(mid), "Hel");
  });

  it("/api/embed", () => {
    const d = classify(f.ollamaEmbed);
    assert.equal(d.kind, "embedding");
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "ollama",
      "gen_ai.embeddings.dimension.count": 5,
      "llm_trace.embeddings.input_count": 2,
      "gen_ai.usage.input_tokens": 8,
    });
  });
});
