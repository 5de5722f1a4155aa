import assert from "node:assert/strict";
import { test } from "node:test";
import type { Span } from "../../../src/core/contract";
import { diffFields, diffMessages, diffSteps } from "../../../src/panel/compare-model/span-diff";
import { diffText, foldUnchanged } from "../../../src/panel/compare-model/text-diff";
import { compareTraces, matchSteps, stepsOf } from "../../../src/panel/compare-model/trace-diff";
import * as promptModel from "../../../src/panel/compare-model/prompt-versions";

let next = 0;
function span(kind: Span["kind"], start: number, attributes: Span["attributes"] = {}, end = start + 100): Span {
  next++;
  return { traceId: "a".repeat(32), spanId: next.toString(16).padStart(16, "0"), name: kind, kind, startTime: start, endTime: end, status: "ok", attributes };
}

const chat = (start: number, system: string, user: string, answer: string, extra: Span["attributes"] = {}) =>
  span("llm", start, {
    "gen_ai.operation.name": "chat",
    "gen_ai.request.model": "gpt-4o-mini",
    "gen_ai.system_instructions": JSON.stringify([{ type: "text", content: system }]),
    "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: user }] }]),
    "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: answer }] }]),
    ...extra,
  });

test("a word diff shows exactly the words that changed", () => {
  const d = diffText("You are Acme's support assistant. Answer briefly.", "You are Acme's friendly support assistant. Answer in detail.");
  assert.equal(d.changed, true);
  assert.deepEqual(d.ops.filter((o) => o.op !== "same").map((o) => [o.op, o.text.trim()]), [["added", "friendly"], ["removed", "briefly"], ["added", "in detail"]]);
  assert.equal(d.ops.map((o) => (o.op === "added" ? "" : o.text)).join(""), "You are Acme's support assistant. Answer briefly.", "the removed and same runs spell the old text");
  assert.equal(d.ops.map((o) => (o.op === "removed" ? "" : o.text)).join(""), "You are Acme's friendly support assistant. Answer in detail.", "the added and same runs spell the new text");
  assert.equal(d.added, 3);
  assert.equal(d.removed, 1);
  assert.equal(diffText("same", "same").changed, false);
});

test("megabytes of text are diffed by line, not word by word, and say so", () => {
  const line = (i: number) => `line ${i} of a long retrieved document with some words in it\n`;
  const before = Array.from({ length: 8_000 }, (_, i) => line(i)).join("");
  const after = before.replace(line(4_000), "a changed line\n");
  const d = diffText(before, after);
  assert.equal(d.coarse, "lines");
  assert.deepEqual(d.ops.filter((o) => o.op !== "same").map((o) => o.op), ["removed", "added"]);
});

test("unchanged runs fold in the middle and keep words around a change", () => {
  const words = Array.from({ length: 100 }, (_, i) => `w${i}`).join(" ");
  const shown = foldUnchanged(diffText(`${words} old`, `${words} new`).ops, 5);
  const fold = shown.find((o) => o.op === "fold");
  assert.ok(fold && fold.op === "fold");
  assert.equal(fold.words, 95);
  assert.match(shown[shown.findIndex((o) => o.op === "fold") + 1]!.text, /w95 w96 w97 w98 w99 $/);
});

test("messages align by content: one inserted in the middle shifts nothing; a changed one pairs by role", () => {
  const m = (role: string, text: string) => ({ role, parts: [{ type: "text", content: text }] });
  const changes = diffMessages(
    [m("user", "Hi"), m("assistant", "Hello"), m("user", "Reset my password")],
    [m("user", "Hi"), m("tool", "status: active"), m("assistant", "Hello"), m("user", "Reset my password please")],
  );
  assert.deepEqual(changes.map((c) => [c.role, c.change]), [["user", "same"], ["tool", "added"], ["assistant", "same"], ["user", "changed"]]);
  assert.deepEqual(changes[3]!.diff.ops.filter((o) => o.op === "added").map((o) => o.text.trim()), ["please"]);
});

test("fields: added, removed, changed and same, by key", () => {
  const rows = diffFields(new Map([["temperature", "0.2"], ["top_p", "1"], ["seed", "4"]]), new Map([["temperature", "0.9"], ["top_p", "1"], ["max_tokens", "100"]]));
  assert.deepEqual(rows.map((r) => [r.key, r.change]), [["max_tokens", "added"], ["seed", "removed"], ["temperature", "changed"], ["top_p", "same"]]);
});

test("steps match by structure: the second chat call meets the second chat call across a tool only one side ran", () => {
  const before = [chat(0, "s", "q", "a"), span("tool", 200, { "gen_ai.tool.name": "lookup" }), chat(400, "s", "q", "b")];
  const after = [span("retrieval", 0, { "gen_ai.data_source.id": "docs" }), chat(100, "s", "q", "a"), chat(300, "s", "q", "c")];
  const pairs = matchSteps(stepsOf(before), stepsOf(after));
  assert.deepEqual(pairs.map(([b, a]) => [b?.label, a?.label]), [[undefined, "retrieval docs"], ["chat #1", "chat #1"], ["tool lookup", undefined], ["chat #2", "chat #2"]]);
});

test("a step of one kind that changed (another tool called) pairs with its counterpart", () => {
  const before = [chat(0, "s", "q", "a"), span("tool", 200, { "gen_ai.tool.name": "lookup" })];
  const after = [chat(0, "s", "q", "a"), span("tool", 200, { "gen_ai.tool.name": "search" })];
  const pairs = matchSteps(stepsOf(before), stepsOf(after));
  assert.deepEqual(pairs.map(([b, a]) => [b?.label, a?.label]), [["chat", "chat"], ["tool lookup", "tool search"]]);
});

test("two runs whose system prompt differs: the prompt change, the output change and the token and cost deltas", () => {
  const usage = (i: number, o: number) => ({ "gen_ai.usage.input_tokens": i, "gen_ai.usage.output_tokens": o });
  const before = [chat(0, "Answer briefly.", "Reset?", "Use Settings.", usage(100, 10))];
  const after = [chat(0, "Answer in detail, with steps.", "Reset?", "Open Settings, then Security, then Reset.", usage(104, 30))];
  const cmp = compareTraces(before, after);
  assert.equal(cmp.pairs.length, 1);
  assert.equal(cmp.pairs[0]!.promptChanged, true);
  assert.equal(cmp.pairs[0]!.outputChanged, true);
  const totals = Object.fromEntries(cmp.totals.map((t) => [t.name, t.delta]));
  assert.equal(totals["input tokens"], 4);
  assert.equal(totals["output tokens"], 20);
  assert.ok(typeof totals.cost === "number" && totals.cost > 0, "gpt-4o-mini is priced");
  const d = diffSteps(before[0], after[0]);
  assert.deepEqual(d.system.ops.filter((o) => o.op !== "same").map((o) => [o.op, o.text.trim()]), [["removed", "briefly"], ["added", "in detail, with steps"]]);
  assert.deepEqual(d.messages.map((m) => m.change), ["same"]);
});

test("retrieved documents: added, removed, moved in rank, with their scores", () => {
  const docs = (list: [string, number][]) => ({ "gen_ai.retrieval.documents": JSON.stringify(list.map(([id, score]) => ({ id, score, content: `doc ${id}` }))) });
  const d = diffSteps(span("retrieval", 0, docs([["a", 0.9], ["b", 0.8], ["c", 0.7]])), span("retrieval", 0, docs([["b", 0.91], ["a", 0.85], ["d", 0.6]])));
  assert.deepEqual(d.documents.map((x) => [x.key, x.change, x.before?.rank, x.after?.rank]), [["b", "moved", 2, 1], ["a", "moved", 1, 2], ["d", "added", undefined, 3], ["c", "removed", 3, undefined]]);
  assert.equal(d.documents[0]!.after!.score, 0.91);
});

test("parameters and tool calls are field diffs", () => {
  const b = chat(0, "s", "q", "a", { "gen_ai.request.temperature": 0.2, "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "tool_call", name: "lookup", arguments: { email: "a@x" } }] }]) });
  const a = chat(0, "s", "q", "a", { "gen_ai.request.temperature": 0.9, "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "tool_call", name: "lookup", arguments: { email: "b@x" } }] }]) });
  const d = diffSteps(b, a);
  assert.deepEqual(d.params.filter((p) => p.change !== "same").map((p) => [p.key, p.before, p.after]), [["temperature", "0.2", "0.9"]]);
  assert.deepEqual(d.toolCalls.map((c) => [c.key, c.change]), [["lookup", "changed"]]);
});

test("a pair that is the same is not changed", () => {
  const a = chat(0, "s", "q", "a");
  const b = { ...a, spanId: "f".repeat(16) };
  assert.equal(compareTraces([a], [b]).pairs[0]!.changed, false);
});

test("system messages in the input (Chat Completions) are the system instructions, not a message", () => {
  const msgs = (system: string) => ({ "gen_ai.input.messages": JSON.stringify([{ role: "system", parts: [{ type: "text", content: system }] }, { role: "user", parts: [{ type: "text", content: "Hi" }] }]) });
  const d = diffSteps(span("llm", 0, msgs("Answer briefly.")), span("llm", 0, msgs("Answer in detail.")));
  assert.deepEqual(d.system.ops.filter((o) => o.op !== "same").map((o) => [o.op, o.text.trim()]), [["removed", "briefly"], ["added", "in detail"]]);
  assert.deepEqual(d.messages.map((m) => [m.role, m.change]), [["user", "same"]]);
});

test("ids the provider mints per call (tool call ids) do not make two runs differ", () => {
  const withCall = (id: string) => chat(0, "s", "q", "a", {
    "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "tool_call", id, name: "lookup", arguments: { email: "a@x" } }] }]),
    "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "q" }] }, { role: "tool", parts: [{ type: "tool_call_response", id, response: "ok" }] }]),
  });
  const pair = compareTraces([withCall("call_1")], [withCall("call_2")]).pairs[0]!;
  assert.deepEqual([pair.promptChanged, pair.outputChanged, pair.changed], [false, false, false]);
});

test("model families drop the snapshot suffix only", () => {
  const { modelFamily } = promptModel;
  assert.deepEqual(
    ["gpt-4o-mini-2024-07-18", "claude-3-5-haiku-20241022", "models/gemini-2.0-flash-001", "gpt-3.5-turbo-0125", "gpt-4", "claude-3-5-haiku-latest", "llama3.2:8b", "o1"].map(modelFamily),
    ["gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash", "gpt-3.5-turbo", "gpt-4", "claude-3-5-haiku", "llama3.2:8b", "o1"],
  );
});

test("prompt versions: one call site's system prompts numbered by first use, with counts, medians and error rate", () => {
  const at = (start: number, system: string, input: number, status: Span["status"] = "ok", model = "gpt-4o-mini-2024-07-18") => {
    const s = chat(start, system, "q", "a", { "gen_ai.request.model": model, "url.full": "http://127.0.0.1:5173/v1/chat/completions", "gen_ai.usage.input_tokens": input });
    s.status = status;
    return s;
  };
  const spans = [at(0, "Be brief.", 100), at(1000, "Be brief.", 110), at(2000, "Be detailed.", 150), at(3000, "Be detailed.", 170, "error"), at(4000, "Be detailed.", 160),
    // Another model family: another call site, with one version only, so not listed.
    at(5000, "Be brief.", 90, "ok", "claude-3-5-haiku-20241022")];
  const prompts = promptModel.promptVersions(spans);
  assert.equal(prompts.length, 1);
  assert.equal(prompts[0]!.endpoint, "127.0.0.1:5173/v1/chat/completions");
  assert.equal(prompts[0]!.modelFamily, "gpt-4o-mini");
  assert.deepEqual(prompts[0]!.versions.map((v) => [v.number, v.system, v.count, v.medianInputTokens, Math.round(v.errorRate * 100)]), [[1, "Be brief.", 2, 105, 0], [2, "Be detailed.", 3, 160, 33]]);
});

test("a trace's shape is its steps' signatures: the same flow run again has the same shape", () => {
  const run = (base: number) => [chat(base, "s", "q", "a"), span("tool", base + 200, { "gen_ai.tool.name": "lookup" }), chat(base + 400, "s", "q", "b")];
  assert.equal(promptModel.shapeOf(run(0)), promptModel.shapeOf(run(10_000)));
  assert.notEqual(promptModel.shapeOf(run(0)), promptModel.shapeOf(run(0).slice(0, 2)));
});
