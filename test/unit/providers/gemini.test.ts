import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/gemini";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("Gemini and Vertex AI", () => {
  it("alt=sse stream: the last cumulative usageMetadata, never a sum", () => {
    const d = classify(f.geminiSse);
    assert.equal(d.name, "generate_content gemini-2.0-flash");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "generate_content",
      "gen_ai.provider.name": "gcp.gemini",
      "gen_ai.request.stream": true,
      "gen_ai.request.temperature": 0.9,
      "gen_ai.request.max_tokens": 800,
      "gen_ai.request.top_p": 0.95,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["Title"],
      "gen_ai.response.model": "gemini-2.0-flash",
      "gen_ai.response.id": "mJ6yaKbQM4-6nvgPkO6T6AE",
      "gen_ai.response.finish_reasons": ["STOP"],
      // last report: 20 prompt (not 60), 15 candidates + 4 thoughts (not 5+12+15)
      "gen_ai.usage.input_tokens": 20,
      "gen_ai.usage.output_tokens": 19,
      "gen_ai.usage.cache_read.input_tokens": 8,
      "gen_ai.usage.reasoning.output_tokens": 4,
      "gen_ai.response.time_to_first_chunk": 0.7,
    });
    assert.equal(outputText(d), "Once upon a time, there was a cat named Neko. The end.");
    assert.equal(outputs(d)[0]!.finish_reason, "stop");
    assert.deepEqual(jsonAttr(d, "gen_ai.system_instructions"), [{ type: "text", content: "You are a cat. Your name is Neko." }]);
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [
      { role: "user", parts: [{ type: "text", content: "Hello there" }] },
      { role: "assistant", parts: [{ type: "text", content: "Meow?" }] },
      { role: "user", parts: [{ type: "text", content: "Tell me a story" }] },
    ]);
  });

  it("JSON-array stream (no alt=sse): elements across chunk boundaries, braces inside strings", () => {
    const d = classify(f.geminiArray);
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "Hello world {not a brace}!");
    assertSubset(d.attributes, {
      "gen_ai.usage.input_tokens": 4,
      "gen_ai.usage.output_tokens": 4,
      "gen_ai.response.time_to_first_chunk": 0.52,
      "llm_trace.stream.event_count": 3,
    });
    const cut = classify(f.geminiArrayAborted);
    assert.equal(cut.status, "error");
    assert.equal(cut.attributes["error.type"], "AbortError");
    assert.equal(outputText(cut), "Hello");
  });

  it("thought and functionCall parts; functionResponse in history; tools", () => {
    const d = classify(f.geminiTools);
    assert.equal(d.status, "ok");
    assert.equal(d.attributes["gen_ai.request.stream"], false);
    assert.deepEqual(outputs(d)[0]!.parts, [
      { type: "reasoning", content: "**Planning** The lights are set; now the weather." },
      { type: "tool_call", name: "get_weather", arguments: { city: "Boston" } },
    ]);
    assertSubset(d.attributes, {
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 106,
      "gen_ai.usage.reasoning.output_tokens": 90,
      "gen_ai.output.type": "text",
    });
    assert.deepEqual(jsonAttr(d, "gen_ai.system_instructions"), [{ type: "text", content: "You control the lights." }]);
    const input = jsonAttr(d, "gen_ai.input.messages") as { role: string; parts: unknown[] }[];
    assert.deepEqual(input[1], { role: "assistant", parts: [{ type: "tool_call", name: "set_light_values", arguments: { brightness: 25, color_temp: "warm" } }] });
    assert.deepEqual(input[2], { role: "user", parts: [{ type: "tool_call_response", response: { brightness: 25, colorTemperature: "warm" }, id: "set_light_values" }] });
    const tools = jsonAttr(d, "gen_ai.tool.definitions") as { type: string; name?: string }[];
    assert.deepEqual(
      tools.map((t) => t.name ?? t.type),
      ["set_light_values", "get_weather", "googleSearch"],
    );
  });

  it("Vertex AI: provider gcp.vertex_ai, model from the path, snake_case config", () => {
    const d = classify(f.vertexStream);
    assert.equal(d.attributes["gen_ai.provider.name"], "gcp.vertex_ai");
    assert.equal(d.name, "generate_content gemini-2.0-flash-001");
    assert.equal(d.attributes["gen_ai.request.max_tokens"], 100);
    assert.equal(d.attributes["gen_ai.usage.input_tokens"], 6);
    assert.equal(outputText(d), "Rayleigh scattering.");
    assert.equal(d.status, "ok");
  });

  it("HTTP 429: error.type is the google.rpc status", () => {
    const d = classify(f.gemini429);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "RESOURCE_EXHAUSTED");
  });

  it("a blocked prompt reports its block reason", () => {
    const d = classify(f.geminiBlocked);
    assert.equal(d.status, "ok");
    assert.deepEqual(d.attributes["gen_ai.response.finish_reasons"], ["SAFETY"]);
    assert.equal(outputs(d)[0]!.finish_reason, "content_filter");
  });

  it("embedContent: embeddings span with the dimension count", () => {
    const d = classify(f.geminiEmbed);
    assert.equal(d.kind, "embedding");
    assert.equal(d.name, "embeddings gemini-embedding-001");
    assert.equal(d.attributes["gen_ai.embeddings.dimension.count"], 3);
    assert.equal(d.attributes["gen_ai.provider.name"], "gcp.gemini");
  });
});

describe("Gemini: thoughts, grounding, function calls in streams (issue 16)", () => {
  it("stream: thought parts are reasoning, thoughtsTokenCount is in output and reasoning tokens", () => {
    const d = classify(f.geminiThinkingGrounded);
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, { "gen_ai.usage.output_tokens": 16 + 40, "gen_ai.usage.reasoning.output_tokens": 40, "gen_ai.usage.input_tokens": 12 });
    const parts = outputs(d)[0]!.parts;
    assert.deepEqual(parts.map((p) => p.type), ["tool_call", "tool_call_response", "reasoning", "text"]);
    assert.equal(parts[2]!.content, "**Searching** I'll look up the final.");
  });

  it("grounding metadata: a google_search call answered before the answer, citations on the text", () => {
    const parts = outputs(classify(f.geminiThinkingGrounded))[0]!.parts;
    assert.deepEqual(parts[0], { type: "tool_call", name: "google_search", arguments: { queries: ["UEFA Euro 2024 winner"] } });
    assert.deepEqual(parts[1], {
      type: "tool_call_response",
      response: {
        sources: [
          { type: "web", url: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9", title: "uefa.com" },
          { type: "web", url: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/Xy12", title: "aljazeera.com" },
        ],
      },
    });
    const text = parts[3]!;
    assert.equal(text.content, "Spain won Euro 2024, beating England 2-1 in the final.");
    assert.deepEqual(text.citations, [
      { type: "grounding", url: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9", title: "uefa.com", cited_text: "Spain won Euro 2024", start_index: 0, end_index: 20 },
      { type: "grounding", url: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbF9", title: "uefa.com", cited_text: "beating England 2-1 in the final", start_index: 22, end_index: 54 },
      { type: "grounding", url: "https://vertexaisearch.cloud.google.com/grounding-api-redirect/Xy12", title: "aljazeera.com", cited_text: "beating England 2-1 in the final", start_index: 22, end_index: 54 },
      { type: "citation_source", url: "https://en.wikipedia.org/wiki/UEFA_Euro_2024", start_index: 0, end_index: 20 },
    ]);
  });

  it("a function call in a stream chunk is a tool call after the thought; its time counts as output", () => {
    const d = classify(f.geminiStreamFunctionCall);
    assert.deepEqual(outputs(d)[0]!.parts, [{ type: "reasoning", content: "I need the weather tool." }, { type: "tool_call", name: "get_weather", arguments: { city: "Boston" } }]);
    assert.equal(d.status, "ok");
  });

  it("keeps a part of unknown kind with its data, and says so", () => {
    const d = classify(f.geminiUnknownPart);
    assert.deepEqual(outputs(d)[0]!.parts[1], { type: "hologramData", data: '{"frames":3}' });
    assert.equal(d.attributes["llm_trace.parse_error"], "a part of unknown kind kept as is: hologramData");
  });
});
