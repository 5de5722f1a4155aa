/** Live span updates for panels: held back within an interval, newest version of each span, clears respected. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { coalescer } from "../../src/background/coalesce";
import type { SpanRecord } from "../../src/core/contract";

function span(id: string, updatedAt: number): SpanRecord {
  return { traceId: "1".repeat(32), spanId: id, name: "GET", kind: "http", startTime: 0, status: "ok", attributes: {}, tabId: 1, updatedAt };
}

/** A coalescer on a hand-driven clock: `run()` fires the scheduled flush. */
function setup() {
  let clock = 1000;
  let scheduled: (() => void) | undefined;
  const sent: { spans: string[]; removed: string[] }[] = [];
  const c = coalescer((_tab, spans, removed) => sent.push({ spans: spans.map((s) => `${s.spanId}@${s.updatedAt}`), removed }), 200,
    (run) => {
      scheduled = run;
      return { cancel: () => (scheduled = undefined) };
    }, () => clock);
  return {
    c, sent,
    advance(ms: number) {
      clock += ms;
    },
    run() {
      const f = scheduled;
      scheduled = undefined;
      f?.();
    },
    get waiting() {
      return scheduled !== undefined;
    },
  };
}

test("the first update goes out at once; those within the interval go out together, each span's newest version once", () => {
  const s = setup();
  s.c.add(1, [span("a", 1)], []);
  assert.deepEqual(s.sent, [{ spans: ["a@1"], removed: [] }]);
  s.c.add(1, [span("a", 3), span("b", 2)], []);
  s.c.add(1, [span("a", 2)], []);
  assert.equal(s.sent.length, 1);
  s.advance(200);
  s.run();
  assert.deepEqual(s.sent[1], { spans: ["a@3", "b@2"], removed: [] });
  assert.equal(s.waiting, false);
});

test("removals and stores keep their order: removed then stored again is sent, stored then removed is not", () => {
  const s = setup();
  s.c.add(1, [span("x", 1)], []);
  s.c.add(1, [], ["a"]);
  s.c.add(1, [span("a", 5)], []);
  s.c.add(1, [span("b", 5)], []);
  s.c.add(1, [], ["b"]);
  s.run();
  assert.deepEqual(s.sent[1], { spans: ["a@5"], removed: ["b"] });
});

test("after the tab is cleared nothing held back from before is sent", () => {
  const s = setup();
  s.c.add(1, [span("x", 1)], []);
  s.c.add(1, [span("y", 1)], []);
  s.c.drop(1);
  s.run();
  assert.equal(s.sent.length, 1);
  // The next update after the interval goes out at once again.
  s.advance(500);
  s.c.add(1, [span("z", 2)], []);
  assert.deepEqual(s.sent[1], { spans: ["z@2"], removed: [] });
});
