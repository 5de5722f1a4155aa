/**
 * Property: the network may cut a body anywhere. For every fixture, splitting the body into two
 * chunks at EVERY character offset, and into many chunks at random (seeded), must give the same
 * draft as the unsplit body, timing aside.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange, type SpanDraft } from "../../../src/core/providers";
import type { Exchange } from "../../../src/core/contract";
import { allFixtures } from "../../fixtures/providers/index";
import { makeExchange, rechunk } from "../../fixtures/providers/make-exchange";
import { prng, randInt } from "./random";

/** The draft without what legitimately depends on chunk timing. */
function untimed(d: SpanDraft): unknown {
  const attributes = { ...d.attributes };
  delete attributes["gen_ai.response.time_to_first_chunk"];
  return { ...d, attributes, events: d.events?.map((e) => ({ ...e, time: 0 })) };
}

function bodyLength(ex: Exchange): number {
  return ex.chunks.reduce((n, c) => n + c.text.length, 0);
}

describe("chunk-boundary independence", () => {
  for (const fx of allFixtures) {
    const ex = makeExchange(fx);
    const length = bodyLength(ex);
    if (length === 0) continue;
    it(`${fx.name}: every two-way split and random many-way splits match the unsplit body`, () => {
      const expected = untimed(classifyExchange(rechunk(ex, [])));
      assert.deepEqual(untimed(classifyExchange(ex)), expected, "as recorded");
      for (let cut = 1; cut < length; cut++) {
        const got = untimed(classifyExchange(rechunk(ex, [cut])));
        if (JSON.stringify(got) !== JSON.stringify(expected)) assert.deepEqual(got, expected, `split at ${cut}`);
      }
      const rand = prng(0x5eed ^ length);
      for (let trial = 0; trial < 25; trial++) {
        const n = randInt(rand, 2, Math.min(length - 1, 200));
        const cuts = Array.from({ length: n }, () => randInt(rand, 1, length - 1));
        assert.deepEqual(untimed(classifyExchange(rechunk(ex, cuts))), expected, `trial ${trial}: cuts ${cuts.slice(0, 10).join(",")}…`);
      }
      // One character per chunk: the most hostile delivery.
      const everyChar = Array.from({ length: length - 1 }, (_, i) => i + 1);
      assert.deepEqual(untimed(classifyExchange(rechunk(ex, everyChar))), expected, "one character per chunk");
    });
  }
});
