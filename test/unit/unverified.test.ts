/**
 * Records whose content the hook could not have produced as claimed are marked: the span
 * carries llm_trace.unverified with the reasons, and a late request clears "no-request".
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RequestEvent, ResponseEvent } from "../../src/core/contract";
import { deriveSpan } from "../../src/core/providers";
import { applyEvent, assembleExchange, emptyExchange, markUnverified } from "../../src/core/capture";

const ID = "0123456789abcdef";
const T = 1_750_000_000_000;

describe("unverified records", () => {
  const response: ResponseEvent = { t: "response", id: ID, time: T + 50, status: 200, statusText: "OK", headers: [["content-type", "application/json"]] };
  const request: RequestEvent = { t: "request", id: ID, transport: "fetch", time: T, method: "GET", url: "https://x.example/a", headers: [], pageUrl: "https://x.example/" };

  it("a response for an exchange never requested is marked, until its request arrives", () => {
    const headless = applyEvent(emptyExchange(ID, 1, 0, T), response);
    assert.deepEqual(deriveSpan(assembleExchange(headless, []), headless, T + 100).attributes["llm_trace.unverified"], ["no-request"]);
    // A request may arrive after its response (a Blob body is read first): then it is whole.
    const whole = applyEvent(headless, request);
    assert.equal(whole.unverified, undefined);
    assert.equal(deriveSpan(assembleExchange(whole, []), whole, T + 100).attributes["llm_trace.unverified"], undefined);
  });

  it("reasons are kept once each, in a stable order, and never reach the exchange itself", () => {
    const record = applyEvent(emptyExchange(ID, 1, 0, T), request);
    const marked = markUnverified(markUnverified(record, ["time"]), ["frame", "time"]);
    assert.deepEqual(marked.unverified, ["frame", "time"]);
    assert.equal(markUnverified(marked, ["frame"]), marked);
    assert.deepEqual(deriveSpan(assembleExchange(marked, []), marked, T).attributes["llm_trace.unverified"], ["frame", "time"]);
    assert.equal("unverified" in assembleExchange(marked, []), false);
  });
});
