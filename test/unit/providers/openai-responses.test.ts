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

describe("OpenAI Responses: built-in tools, annotations, refusals (issue 16)", () => {
  it("stream: reasoning summary, a web_search_call answered in the output, a url_citation on the text", () => {
    const d = classify(f.responsesWebSearch);
    assert.equal(d.status, "ok");
    assert.equal(d.attributes["llm_trace.parse_error"], undefined, "web_search_call progress events are known");
    // The server ran the search: nothing for the page to run, so the answer is a plain stop.
    assert.deepEqual(d.attributes["gen_ai.response.finish_reasons"], ["stop"]);
    assert.equal(d.attributes["gen_ai.usage.reasoning.output_tokens"], 192);
    const parts = outputs(d)[0]!.parts;
    assert.deepEqual(parts.map((p) => p.type), ["reasoning", "tool_call", "tool_call_response", "text"]);
    assert.deepEqual(parts[1], { type: "tool_call", id: "ws_67bd64fe91f081919bec069ad65797f1", name: "web_search", arguments: { type: "search", query: "positive news story today" } });
    assert.deepEqual(parts[2], { type: "tool_call_response", id: "ws_67bd64fe91f081919bec069ad65797f1", response: { status: "completed" } });
    assert.deepEqual(parts[3]!.citations, [
      { type: "url_citation", url: "https://example.com/news/dog-rescue?utm_source=openai", title: "Dog rescued from a well", start_index: 0, end_index: 52 },
    ]);
  });

  it("a stream cut before completion keeps the streamed annotation on the rebuilt text", () => {
    const d = classify(f.responsesWebSearchCut);
    assert.equal(d.status, "error");
    const text = outputs(d)[0]!.parts.find((p) => p.type === "text")!;
    assert.equal(text.content, "A heartwarming story: a dog was rescued from a well.");
    assert.equal((text.citations as unknown[]).length, 1);
  });

  it("whole response: file_search, MCP list/call/approval, image generation, code interpreter, refusal, encrypted reasoning", () => {
    const d = classify(f.responsesBuiltins);
    assert.deepEqual(d.attributes["gen_ai.response.finish_reasons"], ["stop"]);
    const parts = outputs(d)[0]!.parts;
    assert.deepEqual(parts[0], { type: "redacted_reasoning" });
    const calls = parts.filter((p) => p.type === "tool_call").map((p) => p.name);
    assert.deepEqual(calls, ["file_search", "mcp_list_tools", "ask_question", "image_generation", "code_interpreter"]);
    const answered = new Set(parts.filter((p) => p.type === "tool_call_response").map((p) => p.id));
    assert.deepEqual([...answered], ["fs_1", "mcpl_1", "mcp_1", "ig_1", "ci_1"], "every server-run call has its result");
    assert.deepEqual(parts.find((p) => p.id === "mcp_1" && p.type === "tool_call"), {
      type: "tool_call", id: "mcp_1", name: "ask_question", server: "deepwiki",
      arguments: { repoName: "modelcontextprotocol/modelcontextprotocol", question: "What transports are supported?" },
    });
    assert.deepEqual(parts.find((p) => p.id === "mcp_1" && p.type === "tool_call_response")!.response, "stdio and Streamable HTTP.");
    assert.deepEqual(parts.find((p) => p.type === "tool_approval_request"), { type: "tool_approval_request", id: "mcpr_1", name: "read_wiki_structure", arguments: { repoName: "openai/tiktoken" }, server: "deepwiki" });
    assert.deepEqual(parts.find((p) => p.id === "fs_1" && p.type === "tool_call")!.arguments, { queries: ["attributes of an ancient brown dragon"] });
    assert.equal(parts.find((p) => p.type === "blob")!.mime_type, "image/png");
    assert.deepEqual(parts.find((p) => p.id === "ci_1" && p.type === "tool_call_response")!.response, [{ type: "logs", logs: "1024" }]);
    assert.deepEqual(parts.at(-1), { type: "refusal", content: "I can't help with that part." });
  });

  it("keeps an unknown event type as a span event with a note", () => {
    const d = classify(f.responsesUnknownEvent);
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "Hi there! How can I assist you today?");
    assert.equal(d.attributes["llm_trace.parse_error"], "1 stream event(s) of unknown type kept as span events: response.hologram.delta");
    assert.deepEqual(d.events?.map((e) => e.attributes?.["llm_trace.event.type"]), ["response.hologram.delta"]);
  });
});
