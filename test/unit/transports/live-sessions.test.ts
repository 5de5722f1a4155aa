/**
 * Live WebSocket sessions in the background: the message framing of a session's body
 * (contract/ws-messages.ts), OpenAI Realtime and Gemini Live sessions into the spans of their
 * trace (providers/live-*.ts via deriveSpans), and a plain socket as one session span.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wsMessageLine, wsMessages, type Chunk, type Exchange, type SpanRecord } from "../../../src/core/contract";
import { deriveSpans } from "../../../src/core/providers";
import { isAdopted } from "../../../src/core/assembly";

const T0 = 1_700_000_000_000;
type Msg = [dt: number, dir: "s" | "r", data: unknown, opcode?: 1 | 2];

function session(url: string, messages: Msg[], ended = true): Exchange {
  const chunks: Chunk[] = messages.map(([dt, dir, data, opcode]) => ({
    time: T0 + dt,
    text: wsMessageLine({ type: dir === "s" ? "send" : "receive", opcode: opcode ?? 1, data: typeof data === "string" ? data : JSON.stringify(data) }),
  }));
  const last = messages.length ? messages[messages.length - 1]![0] : 0;
  return {
    id: "00000000000000a1", transport: "websocket", request: { method: "GET", url, headers: [] },
    response: { status: 101, statusText: "Switching Protocols", headers: [] },
    timing: { start: T0, headers: T0 + 5, ...(ended ? { end: T0 + last + 10 } : {}) }, chunks,
    ...(ended ? { outcome: { state: "ok" as const } } : {}),
  };
}

const spansOf = (ex: Exchange): SpanRecord[] => deriveSpans(ex, { tabId: 1 }, T0 + 100_000);
const output = (s: SpanRecord) => JSON.parse(String(s.attributes["gen_ai.output.messages"] ?? "[]"));

describe("session body framing", () => {
  it("reads messages back however the body was cut into chunks, each at the time of the chunk its line begins in", () => {
    const lines = [
      wsMessageLine({ type: "send", opcode: 1, data: '{"a":"line\\nbreak"}' }),
      wsMessageLine({ type: "receive", opcode: 2, data: "bytes as text" }),
      wsMessageLine({ type: "receive", opcode: 1, data: "cut", truncated: true }),
    ];
    const text = lines.join("");
    for (let cut = 1; cut < text.length; cut += 7) {
      const chunks = [{ time: 1, text: text.slice(0, cut) }, { time: 2, text: text.slice(cut) }];
      const got = wsMessages(chunks);
      assert.deepEqual(got.map((m) => [m.type, m.opcode, m.data, m.truncated ?? false]), [
        ["send", 1, '{"a":"line\\nbreak"}', false], ["receive", 2, "bytes as text", false], ["receive", 1, "cut", true],
      ]);
      assert.equal(got[0]!.time, 1);
    }
  });

  it("skips a line a redaction mark broke, and a half line at the end", () => {
    const text = `${wsMessageLine({ type: "send", opcode: 1, data: "ok" })}s1 "broken [REDACTED:api-key]\nr1 "never ended`;
    assert.deepEqual(wsMessages([{ time: 1, text }]).map((m) => m.data), ["ok"]);
  });
});

describe("OpenAI Realtime session", () => {
  const url = "wss://api.openai.com/v1/realtime?model=gpt-realtime";
  const messages: Msg[] = [
    [10, "r", { type: "session.created", session: { model: "gpt-realtime-2025-08-28" } }],
    [12, "s", { type: "session.update", session: { instructions: "Be terse.", tools: [{ type: "function", name: "get_weather", parameters: { type: "object" } }] } }],
    [14, "s", { type: "conversation.item.create", item: { type: "message", role: "user", content: [{ type: "input_text", text: "Weather in Paris?" }] } }],
    [15, "s", { type: "response.create" }],
    [20, "r", { type: "response.created", response: { id: "resp_1" } }],
    [120, "r", { type: "response.function_call_arguments.delta", response_id: "resp_1", call_id: "call_1", delta: '{"city":' }],
    [125, "r", { type: "response.function_call_arguments.done", response_id: "resp_1", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }],
    [130, "r", { type: "response.done", response: { id: "resp_1", status: "completed", output: [{ type: "function_call", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }], usage: { input_tokens: 30, output_tokens: 8 } } }],
    [140, "s", { type: "conversation.item.create", item: { type: "function_call_output", call_id: "call_1", output: '{"sunny":true}' } }],
    [141, "s", { type: "response.create" }],
    [150, "r", { type: "response.created", response: { id: "resp_2" } }],
    [250, "r", { type: "response.output_audio_transcript.delta", response_id: "resp_2", delta: "It is " }],
    [260, "r", { type: "response.output_audio_transcript.delta", response_id: "resp_2", delta: "sunny." }],
    [270, "r", { type: "response.done", response: { id: "resp_2", status: "completed", output: [{ type: "message", content: [{ type: "output_audio", transcript: "It is sunny." }] }], usage: { input_tokens: 50, output_tokens: 4 } } }],
  ];

  it("is a trace of its own: the session, a span per response, an execute_tool span per call", () => {
    const spans = spansOf(session(url, messages));
    const [root, ...rest] = spans;
    assert.equal(root!.name, "OpenAI Realtime gpt-realtime-2025-08-28");
    assert.equal(root!.kind, "agent");
    assert.equal(root!.parentSpanId, undefined);
    assert.ok(spans.every((s) => s.traceId === root!.traceId && isAdopted(s)));
    assert.ok(rest.every((s) => s.parentSpanId === root!.spanId));
    assert.deepEqual(rest.map((s) => [s.kind, s.name]), [["llm", "chat gpt-realtime-2025-08-28"], ["tool", "execute_tool get_weather"], ["llm", "chat gpt-realtime-2025-08-28"]]);
    assert.deepEqual([root!.attributes["gen_ai.usage.input_tokens"], root!.attributes["gen_ai.usage.output_tokens"]], [80, 12]);
  });

  it("each response: start at response.create, time to its first delta, usage, output text or transcript, tool calls", () => {
    const [, first, tool, second] = spansOf(session(url, messages));
    assert.equal(first!.startTime, T0 + 15);
    assert.equal(first!.endTime, T0 + 130);
    assert.equal(first!.attributes["gen_ai.response.time_to_first_chunk"], 0.105);
    assert.deepEqual(output(first!)[0].parts, [{ type: "tool_call", id: "call_1", name: "get_weather", arguments: { city: "Paris" } }]);
    assert.equal(JSON.parse(String(first!.attributes["gen_ai.input.messages"]))[0].parts[0].content, "Weather in Paris?");
    assert.equal(first!.attributes["gen_ai.system_instructions"], JSON.stringify([{ type: "text", content: "Be terse." }]));
    // From when the call was complete (its arguments done) to when the page sent its result.
    assert.deepEqual([tool!.startTime, tool!.endTime, tool!.status], [T0 + 125, T0 + 140, "ok"]);
    assert.equal(tool!.attributes["gen_ai.tool.call.result"], '{"sunny":true}');
    assert.deepEqual(output(second!)[0].parts, [{ type: "text", content: "It is sunny." }]);
    assert.equal(second!.attributes["gen_ai.response.time_to_first_chunk"], 0.109);
    assert.deepEqual([second!.attributes["gen_ai.usage.input_tokens"], second!.attributes["gen_ai.usage.output_tokens"]], [50, 4]);
  });

  it("a session still open: the response in flight has no end, its text so far", () => {
    const open = session(url, messages.slice(0, 12), false);
    const spans = spansOf(open);
    const last = spans[spans.length - 1]!;
    assert.equal(last.endTime, undefined);
    assert.equal(last.status, "unset");
    assert.deepEqual(output(last)[0].parts, [{ type: "text", content: "It is " }]);
  });

  it("a failed response is an error span", () => {
    const spans = spansOf(session(url, [
      [1, "s", { type: "response.create" }], [2, "r", { type: "response.created", response: { id: "r" } }],
      [3, "r", { type: "response.done", response: { id: "r", status: "failed", status_details: { error: { code: "rate_limit_exceeded", message: "slow down" } } } }],
    ]));
    assert.equal(spans[1]!.status, "error");
    assert.equal(spans[1]!.attributes["error.type"], "rate_limit_exceeded");
  });
});

describe("Gemini Live session", () => {
  const url = "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=x";
  const messages: Msg[] = [
    [1, "s", { setup: { model: "models/gemini-live-2.5-flash", systemInstruction: { parts: [{ text: "Be terse." }] }, tools: [{ functionDeclarations: [{ name: "get_weather" }] }] } }],
    [5, "r", { setupComplete: {} }, 2],
    [10, "s", { clientContent: { turns: [{ role: "user", parts: [{ text: "Weather?" }] }], turnComplete: true } }],
    [200, "r", { toolCall: { functionCalls: [{ id: "fc1", name: "get_weather", args: { city: "Paris" } }] }, usageMetadata: { promptTokenCount: 20, responseTokenCount: 5 } }, 2],
    [220, "s", { toolResponse: { functionResponses: [{ id: "fc1", name: "get_weather", response: { sunny: true } }] } }],
    [300, "r", { serverContent: { modelTurn: { parts: [{ text: "It is " }] } } }, 2],
    [310, "r", { serverContent: { modelTurn: { parts: [{ text: "sunny." }] } } }, 2],
    [320, "r", { serverContent: { turnComplete: true }, usageMetadata: { promptTokenCount: 40, responseTokenCount: 4, thoughtsTokenCount: 2 } }, 2],
  ];

  it("turns into responses from the end of each turn, with tool calls, usage and text", () => {
    const [root, first, tool, second] = spansOf(session(url, messages));
    assert.equal(root!.name, "Gemini Live gemini-live-2.5-flash");
    assert.equal(root!.attributes["gen_ai.provider.name"], "gcp.gemini");
    assert.deepEqual([first!.startTime, first!.endTime], [T0 + 10, T0 + 200]);
    assert.equal(first!.attributes["gen_ai.response.time_to_first_chunk"], 0.19);
    assert.deepEqual(output(first!)[0].parts, [{ type: "tool_call", id: "fc1", name: "get_weather", arguments: { city: "Paris" } }]);
    assert.deepEqual([tool!.startTime, tool!.endTime], [T0 + 200, T0 + 220]);
    assert.equal(second!.startTime, T0 + 220);
    assert.deepEqual(output(second!)[0].parts, [{ type: "text", content: "It is sunny." }]);
    assert.deepEqual([second!.attributes["gen_ai.usage.input_tokens"], second!.attributes["gen_ai.usage.output_tokens"]], [40, 6]);
  });
});

describe("any other WebSocket", () => {
  it("is one session span with its message count; text that is not JSON is no trouble", () => {
    const spans = spansOf(session("wss://chat.example.com/socket", [[1, "s", "hello"], [2, "r", "{not json"], [3, "r", "", 2]]));
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.name, "WebSocket chat.example.com/socket");
    assert.equal(spans[0]!.attributes["llm_trace.websocket.messages"], 3);
  });

  it("hostile messages never crash the parsers", () => {
    const url = "wss://api.openai.com/v1/realtime";
    const junk: Msg[] = [[1, "r", { type: "response.done" }], [2, "r", { type: "response.output_text.delta", delta: 5 }], [3, "s", { type: "conversation.item.create", item: null }], [4, "r", "[]"], [5, "r", { type: 7 }]];
    assert.equal(spansOf(session(url, junk))[0]!.kind, "agent");
    const gem = "wss://x/BidiGenerateContent";
    assert.equal(spansOf(session(gem, [[1, "r", { serverContent: { modelTurn: { parts: "x" } } }], [2, "r", { toolCall: { functionCalls: [null] } }]]))[0]!.kind, "agent");
  });
});

describe("spoken output of a live response", () => {
  /** 16-bit PCM samples, as base64 of their own: chunk sizes that are not multiples of 3 pad each chunk. */
  const pcm = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
  const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64");
  const chunks = [pcm(4802, 1), pcm(4000, 2), pcm(1234, 3)];
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const joined = Buffer.concat(chunks.map((c) => Buffer.from(c)));

  it("OpenAI Realtime: keeps the audio's size and a part the panel finds again in the session, decoded chunk by chunk", async () => {
    const url = "wss://api.openai.com/v1/realtime?model=gpt-realtime";
    const messages: Msg[] = [
      [10, "r", { type: "session.created", session: { model: "gpt-realtime", audio: { output: { format: { type: "audio/pcm", rate: 24000 } } } } }],
      [15, "s", { type: "response.create" }],
      [20, "r", { type: "response.created", response: { id: "resp_a" } }],
      [90, "r", { type: "response.output_audio_transcript.delta", response_id: "resp_a", delta: "Hello." }],
      ...chunks.map((c, i): Msg => [100 + i, "r", { type: "response.output_audio.delta", response_id: "resp_a", delta: b64(c) }]),
      [200, "r", { type: "response.done", response: { id: "resp_a", status: "completed", output: [{ type: "message", content: [{ type: "output_audio", transcript: "Hello." }] }], usage: { input_tokens: 5, output_tokens: 9 } } }],
      // A second response with text only: its span has no audio.
      [300, "s", { type: "response.create" }],
      [301, "r", { type: "response.created", response: { id: "resp_b" } }],
      [350, "r", { type: "response.output_text.delta", response_id: "resp_b", delta: "ok" }],
      [360, "r", { type: "response.done", response: { id: "resp_b", status: "completed", output: [] } }],
    ];
    const ex = session(url, messages);
    const [, spoken, plain] = spansOf(ex);
    assert.equal(spoken!.attributes["llm_trace.audio.output_bytes"], total);
    assert.equal(spoken!.attributes["llm_trace.audio.output_seconds"], Math.round((total / 2 / 24000) * 1000) / 1000);
    // The first delta is the transcript's, at 90 ms after the request at 15.
    assert.equal(spoken!.attributes["gen_ai.response.time_to_first_chunk"], 0.075);
    const parts = output(spoken!)[0].parts as { type: string; modality?: string; mime_type?: string; content?: string }[];
    assert.deepEqual(parts.map((p) => p.type), ["text", "blob"]);
    const audio = parts[1]!;
    assert.equal(audio.modality, "audio");
    assert.equal(audio.mime_type, "audio/pcm;rate=24000");
    assert.match(audio.content!, /…\[\d+ chars\]$/);
    assert.equal(plain!.attributes["llm_trace.audio.output_bytes"], undefined);

    const { payloadOf, mediaOf, playable } = await import("../../../src/panel/detail-model/media");
    const view = mediaOf(audio);
    const found = payloadOf(view, ex, false);
    assert.ok(found.state === "found" && "bytes" in found, JSON.stringify(found));
    assert.deepEqual(Buffer.from(found.bytes), joined);
    const shown = playable(view, found.bytes);
    assert.equal(shown.as, "audio");
    assert.equal(shown.as === "audio" && shown.mime, "audio/wav");

    // The session cut at the cap before the last chunk: not found, and the panel says why.
    const cut = session(url, messages.slice(0, 6));
    cut.response!.body = { truncated: true };
    const missing = payloadOf(view, cut, false);
    assert.deepEqual(missing, { state: "missing", why: "cap" });
  });

  it("OpenAI Realtime beta: the session's output_audio_format names the format", () => {
    const messages: Msg[] = [
      [10, "r", { type: "session.created", session: { model: "gpt-4o-realtime-preview", output_audio_format: "g711_ulaw" } }],
      [20, "r", { type: "response.created", response: { id: "r1" } }],
      [30, "r", { type: "response.audio.delta", response_id: "r1", delta: b64(pcm(300, 4)) }],
      [40, "r", { type: "response.done", response: { id: "r1", status: "completed", output: [] } }],
    ];
    const [, r] = spansOf(session("wss://api.openai.com/v1/realtime?model=gpt-4o-realtime-preview", messages));
    assert.equal(r!.attributes["llm_trace.audio.output_bytes"], 300);
    assert.equal(r!.attributes["llm_trace.audio.output_seconds"], undefined, "μ-law is not 16-bit PCM");
    assert.equal(output(r!)[0].parts[0].mime_type, "audio/pcmu");
  });

  it("Gemini Live: inlineData audio of the model's turn, with its own media type", async () => {
    const url = "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=x";
    const messages: Msg[] = [
      [0, "s", { setup: { model: "models/gemini-live-2.5-flash-preview" } }],
      [5, "r", { setupComplete: {} }],
      [10, "s", { clientContent: { turns: [{ role: "user", parts: [{ text: "Say hi" }] }], turnComplete: true } }],
      ...chunks.map((c, i): Msg => [160 + i, "r", { serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: "audio/pcm;rate=24000", data: b64(c) } }] } } }]),
      [170, "r", { serverContent: { outputTranscription: { text: "Hi!" } } }],
      [180, "r", { serverContent: { turnComplete: true }, usageMetadata: { promptTokenCount: 4, responseTokenCount: 30 } }],
    ];
    const ex = session(url, messages);
    const [, r] = spansOf(ex);
    assert.equal(r!.attributes["llm_trace.audio.output_bytes"], total);
    assert.equal(r!.attributes["gen_ai.response.time_to_first_chunk"], 0.15);
    const parts = output(r!)[0].parts as { type: string; content?: string }[];
    assert.deepEqual(parts.map((p) => [p.type, p.type === "text" ? p.content : ""]), [["text", "Hi!"], ["blob", ""]]);
    const { payloadOf, mediaOf } = await import("../../../src/panel/detail-model/media");
    const found = payloadOf(mediaOf(parts[1]!), ex, false);
    assert.ok(found.state === "found" && "bytes" in found);
    assert.deepEqual(Buffer.from(found.bytes), joined);
  });
});
