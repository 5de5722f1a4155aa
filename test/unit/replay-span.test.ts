/**
 * A replay's marks travel from the hook's request event to the span (docs/DESIGN.md, "Replay"):
 * folded into the exchange record, kept by the exchange the classifiers see, set on the span.
 * Assembly then gives each send a trace of its own under a "replay" root.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleTraces } from "../../src/core/assembly";
import { applyEvent, assembleExchange, emptyExchange } from "../../src/core/capture/fold";
import { deriveSpan } from "../../src/core/providers";

const ORIGINAL = "1111111111111111";
const GROUP = "00000000000000aa";

function replaySpan(id: string, start: number) {
  let record = emptyExchange(id, 7, 0, start);
  record = applyEvent(record, {
    t: "request", id, transport: "fetch", time: start, method: "POST", url: "https://api.openai.com/v1/chat/completions",
    headers: [["content-type", "application/json"]], pageUrl: "https://app.example/", replayOf: ORIGINAL, replayGroup: GROUP,
    body: { text: JSON.stringify({ model: "gpt-4o-mini", temperature: 0.9, messages: [{ role: "user", content: "hi" }] }) },
  });
  record = applyEvent(record, { t: "response", id, time: start + 10, status: 200, statusText: "OK", headers: [["content-type", "application/json"]] });
  record = applyEvent(record, { t: "end", id, time: start + 20, outcome: { state: "ok" }, chunks: 1 });
  const body = JSON.stringify({ id: "c", object: "chat.completion", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }] });
  return deriveSpan(assembleExchange(record, [{ exchangeId: id, seq: 0, time: start + 15, text: body }]), record, start + 30);
}

test("a replay's marks reach its span, and each send is a trace of its own under a replay root", () => {
  const a = replaySpan("2222222222222222", 1000);
  const b = replaySpan("3333333333333333", 1001);
  assert.equal(a.attributes["llm_trace.replay.of"], ORIGINAL);
  assert.equal(a.attributes["llm_trace.replay.group"], GROUP);
  const placed = assembleTraces({ spans: [a, b], interactions: [], marks: [] });
  const root = placed.find((s) => s.parentSpanId === undefined)!;
  assert.equal(root.name, "replay · chat gpt-4o-mini ×2");
  assert.equal(root.attributes["llm_trace.root.source"], "replay");
  assert.deepEqual(placed.filter((s) => s.kind === "llm").map((s) => [s.traceId === root.traceId, s.parentSpanId === root.spanId]), [[true, true], [true, true]]);
});
