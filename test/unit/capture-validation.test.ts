/**
 * The background's check of capture events: what the hook sends passes, and anything a page
 * could forge beyond it (a wrong type anywhere, an unknown field, an oversized string or
 * event) is rejected, event by event.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_EVENT_LIMITS, eventBytes, eventLimits, isCaptureEvent } from "../../src/core/capture";
import { DEFAULT_BODY_CAP } from "../../src/core/contract";

const ID = "0123456789abcdef";
const T = 1_750_000_000_000.5;
const MiB = 1024 * 1024;

/** One event of each kind, as the hook makes them. */
const hookEvents = {
  request: {
    t: "request", id: ID, transport: "fetch", time: T, method: "POST", url: "https://api.openai.com/v1/chat/completions",
    headers: [["content-type", "application/json"], ["authorization", "Bearer sk-x"]], pageUrl: "http://localhost:3000/",
    body: { text: '{"model":"gpt-4o-mini","stream":true}', size: 38 },
  },
  response: {
    t: "response", id: ID, time: T + 100, status: 200, statusText: "OK", headers: [["content-type", "text/event-stream"]],
    url: "https://api.openai.com/v1/chat/completions", redirected: false, type: "cors",
  },
  binaryResponse: { t: "response", id: ID, time: T, status: 200, statusText: "", headers: [], body: { size: 10, mimeType: "image/png", omitted: "binary" } },
  chunks: { t: "chunks", id: ID, seq: 3, times: [T + 101, T + 102], texts: ['data: {"i":0}\n\n', "data: [DONE]\n\n"] },
  end: { t: "end", id: ID, time: T + 200, outcome: { state: "ok" }, size: 120, chunks: 5 },
  endAborted: { t: "end", id: ID, time: T, outcome: { state: "abort", errorName: "AbortError", errorMessage: "The user aborted a request." }, chunks: 0, truncated: true },
  interaction: { t: "interaction", id: ID, time: T, action: "click", target: 'button "Send"', pageUrl: "http://localhost:3000/" },
  mark: { t: "mark", id: ID, time: T, phase: "start", name: "answer", attributes: { user: "u42", turn: 3, pro: true }, pageUrl: "http://localhost:3000/" },
  markEnd: { t: "mark", id: ID, time: T, phase: "end", pageUrl: "http://localhost:3000/" },
} as const;

type Json = Record<string, unknown>;
const clone = (e: object): Json => structuredClone(e) as Json;

describe("capture event validation", () => {
  it("accepts every kind of event the hook sends", () => {
    for (const [name, event] of Object.entries(hookEvents)) assert.ok(isCaptureEvent(clone(event)), name);
  });

  it("rejects a wrong type in any field, nested ones included", () => {
    const cases: [string, Json][] = [
      ["response url an object", { ...clone(hookEvents.response), url: {} }],
      ["response redirected a string", { ...clone(hookEvents.response), redirected: "yes" }],
      ["response type a number", { ...clone(hookEvents.response), type: 3 }],
      ["response status fractional", { ...clone(hookEvents.response), status: 200.5 }],
      ["request body text a number", { ...clone(hookEvents.request), body: { text: 42 } }],
      ["request body omitted unknown", { ...clone(hookEvents.request), body: { omitted: "everything" } }],
      ["request body size negative", { ...clone(hookEvents.request), body: { size: -1 } }],
      ["request body an array", { ...clone(hookEvents.request), body: [] }],
      ["request method missing", (({ method: _m, ...rest }) => rest)(clone(hookEvents.request))],
      ["request transport unknown", { ...clone(hookEvents.request), transport: "beacon" }],
      ["header value a number", { ...clone(hookEvents.request), headers: [["x", 1]] }],
      ["header of three", { ...clone(hookEvents.request), headers: [["x", "1", "2"]] }],
      // A structured clone keeps holes, which Array.prototype.every would skip.
      ["header list with a hole", { ...clone(hookEvents.request), headers: [, ["x", "1"]] }],
      ["outcome state unknown", { ...clone(hookEvents.end), outcome: { state: "great" } }],
      ["outcome message an object", { ...clone(hookEvents.endAborted), outcome: { state: "error", errorMessage: {} } }],
      ["ok outcome with an error", { ...clone(hookEvents.end), outcome: { state: "ok", errorName: "x" } }],
      ["end chunks not a count", { ...clone(hookEvents.end), chunks: -1 }],
      ["end size a string", { ...clone(hookEvents.end), size: "120" }],
      ["chunks times and texts of different lengths", { ...clone(hookEvents.chunks), times: [T] }],
      ["chunks text a number", { ...clone(hookEvents.chunks), texts: ["a", 1] }],
      ["chunks time not finite", { ...clone(hookEvents.chunks), times: [T, null] }],
      ["chunks texts with a hole", { ...clone(hookEvents.chunks), texts: ["a", , ] }],
      ["chunks seq negative", { ...clone(hookEvents.chunks), seq: -1 }],
      ["mark attribute an object", { ...clone(hookEvents.mark), attributes: { user: { id: 1 } } }],
      ["mark attribute not finite", { ...clone(hookEvents.mark), attributes: { n: Infinity } }],
      ["mark attributes an array", { ...clone(hookEvents.mark), attributes: ["a"] }],
      ["interaction action unknown", { ...clone(hookEvents.interaction), action: "hover" }],
      ["id not a span id", { ...clone(hookEvents.interaction), id: "../../etc" }],
      ["time a string", { ...clone(hookEvents.interaction), time: "now" }],
    ];
    for (const [name, event] of cases) assert.equal(isCaptureEvent(event), false, name);
  });

  it("rejects fields the hook never sends, __proto__ included", () => {
    assert.equal(isCaptureEvent({ ...clone(hookEvents.interaction), tabId: 3 }), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.request), body: { text: "x", extra: 1 } }), false);
    assert.equal(isCaptureEvent(JSON.parse(JSON.stringify(hookEvents.mark).replace('{"t"', '{"__proto__":{"polluted":1},"t"'))), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.end), outcome: { state: "ok", stack: "..." } }), false);
    // Names that Object.prototype has must not find its members as checks.
    for (const key of ["constructor", "toString", "hasOwnProperty", "valueOf"]) {
      assert.equal(isCaptureEvent({ ...clone(hookEvents.interaction), [key]: "x" }), false, key);
      assert.equal(isCaptureEvent({ ...clone(hookEvents.request), body: { [key]: "x" } }), false, `body ${key}`);
    }
  });

  it("bounds every string: a body beyond the capture cap, a URL beyond the browser's, a huge header", () => {
    const overCap = "x".repeat(DEFAULT_BODY_CAP + 1024);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.request), body: { text: overCap } }), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.chunks), times: [T, T], texts: [overCap.slice(0, DEFAULT_BODY_CAP / 2 + 1024), overCap.slice(0, DEFAULT_BODY_CAP / 2)] }), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.request), url: `https://x.example/?q=${"a".repeat(3 * MiB)}` }), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.request), headers: [["x-big", "v".repeat(300 * 1024)]] }), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.endAborted), outcome: { state: "abort", errorMessage: "r".repeat(100_000) } }), false);
    assert.equal(isCaptureEvent({ ...clone(hookEvents.interaction), target: "t".repeat(10_000) }), false);
    // What the hook may really send at the cap passes.
    assert.ok(isCaptureEvent({ ...clone(hookEvents.request), body: { text: "x".repeat(DEFAULT_BODY_CAP), truncated: true, size: 5 * MiB } }));
  });

  it("bounds the whole event: fields each within bounds may not add up beyond the per-event cap", () => {
    const url = `https://x.example/?q=${"a".repeat(2 * MiB - 100)}`;
    const event = { ...clone(hookEvents.request), url, pageUrl: url, body: { text: "x".repeat(DEFAULT_BODY_CAP) } };
    assert.ok(eventBytes(event as never) > DEFAULT_EVENT_LIMITS.eventBytes);
    assert.equal(isCaptureEvent(event), false);
  });

  it("follows the user's capture cap, never below the default one", () => {
    const big = { ...clone(hookEvents.request), body: { text: "x".repeat(8 * MiB) } };
    assert.equal(isCaptureEvent(big), false);
    assert.ok(isCaptureEvent(big, eventLimits(8 * MiB)));
    // Events captured before the hook knew a smaller setting were capped at the default.
    assert.ok(isCaptureEvent({ ...clone(hookEvents.request), body: { text: "x".repeat(DEFAULT_BODY_CAP) } }, eventLimits(1024)));
  });

  it("weighs an event by its strings", () => {
    const small = eventBytes(clone(hookEvents.interaction) as never);
    const withBody = eventBytes({ ...clone(hookEvents.request), body: { text: "x".repeat(MiB) } } as never);
    assert.ok(small < 1024, `${small}`);
    assert.ok(withBody > MiB && withBody < MiB + 2048, `${withBody}`);
  });
});
