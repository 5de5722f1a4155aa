/**
 * Where a span stands is assembly's alone to say (src/core/assembly/placement.ts): its first place
 * as it is derived (the app's traceparent adopted, else a provisional trace of its own), and the
 * place it keeps between runs, both for a span derived again and for a run's place put on the
 * latest copy of a span.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CONVERSATION_DERIVED, CONVERSATION_ID, TRACE_CONTEXT, assembleTraces, isAdopted, isPlaced, parseTraceparent, provisionalTraceId,
  samePlace, withPlace,
} from "../../../src/core/assembly";
import { isTraceId } from "../../../src/core/contract";
import { interaction, recordSpan } from "../../fixtures/assembly/record";
import { chatStream } from "../../fixtures/providers/openai-chat";

const APP_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const APP_PARENT = "00f067aa0ba902b7";

describe("a span's place", () => {
  it("a derived span stands in a provisional trace of its own, made from its id, until a run places it", () => {
    const span = recordSpan(chatStream, 0);
    assert.equal(span.traceId, provisionalTraceId(span.spanId));
    assert.ok(isTraceId(span.traceId));
    assert.equal(span.parentSpanId, undefined);
    assert.equal(isPlaced(span), false);
    const [placed] = assembleTraces({ spans: [span], interactions: [interaction(-10, "click", 'button "Send"')], marks: [] })
      .filter((s) => s.spanId === span.spanId);
    assert.equal(isPlaced(placed!), true);
  });

  it("the app's traceparent is adopted as the span is derived: final, never moved by a run", () => {
    const span = recordSpan({ ...chatStream, requestHeaders: { traceparent: `00-${APP_TRACE}-${APP_PARENT}-01` } }, 0);
    assert.deepEqual([span.traceId, span.parentSpanId, span.attributes[TRACE_CONTEXT]], [APP_TRACE, APP_PARENT, "traceparent"]);
    assert.ok(isAdopted(span) && isPlaced(span));
    const out = assembleTraces({ spans: [span], interactions: [interaction(-10, "click", 'button "Send"')], marks: [] });
    assert.deepEqual(out.find((s) => s.spanId === span.spanId), span);
  });

  it("a traceparent that is not W3C trace context is not adopted", () => {
    for (const bad of ["ff-" + APP_TRACE + "-" + APP_PARENT + "-01", `00-${"0".repeat(32)}-${APP_PARENT}-01`, `00-${APP_TRACE}-${APP_PARENT}`, "garbage"]) {
      assert.equal(parseTraceparent(bad), undefined, bad);
      const span = recordSpan({ ...chatStream, requestHeaders: { traceparent: bad } }, 0);
      assert.equal(isAdopted(span), false, bad);
    }
  });

  it("a span derived again keeps the place and the derived conversation the last run gave it", () => {
    const click = interaction(-10, "click", 'button "Send"');
    const inFlight = recordSpan(chatStream, 0, { inFlightAt: 10 });
    const placed = assembleTraces({ spans: [inFlight], interactions: [click], marks: [] }).find((s) => s.spanId === inFlight.spanId)!;
    assert.equal(placed.attributes[CONVERSATION_DERIVED], true);
    const again = { ...recordSpan(chatStream, 0), spanId: inFlight.spanId, exchangeId: inFlight.spanId };
    const kept = withPlace({ ...again, traceId: provisionalTraceId(again.spanId) }, placed);
    assert.deepEqual([kept.traceId, kept.parentSpanId, kept.attributes[CONVERSATION_ID]], [placed.traceId, placed.parentSpanId, placed.attributes[CONVERSATION_ID]]);
    assert.ok(samePlace(kept, placed));
    assert.notEqual(kept.endTime, undefined, "and is otherwise the new copy");
  });

  it("a conversation the call names on the wire is its own and stays", () => {
    const own = recordSpan(chatStream, 0);
    own.attributes[CONVERSATION_ID] = "conv_wire";
    const placedElsewhere = { ...own, traceId: APP_TRACE, attributes: { ...own.attributes, [CONVERSATION_ID]: "derived-1", [CONVERSATION_DERIVED]: true } };
    const kept = withPlace(own, placedElsewhere);
    assert.equal(kept.traceId, APP_TRACE);
    assert.equal(kept.attributes[CONVERSATION_ID], "conv_wire");
    assert.equal(kept.attributes[CONVERSATION_DERIVED], undefined);
    assert.equal(kept.parentSpanId, undefined, "a root stays a root");
  });
});
