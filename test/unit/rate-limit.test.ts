/**
 * Per-tab rate limits, by events, new exchanges and bytes, on a clock the test sets: a tab that
 * floods is cut to the limits and counted; other tabs are not affected.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CaptureEvent } from "../../src/core/contract";
import { CaptureRateLimiter, DEFAULT_RATE_LIMITS, eventBytes } from "../../src/core/capture";

const MiB = 1024 * 1024;
const T = 1_750_000_000_000;
let next = 1;
const newId = () => (next++).toString(16).padStart(16, "0");

/** A request carrying a body of `bytes` characters. */
function request(bytes: number, id = newId()): CaptureEvent {
  return { t: "request", id, transport: "fetch", time: T, method: "POST", url: "https://x.example/", headers: [], pageUrl: "https://x.example/", body: { text: "x".repeat(bytes) } };
}

describe("per-tab rate limits", () => {
  it("bytes: a burst, then the sustained rate; what is over is dropped and counted", () => {
    const limiter = new CaptureRateLimiter();
    const { burst, rate } = DEFAULT_RATE_LIMITS.bytes;
    const flood = Array.from({ length: Math.ceil((burst * 2) / MiB) }, () => request(MiB));
    const size = eventBytes(flood[0]!);
    const first = limiter.admit(1, flood, T);
    assert.equal(first.admitted.length, Math.floor(burst / size));
    assert.equal(first.dropped, flood.length - first.admitted.length);
    // A second later, a second's worth of bytes more (and what the burst left).
    const later = limiter.admit(1, Array.from({ length: 20 }, () => request(MiB)), T + 1000);
    assert.equal(later.admitted.length, Math.floor((burst - first.admitted.length * size + rate) / size));
    assert.ok(later.admitted.length <= rate / MiB + 1);
  });

  it("one tab's flood leaves another tab's budget alone", () => {
    const limiter = new CaptureRateLimiter();
    limiter.admit(1, Array.from({ length: 100 }, () => request(MiB)), T);
    const other = limiter.admit(2, [request(MiB), request(10)], T);
    assert.equal(other.dropped, 0);
  });

  it("an event as large as the largest valid one still fits the byte burst", () => {
    const limiter = new CaptureRateLimiter({ ...DEFAULT_RATE_LIMITS, bytes: { rate: MiB, burst: 2 * MiB } });
    assert.equal(limiter.admit(1, [request(3 * MiB)], T).admitted.length, 0);
    assert.equal(limiter.admit(2, [request(3 * MiB)], T, 4 * MiB).admitted.length, 1);
  });

  it("events and new exchanges are limited as before; a refused exchange stays refused", () => {
    const limiter = new CaptureRateLimiter();
    const { burst } = DEFAULT_RATE_LIMITS.exchanges;
    const requests = Array.from({ length: burst + 5 }, () => request(10));
    const first = limiter.admit(1, requests, T);
    assert.equal(first.admitted.length, burst);
    // The refused ones' later events go too, even once the budget has refilled.
    const refusedId = requests[burst]!.id;
    const end: CaptureEvent = { t: "end", id: refusedId, time: T, outcome: { state: "ok" }, chunks: 0 };
    assert.equal(limiter.admit(1, [end], T + 60_000).admitted.length, 0);
    limiter.forget(1);
    assert.equal(limiter.admit(1, [end], T + 60_000).admitted.length, 1);
  });
});
