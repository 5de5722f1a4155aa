import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assembleTraces, type AssemblyInput } from "../../src/core/assembly";
import type { InteractionRecord, MarkRecord, SpanRecord } from "../../src/core/contract";
import { BASE, interaction, jsonGet, mark, recordSpan, rederive } from "../fixtures/assembly/record";
import * as bot from "../fixtures/assembly/support-bot";
import type { Flow } from "../fixtures/assembly/support-bot";
import { chatParallelTools, chatStream } from "../fixtures/providers/openai-chat";
import { sse } from "../fixtures/providers/make-exchange";
import type { ExchangeSpec } from "../fixtures/providers/make-exchange";
import { assertWellFormed, byTrace, childrenOf, find, llmTraces, outline, placements, rootOf } from "./assembly/helpers";

function assemble(spans: SpanRecord[], interactions: InteractionRecord[] = [], marks: MarkRecord[] = []): SpanRecord[] {
  const out = assembleTraces({ spans, interactions, marks });
  assertWellFormed(out);
  return out;
}

/** The flow's spans by step label. */
function recordFlow(flow: Flow, offset = 0): { spans: SpanRecord[]; by: (label: string) => SpanRecord } {
  const spans = flow.steps.map((s) => recordSpan(s.spec, offset + s.at));
  return { spans, by: (label) => spans[flow.steps.findIndex((s) => s.label === label)]! };
}

describe("trace assembly: the support-bot flow", () => {
  for (const flow of bot.flows) {
    it(`${flow.name}: one trace, root -> retrieval, chat, execute_tool(-> http), chat in time order`, () => {
      const submit = interaction(0, "submit", "form#chat");
      const { spans, by } = recordFlow(flow);
      const out = assemble(spans, [submit]);

      const traces = llmTraces(out);
      assert.equal(traces.length, 1, outline(out));
      const root = rootOf(out, traces[0]!);
      assert.equal(root.spanId, submit.id, "the interaction root's span id is the interaction's id");
      assert.equal(root.kind, "interaction");
      assert.equal(root.name, "submit form#chat");
      assert.equal(root.attributes["llm_trace.synthesized"], true);
      assert.equal(root.startTime, submit.time);
      assert.equal(root.endTime, by("chat2").endTime);
      assert.equal(root.status, "ok");

      const kids = childrenOf(out, root);
      const expected = flow.steps.filter((s) => s.label !== "beacon" && s.label !== "tool-http").map((s) => s.label);
      const kinds = kids.map((k) => k.kind);
      assert.deepEqual(kinds, [...expected.slice(0, -1).map((l) => (l === "embedding" ? "embedding" : l === "retrieval" ? "retrieval" : "llm")), "tool", "llm"], outline(out));
      assert.deepEqual(
        kids.filter((k) => k.kind !== "tool").map((k) => k.spanId),
        expected.map((l) => by(l).spanId),
      );

      const tool = kids.find((k) => k.kind === "tool")!;
      assert.equal(tool.name, `execute_tool ${bot.TOOL}`);
      assert.equal(tool.attributes["gen_ai.operation.name"], "execute_tool");
      assert.equal(tool.attributes["gen_ai.tool.name"], bot.TOOL);
      assert.equal(tool.attributes["gen_ai.tool.type"], "function");
      assert.equal(tool.attributes["gen_ai.tool.call.id"], flow.callId);
      assert.deepEqual(JSON.parse(tool.attributes["gen_ai.tool.call.arguments"] as string), { email: "ada@example.com" });
      assert.deepEqual(JSON.parse(tool.attributes["gen_ai.tool.call.result"] as string), bot.TOOL_RESULT);
      assert.equal(tool.startTime, by("chat1").endTime, "the call is made when the first response ends");
      assert.equal(tool.endTime, by("chat2").startTime, "the result is returned when the second request starts");
      assert.equal(tool.status, "ok");
      assert.deepEqual(childrenOf(out, tool).map((c) => c.spanId), [by("tool-http").spanId]);

      // The analytics beacon fired during the flow, in a plain-requests trace of its own.
      const beacon = find(out, by("beacon").spanId);
      assert.notEqual(beacon.traceId, root.traceId);
      assert.equal(rootOf(out, beacon.traceId).name, "page requests");
      assert.equal(rootOf(out, beacon.traceId).attributes["llm_trace.root.source"], "requests");
    });
  }

  it("a tool request made just before the model's stream was recorded as closed is still the tool's execution", () => {
    // Pages act on the final event (a tool call) while the stream's close is still on its way.
    const base = bot.flows[0]!;
    const chat1 = base.steps.find((s) => s.label === "chat1")!;
    const chat1End = chat1.at + (chat1.spec.chunks?.at(-1)?.dt ?? 0) + 1;
    const flow = { ...base, steps: base.steps.map((s) => (s.label === "tool-http" ? { ...s, at: chat1End - 8 } : s)) };
    const { spans, by } = recordFlow(flow);
    const out = assemble(spans, [interaction(0, "submit", "form#chat")]);
    const tool = out.find((s) => s.kind === "tool")!;
    assert.deepEqual(childrenOf(out, tool).map((c) => c.spanId), [by("tool-http").spanId], outline(out));
    assert.equal(tool.startTime, by("tool-http").startTime, "the tool span starts with its first request");
  });

  it("a fast model call right after retrieval: the retrieval stays the call's input, not its tool's work", () => {
    // A quick response (tens of ms) puts the retrieval within the tool window's early slack.
    const base = bot.flows[0]!;
    const fast = (spec: ExchangeSpec): ExchangeSpec => ({ ...spec, chunks: spec.chunks?.map((c, i) => ({ ...c, dt: 20 + i })) });
    const steps = base.steps.filter((s) => s.label !== "beacon").map((s) => (s.label === "chat1" ? { ...s, spec: fast(s.spec) } : s));
    const retrieval = steps.find((s) => s.label === "retrieval")!;
    const chat1 = steps.find((s) => s.label === "chat1")!;
    chat1.at = retrieval.at + (retrieval.spec.chunks?.at(-1)?.dt ?? 0) + 5;
    const { spans, by } = recordFlow({ ...base, steps });
    const out = assemble(spans, [interaction(0, "submit", "form#chat")]);
    const tool = out.find((s) => s.kind === "tool")!;
    assert.deepEqual(childrenOf(out, tool).map((c) => c.spanId), [by("tool-http").spanId], outline(out));
    assert.notEqual(find(out, by("retrieval").spanId).parentSpanId, tool.spanId);
  });

  it("is deterministic whatever the input order, and idempotent over its own output", () => {
    for (const flow of bot.flows) {
      const submit = interaction(0, "submit", "form#chat");
      const { spans } = recordFlow(flow);
      const once = assemble(spans, [submit]);
      assert.deepEqual(assemble([...spans].reverse(), [submit]), once, `${flow.name}: order`);
      assert.deepEqual(assemble(once, [submit]), once, `${flow.name}: assemble(assemble(x)) == assemble(x)`);
      assert.deepEqual(assemble([...once, ...spans], [submit]), once, `${flow.name}: stale copies of the same spans`);
    }
  });

  it("a late span changes no existing id: the second model call arriving after the tool ran", () => {
    const submit = interaction(0, "submit", "form#chat");
    const { spans, by } = recordFlow(bot.openaiFlow);
    const before = assemble(spans.filter((s) => s !== by("chat2")), [submit]);
    // Before the result is sent back the tool is still running: in flight, holding its request.
    const pending = before.find((s) => s.kind === "tool")!;
    assert.equal(pending.endTime, undefined);
    assert.deepEqual(childrenOf(before, pending).map((c) => c.spanId), [by("tool-http").spanId]);
    assert.equal(rootOf(before, pending.traceId).endTime, by("tool-http").endTime, "a running tool does not hold the root open");

    const after = assemble([...before, by("chat2")], [submit]);
    const ids = placements(after);
    for (const [spanId, place] of placements(before)) assert.deepEqual(ids.get(spanId), place, find(before, spanId).name);
    assert.equal(after.length, before.length + 1);
    assert.equal(find(after, pending.spanId).endTime, by("chat2").startTime);
  });

  it("a streamed response still in flight joins its trace; completing it updates without duplicating", () => {
    const submit = interaction(0, "submit", "form#chat");
    const flow = bot.anthropicFlow;
    const { spans, by } = recordFlow(flow);
    const chat2Step = flow.steps.find((s) => s.label === "chat2")!;
    const live = rederive(by("chat2"), chat2Step.spec, chat2Step.at, { inFlightAt: 450 });
    assert.equal(live.endTime, undefined);
    const during = assemble([...spans.filter((s) => s !== by("chat2")), live], [submit]);
    const root = rootOf(during, llmTraces(during)[0]!);
    assert.equal(find(during, live.spanId).traceId, root.traceId, "the in-flight call is already in the trace");
    assert.equal(root.endTime, undefined, "the root is in flight with it");
    assert.equal(root.status, "unset");

    const done = assemble([...during, by("chat2")], [submit]);
    assert.equal(done.length, during.length);
    assert.deepEqual(placements(done), placements(during));
    assert.equal(rootOf(done, root.traceId).endTime, by("chat2").endTime);
    assert.equal(rootOf(done, root.traceId).status, "ok");
  });

  it("a later turn repeating old tool results in its history opens its own trace", () => {
    const first = interaction(0, "submit", "form#chat");
    const { spans } = recordFlow(bot.openaiFlow);
    const second = interaction(10_000, "keydown", "textarea#prompt");
    const next = recordSpan(bot.openaiNextTurn, 10_050);
    const out = assemble([...spans, next], [first, second]);
    assert.equal(find(out, next.spanId).parentSpanId, second.id);
    assert.equal(rootOf(out, find(out, next.spanId).traceId).name, "keydown Enter textarea#prompt");
    assert.equal(out.filter((s) => s.kind === "tool").length, 1, "no second execute_tool for the repeated result");
  });
});

describe("trace assembly: grouping signals", () => {
  it("two clicks with overlapping requests give two traces", () => {
    const a = interaction(0, "click", 'button "Summarize"');
    const b = interaction(100, "click", 'button "Translate"');
    const chatA = recordSpan(chatStream, 50);
    const chatB = recordSpan(chatStream, 150);
    const out = assemble([chatA, chatB], [a, b]);
    assert.equal(llmTraces(out).length, 2, outline(out));
    assert.equal(find(out, chatA.spanId).parentSpanId, a.id);
    assert.equal(find(out, chatB.spanId).parentSpanId, b.id);
    assert.equal(rootOf(out, find(out, chatA.spanId).traceId).name, 'click button "Summarize"');
  });

  it("an interaction without LLM work opens no trace", () => {
    const click = interaction(0, "click", 'a "Pricing"');
    const fetchJson = recordSpan(jsonGet("https://support.example.com/api/plans", [{ id: 1 }]), 20);
    const out = assemble([fetchJson], [click]);
    assert.ok(!out.some((s) => s.spanId === click.id));
    assert.equal(rootOf(out, out[0]!.traceId).name, "page requests");
  });

  it("a traceparent header keeps the app's trace id and parent", () => {
    const submit = interaction(0, "submit", "form#chat");
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parent = "00f067aa0ba902b7";
    const own = recordSpan({ ...chatStream, requestHeaders: { traceparent: `00-${traceId}-${parent}-01` } }, 40);
    const other = recordSpan(chatStream, 60);
    assert.equal(own.attributes["llm_trace.trace_context"], "traceparent");
    const out = assemble([own, other], [submit]);
    const kept = find(out, own.spanId);
    assert.equal(kept.traceId, traceId);
    assert.equal(kept.parentSpanId, parent);
    assert.deepEqual(kept, own, "adopted spans pass through unchanged");
    assert.equal(find(out, other.spanId).parentSpanId, submit.id);
    assert.deepEqual(assemble(out, [submit]), out);
  });

  it("performance marks: the marked work is one trace rooted at an invoke_agent span", () => {
    const submit = interaction(-5, "submit", "form#chat");
    const flow = bot.openaiFlow;
    const { spans, by } = recordFlow(flow);
    const start = mark(0, "start", "support-agent", { "app.user_tier": "pro" });
    const end = mark(by("chat2").endTime! - BASE + 5, "end");
    const out = assemble(spans, [submit], [start, end]);
    const root = rootOf(out, find(out, by("chat1").spanId).traceId);
    assert.equal(root.spanId, start.id);
    assert.equal(root.kind, "agent");
    assert.equal(root.name, "invoke_agent support-agent");
    assert.equal(root.attributes["gen_ai.operation.name"], "invoke_agent");
    assert.equal(root.attributes["gen_ai.agent.name"], "support-agent");
    assert.equal(root.attributes["app.user_tier"], "pro");
    assert.equal(root.startTime, start.time);
    assert.equal(root.endTime, end.time);
    assert.deepEqual(childrenOf(out, root).map((c) => c.kind), ["retrieval", "llm", "http", "tool", "llm"], outline(out));
    assert.ok(!out.some((s) => s.spanId === submit.id), "the interaction's work went to the mark: no empty interaction root");
    // The beacon fired inside the window: an explicit mark holds all the work between its marks.
    assert.equal(find(out, by("beacon").spanId).parentSpanId, start.id);
  });

  it("nested marks nest; a mark left open ends at the next interaction", () => {
    const outerStart = mark(0, "start", "agent");
    const innerStart = mark(1_000, "start", "sub-agent");
    const innerEnd = mark(3_000, "end");
    const outerEnd = mark(4_000, "end");
    const a = recordSpan(chatStream, 100);
    const b = recordSpan(chatStream, 1_100);
    const out = assemble([a, b], [], [outerStart, innerStart, innerEnd, outerEnd]);
    assert.equal(find(out, a.spanId).parentSpanId, outerStart.id);
    assert.equal(find(out, b.spanId).parentSpanId, innerStart.id);
    assert.equal(find(out, innerStart.id).parentSpanId, outerStart.id);
    assert.equal(llmTraces(out).length, 1);

    const open = mark(10_000, "start", "forgotten");
    const click = interaction(12_000, "click", 'button "Send"');
    const inside = recordSpan(chatStream, 10_500);
    const after = recordSpan(chatStream, 12_050);
    const out2 = assemble([inside, after], [click], [open]);
    assert.equal(find(out2, inside.spanId).parentSpanId, open.id);
    assert.equal(find(out2, after.spanId).parentSpanId, click.id);
    assert.equal(find(out2, open.id).endTime, undefined, "the open mark is shown in flight");
  });

  it("work without an interaction forms gap-based page-activity traces, never one per page", () => {
    const first = recordSpan(chatStream, 0);
    const followUp = recordSpan(chatStream, 2_500); // starts 1.6 s after the first ended
    const later = recordSpan(chatStream, 30_000);
    const out = assemble([first, followUp, later]);
    assert.equal(find(out, first.spanId).traceId, find(out, followUp.spanId).traceId);
    assert.notEqual(find(out, later.spanId).traceId, find(out, first.spanId).traceId);
    const root = rootOf(out, find(out, first.spanId).traceId);
    assert.equal(root.name, "page activity");
    assert.equal(root.attributes["llm_trace.root.source"], "activity");
    assert.equal(root.startTime, first.startTime);
  });

  it("plain requests never join LLM traces, and polling is cut into bounded traces", () => {
    const submit = interaction(0, "submit", "form#chat");
    const chat = recordSpan(chatStream, 30);
    const polls = Array.from({ length: 90 }, (_, i) => recordSpan(jsonGet("https://support.example.com/api/notifications", { unread: i }, 20), 10 + i * 2_000));
    const out = assemble([chat, ...polls], [submit]);
    const chatTrace = find(out, chat.spanId).traceId;
    for (const p of polls) assert.notEqual(find(out, p.spanId).traceId, chatTrace);
    const pollIds = new Set(polls.map((p) => p.spanId));
    const requestTraces = [...byTrace(out).values()].filter((list) => list.some((s) => pollIds.has(s.spanId)));
    assert.ok(requestTraces.length >= 3, `${requestTraces.length} polling traces`);
    for (const list of requestTraces) {
      const starts = list.map((s) => s.startTime);
      assert.ok(Math.max(...starts) - Math.min(...starts) <= 62_000, "each polling trace is bounded");
    }
  });
});

describe("trace assembly: tools and agents", () => {
  const weatherTool = (city: string, temp: number): ExchangeSpec => jsonGet(`https://weather.example.com/v1/current?city=${encodeURIComponent(city)}`, { city, temp_c: temp }, 50);
  const weatherFollowUp: ExchangeSpec = {
    url: "https://api.openai.com/v1/chat/completions",
    requestJson: {
      model: "gpt-4o",
      stream: true,
      messages: [
        { role: "user", content: "What's the weather in Paris and in Bogotá?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_paris", type: "function", function: { name: "get_weather", arguments: '{"location": "Paris, France"}' } },
            { id: "call_bogota", type: "function", function: { name: "get_weather", arguments: '{"location": "Bogotá, Colombia"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_paris", content: '{"temp_c":18}' },
        { role: "tool", tool_call_id: "call_bogota", content: '{"temp_c":14}' },
      ],
    },
    status: 200,
    responseHeaders: { "content-type": "text/event-stream" },
    chunks: [{ dt: 300, text: sse({ id: "c2", object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: { content: "18°C and 14°C." }, finish_reason: "stop" }] }, "[DONE]") }],
  };

  it("parallel tool calls: each request goes to the call whose arguments it mentions", () => {
    const click = interaction(0, "click", 'button "Ask"');
    const chat1 = recordSpan(chatParallelTools, 10); // ends at 511
    const bogota = recordSpan(weatherTool("Bogotá", 14), 530);
    const paris = recordSpan(weatherTool("Paris", 18), 540);
    const chat2 = recordSpan(weatherFollowUp, 700);
    const out = assemble([chat1, bogota, paris, chat2], [click]);
    const tools = out.filter((s) => s.kind === "tool");
    assert.equal(tools.length, 2);
    const byCall = (id: string) => tools.find((t) => t.attributes["gen_ai.tool.call.id"] === id)!;
    assert.deepEqual(childrenOf(out, byCall("call_paris")).map((c) => c.spanId), [paris.spanId]);
    assert.deepEqual(childrenOf(out, byCall("call_bogota")).map((c) => c.spanId), [bogota.spanId]);
    assert.equal(byCall("call_bogota").attributes["gen_ai.tool.call.result"], '{"temp_c":14}');
    assert.equal(llmTraces(out).length, 1);
  });

  it("requests matching no argument go to the first tool call", () => {
    const chat1 = recordSpan(chatParallelTools, 10);
    const other = recordSpan(jsonGet("https://support.example.com/api/geo", { ok: true }), 530);
    const chat2 = recordSpan(weatherFollowUp, 700);
    const out = assemble([chat1, other, chat2]);
    const first = out.find((s) => s.attributes["gen_ai.tool.call.id"] === "call_paris")!;
    assert.equal(find(out, other.spanId).parentSpanId, first.spanId);
  });

  it("a tool run in the page without any request still gets its execute_tool span", () => {
    const { spans, by } = recordFlow(bot.geminiFlow);
    const out = assemble(spans.filter((s) => s !== by("tool-http")), [interaction(0, "submit", "form#chat")]);
    const tool = out.find((s) => s.kind === "tool")!;
    assert.equal(childrenOf(out, tool).length, 0);
    assert.equal(tool.startTime, by("chat1").endTime);
    assert.equal(tool.endTime, by("chat2").startTime);
  });

  it("an agent loop reads as steps in order: model, tool, model, tool, model", () => {
    const tools = [{ type: "function", function: { name: "search_orders", parameters: { type: "object" } } }, { type: "function", function: { name: "refund_order", parameters: { type: "object" } } }];
    const user = { role: "user", content: "Refund my last order" };
    const call = (id: string, name: string, args: string) => ({ role: "assistant", content: null, tool_calls: [{ id, type: "function", function: { name, arguments: args } }] });
    const toolCallStream = (id: string, name: string, args: string): string =>
      sse(
        { id: "x", object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: { role: "assistant", tool_calls: [{ index: 0, id, type: "function", function: { name, arguments: args } }] }, finish_reason: null }] },
        { id: "x", object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }] },
        "[DONE]",
      );
    const step = (messages: object[], body: string): ExchangeSpec => ({
      url: "https://api.openai.com/v1/chat/completions",
      requestJson: { model: "gpt-4o", stream: true, messages, tools },
      status: 200,
      responseHeaders: { "content-type": "text/event-stream" },
      chunks: [{ dt: 400, text: body }],
    });
    const m1 = recordSpan(step([user], toolCallStream("call_1", "search_orders", '{"customer":"ada"}')), 0);
    const h1 = recordSpan(jsonGet("https://shop.example.com/api/orders?customer=ada", [{ id: "o-77" }]), 450);
    const m2 = recordSpan(step([user, call("call_1", "search_orders", '{"customer":"ada"}'), { role: "tool", tool_call_id: "call_1", content: '[{"id":"o-77"}]' }], toolCallStream("call_2", "refund_order", '{"order":"o-77"}')), 600);
    const h2 = recordSpan({ ...jsonGet("https://shop.example.com/api/orders/o-77/refund", { ok: true }), method: "POST" }, 1_050);
    const m3 = recordSpan(
      step(
        [user, call("call_1", "search_orders", '{"customer":"ada"}'), { role: "tool", tool_call_id: "call_1", content: '[{"id":"o-77"}]' }, call("call_2", "refund_order", '{"order":"o-77"}'), { role: "tool", tool_call_id: "call_2", content: '{"ok":true}' }],
        sse({ id: "y", object: "chat.completion.chunk", model: "gpt-4o", choices: [{ index: 0, delta: { content: "Refunded." }, finish_reason: "stop" }] }, "[DONE]"),
      ),
      1_200,
    );
    // No interaction: an agent started by a timer still reads as one trace.
    const out = assemble([m1, h1, m2, h2, m3]);
    assert.equal(llmTraces(out).length, 1, outline(out));
    const root = rootOf(out, find(out, m1.spanId).traceId);
    const steps = childrenOf(out, root);
    assert.deepEqual(steps.map((s) => (s.kind === "tool" ? `tool ${String(s.attributes["gen_ai.tool.name"])}` : s.kind)), ["llm", "tool search_orders", "llm", "tool refund_order", "llm"]);
    assert.deepEqual(childrenOf(out, steps[1]!).map((s) => s.spanId), [h1.spanId]);
    assert.deepEqual(childrenOf(out, steps[3]!).map((s) => s.spanId), [h2.spanId]);
  });

  it("Gemini parallel calls of one function: results match calls in order", () => {
    const url = "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent";
    const calls = [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_weather", args: { city: "Bogotá" } } }];
    const user = { role: "user", parts: [{ text: "Weather in Paris and Bogotá?" }] };
    const tools = [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "object" } }] }];
    const first = recordSpan(
      { url, requestJson: { contents: [user], tools }, status: 200, responseHeaders: { "content-type": "application/json" }, chunks: [{ dt: 500, text: JSON.stringify({ candidates: [{ content: { role: "model", parts: calls }, finishReason: "STOP", index: 0 }], modelVersion: "gemini-2.5-flash" }) }] },
      0,
    );
    const results = [{ functionResponse: { name: "get_weather", response: { temp_c: 18 } } }, { functionResponse: { name: "get_weather", response: { temp_c: 14 } } }];
    const second = recordSpan(
      { url, requestJson: { contents: [user, { role: "model", parts: calls }, { role: "user", parts: results }], tools }, status: 200, responseHeaders: { "content-type": "application/json" }, chunks: [{ dt: 400, text: JSON.stringify({ candidates: [{ content: { role: "model", parts: [{ text: "18 and 14." }] }, finishReason: "STOP", index: 0 }], modelVersion: "gemini-2.5-flash" }) }] },
      700,
    );
    const out = assemble([first, second]);
    const tools2 = out.filter((s) => s.kind === "tool");
    // Both calls start together; which one is listed first is not the point: each gets its own result.
    assert.deepEqual(
      tools2.map((t) => [JSON.parse(t.attributes["gen_ai.tool.call.arguments"] as string).city, t.attributes["gen_ai.tool.call.result"]]).sort(),
      [["Bogotá", '{"temp_c":14}'], ["Paris", '{"temp_c":18}']],
    );
    assert.equal(llmTraces(out).length, 1);
  });

  it("hosted tools the provider runs (web search) get no execute_tool span", () => {
    const response = {
      id: "resp_ws",
      object: "response",
      status: "completed",
      model: "gpt-4.1",
      output: [{ id: "ws_1", type: "web_search_call", status: "completed", action: { type: "search", query: "reset password" } }],
    };
    const chat = recordSpan(
      {
        url: "https://api.openai.com/v1/responses",
        requestJson: { model: "gpt-4.1", input: "Search the web", tools: [{ type: "web_search_preview" }] },
        status: 200,
        responseHeaders: { "content-type": "application/json" },
        chunks: [{ dt: 900, text: JSON.stringify(response) }],
      },
      0,
    );
    assert.match(String(chat.attributes["gen_ai.output.messages"]), /tool_call/);
    assert.equal(assemble([chat]).filter((s) => s.kind === "tool").length, 0);
  });

  it("a tool call the page never answers leaves no execute_tool once the conversation moves on", () => {
    const submit = interaction(0, "submit", "form#chat");
    const chat1 = recordSpan(bot.openaiChat1, 10);
    const again = interaction(20_000, "submit", "form#chat");
    const fresh = recordSpan(chatStream, 20_030);
    const out = assemble([chat1, fresh], [submit, again]);
    assert.equal(out.filter((s) => s.kind === "tool").length, 0, outline(out));
    // While it is the latest activity, it is shown as running.
    const live = assemble([chat1], [submit]);
    assert.equal(live.filter((s) => s.kind === "tool" && s.endTime === undefined).length, 1);
  });
});

describe("trace assembly: scale", () => {
  it("assembles thousands of spans quickly (O(n log n))", () => {
    const spans: SpanRecord[] = [];
    const interactions: InteractionRecord[] = [];
    const { spans: template } = recordFlow(bot.openaiFlow);
    for (let i = 0; i < 400; i++) {
      const offset = i * 8_000;
      interactions.push(interaction(offset, "submit", "form#chat"));
      for (const s of template) spans.push({ ...s, spanId: `${(i + 1).toString(16).padStart(8, "0")}${s.spanId.slice(8)}`, startTime: s.startTime + offset, ...(s.endTime !== undefined ? { endTime: s.endTime + offset } : {}) });
    }
    const input: AssemblyInput = { spans, interactions, marks: [] };
    const t0 = performance.now();
    const out = assembleTraces(input);
    const elapsed = performance.now() - t0;
    assert.equal(llmTraces(out).length, 400);
    assert.ok(elapsed < 3_000, `${spans.length} spans took ${elapsed.toFixed(0)} ms`);
  });
});
