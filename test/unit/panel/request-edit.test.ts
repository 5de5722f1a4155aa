import assert from "node:assert/strict";
import { test } from "node:test";
import type { Exchange } from "../../../src/core/contract";
import { buildBody, readRequest, type EditableRequest } from "../../../src/panel/replay-model/request-edit";

function exchange(url: string, body: unknown, extra: Partial<Exchange["request"]["body"]> = {}): Exchange {
  return {
    id: "e1", request: { method: "POST", url, headers: [["content-type", "application/json"]], body: { text: typeof body === "string" ? body : JSON.stringify(body), ...extra } },
    chunks: [], timing: { start: 0 },
  } as unknown as Exchange;
}

function read(url: string, body: unknown): EditableRequest {
  const r = readRequest(exchange(url, body));
  assert.ok(r.ok, r.ok ? "" : r.error);
  return r.request;
}

const param = (r: EditableRequest, label: string) => r.params.find((p) => p.label === label)!;

test("OpenAI chat: text turns edit as text, a tool-call turn as JSON; a changed temperature and turn go back, the rest stays", () => {
  const body = {
    model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, temperature: 0.2, tools: [{ type: "function", function: { name: "lookup" } }],
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Reset my password" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "{\"status\":\"active\"}" },
    ],
  };
  const r = read("https://api.openai.com/v1/chat/completions", body);
  assert.equal(r.format, "openai-chat");
  assert.equal(r.stream, true);
  assert.deepEqual(r.turns.map((t) => [t.role, t.json]), [["system", false], ["user", false], ["assistant", true], ["tool", true]]);
  r.turns[0]!.text = "Be detailed.";
  param(r, "temperature").value = "0.9";
  const sent = JSON.parse(buildBody(r));
  assert.equal(sent.temperature, 0.9);
  assert.equal(sent.messages[0].content, "Be detailed.");
  assert.deepEqual(sent.messages.slice(1), body.messages.slice(1));
  assert.deepEqual(sent.tools, body.tools);
  assert.deepEqual(sent.stream_options, body.stream_options);
});

test("Anthropic: the system prompt is its own field; max_tokens is a number field; an emptied field is removed", () => {
  const r = read("https://api.anthropic.com/v1/messages", { model: "claude-3-5-haiku-latest", max_tokens: 512, temperature: 0.5, system: "Be careful.", stream: true, messages: [{ role: "user", content: "Hi" }] });
  assert.equal(r.format, "anthropic");
  assert.equal(r.system, "Be careful.");
  r.system = "Be very careful.";
  param(r, "temperature").value = "";
  param(r, "max tokens").value = "256";
  const sent = JSON.parse(buildBody(r));
  assert.equal(sent.system, "Be very careful.");
  assert.equal("temperature" in sent, false);
  assert.equal(sent.max_tokens, 256);
});

test("Gemini: contents and systemInstruction as text; generationConfig fields", () => {
  const r = read("https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", {
    systemInstruction: { parts: [{ text: "Answer in French." }] }, contents: [{ role: "user", parts: [{ text: "Hello" }] }], generationConfig: { temperature: 0.1 },
  });
  assert.equal(r.format, "gemini");
  assert.equal(r.stream, true);
  assert.equal(r.system, "Answer in French.");
  r.turns[0]!.text = "Bonjour";
  param(r, "temperature").value = "1";
  const sent = JSON.parse(buildBody(r));
  assert.deepEqual(sent.contents, [{ role: "user", parts: [{ text: "Bonjour" }] }]);
  assert.deepEqual(sent.generationConfig, { temperature: 1 });
});

test("bad input says what is wrong: not JSON, truncated, not recorded, a JSON turn that does not parse, a number field that is not one", () => {
  assert.deepEqual(readRequest(exchange("https://api.openai.com/v1/chat/completions", "{oops")), { ok: false, error: "The request body is not JSON." });
  assert.match((readRequest(exchange("https://x/v1/chat/completions", { messages: [] }, { truncated: true })) as { error: string }).error, /capture cap/);
  const omitted = exchange("https://x/v1/chat/completions", "");
  omitted.request.body = { omitted: "policy" };
  assert.match((readRequest(omitted) as { error: string }).error, /not recorded \(policy\)/);
  const r = read("https://api.openai.com/v1/chat/completions", { model: "m", messages: [{ role: "assistant", content: null, tool_calls: [] }] });
  r.turns[0]!.text = "{not json";
  assert.throws(() => buildBody(r), /Message 1 \(assistant\) is not valid JSON/);
  r.turns[0]!.text = "{}";
  param(r, "temperature").value = "hot";
  assert.throws(() => buildBody(r), /temperature must be a number/);
});

test("an unknown JSON API is sent as the app sent it (raw editing only)", () => {
  const r = read("https://example.com/api/ask", { q: "hi", opts: { x: 1 } });
  assert.equal(r.format, "json");
  assert.deepEqual(r.turns, []);
  assert.deepEqual(JSON.parse(buildBody(r)), { q: "hi", opts: { x: 1 } });
});

test("a body whose keys try to reach the prototype stays plain data", () => {
  const r = read("https://api.openai.com/v1/chat/completions", JSON.parse('{"model":"m","messages":[],"__proto__":{"polluted":true}}'));
  param(r, "temperature").value = "1";
  buildBody(r);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
