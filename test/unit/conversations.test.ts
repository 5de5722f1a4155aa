/**
 * gen_ai.conversation.id on every model span (issue 16): from the wire where the call names its
 * conversation, else derived (and marked so) from the call it continues, whose tool calls it
 * answers, or which it retries; stable across assembly runs and windows.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assembleTraces, CONVERSATION_DERIVED, CONVERSATION_ID, newConversationId, type AssemblyInput } from "../../src/core/assembly";
import type { InteractionRecord, SpanRecord } from "../../src/core/contract";
import { BASE, interaction, recordSpan } from "../fixtures/assembly/record";
import * as bot from "../fixtures/assembly/support-bot";
import * as page from "../fixtures/assembly/page-scripts";
import { assertWellFormed, find, llmTraces, outline } from "./assembly/helpers";

function assemble(spans: SpanRecord[], interactions: InteractionRecord[] = [], earlier?: SpanRecord[]): SpanRecord[] {
  const input: AssemblyInput = { spans, interactions, marks: [], ...(earlier ? { earlier } : {}) };
  const out = assembleTraces(input);
  assertWellFormed(out);
  return out;
}

const conversation = (out: SpanRecord[], span: SpanRecord): unknown => find(out, span.spanId).attributes[CONVERSATION_ID];
const derived = (out: SpanRecord[], span: SpanRecord): unknown => find(out, span.spanId).attributes[CONVERSATION_DERIVED];
const endAt = (s: SpanRecord): number => s.endTime! - BASE;

/** Three turns of one chat, each after the user pressed Enter. */
function threeTurns(): { spans: SpanRecord[]; keys: InteractionRecord[] } {
  const keys: InteractionRecord[] = [];
  const spans: SpanRecord[] = [];
  let at = 0;
  for (let n = 0; n < 3; n++) {
    keys.push(interaction(at, "keydown", "textarea#prompt"));
    const span = recordSpan(page.turn(n), at + 15);
    spans.push(span);
    at = endAt(span) + 8_000;
  }
  return { spans, keys };
}

describe("derived conversations", () => {
  it("turns of a chat (each input is the history so far plus a question) are one conversation, each its own trace", () => {
    const { spans, keys } = threeTurns();
    const out = assemble(spans, keys);
    assert.equal(llmTraces(out).length, 3, outline(out));
    const id = newConversationId(spans[0]!);
    for (const s of spans) {
      assert.equal(conversation(out, s), id, s.name);
      assert.equal(derived(out, s), true);
    }
  });

  it("the support bot: the call answering a tool call and the next turn stay in the first call's conversation", () => {
    for (const flow of bot.flows) {
      const spans = flow.steps.map((s) => recordSpan(s.spec, s.at));
      const chat = (label: string) => spans[flow.steps.findIndex((s) => s.label === label)]!;
      const out = assemble(spans, [interaction(0, "submit", "form#chat")]);
      assert.equal(conversation(out, chat("chat2")), conversation(out, chat("chat1")), flow.name);
      assert.equal(conversation(out, chat("chat1")), newConversationId(chat("chat1")), flow.name);
      for (const s of spans.filter((x) => x.kind !== "llm")) assert.equal(find(out, s.spanId).attributes[CONVERSATION_ID], undefined, `${flow.name}: ${s.name} is no model call`);
    }
    const spans = bot.openaiFlow.steps.map((s) => recordSpan(s.spec, s.at));
    const next = recordSpan(bot.openaiNextTurn, 20_000);
    const out = assemble([...spans, next], [interaction(0, "submit", "form#chat"), interaction(19_990, "keydown", "textarea#prompt")]);
    assert.equal(conversation(out, next), conversation(out, spans[1]!));
  });

  it("history sent back as one string continues a reply streamed in two blocks (Anthropic)", () => {
    const ask = [{ role: "user", content: "Where do I change my email?" }];
    const first = recordSpan(page.anthropicTurn(ask, ["Open Settings ›", " Profile › Email."], "msg_01A"), 0);
    const second = recordSpan(page.anthropicTurn([...ask, { role: "assistant", content: "Open Settings › Profile › Email." }, { role: "user", content: "And my phone?" }], ["Same page, under Phone."], "msg_01B"), 5_000);
    const out = assemble([first, second]);
    assert.equal(conversation(out, second), conversation(out, first));
  });

  it("unrelated calls, and the same first question in a new chat, are conversations of their own", () => {
    const { spans, keys } = threeTurns();
    const tip = recordSpan(page.tipOfTheDay, endAt(spans[0]!) + 300);
    const again = recordSpan(page.turn(0), endAt(spans[2]!) + 20_000);
    const out = assemble([...spans, tip, again], [...keys, interaction(endAt(spans[2]!) + 19_990, "click", 'button "New chat"')]);
    const ids = new Set([conversation(out, spans[0]!), conversation(out, tip), conversation(out, again)]);
    assert.equal(ids.size, 3);
  });

  it("a retry after a 429 is in the conversation of the call it retries", () => {
    const history = [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }, { role: "assistant", content: "Hello! How can I help?" }, { role: "user", content: "Reset my password" }];
    const earlierTurn = recordSpan(page.chatCall(history.slice(0, 2), { text: "Hello! How can I help?" }), 0);
    const failed = recordSpan(page.rateLimited(history), 10_000);
    const retry = recordSpan(page.chatCall(history, { text: "Open Settings › Security." }), endAt(failed) + 1_000);
    const out = assemble([earlierTurn, failed, retry]);
    assert.equal(conversation(out, failed), conversation(out, earlierTurn));
    assert.equal(conversation(out, retry), conversation(out, earlierTurn));
    // A first call retried: the retry joins the failed call's new conversation.
    const lone = recordSpan(page.rateLimited([{ role: "user", content: "Hi" }]), 0);
    const loneRetry = recordSpan(page.chatCall([{ role: "user", content: "Hi" }], { text: "Hello!" }), endAt(lone) + 800);
    const out2 = assemble([lone, loneRetry]);
    assert.equal(conversation(out2, loneRetry), conversation(out2, lone));
  });
});

describe("conversation ids from the wire", () => {
  it("the Responses API's conversation is kept as it is, not marked derived", () => {
    const call = recordSpan(page.responsesCall("resp_c1", "What is my plan?", { conversation: "conv_68a1b2c3d4" }, "You are on Pro."), 0);
    const object = recordSpan(page.responsesCall("resp_c2", "And its price?", { conversation: { id: "conv_68a1b2c3d4" } }, "$20 a month."), 3_000);
    const out = assemble([call, object]);
    for (const s of [call, object]) {
      assert.equal(conversation(out, s), "conv_68a1b2c3d4");
      assert.equal(derived(out, s), undefined);
    }
  });

  it("previous_response_id chains calls whose input holds only the new turn", () => {
    const first = recordSpan(page.responsesCall("resp_p1", "What is my plan?", {}, "You are on Pro."), 0);
    const second = recordSpan(page.responsesCall("resp_p2", "And its price?", { previous_response_id: "resp_p1" }, "$20 a month."), 5_000);
    const third = recordSpan(page.responsesCall("resp_p3", "Can I pay yearly?", { previous_response_id: "resp_p2" }, "Yes, $200 a year."), 10_000);
    const unrelated = recordSpan(page.responsesCall("resp_x", "And its price?", {}, "Which product?"), 12_000);
    assert.equal(second.attributes["llm_trace.previous_response_id"], "resp_p1");
    const out = assemble([first, second, third, unrelated]);
    assert.equal(conversation(out, second), conversation(out, first));
    assert.equal(conversation(out, third), conversation(out, first));
    assert.notEqual(conversation(out, unrelated), conversation(out, first));
  });

  it("the AI SDK's chat id in /api/chat bodies, and a LangGraph thread id", () => {
    const chat = recordSpan(page.aiSdkChat("chat-7Hq2xK", "How do I reset my password?"), 0);
    const run = recordSpan(page.langGraphRun("thread-91c2", "How do I reset my password?"), 2_000);
    assert.equal(chat.kind, "llm");
    assert.equal(run.kind, "llm");
    const out = assemble([chat, run]);
    assert.equal(conversation(out, chat), "chat-7Hq2xK");
    assert.equal(conversation(out, run), "thread-91c2");
    assert.equal(derived(out, chat), undefined);
    assert.equal(derived(out, run), undefined);
  });
});

describe("stable across runs and windows", () => {
  it("is deterministic whatever the input order, and idempotent over its own output", () => {
    const { spans, keys } = threeTurns();
    const once = assemble(spans, keys);
    assert.deepEqual(assemble([...spans].reverse(), keys), once);
    assert.deepEqual(assemble(once, keys), once);
  });

  it("a turn whose previous turn left the window: continued from the spans before it, or kept from the last run", () => {
    const { spans, keys } = threeTurns();
    const whole = assemble(spans, keys);
    const id = conversation(whole, spans[0]!);
    const stored = (s: SpanRecord) => find(whole, s.spanId);
    // The window holds the last turn only; the one before is given as an earlier span.
    const withEarlier = assemble([spans[2]!], [keys[2]!], [stored(spans[1]!)]);
    assert.equal(conversation(withEarlier, spans[2]!), id);
    assert.ok(!withEarlier.some((s) => s.spanId === spans[1]!.spanId), "earlier spans are not returned");
    // Stored with its id by an earlier run, a turn keeps it when its predecessor has gone.
    const kept = assemble([stored(spans[2]!)], [keys[2]!]);
    assert.equal(conversation(kept, spans[2]!), id);
    assert.equal(derived(kept, spans[2]!), true);
  });
});
