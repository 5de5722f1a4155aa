/** WebSocket sessions in HAR files: written as Chrome writes them, read back from ours and from Chrome's. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wsMessageLine, wsMessages, type Exchange } from "../../../src/core/contract";
import { harText, importTraceFile, toHar } from "../../../src/core/files";
import { deriveSpans } from "../../../src/core/providers";
import { chromeImporterProblems } from "../files/chrome-importer";
import { META } from "../../fixtures/files/session";

const T0 = 1_700_000_000_000;
const line = (type: "send" | "receive", data: unknown, truncated = false) =>
  wsMessageLine({ type, opcode: 1, data: JSON.stringify(data), ...(truncated ? { truncated: true as const } : {}) });

const realtime: Exchange = {
  id: "00000000000000b2", transport: "websocket", pageUrl: "https://app.example/voice",
  request: { method: "GET", url: "wss://api.openai.com/v1/realtime?model=gpt-realtime", headers: [] },
  response: { status: 101, statusText: "Switching Protocols", headers: [] },
  timing: { start: T0, headers: T0 + 4, end: T0 + 500 }, outcome: { state: "ok" },
  chunks: [
    { time: T0 + 5, text: line("receive", { type: "session.created", session: { model: "gpt-realtime" } }) },
    { time: T0 + 10, text: line("send", { type: "response.create" }) },
    { time: T0 + 20, text: line("receive", { type: "response.created", response: { id: "r1" } }) },
    { time: T0 + 90, text: line("receive", { type: "response.output_text.delta", response_id: "r1", delta: "Hi" }, true) },
    { time: T0 + 99, text: line("receive", { type: "response.done", response: { id: "r1", status: "completed", usage: { input_tokens: 3, output_tokens: 1 } } }) },
  ],
};

describe("WebSocket sessions in HAR files", () => {
  it("are written as Chrome writes them: _resourceType websocket, _webSocketMessages with times in seconds, spans beside", () => {
    const spans = deriveSpans(realtime, { tabId: 1 }, T0 + 1000);
    const har = JSON.parse(harText(toHar({ exchanges: [realtime], spans }, META)));
    assert.deepEqual(chromeImporterProblems(har), []);
    const entry = har.log.entries[0];
    assert.equal(entry._resourceType, "websocket");
    assert.equal(entry.response.status, 101);
    assert.equal(entry.response.content.text, undefined);
    assert.equal(entry._chunkTimes, undefined);
    assert.deepEqual(entry._webSocketMessages.map((m: { type: string; time: number; opcode: number }) => [m.type, m.time, m.opcode]), [
      ["receive", (T0 + 5) / 1000, 1], ["send", (T0 + 10) / 1000, 1], ["receive", (T0 + 20) / 1000, 1], ["receive", (T0 + 90) / 1000, 1], ["receive", (T0 + 99) / 1000, 1],
    ]);
    assert.equal(entry._webSocketMessages[3]._truncated, true);
    assert.equal(entry._span.spanId, realtime.id);
    assert.deepEqual(har.log._spans.map((s: { kind: string }) => s.kind), ["llm"]);
  });

  it("import back to the same messages and spans, and export again to the same bytes", () => {
    const spans = deriveSpans(realtime, { tabId: 1 }, T0 + 1000);
    const text = harText(toHar({ exchanges: [realtime], spans }, META));
    const back = importTraceFile(text, { now: 1 });
    assert.ok(back.ok);
    const ex = back.session.exchanges[0]!;
    assert.equal(ex.transport, "websocket");
    assert.deepEqual(wsMessages(ex.chunks), wsMessages(realtime.chunks));
    assert.deepEqual(back.session.spans.map((s) => s.spanId).sort(), spans.map((s) => s.spanId).sort());
    assert.equal(harText(toHar(back.session, META)), text);
  });

  it("a Chrome HAR's WebSocket entry imports as a session, and a realtime one as its trace", () => {
    const entry = {
      startedDateTime: new Date(T0).toISOString(), time: 0, _resourceType: "websocket",
      request: { method: "GET", url: "wss://api.openai.com/v1/realtime?model=gpt-realtime", httpVersion: "HTTP/1.1", headers: [], queryString: [], cookies: [], headersSize: -1, bodySize: 0 },
      response: { status: 101, statusText: "Switching Protocols", httpVersion: "HTTP/1.1", headers: [], cookies: [], content: { size: 0, mimeType: "x-unknown" }, redirectURL: "", headersSize: -1, bodySize: 0, _transferSize: 0 },
      cache: {}, timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
      _webSocketMessages: [
        { type: "send", time: (T0 + 10) / 1000, opcode: 1, data: JSON.stringify({ type: "response.create" }) },
        { type: "receive", time: (T0 + 20) / 1000, opcode: 1, data: JSON.stringify({ type: "response.created", response: { id: "r1" } }) },
        { type: "receive", time: (T0 + 50) / 1000, opcode: 1, data: JSON.stringify({ type: "response.output_text.delta", response_id: "r1", delta: "Hello" }) },
        { type: "receive", time: (T0 + 60) / 1000, opcode: 1, data: JSON.stringify({ type: "response.done", response: { id: "r1", status: "completed" } }) },
      ] as unknown[],
    };
    const chrome = { log: { version: "1.2", creator: { name: "WebInspector", version: "537.36" }, pages: [], entries: [entry] } };
    assert.deepEqual(chromeImporterProblems(chrome), []);
    // A hand-edited message our importer leaves out, without failing the file.
    entry._webSocketMessages.push({ type: "receive", time: "not a time", opcode: 9, data: "a ping Chrome does not list" });
    const r = importTraceFile(JSON.stringify(chrome), { now: 1 });
    assert.ok(r.ok);
    assert.equal(r.session.exchanges[0]!.transport, "websocket");
    assert.equal(wsMessages(r.session.exchanges[0]!.chunks).length, 4);
    const llm = r.session.spans.find((s) => s.kind === "llm")!;
    assert.equal(JSON.parse(String(llm.attributes["gen_ai.output.messages"]))[0].parts[0].content, "Hello");
    assert.equal(llm.attributes["gen_ai.response.time_to_first_chunk"], 0.04);
  });
});
