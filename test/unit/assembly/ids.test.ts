import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fnv1a64, hashSpanId, sourceSpanId, traceIdFor } from "../../../src/core/assembly/ids";
import { isSpanId, isTraceId } from "../../../src/core/contract";

describe("deterministic ids", () => {
  it("FNV-1a 64 matches the reference vectors (ASCII and UTF-8)", () => {
    assert.equal(fnv1a64(""), "cbf29ce484222325");
    assert.equal(fnv1a64("a"), "af63dc4c8601ec8c");
    assert.equal(fnv1a64("foobar"), "85944171f73967e8");
    // Non-ASCII goes through UTF-8 (reference computed over the UTF-8 bytes).
    assert.equal(fnv1a64("é"), "0ac21707b7181e01");
  });

  it("same key, same id; valid span and trace ids", () => {
    assert.equal(hashSpanId("tool:abc:#0"), hashSpanId("tool:abc:#0"));
    assert.notEqual(hashSpanId("tool:abc:#0"), hashSpanId("tool:abc:#1"));
    assert.ok(isSpanId(hashSpanId("x")));
    assert.ok(isTraceId(traceIdFor("00f067aa0ba902b7")));
    assert.equal(traceIdFor("00f067aa0ba902b7"), traceIdFor("00f067aa0ba902b7"));
  });

  it("keys differing only in their last character differ from the first digit", () => {
    const a = traceIdFor("0000000000000011");
    const b = traceIdFor("0000000000000012");
    assert.notEqual(a.slice(0, 4), b.slice(0, 4));
  });

  it("a source record's own id is used when it is a valid span id", () => {
    assert.equal(sourceSpanId("interaction", "00f067aa0ba902b7"), "00f067aa0ba902b7");
    const derived = sourceSpanId("interaction", "click-1");
    assert.ok(isSpanId(derived));
    assert.equal(derived, sourceSpanId("interaction", "click-1"));
  });
});
