import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Chunk } from "../../../src/core/contract";
import { parseNdjson, splitJsonArray, splitLines } from "../../../src/core/providers";

const chunks = (...texts: string[]): Chunk[] => texts.map((text, i) => ({ text, time: 100 + i }));

describe("NDJSON and streamed JSON arrays", () => {
  it("splits lines across chunks, drops CR of CRLF even when split, keeps the completing chunk's time", () => {
    const lines = splitLines(chunks('{"a":', "1}\r", "\n{", '"b":2}\n'));
    assert.deepEqual(
      lines.map((l) => [l.text, l.time]),
      [
        ['{"a":1}', 102],
        ['{"b":2}', 103],
      ],
    );
  });

  it("a last line without newline counts only when the body is complete", () => {
    assert.deepEqual(splitLines(chunks("a\nb")).map((l) => l.text), ["a"]);
    assert.deepEqual(splitLines(chunks("a\nb"), { complete: true }).map((l) => l.text), ["a", "b"]);
    assert.deepEqual(splitLines(chunks("\uFEFFa\n")).map((l) => l.text), ["a"]);
  });

  it("reports bad JSON lines instead of throwing, skips blank ones", () => {
    const out = parseNdjson(chunks('{"ok":true}\n\nnope\n'));
    assert.equal(out.length, 2);
    assert.deepEqual(out[0]!.value, { ok: true });
    assert.equal(out[1]!.value, undefined);
    assert.match(out[1]!.error!, /JSON/);
  });

  it("splits a streamed JSON array into elements, whatever the chunking", () => {
    const text = '[{"t":"a]}"}\n,\r\n{"t":"b\\"}"},{"n":[1,[2]]}\n]';
    for (let cut = 0; cut <= text.length; cut++) {
      const r = splitJsonArray(chunks(text.slice(0, cut), text.slice(cut)));
      assert.deepEqual(
        r.elements.map((e) => JSON.parse(e.text)),
        [{ t: "a]}" }, { t: 'b"}' }, { n: [1, [2]] }],
        `cut at ${cut}`,
      );
      assert.equal(r.closed, true);
      assert.equal(r.error, undefined);
    }
  });

  it("an unfinished array yields its complete elements; a non-array says why", () => {
    const partial = splitJsonArray(chunks('[{"a":1},{"b":'));
    assert.equal(partial.elements.length, 1);
    assert.equal(partial.closed, false);
    assert.match(splitJsonArray(chunks('{"a":1}')).error!, /expected '\['/);
    assert.match(splitJsonArray(chunks("[1,2]")).error!, /unexpected '1'/);
    assert.match(splitJsonArray(chunks("[{}] x")).error!, /after the closing/);
  });
});
