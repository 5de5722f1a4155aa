import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/aisdk";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("Vercel AI SDK backends", () => {
  it("UI message stream: steps with tool call and result, reasoning, usage from messageMetadata, provider from providerMetadata", () => {
    const d = classify(f.uiStream);
    assert.equal(d.kind, "llm");
    assert.equal(d.name, "chat gpt-4o-mini");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.response.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 310,
      "gen_ai.usage.output_tokens": 42,
      "gen_ai.usage.reasoning.output_tokens": 16,
      "gen_ai.usage.cache_read.input_tokens": 128,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.response.time_to_first_chunk": 0.42,
      "llm_trace.aisdk.step_count": 2,
    });
    assert.deepEqual(outputs(d), [
      {
        role: "assistant",
        parts: [
          { type: "reasoning", content: "Need the weather tool." },
          { type: "tool_call", name: "getWeather", id: "call_1", arguments: { city: "Berlin" } },
        ],
      },
      { role: "tool", parts: [{ type: "tool_call_response", response: { tempC: 12, sky: "cloudy" }, id: "call_1" }] },
      { role: "assistant", parts: [{ type: "text", content: "Berlin is 12°C and cloudy." }], finish_reason: "stop" },
    ]);
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [
      { role: "user", parts: [{ type: "text", content: "What's the weather in Berlin?" }] },
      {
        role: "assistant",
        parts: [
          { type: "tool_call", name: "getWeather", id: "call_old", arguments: { city: "Paris" } },
          { type: "text", content: "Paris is 18°C." },
        ],
      },
      { role: "tool", parts: [{ type: "tool_call_response", response: { tempC: 18 }, id: "call_old" }] },
      {
        role: "user",
        parts: [
          { type: "text", content: "And Berlin?" },
          { type: "uri", modality: "image", uri: "https://example.com/map.png", mime_type: "image/png" },
        ],
      },
    ]);
    const data = d.events?.find((e) => e.name === "aisdk.data");
    assert.equal(data?.attributes?.["aisdk.data.type"], "data-weather");
  });

  it("UI message stream error part: error, partial text kept, provider is the protocol's", () => {
    const d = classify(f.uiStreamError);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "stream_error");
    assert.equal(d.attributes["llm_trace.error.message"], "An error occurred.");
    assert.equal(d.attributes["gen_ai.provider.name"], "vercel.ai_sdk");
    assert.equal(d.attributes["server.address"], "myapp.example.com");
    assert.equal(outputText(d), "Hel");
    assert.equal(d.name, "chat");
  });

  it("v4 data stream: tool call streaming, tool result, final usage from d:", () => {
    for (const fx of [f.dataStream, f.dataStreamNoHeader]) {
      const d = classify(fx);
      assert.equal(d.kind, "llm", fx.name);
      assert.equal(d.status, "ok", fx.name);
      assertSubset(d.attributes, {
        "gen_ai.provider.name": "vercel.ai_sdk",
        "server.address": "localhost",
        "gen_ai.usage.input_tokens": 320,
        "gen_ai.usage.output_tokens": 42,
        "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.response.time_to_first_chunk": 0.26,
        "llm_trace.aisdk.protocol": "data-stream",
        "llm_trace.aisdk.step_count": 2,
      });
      assert.deepEqual(outputs(d), [
        {
          role: "assistant",
          parts: [
            { type: "reasoning", content: "Let me look that up." },
            { type: "tool_call", name: "searchDocs", id: "call_9", arguments: { query: "reset password" } },
          ],
        },
        { role: "tool", parts: [{ type: "tool_call_response", response: [{ id: "doc-1", title: "Resetting your password" }], id: "call_9" }] },
        { role: "assistant", parts: [{ type: "text", content: "Go to Settings › Security." }], finish_reason: "stop" },
      ]);
      assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [{ role: "user", parts: [{ type: "text", content: "How do I reset my password?" }] }]);
    }
  });

  it("plain text stream from a completion route", () => {
    const d = classify(f.textStream);
    assert.equal(d.kind, "llm");
    assert.equal(d.name, "text_completion");
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "Soft rain on the roof\nwhispers to the sleeping town\npuddles hold the sky");
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], 0.38);
    assert.equal(d.attributes["gen_ai.provider.name"], "vercel.ai_sdk");
  });
});

describe("AI SDK data stream ending on tool results", () => {
  it("puts the finish reason on the assistant message, without an empty extra message", () => {
    const body = ['9:{"toolCallId":"c1","toolName":"lookup","args":{}}', 'a:{"toolCallId":"c1","result":"42"}', 'd:{"finishReason":"tool-calls","usage":{"promptTokens":5,"completionTokens":1}}', ""].join("\n");
    const d = classify({ url: "http://localhost:3000/api/chat", requestJson: { messages: [{ role: "user", content: "q" }] }, status: 200, responseHeaders: { "content-type": "text/plain", "x-vercel-ai-data-stream": "v1" }, chunks: [{ dt: 10, text: body }] });
    assert.deepEqual(outputs(d), [
      { role: "assistant", parts: [{ type: "tool_call", name: "lookup", id: "c1", arguments: {} }], finish_reason: "tool_call" },
      { role: "tool", parts: [{ type: "tool_call_response", response: "42", id: "c1" }] },
    ]);
  });
});

describe("AI SDK 5/6 UI message stream: newer parts (issue 16)", () => {
  it("sources, files, approval requests, denied outputs and input errors become parts; unknown parts are kept", () => {
    const d = classify(f.uiStreamV6);
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, { "gen_ai.provider.name": "openai", "gen_ai.response.model": "gpt-5-mini", "gen_ai.usage.output_tokens": 30, "gen_ai.usage.reasoning.output_tokens": 12 });
    const msgs = outputs(d);
    assert.deepEqual(msgs[0]!.parts, [
      { type: "reasoning", content: "The user wants sources and a file." },
      { type: "source", source_type: "url", id: "src-1", url: "https://ai-sdk.dev/docs/ai-sdk-ui/stream-protocol", title: "Stream Protocols" },
      { type: "source", source_type: "document", id: "src-2", title: "Handbook", filename: "handbook.pdf", mime_type: "application/pdf" },
      { type: "uri", modality: "image", uri: "https://example.com/chart.png", mime_type: "image/png" },
      { type: "tool_call", id: "call_del", name: "deleteFile", arguments: { path: "/tmp/a" } },
      { type: "tool_approval_request", id: "call_del", approval_id: "appr_1" },
    ]);
    assert.deepEqual(msgs[1], { role: "tool", parts: [{ type: "tool_call_response", id: "call_del", response: { error: "the user denied this tool call" } }] });
    assert.deepEqual(msgs[3], { role: "tool", parts: [{ type: "tool_call_response", id: "call_bad", response: { error: "Invalid input: city must be a string" } }] });
    assert.equal(outputText(d), "See the handbook.");
    assert.deepEqual(d.events?.map((e) => e.name), ["aisdk.data", "llm_trace.unknown_event"]);
    assert.equal(d.attributes["llm_trace.parse_error"], "1 stream part(s) of unknown type kept as span events: hologram-part");
  });

  it("an abort part ends the stream, as an AbortError at the abort's time", () => {
    const d = classify(f.uiStreamAbort);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "AbortError");
    assert.equal(d.endTime, 1_700_000_000_900);
    assert.equal(outputText(d), "Once upon");
  });
});
