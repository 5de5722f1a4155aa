/**
 * The detail pane on a span the extension made (issue 20): a plain-requests root says what it
 * is, not that "the HTTP data is not stored"; a span whose exchange is gone still says so.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { activityRoot, interactionRoot } from "../../../src/core/assembly/synthesize";
import type { SpanRecord } from "../../../src/core/contract";
import { missingTimesNote, originNote } from "../../../src/panel/detail-model/origin";

const summary = { maxEnd: 1_015, inFlight: false, error: false, updatedAt: 1_015, tabId: 3 };

test("a page-requests root says it groups the page's own requests, and is no data loss", () => {
  const root = activityRoot("requests", 1_000, "a".repeat(16), "b".repeat(32), summary);
  const note = missingTimesNote(root, null)!;
  assert.match(note, /group requests the page made with no user action/);
  assert.doesNotMatch(note, /not stored|not available/);
  assert.equal(note, originNote(root));
});

test("an interaction root names the action; a page-activity root says no user action started it", () => {
  const click = interactionRoot({ id: "i", tabId: 3, time: 1_000, action: "click", target: 'button "Send"', pageUrl: "http://localhost/" }, "c".repeat(16), "d".repeat(32), summary);
  assert.match(originNote(click)!, /^The click on button "Send" that started this trace/);
  assert.match(originNote(activityRoot("activity", 1_000, "e".repeat(16), "f".repeat(32), summary))!, /no user action/);
});

test("a recorded span whose exchange is gone says so; one from the wire has no origin note", () => {
  const span: SpanRecord = { traceId: "a".repeat(32), spanId: "1".repeat(16), name: "GET /x", kind: "http", startTime: 1, endTime: 2, status: "ok", attributes: {}, tabId: 1, exchangeId: "1".repeat(16), updatedAt: 2 };
  assert.match(missingTimesNote(span, null)!, /no longer stored/);
  assert.equal(missingTimesNote(span, undefined), undefined);
  assert.equal(originNote(span), undefined);
});
