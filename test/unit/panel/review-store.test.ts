/**
 * The panel's review store (state/review.ts) with a fake connection: a save sends only what the
 * review says and puts the answered span in the span store; + and - toggle; labels used before
 * come first from the spans shown, then from the background; a failed save is shown; and a
 * trace row's mark says what its root and its spans were given.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { signal } from "@preact/signals";
import type { SpanRecord } from "../../../src/core/contract";
import { groupTraces } from "../../../src/core/query";
import { reviewOf, withReview, type Review } from "../../../src/core/review";
import type { Connection } from "../../../src/panel/connection";
import { createReviewStore, reviewMark } from "../../../src/panel/state/review";
import { createSpanStore } from "../../../src/panel/state/spans";
import type { Push, ReviewParams, RpcMethod } from "../../../src/shared/messages";

const span = (i: number, parent?: number): SpanRecord => ({
  traceId: "a".repeat(32), spanId: i.toString(16).padStart(16, "0"), name: `span ${i}`, kind: "llm", startTime: 1_000 + i, endTime: 1_001 + i,
  status: "ok", attributes: {}, tabId: 1, updatedAt: 1, ...(parent !== undefined ? { parentSpanId: parent.toString(16).padStart(16, "0") } : {}),
});

/** A background in memory: reviews by span id, answered the way setReview does. */
function fakeBackground(spans: SpanRecord[], labels: string[] = []) {
  const calls: { method: RpcMethod; params: Record<string, unknown> }[] = [];
  const listeners = new Set<(push: Push | null) => void>();
  let fail: string | undefined;
  const connection: Connection = {
    async call(method: RpcMethod, params: never) {
      const p = params as Record<string, unknown>;
      calls.push({ method, params: p });
      if (method === "listSpans") return spans as never;
      if (method === "reviewLabels") return labels as never;
      if (method !== "setReview") throw new Error(method);
      if (fail) throw new Error(fail);
      const r = p.review as ReviewParams | null;
      const review = r ? { ...(r.thumbs ? { thumbs: r.thumbs } : {}), ...(r.score != null ? { score: r.score } : {}), labels: r.labels ?? [], ...(r.note ? { note: r.note } : {}) } : undefined;
      const target = spans.find((s) => s.spanId === p.spanId)!;
      return withReview(target, review, 9) as never;
    },
    subscribe(l) {
      listeners.add(l);
      l(null);
      return () => listeners.delete(l);
    },
    close() {},
  };
  return { connection, calls, failWith: (m: string | undefined) => (fail = m), push: (p: Push | null) => { for (const l of listeners) l(p); } };
}

const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

test("a save sends the review and shows the span as answered; the same thumbs again takes it back", async () => {
  const bg = fakeBackground([span(1), span(2, 1)], ["tone"]);
  const spans = createSpanStore(bg.connection, signal<number | undefined>(undefined));
  const store = createReviewStore(bg.connection, spans);
  await settle();
  const call = spans.byId.value.get(span(2).spanId)!;

  assert.equal(await store.toggleThumbs(call, "down"), true);
  assert.deepEqual(bg.calls.at(-1)!.params, { spanId: call.spanId, review: { thumbs: "down", score: null, labels: [], note: null } });
  assert.equal(reviewOf(spans.byId.value.get(call.spanId)!)?.thumbs, "down");

  await store.update(spans.byId.value.get(call.spanId)!, { score: 2, labels: ["hallucination"] });
  assert.deepEqual(reviewOf(spans.byId.value.get(call.spanId)!), { thumbs: "down", score: 2, labels: ["hallucination"] });
  // Labels of the spans shown first, then the background's.
  assert.deepEqual(store.labels.value, ["hallucination", "tone"]);

  await store.toggleThumbs(spans.byId.value.get(call.spanId)!, "down");
  assert.deepEqual(reviewOf(spans.byId.value.get(call.spanId)!), { score: 2, labels: ["hallucination"] });
  await store.update(spans.byId.value.get(call.spanId)!, { score: undefined, labels: [] });
  assert.equal(bg.calls.at(-1)!.params.review && (bg.calls.at(-1)!.params.review as ReviewParams).score, null);
  assert.equal(reviewOf(spans.byId.value.get(call.spanId)!), undefined);
});

test("a failed save is kept for the bar to show, and cleared by the next that succeeds", async () => {
  const bg = fakeBackground([span(1)]);
  const spans = createSpanStore(bg.connection, signal<number | undefined>(undefined));
  const store = createReviewStore(bg.connection, spans);
  await settle();
  const root = spans.byId.value.get(span(1).spanId)!;
  bg.failWith("no such span here");
  assert.equal(await store.toggleThumbs(root, "up"), false);
  assert.deepEqual(store.error.value, { spanId: root.spanId, message: "no such span here" });
  bg.failWith(undefined);
  assert.equal(await store.toggleThumbs(root, "up"), true);
  assert.equal(store.error.value, undefined);
});

test("an imported session's span is saved there, and a push about it reaches only a panel showing that session", async () => {
  const bg = fakeBackground([span(1)]);
  const session = signal<number | undefined>(-5);
  const spans = createSpanStore(bg.connection, session);
  const store = createReviewStore(bg.connection, spans);
  await settle();
  await store.toggleThumbs(spans.byId.value.get(span(1).spanId)!, "up");
  assert.equal(bg.calls.at(-1)!.params.session, -5);
  const reviewed = withReview(span(1), { thumbs: "down", labels: [] }, 10);
  bg.push({ source: "llm-trace", v: 1, type: "session-spans-changed", session: -6, spans: [reviewed] });
  assert.equal(reviewOf(spans.byId.value.get(span(1).spanId)!)?.thumbs, "up");
  bg.push({ source: "llm-trace", v: 1, type: "session-spans-changed", session: -5, spans: [reviewed] });
  assert.equal(reviewOf(spans.byId.value.get(span(1).spanId)!)?.thumbs, "down");
});

test("a trace row's mark: its root's thumbs and number, and how many of its spans were reviewed", () => {
  const plain = groupTraces([span(1), span(2, 1)])[0]!;
  assert.equal(reviewMark(plain), undefined);
  const root = withReview(span(1), { thumbs: "down", score: 1, labels: ["tone"] }, 1);
  const inner = withReview(span(2, 1), { labels: ["hallucination"] }, 1);
  assert.deepEqual(reviewMark(groupTraces([root, inner])[0]!), { thumbs: "down", score: 1, reviewed: 2, title: "Reviewed: thumbs down, score 1, labels: tone; 1 span in it reviewed" });
  assert.deepEqual(reviewMark(groupTraces([span(1), inner])[0]!), { reviewed: 1, title: "1 span in it reviewed" });
});
