import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/anthropic";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("Anthropic Messages", () => {
  it("stream: thinking, text and tool_use with JSON split mid-token; input = input + cache read + cache creation", () => {
    const d = classify(f.anthropicStream);
    assert.equal(d.name, "chat claude-sonnet-4-5");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.provider.name": "anthropic",
      "gen_ai.operation.name": "chat",
      "gen_ai.response.id": "msg_014p7gG3wDgGV9EUtLvnow3U",
      "gen_ai.response.model": "claude-sonnet-4-5-20250929",
      "gen_ai.request.max_tokens": 16000,
      "gen_ai.request.stream": true,
      "gen_ai.usage.input_tokens": 472 + 2000 + 100,
      "gen_ai.usage.cache_read.input_tokens": 2000,
      "gen_ai.usage.cache_creation.input_tokens": 100,
      "gen_ai.usage.output_tokens": 89,
      "gen_ai.response.finish_reasons": ["tool_use"],
      // message_start and ping do not count; the first thinking_delta completed at 640 ms.
      "gen_ai.response.time_to_first_chunk": 0.64,
    });
    const [msg] = outputs(d);
    assert.deepEqual(msg!.parts, [
      { type: "reasoning", content: "The user wants the weather; I should call get_weather." },
      { type: "text", content: "Okay, let's check the weather for San Francisco, CA:" },
      { type: "tool_call", name: "get_weather", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", arguments: { location: "San Francisco, CA" } },
    ]);
    assert.equal(msg!.finish_reason, "tool_call");
    assert.deepEqual(jsonAttr(d, "gen_ai.system_instructions"), [{ type: "text", content: "You are a weather bot." }]);
    assert.deepEqual((jsonAttr(d, "gen_ai.tool.definitions") as { name: string }[])[0]!.name, "get_weather");
  });

  it("non-streamed: tool_use / tool_result history and images as OTel parts", () => {
    const d = classify(f.anthropicNonStream);
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.request.temperature": 0.5,
      "gen_ai.request.top_k": 40,
      "gen_ai.request.stop_sequences": ["\n\nHuman:"],
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 12,
      "gen_ai.response.finish_reasons": ["end_turn"],
    });
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], undefined);
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [
      { role: "user", parts: [{ type: "text", content: "What is the weather like in San Francisco?" }] },
      {
        role: "assistant",
        parts: [
          { type: "text", content: "Let me check." },
          { type: "tool_call", name: "get_weather", id: "toolu_01A09q90qw90lq917835lq9", arguments: { location: "San Francisco, CA" } },
        ],
      },
      {
        role: "user",
        parts: [
          { type: "tool_call_response", response: "15 degrees", id: "toolu_01A09q90qw90lq917835lq9" },
          { type: "blob", modality: "image", content: "iVBORw0KGgo=", mime_type: "image/png" },
        ],
      },
    ]);
    assert.equal(outputs(d)[0]!.finish_reason, "stop");
  });

  it("an error event mid-stream: error.type from the event, partial text kept", () => {
    const d = classify(f.anthropicOverloaded);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "overloaded_error");
    assert.equal(outputText(d), "Hello! I");
  });

  it("HTTP 429 takes the error type from the body", () => {
    const d = classify(f.anthropic429);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "rate_limit_error");
  });

  it("aborted mid tool input: AbortError, partial arguments kept as text", () => {
    const d = classify(f.anthropicAborted);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "AbortError");
    const parts = outputs(d)[0]!.parts;
    assert.deepEqual(parts[2], { type: "tool_call", name: "get_weather", id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", arguments: '{"location": "San Fra' });
  });

  it("Claude on Vertex AI: provider gcp.vertex_ai, model from the path", () => {
    const d = classify(f.vertexClaude);
    assert.equal(d.attributes["gen_ai.provider.name"], "gcp.vertex_ai");
    assert.equal(d.name, "chat claude-sonnet-4-5@20250929");
    assert.equal(outputText(d), "Hello!");
    assert.equal(d.status, "ok");
  });
});

describe("Anthropic Messages: thinking, server tools, citations (issue 16)", () => {
  it("stream: thinking with its signature, redacted thinking, web search call and result, citations_delta, server-tool usage", () => {
    const d = classify(f.anthropicWebSearch);
    assert.equal(d.status, "ok");
    assert.equal(d.attributes["llm_trace.parse_error"], undefined, "signature_delta and citations_delta are known deltas");
    assertSubset(d.attributes, {
      "gen_ai.usage.input_tokens": 2679 + 1000 + 200,
      "gen_ai.usage.cache_read.input_tokens": 1000,
      "gen_ai.usage.cache_creation.input_tokens": 200,
      "gen_ai.usage.output_tokens": 510,
      "llm_trace.usage.web_search_requests": 1,
    });
    assert.deepEqual(outputs(d)[0]!.parts, [
      { type: "reasoning", content: "I should search for recent news." },
      { type: "redacted_reasoning" },
      { type: "tool_call", id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB", name: "web_search", arguments: { query: "anthropic api news" } },
      {
        type: "tool_call_response",
        id: "srvtoolu_014hJH82Qum7Td6UV8gDXThB",
        // The encrypted payloads (opaque replay blobs) are left out.
        response: [{ type: "web_search_result", title: "Anthropic News", url: "https://www.anthropic.com/news", page_age: "June 1, 2025" }],
      },
      { type: "text", content: "Here is what I found. " },
      {
        type: "text",
        content: "Claude can now search the web.",
        citations: [{ type: "web_search_result_location", url: "https://www.anthropic.com/news", title: "Anthropic News", cited_text: "Claude can now search the web…" }],
      },
    ]);
  });

  it("whole message: document citations on the text block, a web search error result", () => {
    const parts = outputs(classify(f.anthropicCitations))[0]!.parts;
    assert.deepEqual(parts[1], { type: "tool_call_response", id: "srvtoolu_err", response: { error: "max_uses_exceeded" } });
    assert.deepEqual(parts[3], {
      type: "text",
      content: "the grass is green",
      citations: [{ type: "char_location", cited_text: "The grass is green.", document_index: 0, document_title: "My Document" }],
    });
  });

  it("keeps unknown event, delta and block types as span events, notes them, and still reads the rest", () => {
    const d = classify(f.anthropicUnknownEvents);
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "Hello!");
    assert.match(String(d.attributes["llm_trace.parse_error"]), /3 stream event\(s\) of unknown type kept as span events: future_event, content_block_delta sparkle_delta, content_block hologram/);
    const unknown = (d.events ?? []).filter((e) => e.name === "llm_trace.unknown_event");
    assert.deepEqual(unknown.map((e) => e.attributes?.["llm_trace.event.type"]), ["future_event", "content_block_delta sparkle_delta", "content_block hologram"]);
    assert.match(String(unknown[0]!.attributes?.["llm_trace.event.data"]), /something new/);
    assert.deepEqual(outputs(d)[0]!.parts[1], { type: "hologram", data: '{"type":"hologram","frames":3}' });
  });
});
