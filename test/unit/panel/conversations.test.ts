/**
 * The trace list grouped by conversation, and stepping through a conversation's turns, on
 * assembled traces: three turns of a chat with a page script's call between them.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { computed, signal } from "@preact/signals";
import { assembleTraces } from "../../../src/core/assembly";
import type { SpanRecord } from "../../../src/core/contract";
import type { SpanStore } from "../../../src/panel/state/spans";
import { createTraceStore } from "../../../src/panel/state/traces";
import { BASE, interaction, recordSpan } from "../../fixtures/assembly/record";
import * as page from "../../fixtures/assembly/page-scripts";

function chatWithScript(): SpanRecord[] {
  const spans: SpanRecord[] = [];
  const keys = [];
  let at = 0;
  for (let n = 0; n < 3; n++) {
    keys.push(interaction(at, "keydown", "textarea#prompt"));
    const turn = recordSpan(page.turn(n), at + 15);
    spans.push(turn);
    if (n === 0) spans.push(recordSpan(page.tipOfTheDay, turn.endTime! - BASE + 300));
    at = turn.endTime! - BASE + 8_000;
  }
  return assembleTraces({ spans, interactions: keys, marks: [] });
}

function storeOf(spans: SpanRecord[]) {
  const byId = signal<ReadonlyMap<string, SpanRecord>>(new Map(spans.map((s) => [s.spanId, s])));
  const list = computed(() => [...byId.value.values()].sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId)));
  return createTraceStore({ byId, list } as unknown as SpanStore);
}

const describeItems = (store: ReturnType<typeof storeOf>): string[] =>
  store.items.value.map((i) => (i.type === "conversation" ? `conversation ${i.conversation.title} (${i.shown})` : i.turn ? `  turn ${i.turn}/${i.of} ${i.question}` : i.row.summary.name));

test("grouped by conversation: the turns under their conversation, oldest first, named by what they asked; other traces as they are", () => {
  const store = storeOf(chatWithScript());
  assert.deepEqual(describeItems(store), [
    "keydown Enter textarea#prompt",
    "keydown Enter textarea#prompt",
    "chat gpt-4o-mini (no user action)",
    "keydown Enter textarea#prompt",
  ], "ungrouped: newest first");
  store.groupByConversation.value = true;
  assert.deepEqual(describeItems(store), [
    "conversation How do I reset my password? (3)",
    "  turn 1/3 How do I reset my password?",
    "  turn 2/3 The reset email never arrived.",
    "  turn 3/3 It was in spam, thanks. How do I turn on 2FA?",
    "chat gpt-4o-mini (no user action)",
  ]);
  // A filter that hides a turn leaves the header, counting what is shown of how many.
  store.query.value = "spam";
  const header = store.items.value[0]!;
  assert.equal(header.type, "conversation");
  assert.equal(header.type === "conversation" && header.shown, 2);
  assert.equal(header.type === "conversation" && header.conversation.turns.length, 3);
});

test("stepping through the turns of the selected trace's conversation", () => {
  const store = storeOf(chatWithScript());
  const turns = [...store.conversations.value.values()][0]!.turns.map((t) => t.trace.traceId);
  store.selectTrace(turns[0]);
  assert.equal(store.selectedTurn.value?.turn, 1);
  store.stepTurn(-1);
  assert.equal(store.selectedTrace.value?.traceId, turns[0], "no turn before the first");
  store.stepTurn(1);
  store.stepTurn(1);
  assert.equal(store.selectedTrace.value?.traceId, turns[2]);
  assert.equal(store.selectedTurn.value?.turn, 3);
  store.stepTurn(1);
  assert.equal(store.selectedTrace.value?.traceId, turns[2], "no turn after the last");
  // The script's call is in no conversation of several turns: nothing to step through.
  const script = store.traces.value.find((t) => !turns.includes(t.traceId) && t.spans.some((s) => s.kind === "llm"))!;
  store.selectTrace(script.traceId);
  assert.equal(store.selectedTurn.value, undefined);
});
