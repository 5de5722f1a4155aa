/**
 * Reviews (docs/DESIGN.md, "Review"): checked as hostile input, written as OpenTelemetry
 * gen_ai.evaluation.result events and read back from them (ours and another tool's), and found
 * by the filter's score:, label: and is:reviewed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Span, SpanEvent } from "../../src/core/contract";
import { matchesSpans, parseQuery } from "../../src/core/query";
import {
  EVALUATION_EVENT, MAX_LABEL_CHARS, MAX_LABELS, MAX_NOTE_CHARS, reviewEvents, reviewFromEvents, reviewFromInput, reviewOf, splitReview,
  withReview, type Review,
} from "../../src/core/review";

function span(events?: SpanEvent[]): Span {
  return { traceId: "a".repeat(32), spanId: "b".repeat(16), name: "chat", kind: "llm", startTime: 1, endTime: 2, status: "ok", attributes: {}, ...(events ? { events } : {}) };
}

const evaluation = (attributes: SpanEvent["attributes"]): SpanEvent => ({ name: EVALUATION_EVENT, time: 5, ...(attributes ? { attributes } : {}) });

describe("review input", () => {
  it("takes thumbs, a number, labels and a note", () => {
    assert.deepEqual(reviewFromInput({ thumbs: "down", score: 2.5, labels: ["hallucination", "tone"], note: "made up the refund policy" }), {
      ok: true, review: { thumbs: "down", score: 2.5, labels: ["hallucination", "tone"], note: "made up the refund policy" },
    });
  });

  it("refuses fields of the wrong type, naming them", () => {
    for (const [input, field] of [
      [{ thumbs: "sideways" }, "thumbs"], [{ score: "5" }, "score"], [{ score: Infinity }, "score"], [{ score: NaN }, "score"],
      [{ labels: "a,b" }, "labels"], [{ labels: [1, 2] }, "labels"], [{ note: 42 }, "note"], [[], "object"], ["up", "object"],
    ] as const) {
      const out = reviewFromInput(input);
      assert.equal(out.ok, false, JSON.stringify(input));
      assert.match((out as { error: string }).error, new RegExp(field));
    }
  });

  it("caps what is too long or too many, drops empty and repeated labels (without case)", () => {
    const out = reviewFromInput({ labels: [" Tone ", "tone", "", "   ", "x".repeat(10_000), ...Array.from({ length: 100 }, (_, i) => `l${i}`)], note: "n".repeat(1_000_000) });
    assert.equal(out.ok, true);
    const review = (out as { review: Review }).review;
    assert.equal(review.labels.length, MAX_LABELS);
    assert.equal(review.labels[0], "Tone");
    assert.equal(review.labels[1], "x".repeat(MAX_LABEL_CHARS));
    assert.equal(review.note!.length, MAX_NOTE_CHARS);
  });

  it("keeps a label to one line without control characters", () => {
    const out = reviewFromInput({ labels: ["bad\nline\u0000here\u001b[31m"] });
    assert.deepEqual((out as { review: Review }).review.labels, ["bad line here [31m"]);
  });

  it("null, or a review that says nothing, clears it", () => {
    assert.deepEqual(reviewFromInput(null), { ok: true, review: undefined });
    assert.deepEqual(reviewFromInput({ thumbs: null, score: null, labels: [" "], note: "  " }), { ok: true, review: undefined });
  });
});

describe("review as gen_ai.evaluation.result events", () => {
  const review: Review = { thumbs: "down", score: 2, labels: ["hallucination", "tone"], note: "wrong policy" };

  it("one event per thing said, the note on the first", () => {
    const events = reviewEvents(review, 1000);
    assert.deepEqual(events.map((e) => e.attributes), [
      { "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.value": 0, "gen_ai.evaluation.score.label": "down", "gen_ai.evaluation.explanation": "wrong policy" },
      { "gen_ai.evaluation.name": "score", "gen_ai.evaluation.score.value": 2 },
      { "gen_ai.evaluation.name": "label", "gen_ai.evaluation.score.label": "hallucination" },
      { "gen_ai.evaluation.name": "label", "gen_ai.evaluation.score.label": "tone" },
    ]);
    assert.ok(events.every((e) => e.name === EVALUATION_EVENT && e.time === 1000));
    assert.deepEqual(reviewEvents({ labels: [], note: "only a note" }, 1).map((e) => e.attributes), [
      { "gen_ai.evaluation.name": "note", "gen_ai.evaluation.explanation": "only a note" },
    ]);
  });

  it("reads back what it wrote", () => {
    assert.deepEqual(reviewFromEvents(reviewEvents(review, 1)), review);
    assert.deepEqual(reviewFromEvents(reviewEvents({ thumbs: "up", labels: [] }, 1)), { thumbs: "up", labels: [] });
    assert.deepEqual(reviewFromEvents(reviewEvents({ labels: [], note: "n" }, 1)), { labels: [], note: "n" });
  });

  it("reads another evaluator's result: its label and its value", () => {
    const events = [evaluation({ "gen_ai.evaluation.name": "relevance", "gen_ai.evaluation.score.value": 0.25, "gen_ai.evaluation.score.label": "irrelevant", "gen_ai.evaluation.explanation": "off topic" })];
    assert.deepEqual(reviewFromEvents(events), { score: 0.25, labels: ["irrelevant"], note: "off topic" });
    // Thumbs from a value alone.
    assert.deepEqual(reviewFromEvents([evaluation({ "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.value": 1 })]), { thumbs: "up", labels: [] });
  });

  it("hostile events: wrong types dropped, other events ignored, huge strings capped, many events bounded", () => {
    const events: SpanEvent[] = [
      { name: "gen_ai.client.inference.operation.details", time: 1, attributes: { "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.label": "up" } },
      evaluation(undefined),
      evaluation({ "gen_ai.evaluation.name": "score", "gen_ai.evaluation.score.value": "9" }),
      evaluation({ "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.label": "sideways" }),
      evaluation({ "gen_ai.evaluation.name": "label", "gen_ai.evaluation.score.label": ["a", "b"] }),
      evaluation({ "gen_ai.evaluation.name": ["label"], "gen_ai.evaluation.explanation": "z".repeat(100_000) }),
      ...Array.from({ length: 100_000 }, (_, i) => evaluation({ "gen_ai.evaluation.name": "label", "gen_ai.evaluation.score.label": `tag${i}` })),
    ];
    const review = reviewFromEvents(events)!;
    assert.equal(review.thumbs, undefined);
    assert.equal(review.score, undefined);
    assert.equal(review.labels.length, MAX_LABELS);
    assert.equal(review.note!.length, MAX_NOTE_CHARS);
    assert.equal(reviewFromEvents([{ name: "other", time: 1 }]), undefined);
    assert.equal(reviewFromEvents(undefined), undefined);
  });

  it("a span going out carries its review in place of any evaluation events it had; an import splits them off", () => {
    const other: SpanEvent = { name: "llm_trace.unknown_event", time: 3 };
    const stale = evaluation({ "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.label": "up" });
    const out = withReview(span([other, stale]), review, 7);
    assert.deepEqual(out.events![0], other);
    assert.equal(out.events!.length, 5);
    assert.deepEqual(reviewOf(out), review);
    const bare = span();
    assert.equal(withReview(bare, undefined, 7), bare);
    assert.equal(withReview(span([stale]), undefined, 7).events, undefined);

    const split = splitReview(out);
    assert.deepEqual(split.review, review);
    assert.deepEqual(split.span.events, [other]);
  });
});

describe("filter: score:, label:, is:reviewed", () => {
  const down = withReview(span(), { thumbs: "down", score: 2, labels: ["Hallucination"], note: "n" }, 1);
  const up = withReview(span(), { thumbs: "up", score: 4.5, labels: ["good tone"] }, 1);
  const none = span();
  const match = (q: string, s: Span) => matchesSpans(parseQuery(q), [s]);

  it("thumbs and numbers", () => {
    assert.equal(match("score:down", down), true);
    assert.equal(match("score:down", up), false);
    assert.equal(match("score:up", up), true);
    assert.equal(match("score:2", down), true);
    assert.equal(match("score:>3", up), true);
    assert.equal(match("score:>3", down), false);
    assert.equal(match("score:<3", down), true);
    assert.equal(match("score:>=4.5", up), true);
    assert.equal(match("score:<=1", down), false);
    assert.equal(match("score:>0", none), false);
    assert.equal(match("score:banana", down), false);
    assert.equal(match("-score:down", up), true);
  });

  it("labels without case, quoted with spaces; is:reviewed", () => {
    assert.equal(match("label:hallucination", down), true);
    assert.equal(match("label:halluc", down), true);
    assert.equal(match("label:hallucination", up), false);
    assert.equal(match('label:"good tone"', up), true);
    assert.equal(match("is:reviewed", up), true);
    assert.equal(match("is:reviewed", none), false);
    assert.equal(match("-is:reviewed", none), true);
  });

  it("a trace matches when any of its spans does", () => {
    assert.equal(matchesSpans(parseQuery("label:hallucination"), [none, down]), true);
  });
});

describe("a reviewed span through the files", () => {
  it("HAR and OTLP carry the review as events and give it back on import; score.value is a double in OTLP", async () => {
    const { toHar, harText, importTraceFile, toOtlpByPage } = await import("../../src/core/files");
    const { supportBotTrace, META } = await import("../fixtures/files/session");
    const session = supportBotTrace();
    const review: Review = { thumbs: "up", score: 4, labels: ["hallucination"], note: "cites a policy that does not exist" };
    const root = session.spans.find((s) => s.parentSpanId === undefined)!;
    const call = session.spans.find((s) => s.kind === "llm")!;
    const spans = session.spans.map((s) => (s === call ? withReview(s, review, s.endTime!) : s === root ? withReview(s, { thumbs: "down", labels: [] }, 1) : s));

    const fromHar = importTraceFile(harText(toHar({ ...session, spans }, META)));
    assert.ok(fromHar.ok);
    const harSpans = (fromHar as { session: { spans: Span[] } }).session.spans;
    assert.deepEqual(reviewOf(harSpans.find((s) => s.spanId === call.spanId)!), review);
    assert.deepEqual(reviewOf(harSpans.find((s) => s.spanId === root.spanId)!), { thumbs: "down", labels: [] });

    const otlp = toOtlpByPage(spans, "0.1.0");
    const otlpSpan = otlp.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).find((s) => s.spanId === call.spanId)!;
    const thumbs = otlpSpan.events!.find((e) => e.attributes.some((a) => a.key === "gen_ai.evaluation.name" && "stringValue" in a.value && a.value.stringValue === "thumbs"))!;
    assert.equal(thumbs.name, EVALUATION_EVENT);
    assert.deepEqual(thumbs.attributes.find((a) => a.key === "gen_ai.evaluation.score.value")!.value, { doubleValue: 1 });
    const fromOtlpFile = importTraceFile(JSON.stringify(otlp));
    assert.ok(fromOtlpFile.ok);
    assert.deepEqual(reviewOf((fromOtlpFile as { session: { spans: Span[] } }).session.spans.find((s) => s.spanId === call.spanId)!), review);
  });
});
