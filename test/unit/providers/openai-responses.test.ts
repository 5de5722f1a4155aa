import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/openai-responses";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("OpenAI Responses API", () => {
  it("streamed text: TTFT from the first output_text.delta, not response.created", () => {
    const d = classify(f.responsesStream);
    assert.equal(d.name, "chat gpt-4.1");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.response.id": "resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654",
      "gen_ai.response.model": "gpt-4.1-2025-04-14",
      "gen_ai.request.max_tokens": 500,
      "gen_ai.request.temperature": 1,
      "gen_ai.request.stream": true,
      "gen_ai.usage.input_tokens": 37,
      "gen_ai.usage.output_tokens": 11,
      "gen_ai.usage.cache_read.input_tokens": 0,
      "gen_ai.response.time_to_first_chunk": 0.42,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    assert.equal(outputText(d), "Hi there! How can I assist you today?");
    assert.deepEqual(jsonAttr(d, "gen_ai.system_instructions"), [{ type: "text", content: "You are a helpful assistant." }]);
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: "Hello!" }] }]);
  });

  it("reasoning summary and function call, with cached and reasoning usage", () => {
    const d = classify(f.responsesTools);
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.usage.input_tokens": 5000,
      "gen_ai.usage.cache_read.input_tokens": 4864,
      "gen_ai.usage.output_tokens": 180,
      "gen_ai.usage.reasoning.output_tokens": 128,
      "gen_ai.response.finish_reasons": ["tool_calls"],
      "llm_trace.request.reasoning_effort": "medium",
      "gen_ai.response.time_to_first_chunk": 0.9,
    });
    const [msg] = outputs(d);
    assert.deepEqual(msg!.parts, [
      { type: "reasoning", content: "**Checking weather**\n\nThe user wants the weather in Paris." },
      { type: "tool_call", id: "call_weather_1", name: "get_weather", arguments: { location: "Paris, France" } },
    ]);
    assert.equal(msg!.finish_reason, "tool_call");
    assert.deepEqual(jsonAttr(d, "gen_ai.tool.definitions"), [
      { type: "function", name: "get_weather", description: "Get the weather", parameters: { type: "object", properties: { location: { type: "string" } } } },
    ]);
  });

  it("an aborted stream rebuilds the output from deltas", () => {
    const d = classify(f.responsesToolsAborted);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "AbortError");
    assert.deepEqual(outputs(d)[0]!.parts, [
      { type: "reasoning", content: "**Checking weather**\n\nThe user wants the weather in Paris." },
      { type: "tool_call", id: "call_weather_1", name: "get_weather", arguments: { location: "Paris, France" } },
    ]);
    assert.equal(d.attributes["gen_ai.usage.input_tokens"], undefined);
  });

  it("non-streamed: function_call / function_call_output items in the input", () => {
    const d = classify(f.responsesNonStream);
    assert.equal(d.status, "ok");
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [
      { role: "user", parts: [{ type: "text", content: "What's the weather in Paris?" }] },
      { role: "assistant", parts: [{ type: "tool_call", id: "call_weather_1", name: "get_weather", arguments: { location: "Paris, France" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_weather_1", response: '{"temperature_c":18}' }] },
    ]);
    assert.deepEqual(jsonAttr(d, "gen_ai.tool.definitions"), [{ type: "function", name: "get_weather", parameters: { type: "object" } }, { type: "web_search_preview" }]);
    assert.equal(outputText(d), "It's 18°C in Paris.");
    assert.equal(d.attributes["gen_ai.output.type"], "text");
    assert.equal(d.attributes["gen_ai.usage.input_tokens"], 80);
  });

  it("response.incomplete is a finished response with its reason", () => {
    const d = classify(f.responsesIncomplete);
    assert.equal(d.status, "ok");
    assert.deepEqual(d.attributes["gen_ai.response.finish_reasons"], ["max_output_tokens"]);
    assert.equal(outputs(d)[0]!.finish_reason, "length");
    assert.equal(outputText(d), "Essays are");
  });

  it("response.failed and error events are errors with the provider's code", () => {
    const failed = classify(f.responsesFailed);
    assert.equal(failed.status, "error");
    assert.equal(failed.attributes["error.type"], "server_error");
    const err = classify(f.responsesErrorEvent);
    assert.equal(err.status, "error");
    assert.equal(err.attributes["error.type"], "rate_limit_exceeded");
    assert.equal(err.attributes["llm_trace.error.message"], "Rate limit exceeded");
  });
});
