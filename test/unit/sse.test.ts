import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Chunk } from "../../src/core/contract";
import { parseSse } from "../../src/core/providers";

const chunks = (...texts: string[]): Chunk[] => texts.map((text, i) => ({ text, time: 1000 + i }));
const datas = (c: Chunk[], complete = false): string[] => parseSse(c, { complete }).map((e) => e.data);

describe("SSE framing (eventsource-parser over captured chunks)", () => {
  it("dispatches on blank lines and records the chunk that completed each event", () => {
    const events = parseSse(chunks("data: a\n\ndata: b", "\n", "\ndata: c\n\n"));
    assert.deepEqual(
      events.map((e) => [e.data, e.time]),
      [
        ["a", 1000],
        ["b", 1002],
        ["c", 1002],
      ],
    );
  });

  it("handles CRLF, and a CR and LF split between chunks", () => {
    assert.deepEqual(datas(chunks("data: x\r", "\n\r", "\ndata: y\r\n\r\n")), ["x", "y"]);
    assert.deepEqual(datas(chunks("data: x\r\n\r\n")), ["x"]);
  });

  it("handles bare CR line endings; a trailing CR waits for the next chunk (it may start a CRLF)", () => {
    assert.deepEqual(datas(chunks("data: x\r\rdata: y\r\r")), ["x"]);
    assert.deepEqual(datas(chunks("data: x\r\rdata: y\r\r", "data: z\r\r")), ["x", "y"]);
    assert.deepEqual(datas(chunks("data: x\r\rdata: y\r\r"), true), ["x", "y"]);
  });

  it("skips comments, keeps event names and ids, joins multi-line data with LF", () => {
    const events = parseSse(chunks(": keep-alive\n\nevent: delta\nid: 7\ndata: one\ndata: two\n\n"));
    assert.equal(events.length, 1);
    assert.deepEqual(events[0], { event: "delta", id: "7", data: "one\ntwo", time: 1000 });
  });

  it("strips a leading BOM, decoded or split off as its own chunk", () => {
    assert.deepEqual(datas(chunks("\uFEFFdata: a\n\n")), ["a"]);
    assert.deepEqual(datas(chunks("", "\uFEFF", "data: a\n\n")), ["a"]);
  });

  it("a field split mid-name across chunks still parses", () => {
    assert.deepEqual(datas(chunks("da", "ta", ": hello", " world\n", "\n")), ["hello world"]);
  });

  it("the unterminated last event is delivered only when the body is complete", () => {
    assert.deepEqual(datas(chunks("data: a\n\ndata: b\n")), ["a"]);
    assert.deepEqual(datas(chunks("data: a\n\ndata: b\n"), true), ["a", "b"]);
    assert.deepEqual(datas(chunks("data: a\n\ndata: b"), true), ["a", "b"]);
    assert.deepEqual(datas(chunks("data: a\n\n"), true), ["a"]);
  });

  it("ignores empty input and events without data", () => {
    assert.deepEqual(datas([], true), []);
    assert.deepEqual(datas(chunks("event: ping\n\n", "id: 3\n\n")), []);
  });
});
