/** The settings page's rule preview on a pasted sample (issue 20): what the rule makes of a call. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { previewRule, sampleType, sampleUrl } from "../../src/options/rule-preview";

const rows = (p: ReturnType<typeof previewRule>) => (p.ok ? Object.fromEntries(p.rows) : assert.fail(p.error));

test("an llm rule on a JSON sample: the model, the question and the answer, and no TTFT", () => {
  const p = rows(previewRule({ urlPattern: "*/api/answer", kind: "llm", name: "support-bot" }, {
    request: '{"question":"How do I reset my password?","model":"gpt-4o-mini"}',
    response: '{"answer":"Open Settings, then Security."}',
  }));
  assert.equal(p.Span, "llm · chat gpt-4o-mini");
  assert.equal(p.Model, "gpt-4o-mini");
  assert.equal(p.Provider, "support-bot");
  assert.equal(p.Input, "user: How do I reset my password?");
  assert.equal(p.Output, "assistant: Open Settings, then Security.");
  assert.equal(p["Time to first token"], "none: not streamed");
});

test("paths that select nothing are said; a rule with a field its kind does not read is refused", () => {
  const p = rows(previewRule({ urlPattern: "*/api/answer", kind: "llm", outputPath: "data.text" }, { request: "{}", response: '{"answer":"x"}' }));
  assert.match(p.Notes!, /outputPath "data.text" selects nothing/);
  const refused = previewRule({ urlPattern: "*/api/answer", kind: "llm", queryPath: "q" }, { request: "{}", response: "{}" });
  assert.equal(refused.ok, false);
});

test("a retrieval rule on a sample lists its query and documents", () => {
  const p = rows(previewRule({ urlPattern: "https://kb.example.com/search*", kind: "retrieval", name: "kb", queryPath: "q", documentsPath: "hits", contentPath: "body" }, {
    request: '{"q":"reset"}',
    response: '{"hits":[{"id":"a1","score":0.9,"body":"Reset via Settings."}]}',
  }));
  assert.equal(p.Span, "retrieval · retrieval kb");
  assert.equal(p.Query, "reset");
  assert.match(p.Documents!, /^1; first: .*Reset via Settings/);
});

test("the sample's URL matches the pattern; its content type is read off the text", () => {
  assert.equal(sampleUrl("*/api/answer"), "https://example.com/api/answer");
  assert.equal(sampleUrl("https://kb.example.com/search*"), "https://kb.example.com/searchx");
  assert.equal(sampleUrl("*api.example.com/v?/chat"), "https://api.example.com/vx/chat");
  assert.equal(sampleType('data: {"a":1}\n\n'), "text/event-stream");
  assert.equal(sampleType('{"a":1}\n{"a":2}\n'), "application/x-ndjson");
  assert.equal(sampleType('{"a":1}'), "application/json");
  assert.equal(sampleType("plain words"), "text/plain");
});
