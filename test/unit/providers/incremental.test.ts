/**
 * The classifier keeps stream framers between calls (frame cache). Whatever it reuses, a call on
 * a growing live exchange must give exactly the draft a fresh classification of the same data gives.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange } from "../../../src/core/providers";
import type { Exchange } from "../../../src/core/contract";
import { allFixtures } from "../../fixtures/providers/index";
import { makeExchange, nextId, rechunk } from "../../fixtures/providers/make-exchange";

describe("incremental classification of a live stream", () => {
  for (const fx of allFixtures) {
    const full = makeExchange(fx);
    if (full.chunks.length === 0) continue;
    it(`${fx.name}: every update equals a fresh classification`, () => {
      // Finer chunks than recorded, so the cache is exercised many times.
      const text = full.chunks.map((c) => c.text).join("");
      const cuts = Array.from({ length: Math.min(40, text.length - 1) }, (_, i) => Math.floor(((i + 1) * text.length) / 41));
      const source = rechunk(full, cuts);
      const live: Exchange = { ...source, id: nextId(), chunks: [], outcome: undefined };
      for (const chunk of source.chunks) {
        live.chunks.push(chunk);
        const fresh = classifyExchange({ ...live, id: nextId(), chunks: [...live.chunks] });
        assert.deepEqual(classifyExchange(live), fresh, `after ${live.chunks.length} chunks`);
      }
      live.outcome = full.outcome;
      const fresh = classifyExchange({ ...live, id: nextId() });
      assert.deepEqual(classifyExchange(live), fresh, "final call");
      // And once more after the end (the background may repeat it): still the same.
      assert.deepEqual(classifyExchange(live), fresh, "repeated final call");
    });
  }

  it("a different body under the same id is not mistaken for a continuation", () => {
    const [a, b] = [allFixtures[0]!, allFixtures[1]!].map((fx) => makeExchange(fx));
    const id = nextId();
    classifyExchange({ ...a!, id, outcome: undefined });
    const reused = classifyExchange({ ...b!, id, outcome: undefined });
    assert.deepEqual(reused, classifyExchange({ ...b!, id: nextId(), outcome: undefined }));
  });
});
