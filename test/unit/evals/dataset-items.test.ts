/**
 * Dataset items from recorded wire data of several providers, exported in both JSONL shapes and
 * imported back (docs/DESIGN.md, "Datasets"); malformed files are refused naming the line.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Exchange, ExchangeRecord, SpanRecord } from "../../../src/core/contract";
import { itemFromSpan, parseDatasetJsonl, redactItem, toDatasetJsonl, toOpenAiLine, type DatasetItem } from "../../../src/core/evals";
import { createRedactor } from "../../../src/core/redaction";
import { deriveSpan } from "../../../src/core/providers";
import { anthropicNonStream } from "../../fixtures/providers/anthropic";
import { geminiTools } from "../../fixtures/providers/gemini";
import { makeExchange, type Fixture } from "../../fixtures/providers/make-exchange";
import { chatNonStream, chatParallelTools } from "../../fixtures/providers/openai-chat";

let n = 0;
const nextId = () => (++n).toString(16).padStart(16, "0");

function spanOf(fixture: Fixture): { span: SpanRecord; exchange: Exchange } {
  const exchange = makeExchange(fixture);
  const record = { ...exchange, tabId: 1, frameId: 0 } as unknown as ExchangeRecord;
  return { span: deriveSpan(exchange, record, exchange.timing.end ?? 0), exchange };
}

function itemOf(fixture: Fixture): DatasetItem {
  const { span, exchange } = spanOf(fixture);
  const r = itemFromSpan(span, exchange.request, nextId());
  assert.ok(r.ok, r.ok ? "" : r.error);
  return r.item;
}

describe("dataset items from model spans", () => {
  it("OpenAI chat: system from the system message, tools, the tool calls as expected output, the request kept", () => {
    const item = itemOf(chatParallelTools);
    assert.equal(item.input.messages[0]!.role, "user");
    assert.equal((item.input.tools?.[0] as { name: string }).name, "get_weather");
    assert.deepEqual(item.expected.toolCalls, [
      { name: "get_weather", arguments: { location: "Paris, France" } },
      { name: "get_weather", arguments: { location: "Bogotá, Colombia" } },
    ]);
    assert.equal(item.input.params.model, "gpt-4o");
    assert.equal(item.request?.url, "https://api.openai.com/v1/chat/completions");
    assert.equal(JSON.parse(item.request!.body).parallel_tool_calls, true);
    assert.equal(item.metadata.provider, "openai");
  });

  it("Anthropic: system instructions of their own, the answer text, usage and parameters", () => {
    const item = itemOf(anthropicNonStream);
    assert.equal(item.input.system, "You are a weather bot.");
    assert.equal(item.expected.text, "It's 15 degrees in San Francisco.");
    assert.equal(item.input.params.temperature, 0.5);
    assert.equal(item.metadata.inputTokens, 120);
    assert.equal(item.metadata.model, "claude-3-5-haiku-20241022");
  });

  it("Gemini: a function call as the expected tool call", () => {
    const item = itemOf(geminiTools);
    assert.ok(item.expected.toolCalls.length >= 1);
    assert.equal(item.metadata.provider?.startsWith("gcp."), true);
  });

  it("refuses what is no finished model call", () => {
    const { span, exchange } = spanOf(chatNonStream);
    assert.equal(itemFromSpan({ ...span, kind: "http" }, exchange.request, "x").ok, false);
    assert.equal(itemFromSpan({ ...span, endTime: undefined }, exchange.request, "x").ok, false);
    assert.equal(itemFromSpan({ ...span, status: "error" }, exchange.request, "x").ok, false);
  });

  it("keeps no request whose body was cut at the capture cap", () => {
    const { span, exchange } = spanOf(chatNonStream);
    const r = itemFromSpan(span, { ...exchange.request, body: { ...exchange.request.body!, truncated: true } }, "x");
    assert.ok(r.ok && r.item.request === undefined);
  });

  it("reads review scores from gen_ai.evaluation.result events", () => {
    const { span, exchange } = spanOf(chatNonStream);
    const reviewed = { ...span, events: [{ name: "gen_ai.evaluation.result", time: 1, attributes: { "gen_ai.evaluation.name": "review", "gen_ai.evaluation.score.value": 1, "gen_ai.evaluation.score.label": "good" } }] };
    const r = itemFromSpan(reviewed, exchange.request, "x");
    assert.ok(r.ok);
    assert.deepEqual(r.item.metadata.scores, [{ name: "review", value: 1, label: "good" }]);
  });
});

describe("dataset JSONL", () => {
  const items = [chatNonStream, chatParallelTools, anthropicNonStream, geminiTools].map(itemOf);

  it("OpenAI lines: messages with roles and contents, the answer last, tools as functions", () => {
    const lines = toDatasetJsonl(items, "openai").trimEnd().split("\n").map((l) => JSON.parse(l) as { messages: { role: string; content: unknown; tool_calls?: { type: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[]; tools?: { type: string; function: { name: string } }[] });
    assert.equal(lines.length, 4);
    for (const line of lines) {
      assert.ok(line.messages.length >= 2);
      for (const m of line.messages) {
        assert.ok(["system", "user", "assistant", "tool"].includes(m.role), m.role);
        assert.ok(typeof m.content === "string" || m.content === null || Array.isArray(m.content));
        if (m.role === "tool") assert.equal(typeof m.tool_call_id, "string");
        for (const c of m.tool_calls ?? []) {
          assert.equal(c.type, "function");
          assert.equal(typeof JSON.parse(c.function.arguments), "object");
        }
      }
      assert.equal(line.messages[line.messages.length - 1]!.role, "assistant");
      for (const t of line.tools ?? []) assert.equal(t.type, "function");
    }
    const anthropic = toOpenAiLine(items[2]!) as { messages: { role: string; content: unknown }[] };
    assert.deepEqual(anthropic.messages[0], { role: "system", content: "You are a weather bot." });
    assert.ok(anthropic.messages.some((m) => m.role === "tool" && m.content === "15 degrees"));
  });

  it("both shapes import back; the generic one whole, with its request", () => {
    const generic = parseDatasetJsonl(toDatasetJsonl(items, "generic"), nextId);
    assert.ok(generic.ok, generic.ok ? "" : generic.error);
    assert.equal(generic.shapes.generic, 4);
    assert.deepEqual(generic.items.map((i) => i.id), items.map((i) => i.id));
    assert.deepEqual(generic.items.map((i) => i.request), items.map((i) => i.request));
    assert.deepEqual(generic.items.map((i) => i.expected), items.map((i) => i.expected));
    assert.deepEqual(generic.items.map((i) => i.input.system), items.map((i) => i.input.system));
    assert.deepEqual(generic.items[2]!.metadata, items[2]!.metadata);

    const openai = parseDatasetJsonl(toDatasetJsonl(items, "openai"), nextId);
    assert.ok(openai.ok, openai.ok ? "" : openai.error);
    assert.equal(openai.shapes.openai, 4);
    assert.deepEqual(openai.items.map((i) => i.expected), items.map((i) => i.expected));
    assert.equal(openai.items[2]!.input.system, "You are a weather bot.");
    assert.equal(openai.items[0]!.request, undefined);
  });

  it("reads the simplest items other tools write", () => {
    const r = parseDatasetJsonl('{"input": "Hi", "expected_output": "Hello"}\n\n{"input": {"messages": [{"role": "user", "content": "2+2?"}]}, "expectedOutput": {"content": "4"}}\n', nextId);
    assert.ok(r.ok, r.ok ? "" : r.error);
    assert.equal(r.items[0]!.expected.text, "Hello");
    assert.equal(r.items[1]!.expected.text, "4");
  });

  it("a malformed file is refused naming its first bad line", () => {
    const good = toDatasetJsonl(items.slice(0, 2), "generic");
    const cases: [string, RegExp][] = [
      [`${good}{"input": "x"\n`, /^Line 3: not JSON/],
      [`${good}[1,2]\n`, /^Line 3: not a JSON object/],
      [`${good}{"foo": 1}\n`, /^Line 3: neither an OpenAI chat line/],
      [`{"messages": [{"role": "user", "content": "hi"}]}\n`, /^Line 1: the last of "messages" is not the assistant's answer/],
      [`{"messages": [{"content": "hi"}, {"role": "assistant", "content": "x"}]}\n`, /^Line 1: message 1 of "messages" has no role/],
      [`\n\n{"input": "x", "metadata": {"request": {"url": "javascript:alert(1)", "method": "POST", "body": "{}"}}}\n`, /^Line 3: "metadata.request": request url is not an http\(s\) address/],
      ["\n\n", /holds no items/],
    ];
    for (const [text, error] of cases) {
      const r = parseDatasetJsonl(text, nextId);
      assert.equal(r.ok, false);
      assert.match((r as { error: string }).error, error);
    }
  });
});

describe("dataset items redacted before they are stored", () => {
  it("an imported line's key shapes, secret fields and URL parameters are removed; the JSON stays JSON", () => {
    const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD";
    const line = JSON.stringify({
      input: { messages: [{ role: "user", content: `my key is ${key}` }] },
      expected_output: `use ${key}`,
      metadata: { request: { url: "https://api.example.com/v1/chat/completions?key=AIzaSyA-not-a-real-google-key-000000", method: "POST", body: JSON.stringify({ api_key: "hunter2-secret-value", messages: [{ role: "user", content: key }] }) } },
    });
    const r = parseDatasetJsonl(line, nextId);
    assert.ok(r.ok, r.ok ? "" : r.error);
    const item = redactItem(r.items[0]!, createRedactor());
    const all = JSON.stringify(item);
    assert.ok(!all.includes(key));
    assert.ok(!all.includes("hunter2-secret-value"));
    assert.ok(!all.includes("AIzaSyA-not-a-real-google-key"));
    assert.match(all, /\[REDACTED:/);
    assert.equal(typeof JSON.parse(item.request!.body), "object");
  });
});
