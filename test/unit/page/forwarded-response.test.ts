/**
 * How the recorded path ends a response body (src/page/forwarded-response.ts; docs/DESIGN.md,
 * "When a call is over"): the page's reads pull from the network one at a time, each chunk is
 * recorded as it passes, and the recording ends once: ok with the body, cancelled when the page
 * cancels (before or after the terminal event: the background tells them apart by the bytes),
 * with the read error, or as incomplete after IDLE_MS without a read while data could flow. A
 * body the page leaves unread, or reads with a Body method, is recorded through a tap (a clone).
 * Run in Node with its own Response and streams; the clock and timers are the test's.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { BodyRecorder, outcomeOf } from "../../../src/page/body";
import { IDLE_MS, forwardResponse, hookForwardedResponses, type Timing } from "../../../src/page/forwarded-response";
import { recordingChannel } from "./recording-channel";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const tick = () => new Promise((r) => setImmediate(r));

/** What the hook reports for one exchange: its events and the text of its recorded pieces. */
function recorded(bodyCap = 1 << 20) {
  const { channel, events, pieces } = recordingChannel({ bodyCap });

  const recorder = new BodyRecorder(channel, "x", [["content-type", "text/event-stream"]]);
  const ends = () => events.filter((e) => e.t === "end");
  const outcomes = () => ends().map((e) => e.t === "end" && e.outcome);
  return { recorder, events, pieces, ends, outcomes };
}

/** A response body the test sends chunk by chunk, knowing when it was pulled or cancelled. */
function network() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const seen = { pulls: 0, cancelled: false, reason: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>({
    start: (c) => void (controller = c),
    pull: () => void seen.pulls++,
    cancel: (reason) => void Object.assign(seen, { cancelled: true, reason }),
  }, { highWaterMark: 0 });
  const response = new Response(stream, { status: 200, headers: { "content-type": "text/event-stream" } });
  return { response, seen, send: (s: string) => controller.enqueue(encoder.encode(s)), close: () => controller.close(), fail: (e: unknown) => controller.error(e) };
}

/** The test's clock: time moves, and timers run, only when it says so. */
function clock() {
  let t = 1000;
  let timers: { at: number; run: () => void }[] = [];
  const timing: Timing = { now: () => t, after: (run, ms) => void timers.push({ at: t + ms, run }) };
  return {
    timing,
    now: () => t,
    /** Move the clock on by `ms`, running every timer that falls due, in order. */
    advance(ms: number) {
      const until = t + ms;
      for (;;) {
        const due = timers.filter((x) => x.at <= until).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((x) => x !== due);
        t = due.at;
        due.run();
      }
      t = until;
    },
  };
}

function forwarded(bodyCap?: number) {
  const rec = recorded(bodyCap);
  const net = network();
  const time = clock();
  const page = forwardResponse(net.response, rec.recorder, (e) => outcomeOf(e, false), time.timing);
  assert.ok(page);
  return { ...rec, net, time, page };
}

/** The page reads once, and the network sends `chunk`. */
function readSent(reader: ReadableStreamDefaultReader<Uint8Array>, net: ReturnType<typeof network>, chunk: string) {
  const read = reader.read();
  net.send(chunk);
  return read;
}

const text = (r: ReadableStreamReadResult<Uint8Array>) => (r.done ? "<done>" : decoder.decode(r.value));
const CANCELLED = { state: "abort", errorName: "cancelled", errorMessage: "the page cancelled the response body" };
const INCOMPLETE = { state: "abort", errorName: "incomplete", errorMessage: "the page stopped reading the response body" };

describe("a forwarded response body", () => {
  it("pulls from the network only as the page reads, and records each chunk it hands on", async () => {
    const { page, net, pieces, ends } = forwarded();
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/event-stream");
    await tick();
    assert.equal(net.seen.pulls, 0, "nothing read before the page reads");
    const reader = page.body!.getReader();
    const first = reader.read();
    await tick();
    assert.equal(net.seen.pulls, 1);
    net.send("data: 1\n\n");
    assert.equal(text(await first), "data: 1\n\n");
    assert.deepEqual(pieces, ["data: 1\n\n"]);
    await tick();
    assert.equal(net.seen.pulls, 1, "no read ahead of the page");
    assert.equal(text(await readSent(reader, net, "data: [DONE]\n\n")), "data: [DONE]\n\n");
    const last = reader.read();
    net.close();
    assert.equal(text(await last), "<done>");
    assert.deepEqual(pieces, ["data: 1\n\n", "data: [DONE]\n\n"]);
    assert.deepEqual(ends().map((e) => e.t === "end" && { outcome: e.outcome, chunks: e.chunks, size: e.size }), [{ outcome: { state: "ok" }, chunks: 2, size: 23 }]);
  });

  for (const after of [true, false]) {
    it(`a cancel ${after ? "after" : "before"} the terminal event ends it as cancelled, with the bytes read so far, and reaches the network`, async () => {
      const { page, net, pieces, ends, outcomes, time } = forwarded();
      const reader = page.body!.getReader();
      const sent = after ? ["data: 1\n\n", "data: [DONE]\n\n"] : ["data: 1\n\n"];
      for (const chunk of sent) await readSent(reader, net, chunk);
      await reader.cancel("enough");
      assert.deepEqual(pieces, sent);
      assert.equal(net.seen.cancelled, true);
      assert.equal(net.seen.reason, "enough");
      assert.deepEqual(outcomes(), [CANCELLED]);
      // Ended once: the idle watchdog that the first chunk started finds it over.
      time.advance(3 * IDLE_MS);
      assert.equal(ends().length, 1);
    });
  }

  it("a cancel of a body the page never read reaches the network", async () => {
    const { page, net, outcomes } = forwarded();
    await page.body!.cancel("not wanted");
    assert.equal(net.seen.reason, "not wanted");
    assert.deepEqual(outcomes(), [CANCELLED]);
  });

  it("a read error ends it with that error, which the page's read gets too", async () => {
    const { page, net, outcomes } = forwarded();
    const reader = page.body!.getReader();
    const read = reader.read();
    await tick();
    const error = new TypeError("network error");
    net.fail(error);
    await assert.rejects(read, (e) => e === error);
    assert.deepEqual(outcomes(), [{ state: "error", errorName: "TypeError", errorMessage: "network error" }]);
  });
});

describe("the idle watchdog", () => {
  it(`ends a stream the page stopped reading after ${IDLE_MS} ms, as incomplete, at its last read`, async () => {
    const { page, net, ends, time } = forwarded();
    const reader = page.body!.getReader();
    await readSent(reader, net, "data: 1\n\n");
    const lastRead = time.now();
    time.advance(IDLE_MS - 1);
    assert.equal(ends().length, 0);
    time.advance(1);
    assert.deepEqual(ends().map((e) => e.t === "end" && { outcome: e.outcome, time: e.time }), [{ outcome: INCOMPLETE, time: lastRead }]);
  });

  it("counts from the page's last read", async () => {
    const { page, net, ends, time } = forwarded();
    const reader = page.body!.getReader();
    for (let i = 0; i < 2; i++) {
      await readSent(reader, net, `data: ${i}\n\n`);
      if (i === 0) time.advance(IDLE_MS / 2);
    }
    const lastRead = time.now();
    time.advance(IDLE_MS - 1);
    assert.equal(ends().length, 0, "not idle: read again since");
    time.advance(2);
    assert.deepEqual(ends().map((e) => e.t === "end" && e.time), [lastRead]);
  });

  it("never ends a stream whose page is waiting for the network", async () => {
    const { page, net, ends, time } = forwarded();
    const reader = page.body!.getReader();
    await readSent(reader, net, "data: 1\n\n");
    const waiting = reader.read();
    await tick();
    time.advance(5 * IDLE_MS);
    assert.equal(ends().length, 0, "a slow server is not an idle page");
    net.send("data: 2\n\n");
    await waiting;
    const lastRead = time.now();
    time.advance(IDLE_MS);
    assert.deepEqual(ends().map((e) => e.t === "end" && { outcome: e.outcome, time: e.time }), [{ outcome: INCOMPLETE, time: lastRead }]);
  });

  it("leaves a body that ended alone", async () => {
    const { page, net, outcomes, time } = forwarded();
    const reader = page.body!.getReader();
    await readSent(reader, net, "data: 1\n\n");
    const done = reader.read();
    net.close();
    await done;
    time.advance(3 * IDLE_MS);
    assert.deepEqual(outcomes(), [{ state: "ok" }]);
  });
});

describe("a body recorded through a tap", () => {
  it("records a body the page has not touched by the next task, and the page still gets all of it", async () => {
    const { page, net, pieces, ends, time, outcomes } = forwarded();
    net.send("data: 1\n\n");
    net.send("data: [DONE]\n\n");
    net.close();
    time.advance(0);
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(pieces, ["data: 1\n\n", "data: [DONE]\n\n"]);
    assert.deepEqual(outcomes(), [{ state: "ok" }]);
    assert.equal(await page.text(), "data: 1\n\ndata: [DONE]\n\n");
    assert.equal(ends().length, 1);
  });

  it("stops at the cap, without waiting for the page", async () => {
    const { net, pieces, ends, time } = forwarded(12);
    net.send("data: 1\n\n");
    net.send("data: 2\n\n");
    time.advance(0);
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(pieces, ["data: 1\n\n", "dat"]);
    assert.deepEqual(ends().map((e) => e.t === "end" && { outcome: e.outcome, truncated: e.truncated }), [{ outcome: { state: "ok" }, truncated: true }]);
  });

  describe("with the Body methods patched", () => {
    before(() => hookForwardedResponses(globalThis));

    it("text() runs natively on the original; the body is recorded from a clone", async () => {
      const { page, net, pieces, outcomes } = forwarded();
      const result = page.text();
      net.send("data: 1\n\n");
      net.send("data: [DONE]\n\n");
      net.close();
      assert.equal(await result, "data: 1\n\ndata: [DONE]\n\n");
      for (let i = 0; i < 5; i++) await tick();
      assert.deepEqual(pieces, ["data: 1\n\n", "data: [DONE]\n\n"]);
      assert.deepEqual(outcomes(), [{ state: "ok" }]);
      // Spent as a native Body method leaves it.
      assert.equal(page.bodyUsed, true);
      await assert.rejects(page.text(), TypeError);
    });
  });
});
