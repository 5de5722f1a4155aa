/**
 * Marks group only the work of the frame that made them: a tab's frames may be other sites, and
 * a cross-origin frame's performance.mark("llm-trace:start") must not pull the page's calls
 * into its trace, nor end or nest with the page's own marks.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assembleTraces } from "../../../src/core/assembly";
import type { MarkRecord } from "../../../src/core/contract";
import { interaction, mark, recordSpan } from "../../fixtures/assembly/record";
import { chatStream } from "../../fixtures/providers/openai-chat";
import { assertWellFormed, find } from "./helpers";

const TOP = 0;
const AD = 7;
const inFrame = (m: MarkRecord, frameId: number): MarkRecord => ({ ...m, frameId });

describe("marks and frames", () => {
  it("a frame's mark groups its own calls, not the top frame's made meanwhile", () => {
    const start = inFrame(mark(0, "start", "ad-agent"), AD);
    const end = inFrame(mark(5_000, "end"), AD);
    const own = recordSpan(chatStream, 100, { frameId: AD });
    const page = recordSpan(chatStream, 200, { frameId: TOP });
    const out = assembleTraces({ spans: [own, page], interactions: [], marks: [start, end] });
    assertWellFormed(out);
    assert.equal(find(out, own.spanId).parentSpanId, start.id);
    assert.notEqual(find(out, page.spanId).parentSpanId, start.id);
    assert.notEqual(find(out, page.spanId).traceId, find(out, start.id).traceId);
  });

  it("another frame's end does not close the page's mark, nor does its start nest in it", () => {
    const pageStart = inFrame(mark(0, "start", "agent"), TOP);
    const adStart = inFrame(mark(500, "start", "ad"), AD);
    const adEnd = inFrame(mark(1_000, "end"), AD);
    const pageEnd = inFrame(mark(9_000, "end"), TOP);
    const later = recordSpan(chatStream, 2_000, { frameId: TOP });
    const out = assembleTraces({ spans: [later], interactions: [], marks: [pageStart, adStart, adEnd, pageEnd] });
    assertWellFormed(out);
    assert.equal(find(out, later.spanId).parentSpanId, pageStart.id);
    assert.equal(find(out, adStart.id).parentSpanId, undefined, "the frame's mark is a root of its own");
    assert.equal(find(out, pageStart.id).endTime, pageEnd.time);
  });

  it("a mark left open ends at its own frame's next interaction, not another frame's", () => {
    const open = inFrame(mark(0, "start", "agent"), TOP);
    const adClick = { ...interaction(1_000, "click", 'button "Ad"'), frameId: AD };
    const after = recordSpan(chatStream, 1_500, { frameId: TOP });
    const out = assembleTraces({ spans: [after], interactions: [adClick], marks: [open] });
    assert.equal(find(out, after.spanId).parentSpanId, open.id);
  });
});
