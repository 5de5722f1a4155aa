/**
 * Issue 16: an interaction's trace ends when the work it caused has ended. Calls a page's
 * scripts start afterwards, with no new user action, start traces of their own; a slow tool,
 * retrieval before the model and a retry after a 429 stay in the clicked trace; two clicks
 * whose work overlaps give two traces, each call placed by its tool-call chain and by message
 * continuity rather than by whichever click came last. The spans arrive as the background sees
 * them (in flight, then complete) and the traces come out the same.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assembleTraces } from "../../../src/core/assembly";
import type { InteractionRecord, SpanRecord } from "../../../src/core/contract";
import { BASE, interaction, jsonGet, recordSpan, rederive } from "../../fixtures/assembly/record";
import * as bot from "../../fixtures/assembly/support-bot";
import type { Flow } from "../../fixtures/assembly/support-bot";
import * as page from "../../fixtures/assembly/page-scripts";
import { embeddingsFloat } from "../../fixtures/providers/openai-legacy";
import { appSearch } from "../../fixtures/providers/retrieval";
import { chatStream } from "../../fixtures/providers/openai-chat";
import type { ExchangeSpec } from "../../fixtures/providers/make-exchange";
import { assertWellFormed, childrenOf, find, llmTraces, outline, placements, rootOf } from "./helpers";

function assemble(spans: SpanRecord[], interactions: InteractionRecord[] = []): SpanRecord[] {
  const out = assembleTraces({ spans, interactions, marks: [] });
  assertWellFormed(out);
  return out;
}

/** The ids of a trace's spans other than its root. */
function members(out: SpanRecord[], traceId: string): string[] {
  return out.filter((s) => s.traceId === traceId && s.parentSpanId !== undefined).map((s) => s.spanId).sort();
}

function recordFlow(flow: Flow): { spans: SpanRecord[]; by: (label: string) => SpanRecord } {
  const spans = flow.steps.map((s) => recordSpan(s.spec, s.at));
  return { spans, by: (label) => spans[flow.steps.findIndex((s) => s.label === label)]! };
}

/** When a span ended, in ms of the fixture timeline (recordSpan's `at`). */
const endAt = (s: SpanRecord): number => s.endTime! - BASE;

describe("an interaction's trace ends when its work has ended", () => {
  for (const flow of bot.flows) {
    it(`${flow.name}: calls the page's scripts start 300 ms after the answer are not the submit's`, () => {
      const submit = interaction(0, "submit", "form#chat");
      const { spans, by } = recordFlow(flow);
      const alone = assemble(spans, [submit]);
      const clicked = rootOf(alone, find(alone, by("chat2").spanId).traceId);

      // 300 ms after the final answer, with no user action: a tip, a prefetch (embedding, then
      // search), and a call that fails.
      const t = endAt(by("chat2")) + 300;
      const scripts = [recordSpan(page.tipOfTheDay, t), recordSpan(page.prefetchEmbedding, t + 5), recordSpan(page.prefetchSearch, t + 130), recordSpan(page.failingScriptCall, t + 40)];
      const out = assemble([...spans, ...scripts], [submit]);

      const root = rootOf(out, find(out, by("chat2").spanId).traceId);
      assert.equal(root.spanId, submit.id);
      assert.deepEqual(members(out, root.traceId), members(alone, clicked.traceId), outline(out));
      assert.equal(root.endTime, by("chat2").endTime, "the trace ends with the answer");
      assert.equal(root.status, "ok", "a script's failure is not the question's");
      for (const s of scripts) {
        const own = rootOf(out, find(out, s.spanId).traceId);
        assert.notEqual(own.traceId, root.traceId, s.name);
        assert.equal(own.attributes["llm_trace.root.source"], "activity", `${s.name}: work with no user action`);
      }
    });
  }

  it("a clicked call followed by a call a script starts that fails: two traces, the click's ok", () => {
    const click = interaction(0, "click", 'button "Ask"');
    const asked = recordSpan(chatStream, 20);
    const failing = recordSpan(page.failingScriptCall, endAt(asked) + 300);
    const out = assemble([asked, failing], [click]);
    assert.equal(llmTraces(out).length, 2, outline(out));
    const clicked = rootOf(out, find(out, asked.spanId).traceId);
    assert.equal(clicked.spanId, click.id);
    assert.deepEqual(members(out, clicked.traceId), [asked.spanId]);
    assert.equal(clicked.status, "ok");
    assert.equal(clicked.endTime, asked.endTime);
    const other = rootOf(out, find(out, failing.spanId).traceId);
    assert.equal(other.attributes["llm_trace.root.source"], "activity");
    assert.equal(other.status, "error");
  });

  it("work begun before the model call ended is still the click's: calls started while it streams join", () => {
    // The rule only closes a trace whose work is over; a second call the click's handler makes
    // while the first streams is its work.
    const click = interaction(0, "click", 'button "Ask"');
    const first = recordSpan(chatStream, 20);
    const second = recordSpan(page.tipOfTheDay, 400);
    const out = assemble([first, second], [click]);
    assert.equal(find(out, second.spanId).parentSpanId, click.id, outline(out));
  });
});

describe("what stays one trace", () => {
  it("a tool that takes 3 s between the tool call and the next model call", () => {
    const base = bot.openaiFlow;
    const slow = jsonGet(`https://support.example.com/api/account/status?email=${encodeURIComponent("ada@example.com")}`, bot.TOOL_RESULT, 3_000);
    const toolAt = base.steps.find((s) => s.label === "tool-http")!.at;
    const steps = base.steps.map((s) => (s.label === "tool-http" ? { ...s, spec: slow } : s.label === "chat2" ? { ...s, at: toolAt + 3_000 + 25 } : s));
    const { spans, by } = recordFlow({ ...base, steps });
    const submit = interaction(0, "submit", "form#chat");
    const out = assemble(spans, [submit]);
    const root = rootOf(out, find(out, by("chat1").spanId).traceId);
    assert.equal(root.spanId, submit.id);
    assert.equal(find(out, by("chat2").spanId).traceId, root.traceId, outline(out));
    const tool = out.find((s) => s.kind === "tool")!;
    assert.deepEqual(childrenOf(out, tool).map((c) => c.spanId), [by("tool-http").spanId]);
    assert.equal(tool.endTime! - tool.startTime >= 3_000, true);
  });

  it("retrieval, then the model: a pause for the page's own work between them changes nothing", () => {
    const submit = interaction(0, "submit", "form#chat");
    const embed = recordSpan(embeddingsFloat, 15);
    const search = recordSpan(appSearch, 150);
    // The page re-ranks and builds its prompt in the browser for 2.5 s, then 6 s (past the gap).
    for (const pause of [2_500, 6_000]) {
      const chat = recordSpan(bot.openaiChat1, 150 + 141 + pause);
      const out = assemble([embed, search, chat], [submit]);
      for (const s of [embed, search, chat]) assert.equal(find(out, s.spanId).parentSpanId, submit.id, `${pause} ms: ${outline(out)}`);
    }
  });

  it("a retry after a 429 stays in the clicked trace; a script's call during the backoff does not", () => {
    const click = interaction(0, "click", 'button "Ask"');
    const messages = [{ role: "user", content: "What changed in the Q3 report?" }];
    const failed = recordSpan(page.rateLimited(messages), 20);
    const backoff = 1_400;
    const retryAt = endAt(failed) + backoff;
    const retry = recordSpan(page.chatCall(messages, { text: "Revenue grew 12% and churn fell to 2.1%." }), retryAt);
    const tip = recordSpan(page.tipOfTheDay, retryAt - 900);
    const out = assemble([failed, retry, tip], [click]);
    assert.equal(find(out, failed.spanId).parentSpanId, click.id);
    assert.equal(find(out, retry.spanId).parentSpanId, click.id, outline(out));
    assert.notEqual(find(out, tip.spanId).traceId, find(out, retry.spanId).traceId);
    const root = rootOf(out, find(out, retry.spanId).traceId);
    assert.equal(root.endTime, retry.endTime);

    // Another request after the 429 is no retry: it is not the click's.
    const other = recordSpan(page.chatCall([{ role: "user", content: "Something else" }], { text: "Sure." }), retryAt);
    const out2 = assemble([failed, other], [click]);
    assert.notEqual(find(out2, other.spanId).traceId, find(out2, failed.spanId).traceId, outline(out2));
    // A retry the user asks for (a click on "Try again") is the new click's.
    const again = interaction(retryAt - 100, "click", 'button "Try again"');
    const out3 = assemble([failed, retry], [click, again]);
    assert.equal(find(out3, retry.spanId).parentSpanId, again.id);
  });
});

describe("two clicks in quick succession with overlapping work", () => {
  // Summarize at 0: tool call (ends ~650), the tool's request, the answer (from ~780), then
  // action items continuing it. Translate at 300: an answer, then a shorter one continuing it.
  const summarizeClick = interaction(0, "click", 'button "Summarize"');
  const translateClick = interaction(300, "click", 'button "Translate"');
  const a1 = recordSpan(page.summarize.first, 20);
  const tool = recordSpan(page.summarize.tool, 670);
  const a2 = recordSpan(page.summarize.answer, 780);
  const a3 = recordSpan(page.summarize.actionItems, endAt(a2) + 40);
  const b1 = recordSpan(page.translate.first, 320);
  const b2 = recordSpan(page.translate.shorter, endAt(b1) + 30);
  const spans = [a1, tool, a2, a3, b1, b2];

  it("each call goes to the click whose work it continues (tool chain, message continuity), not to the last click", () => {
    const out = assemble(spans, [summarizeClick, translateClick]);
    assert.equal(llmTraces(out).length, 2, outline(out));
    const a = find(out, a1.spanId).traceId;
    const b = find(out, b1.spanId).traceId;
    assert.equal(rootOf(out, a).spanId, summarizeClick.id);
    assert.equal(rootOf(out, b).spanId, translateClick.id);
    for (const s of [a2, a3]) assert.equal(find(out, s.spanId).traceId, a, `${s.name}: ${outline(out)}`);
    assert.equal(find(out, b2.spanId).traceId, b);
    const exec = out.find((s) => s.kind === "tool")!;
    assert.equal(exec.traceId, a);
    assert.deepEqual(childrenOf(out, exec).map((c) => c.spanId), [tool.spanId]);
    assert.deepEqual(childrenOf(out, rootOf(out, a)).map((s) => s.kind), ["llm", "tool", "llm", "llm"]);
  });

  it("a user action between a call and its continuation makes it the next turn: the new click's", () => {
    const next = interaction(endAt(b1) + 10, "keydown", "textarea#prompt");
    const out = assemble(spans, [summarizeClick, translateClick, next]);
    assert.equal(find(out, b2.spanId).parentSpanId, next.id, outline(out));
  });
});

describe("as the background sees it: spans arrive in flight, then complete", () => {
  /**
   * Assemble after each arrival over the previous output, as placement does over a tab's window:
   * each call first in flight (its first chunk in), then complete; interactions as they happen.
   */
  function arrive(done: { span: SpanRecord; spec: ExchangeSpec; at: number }[], interactions: InteractionRecord[]): SpanRecord[] {
    const events: { time: number; span: SpanRecord }[] = [];
    for (const { span, spec, at } of done) {
      const live = rederive(span, spec, at, { inFlightAt: (spec.chunks?.[0]?.dt ?? 0) + 1 });
      events.push({ time: span.startTime, span: { ...live, updatedAt: span.startTime } }, { time: span.endTime!, span: { ...span, updatedAt: span.endTime! } });
    }
    events.sort((x, y) => x.time - y.time);
    let window: SpanRecord[] = [];
    for (const { time, span } of events) {
      window = assembleTraces({ spans: [...window, span], interactions: interactions.filter((i) => i.time <= time), marks: [] });
    }
    return window;
  }

  it("the support bot then the page's scripts: the same traces as assembled at once", () => {
    const submit = interaction(0, "submit", "form#chat");
    const { spans, by } = recordFlow(bot.openaiFlow);
    const t = endAt(by("chat2")) + 300;
    const steps = [...bot.openaiFlow.steps, { spec: page.tipOfTheDay, at: t }, { spec: page.failingScriptCall, at: t + 40 }];
    const done = steps.map((s, i) => ({ ...s, span: spans[i] ?? recordSpan(s.spec, s.at) }));
    const once = assemble(done.map((d) => d.span), [submit]);
    const live = arrive(done, [submit]);
    assertWellFormed(live);
    assert.deepEqual(placements(live), placements(once), outline(live));
    assert.equal(llmTraces(live).length, 2, outline(live));
    assert.deepEqual(childrenOf(live, find(live, submit.id)).map((s) => s.kind), ["retrieval", "llm", "tool", "llm"], outline(live));
  });
});
