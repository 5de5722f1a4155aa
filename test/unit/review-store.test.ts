/**
 * Reviews as the background stores them (fake-indexeddb in Node, docs/DESIGN.md, "Review"): a
 * panel reviews only a span of its own tab or session; spans go out with their review as
 * evaluation events; a review goes with its span; an imported file's evaluation events become
 * the session's reviews.
 */
import "./support/fake-browser";
import "fake-indexeddb/auto";
import assert from "node:assert/strict";
import { test } from "node:test";
import { forgetTab } from "../../src/background/retention";
import { saveReview, usedLabels, withStoredReviews } from "../../src/background/reviews";
import { SESSION_TAB, importBatch } from "../../src/background/sessions";
import { deleteSpans, importDbName, listSpans, openStore } from "../../src/background/store";
import type { SpanRecord } from "../../src/core/contract";
import { reviewEvents, reviewOf } from "../../src/core/review";

function span(id: number, tabId: number): SpanRecord {
  return {
    traceId: "a".repeat(32), spanId: id.toString(16).padStart(16, "0"), name: `call ${id}`, kind: "llm", startTime: 1000 + id, endTime: 1100 + id,
    status: "ok", attributes: {}, tabId, updatedAt: 5,
  };
}

async function storeSpans(spans: SpanRecord[]): Promise<void> {
  const db = await openStore();
  const tx = db.transaction("spans", "readwrite");
  await Promise.all(spans.map((s) => tx.store.put(s)));
  await tx.done;
}

test("a live span's review: only from its own tab, out with the span as events, gone with it", async () => {
  const [mine, other] = [span(1, 7), span(2, 8)];
  await storeSpans([mine, other]);
  const out = await saveReview({ tabId: 7 }, mine.spanId, { thumbs: "down", labels: ["hallucination"], note: "wrong" }, 50);
  assert.deepEqual(reviewOf(out), { thumbs: "down", labels: ["hallucination"], note: "wrong" });
  await assert.rejects(saveReview({ tabId: 7 }, other.spanId, { thumbs: "up" }), /no such span/);
  await assert.rejects(saveReview({ tabId: 7 }, mine.spanId, { score: "10" }), /invalid review: score/);
  await assert.rejects(saveReview({ tabId: 7 }, 42, { thumbs: "up" }), /span's id/);

  const listed = await withStoredReviews(await listSpans(7), { tabId: 7 });
  assert.deepEqual(listed[0]!.events, reviewEvents({ thumbs: "down", labels: ["hallucination"], note: "wrong" }, 50));
  assert.equal((await withStoredReviews(await listSpans(8), { tabId: 8 }))[0]!.events, undefined);
  assert.deepEqual(await usedLabels(), ["hallucination"]);

  // Cleared by an empty review; then reviewed again and deleted with its span.
  await saveReview({ tabId: 7 }, mine.spanId, { labels: [] });
  assert.equal(await (await openStore()).count("reviews"), 0);
  await saveReview({ tabId: 7 }, mine.spanId, { score: 3 });
  await deleteSpans([mine.spanId]);
  assert.equal(await (await openStore()).count("reviews"), 0);
  await assert.rejects(saveReview({ tabId: 7 }, mine.spanId, { score: 3 }), /no such span/);
});

test("an imported file's evaluation events become the session's reviews, and go out again as events", async () => {
  const reviewed = { ...span(3, 0), events: [{ name: "other", time: 1 }, ...reviewEvents({ score: 4, labels: ["tone"], note: "key sk-abcdefghijklmnopqrstuvwxyz123456" }, 9)] };
  const { session } = await importBatch({ name: "r.har", format: "llm-trace-har", spans: [reviewed, span(4, 0)], exchanges: [], done: true });
  const db = importDbName(session);
  const stored = await listSpans(SESSION_TAB, db);
  // Stored apart: the span keeps its other events only.
  assert.deepEqual(stored.find((s) => s.spanId === reviewed.spanId)!.events, [{ name: "other", time: 1 }]);
  const out = await withStoredReviews(stored, { tabId: SESSION_TAB, db });
  const review = reviewOf(out.find((s) => s.spanId === reviewed.spanId)!)!;
  assert.equal(review.score, 4);
  assert.deepEqual(review.labels, ["tone"]);
  // Redacted as any imported text.
  assert.ok(!review.note!.includes("sk-abcdefghijklmnopqrstuvwxyz123456"), review.note);

  // Reviewing an imported span stores in the session's database, not the live one.
  await saveReview({ tabId: SESSION_TAB, db }, span(4, 0).spanId, { thumbs: "up" });
  assert.equal(await (await openStore(db)).count("reviews"), 2);
  assert.deepEqual(await usedLabels([db]), ["tone"]);
});

test("a closed tab's reviews all go, also one whose span assembly dissolved", async () => {
  const kept = span(5, 9);
  const dissolved = span(6, 9);
  await storeSpans([kept, dissolved]);
  await saveReview({ tabId: 9 }, kept.spanId, { thumbs: "up" });
  await saveReview({ tabId: 9 }, dissolved.spanId, { thumbs: "down" });
  const db = await openStore();
  await db.delete("spans", dissolved.spanId);
  await forgetTab(9);
  assert.deepEqual(await db.getAllFromIndex("reviews", "tabId", 9), []);
  assert.deepEqual(await listSpans(9), []);
});
