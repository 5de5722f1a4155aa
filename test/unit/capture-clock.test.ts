/**
 * Event times held to the tab's lifetime: a page dating its events 1970 or 2100 gets them
 * clamped into [first contact - skew, now + skew]; real times pass untouched.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clampEventTimes, FUTURE_SKEW_MS, PAST_SKEW_MS, tabTimeRange } from "../../src/core/capture";
import type { CaptureEvent } from "../../src/core/contract";

const SEEN = 1_750_000_000_000;
const NOW = SEEN + 3_600_000;
const range = tabTimeRange(SEEN, NOW);
const Y2100 = Date.UTC(2100, 0, 1);

describe("event times within the tab's lifetime", () => {
  it("leaves real times alone, and the very same event object", () => {
    const e: CaptureEvent = { t: "end", id: "0123456789abcdef", time: NOW - 5, outcome: { state: "ok" }, chunks: 0 };
    assert.equal(clampEventTimes(e, range), e);
    const chunks: CaptureEvent = { t: "chunks", id: "0123456789abcdef", seq: 0, times: [SEEN - 1000, NOW + 1000], texts: ["a", "b"] };
    assert.equal(clampEventTimes(chunks, range), chunks);
  });

  it("clamps a future date to now + skew and an ancient one to the first contact - skew", () => {
    const future = clampEventTimes({ t: "interaction", id: "0123456789abcdef", time: Y2100, action: "click", target: "button", pageUrl: "" }, range);
    assert.equal(future.time, NOW + FUTURE_SKEW_MS);
    const past = clampEventTimes({ t: "mark", id: "0123456789abcdef", time: 0, phase: "start", pageUrl: "" }, range);
    assert.equal(past.time, SEEN - PAST_SKEW_MS);
    const chunks = clampEventTimes({ t: "chunks", id: "0123456789abcdef", seq: 0, times: [0, NOW, Y2100], texts: ["a", "b", "c"] }, range);
    assert.deepEqual((chunks as { times: number[] }).times, [SEEN - PAST_SKEW_MS, NOW, NOW + FUTURE_SKEW_MS]);
  });

  it("a first contact said to be later than now counts as now", () => {
    assert.deepEqual(tabTimeRange(NOW + 50_000, NOW), { earliest: NOW - PAST_SKEW_MS, latest: NOW + FUTURE_SKEW_MS });
  });
});
