/**
 * Issue 16 in the background (fake-indexeddb and an in-memory extension API in Node): spans are
 * placed as their batches are stored and re-placed by later runs over the tab's window, and the
 * traces come out as the pure assembly draws them: the page's own calls after a clicked
 * question are not the question's. Conversations carry on across a long pause and a worker
 * restart (the window's earlier calls), and a span derived again keeps its conversation.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleLive } from "../../src/background/assembly";
import { forgetAll, ingestBatch } from "../../src/background/ingest";
import { openStore } from "../../src/background/store";
import type { CaptureEvent, SpanRecord } from "../../src/core/contract";
import { CONVERSATION_DERIVED, CONVERSATION_ID } from "../../src/core/assembly";

let counter = 0;
const newId = (): string => (0x2000_0000_0000 + ++counter).toString(16).padStart(16, "b");
const PAGE = "https://support.example.com/";
const CHAT = "https://api.openai.com/v1/chat/completions";

interface Call {
  id: string;
  events: CaptureEvent[];
}

/** One fetch at `t`: request, response, one chunks event per piece (1 ms apart), end. */
function call(t: number, method: string, url: string, pieces: string[], requestBody?: unknown, sse = false): Call {
  const id = newId();
  const body = requestBody === undefined ? undefined : JSON.stringify(requestBody);
  return {
    id,
    events: [
      { t: "request", id, transport: "fetch", time: t, method, url, headers: [["content-type", "application/json"]], pageUrl: PAGE, ...(body ? { body: { text: body, size: body.length, mimeType: "application/json" } } : {}) },
      { t: "response", id, time: t + 5, status: 200, statusText: "OK", headers: [["content-type", sse ? "text/event-stream" : "application/json"]] },
      ...pieces.map((text, seq): CaptureEvent => ({ t: "chunks", id, seq, times: [t + 6 + seq], texts: [text] })),
      { t: "end", id, time: t + 7 + pieces.length, outcome: { state: "ok" }, chunks: pieces.length },
    ],
  };
}

const chunk = (delta: unknown, finish: string | null): string =>
  `data: ${JSON.stringify({ id: "chatcmpl-bg", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

/** A streamed chat answering `text`. */
function chat(t: number, messages: unknown[], text: string): Call {
  return call(t, "POST", CHAT, [chunk({ role: "assistant", content: text }, null), `${chunk({}, "stop")}data: [DONE]\n\n`], { model: "gpt-4o-mini", stream: true, messages }, true);
}

const click = (t: number, target: string): CaptureEvent => ({ t: "interaction", id: newId(), time: t, action: "click", target, pageUrl: PAGE });

/** Events in the batches the relay would send: whatever happened in each 20 ms. */
function batches(events: CaptureEvent[]): CaptureEvent[][] {
  const time = (e: CaptureEvent): number => ("time" in e ? e.time : "times" in e ? e.times[0]! : 0);
  const out = new Map<number, CaptureEvent[]>();
  for (const e of [...events].sort((a, b) => time(a) - time(b))) {
    const slot = Math.floor(time(e) / 20);
    out.set(slot, [...(out.get(slot) ?? []), e]);
  }
  return [...out.values()];
}

async function spansOf(tabId: number): Promise<SpanRecord[]> {
  return (await openStore()).getAllFromIndex("spans", "tabId", tabId);
}

test("a clicked question then calls the page's scripts make: placed batch by batch, the scripts' calls are not the question's", async () => {
  const tab = 41;
  const t = Date.now() - 60_000;
  const ask = click(t, 'button "Send"');
  const question = [{ role: "user", content: "How do I reset my password?" }];
  const toolCall = { id: "call_bg1", type: "function", function: { name: "check_account", arguments: '{"user":"ada"}' } };
  const first = call(t + 20, "POST", CHAT, [chunk({ role: "assistant", content: null, tool_calls: [{ index: 0, ...toolCall }] }, null), `${chunk({}, "tool_calls")}data: [DONE]\n\n`], { model: "gpt-4o-mini", stream: true, messages: question, tools: [{ type: "function", function: { name: "check_account" } }] }, true);
  const tool = call(t + 60, "GET", "https://support.example.com/api/account?user=ada", ['{"active":true}']);
  const answer = chat(t + 100, [...question, { role: "assistant", content: null, tool_calls: [toolCall] }, { role: "tool", tool_call_id: "call_bg1", content: '{"active":true}' }], "Your account is active.");
  // 300 ms after the answer, with no user action: the page's own calls.
  const tip = chat(t + 409, [{ role: "user", content: "Give today's security tip." }], "Turn on 2FA.");
  const failing = call(t + 430, "POST", CHAT, [], { model: "gpt-4o-mini", messages: [{ role: "user", content: "Summarize the sidebar." }] });
  failing.events = failing.events.map((e) => (e.t === "response" ? { ...e, status: 500 } : e));
  const events = [ask, ...[first, tool, answer, tip, failing].flatMap((c) => c.events)];
  for (const batch of batches(events)) await ingestBatch(tab, 0, batch);
  await assembleLive(tab);

  const spans = await spansOf(tab);
  const byId = (id: string) => spans.find((s) => s.spanId === id)!;
  const root = byId(ask.id);
  assert.equal(root.kind, "interaction");
  for (const c of [first, answer]) assert.equal(byId(c.id).parentSpanId, root.spanId);
  for (const c of [tip, failing]) assert.notEqual(byId(c.id).traceId, root.traceId, "a script's call is not the click's");
  assert.equal(root.status, "ok");
  assert.equal(root.endTime, byId(answer.id).endTime);
  const exec = spans.find((s) => s.kind === "tool")!;
  assert.equal(byId(tool.id).parentSpanId, exec.spanId);
});

for (const restart of [false, true]) {
  test(`a conversation carries on after a long pause${restart ? " and a worker restart" : ""}; a span derived again keeps its conversation`, async (t) => {
    // The clock stands still: a batch soon after a run is left to the next run, whatever this machine's speed.
    t.mock.timers.enable({ apis: ["Date"], now: Date.now() });
    const tab = restart ? 43 : 42;
    const t0 = Date.now() - 30 * 60_000;
    const q1 = [{ role: "user", content: "How do I reset my password?" }];
    const turn1 = chat(t0 + 15, q1, "Open Settings › Security.");
    await ingestBatch(tab, 0, [click(t0, 'button "Send"'), ...turn1.events]);
    await assembleLive(tab);
    const id = (await spansOf(tab)).find((s) => s.spanId === turn1.id)!.attributes[CONVERSATION_ID];
    assert.equal(typeof id, "string");

    // Meanwhile the page polls its notifications every 10 s: the first turn leaves the window.
    const polls = Array.from({ length: 24 }, (_, k) => call(t0 + 60_000 + k * 10_000, "GET", "https://support.example.com/api/notifications", ['{"unread":0}']));
    await ingestBatch(tab, 0, polls.flatMap((p) => p.events));
    await assembleLive(tab);
    if (restart) forgetAll();

    // Five minutes on, the next turn, in flight first.
    const t2 = t0 + 5 * 60_000;
    const turn2 = chat(t2 + 15, [...q1, { role: "assistant", content: "Open Settings › Security." }, { role: "user", content: "The email never came." }], "Check your spam folder.");
    const [request, response, first, ...rest] = turn2.events;
    await ingestBatch(tab, 0, [click(t2, 'button "Send"'), request!, response!, first!]);
    await assembleLive(tab);
    const live = (await spansOf(tab)).find((s) => s.spanId === turn2.id)!;
    assert.equal(live.attributes[CONVERSATION_ID], id, "the next turn found the conversation from before the window");
    assert.equal(live.attributes[CONVERSATION_DERIVED], true);

    // The rest of its stream, soon after: derived again and stored before the next run, it keeps its conversation.
    const stored = await ingestBatch(tab, 0, rest);
    assert.notEqual(stored.unplacedFrom, undefined, "left to the next run");
    const rederived = stored.spans.find((s) => s.spanId === turn2.id)!;
    assert.notEqual(rederived.endTime, undefined);
    assert.equal(rederived.attributes[CONVERSATION_ID], id);
    await assembleLive(tab);
    assert.equal((await spansOf(tab)).find((s) => s.spanId === turn2.id)!.attributes[CONVERSATION_ID], id);
  });
}
