import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/openai-chat";
import { assertSubset, classify, jsonAttr, outputText, outputs } from "./helpers";

describe("OpenAI chat completions", () => {
  it("streamed text: names, params, usage with cached tokens, TTFT from the completing chunk", () => {
    const d = classify(f.chatStream);
    assert.equal(d.kind, "llm");
    assert.equal(d.name, "chat gpt-4o-mini");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
      "gen_ai.request.stream": true,
      "gen_ai.request.temperature": 0.7,
      "gen_ai.request.max_tokens": 256,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 1117,
      "gen_ai.usage.output_tokens": 46,
      "gen_ai.usage.cache_read.input_tokens": 1024,
      "gen_ai.usage.reasoning.output_tokens": 0,
      // The "Hello" event was completed by the chunk that arrived 360 ms after the call.
      "gen_ai.response.time_to_first_chunk": 0.36,
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "server.address": "api.openai.com",
      "url.full": "https://api.openai.com/v1/chat/completions",
      "llm_trace.stream.event_count": 7,
    });
    assert.equal(outputText(d), "Hello! How can I help you today? 😊");
    assert.equal(outputs(d)[0]!.finish_reason, "stop");
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [
      { role: "system", parts: [{ type: "text", content: "You are a helpful assistant." }] },
      { role: "user", parts: [{ type: "text", content: "Hello!" }] },
    ]);
    assert.equal(d.attributes["llm_trace.parse_error"], undefined);
    for (const k of Object.keys(d.attributes)) assert.ok(!/authorization|api-key/i.test(k));
  });

  it("parallel tool calls are assembled by index", () => {
    const d = classify(f.chatParallelTools);
    assert.equal(d.status, "ok");
    const [msg] = outputs(d);
    assert.deepEqual(msg!.parts, [
      { type: "tool_call", id: "call_paris", name: "get_weather", arguments: { location: "Paris, France" } },
      { type: "tool_call", id: "call_bogota", name: "get_weather", arguments: { location: "Bogotá, Colombia" } },
    ]);
    assert.equal(msg!.finish_reason, "tool_call");
    assert.deepEqual(d.attributes["gen_ai.response.finish_reasons"], ["tool_calls"]);
    assert.deepEqual(jsonAttr(d, "gen_ai.tool.definitions"), [
      {
        type: "function",
        name: "get_weather",
        description: "Get current temperature for a given location.",
        parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
      },
    ]);
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], 0.41);
  });

  it("non-streamed: history with tool call/response and images, reasoning usage", () => {
    const d = classify(f.chatNonStream);
    assert.equal(d.name, "chat o4-mini");
    assert.equal(d.status, "ok");
    assertSubset(d.attributes, {
      "gen_ai.request.max_tokens": 2000,
      "gen_ai.request.seed": 7,
      "gen_ai.request.stop_sequences": ["END"],
      "gen_ai.usage.input_tokens": 2006,
      "gen_ai.usage.output_tokens": 300,
      "gen_ai.usage.cache_read.input_tokens": 1920,
      "gen_ai.usage.reasoning.output_tokens": 256,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    assert.equal(d.attributes["gen_ai.response.time_to_first_chunk"], undefined);
    assert.equal(d.attributes["gen_ai.request.stream"], undefined);
    assert.deepEqual(jsonAttr(d, "gen_ai.input.messages"), [
      { role: "developer", parts: [{ type: "text", content: "Answer briefly." }] },
      {
        role: "user",
        parts: [
          { type: "text", content: "What is in this image, and the weather there?" },
          { type: "uri", modality: "image", uri: "https://example.com/paris.jpg" },
        ],
      },
      { role: "assistant", parts: [{ type: "tool_call", id: "call_abc", name: "get_weather", arguments: { location: "Paris" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "call_abc", response: "18°C, cloudy" }] },
    ]);
    assert.equal(outputText(d), "The Eiffel Tower in Paris; it's 18°C and cloudy.");
  });

  it("refusals are kept as refusal parts (whole and streamed)", () => {
    for (const fx of [f.chatRefusal, f.chatRefusalStream]) {
      const d = classify(fx);
      assert.equal(d.status, "ok");
      assert.deepEqual(outputs(d)[0]!.parts, [{ type: "refusal", content: "I'm sorry, I can't help with that." }]);
    }
    assert.equal(classify(f.chatRefusal).attributes["gen_ai.output.type"], "json");
  });

  it("HTTP 429 and 401 take the provider's error code", () => {
    const rate = classify(f.chat429);
    assert.equal(rate.status, "error");
    assert.equal(rate.attributes["error.type"], "rate_limit_exceeded");
    assert.match(String(rate.attributes["llm_trace.error.message"]), /Rate limit reached/);
    assert.equal(rate.attributes["http.response.status_code"], 429);
    assert.equal(rate.name, "chat gpt-4o-mini");
    const auth = classify(f.chat401);
    assert.equal(auth.status, "error");
    assert.equal(auth.attributes["error.type"], "invalid_api_key");
  });

  it("a mid-stream error event makes the span an error but keeps the partial output", () => {
    const d = classify(f.chatMidStreamError);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "server_error");
    assert.equal(d.attributes["gen_ai.provider.name"], "openrouter");
    assert.equal(outputText(d), "Once upon");
    assert.equal(d.events?.[0]?.name, "exception");
    assert.equal(d.events?.[0]?.attributes?.["exception.message"], "Provider disconnected unexpectedly");
  });

  it("an aborted stream is an AbortError and keeps the partial text", () => {
    const d = classify(f.chatAborted);
    assert.equal(d.status, "error");
    assert.equal(d.attributes["error.type"], "AbortError");
    assert.equal(outputText(d), "One, two, three,");
    assert.equal(d.attributes["llm_trace.parse_error"], undefined, "the cut last line is not a parse error");
  });

  it("a stream that ended without its terminal event is incomplete; in flight it is unset", () => {
    const cut = classify(f.chatTruncated);
    assert.equal(cut.status, "error");
    assert.equal(cut.attributes["error.type"], "incomplete_stream");
    assert.equal(outputText(cut), "One, two,");
    const live = classify(f.chatInFlight);
    assert.equal(live.status, "unset");
    assert.equal(live.attributes["error.type"], undefined);
    assert.equal(outputText(live), "One, two,");
  });

  it("an HTML 502 page and an empty body are explained, not thrown", () => {
    const html = classify(f.chatHtml502);
    assert.equal(html.kind, "llm");
    assert.equal(html.status, "error");
    assert.equal(html.attributes["error.type"], "502");
    assert.match(String(html.attributes["llm_trace.parse_error"]), /not JSON \(text\/html\)/);
    assert.equal(html.attributes["gen_ai.provider.name"], "openai");
    assert.equal(html.attributes["server.address"], "llm.internal.example.com");
    const empty = classify(f.chatEmptyBody);
    assert.equal(empty.status, "unset");
    assert.match(String(empty.attributes["llm_trace.parse_error"]), /empty response body/);
  });

  it("names OpenAI-compatible providers by host", () => {
    const cases: [typeof f.groqStream, string][] = [
      [f.groqStream, "groq"],
      [f.mistralStream, "mistral_ai"],
      [f.openrouterStream, "openrouter"],
      [f.deepseekStream, "deepseek"],
      [f.xaiStream, "x_ai"],
      [f.togetherStream, "together_ai"],
      [f.fireworksStream, "fireworks_ai"],
      [f.lmStudioStream, "openai"],
      [f.ollamaV1Stream, "ollama"],
    ];
    for (const [fx, provider] of cases) {
      const d = classify(fx);
      assert.equal(d.attributes["gen_ai.provider.name"], provider, fx.name);
      assert.equal(d.status, "ok", fx.name);
      assert.equal(d.kind, "llm");
      assert.match(outputText(d), /Hi!/);
    }
  });

  it("reads compatible providers' usage variants (Groq x_groq, DeepSeek cache hits, reasoning deltas)", () => {
    assertSubset(classify(f.groqStream).attributes, { "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3 });
    assertSubset(classify(f.mistralStream).attributes, { "gen_ai.usage.input_tokens": 8, "gen_ai.usage.output_tokens": 3 });
    const ds = classify(f.deepseekStream);
    assertSubset(ds.attributes, {
      "gen_ai.usage.input_tokens": 64,
      "gen_ai.usage.cache_read.input_tokens": 48,
      "gen_ai.usage.reasoning.output_tokens": 17,
    });
    assert.deepEqual(outputs(ds)[0]!.parts[0], { type: "reasoning", content: "A greeting; answer briefly." });
    assert.deepEqual(outputs(classify(f.openrouterStream))[0]!.parts[0], { type: "reasoning", content: "The user greets me." });
    const noUsage = classify(f.togetherStream);
    assert.equal(noUsage.attributes["gen_ai.usage.input_tokens"], undefined, "never counted when not reported");
  });

  it("Azure: provider azure.ai.openai, request model from the deployment when the body has none", () => {
    const d = classify(f.azureDeployment);
    assert.equal(d.attributes["gen_ai.provider.name"], "azure.ai.openai");
    assert.equal(d.attributes["gen_ai.request.model"], "gpt4o-prod");
    assert.equal(d.attributes["gen_ai.response.model"], "gpt-4o-2024-11-20");
    assert.equal(d.name, "chat gpt4o-prod");
    const v1 = classify(f.azureV1);
    assert.equal(v1.attributes["gen_ai.provider.name"], "azure.ai.openai");
    assert.equal(v1.name, "chat gpt-4.1-mini");
    assert.equal(outputText(v1), "Hello");
  });

  it("recognises chat.completion.chunk by shape on an app route; provider is the format, the host is the server", () => {
    const d = classify(f.proxiedChatByShape);
    assert.equal(d.kind, "llm");
    assertSubset(d.attributes, { "gen_ai.provider.name": "openai", "server.address": "localhost", "server.port": 3000 });
    assert.equal(outputText(d), "Hey");
  });

  it("handles CRLF line endings split between chunks", () => {
    const d = classify(f.chatCrlf);
    assert.equal(d.status, "ok");
    assert.equal(outputText(d), "Hi there");
  });
});

describe("OpenAI Chat Completions: audio output and annotations (issue 16)", () => {
  it("audio output: a blob part with its format, id and transcript; the base64 data shortened", () => {
    for (const fx of [f.chatAudio, f.chatAudioStream]) {
      const d = classify(fx);
      assert.equal(d.status, "ok", fx.name);
      const [part, ...rest] = outputs(d)[0]!.parts;
      assert.equal(rest.length, 0, fx.name);
      assert.equal(part!.type, "blob");
      assert.equal(part!.modality, "audio");
      assert.match(String(part!.content), /…\[480 chars\]$/);
      if (fx === f.chatAudio) assertSubset(part!, { mime_type: "audio/wav", id: "audio_abc123", transcript: "Yes, golden retrievers are known to be a great family dog." });
      else assertSubset(part!, { mime_type: "audio/pcm16", id: "audio_stream1", transcript: "Hi there!" });
    }
  });

  it("streamed audio counts as output for the time to first chunk", () => {
    assert.equal(classify(f.chatAudioStream).attributes["gen_ai.response.time_to_first_chunk"], 0.4);
  });

  it("url_citation annotations become citations on the text, whole or streamed", () => {
    for (const fx of [f.chatAnnotations, f.chatAnnotationsStream]) {
      const parts = outputs(classify(fx))[0]!.parts;
      assert.deepEqual(parts, [
        {
          type: "text",
          content: "The top story today is a rescue at sea (example.com).",
          citations: [{ type: "url_citation", url: "https://example.com/sea-rescue", title: "Rescue at sea", start_index: 40, end_index: 53 }],
        },
      ], fx.name);
    }
  });
});
