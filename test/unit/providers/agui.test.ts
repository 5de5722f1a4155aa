/** AG-UI runs: invoke_agent spans with the agent's messages and tool calls. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as f from "../../fixtures/providers/agui";
import { assertSubset, classify, jsonAttr, outputs } from "./helpers";

describe("AG-UI", () => {
  it("a run is an invoke_agent span: thread as conversation, messages, tool call with its result, ended by RUN_FINISHED", () => {
    const d = classify(f.aguiRun);
    assert.equal(d.kind, "agent");
    assert.equal(d.name, "invoke_agent");
    assert.equal(d.status, "ok");
    assert.equal(d.endTime, 1_700_000_001_200);
    assertSubset(d.attributes, { "gen_ai.operation.name": "invoke_agent", "gen_ai.conversation.id": "thread-7", "llm_trace.agui.run_id": "run-42", "gen_ai.response.time_to_first_chunk": 0.45 });
    assert.deepEqual(outputs(d), [
      { role: "assistant", parts: [{ type: "text", content: "Two flights found. Checking the weather." }, { type: "tool_call", id: "tc-1", name: "get_weather", arguments: { city: "Lisbon" } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "tc-1", response: '{"tempC":24}' }] },
      { role: "assistant", parts: [{ type: "text", content: "Lisbon is 24°C." }] },
    ]);
    const input = jsonAttr(d, "gen_ai.input.messages") as { role: string; parts: { type: string; id?: string }[] }[];
    assert.deepEqual(input.map((m) => [m.role, m.parts.map((p) => p.type)]), [["user", ["text"]], ["assistant", ["tool_call"]], ["tool", ["tool_call_response"]]]);
    assert.deepEqual((jsonAttr(d, "gen_ai.tool.definitions") as { name: string }[]).map((t) => t.name), ["get_weather"]);
    assert.deepEqual(d.events?.map((e) => e.name), ["agui.step_started", "agui.state_snapshot", "agui.state_delta", "agui.step_finished"]);
    assert.equal(d.events?.[2]?.attributes?.["agui.event"], '{"delta":[{"op":"add","path":"/plan/1","value":"weather"}]}');
  });

  it("RUN_ERROR ends the run as an error; chunks and thinking are read, unknown events kept", () => {
    const d = classify(f.aguiRunError);
    assert.equal(d.status, "error");
    assertSubset(d.attributes, { "error.type": "MODEL_UNAVAILABLE", "llm_trace.error.message": "Upstream model unavailable" });
    assert.equal(d.endTime, 1_700_000_000_200);
    assert.deepEqual(outputs(d)[0]!.parts, [{ type: "text", content: "Let me" }, { type: "reasoning", content: "hmm" }]);
    assert.equal(d.attributes["llm_trace.parse_error"], "1 stream event(s) of unknown type kept as span events: WORMHOLE_OPENED");
  });

  it("is recognised by its first event even when the request is not a RunAgentInput", () => {
    const d = classify({ ...f.aguiRun, requestJson: { message: "hi" } });
    assert.equal(d.kind, "agent");
    assert.equal(d.attributes["gen_ai.conversation.id"], "thread-7");
  });
});
