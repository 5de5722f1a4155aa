/**
 * What the transports specs require of the stored spans, in both browsers: every response the
 * official live clients saw (test/e2e/pages/live/page.ts) is a model span of its session's
 * trace with the same text, usage and tool calls, and a time to first delta of at least the
 * mock's wait; each tool call an execute_tool span; the plain socket a session with its
 * messages; the EventSource streams spans parsed like an SSE fetch, named events included.
 */
import { expect } from "@playwright/test";
import { responseText, type SpanRecord } from "../../../src/core/contract";
import { assembleExchange } from "../../../src/core/capture";
import { parseSse } from "../../../src/core/providers";
import type { LiveResult } from "../pages/live/page";
import type { StoredData } from "./idb-dump";
import { EVENT_SOURCE_MODEL, FIRST_DELTA_MS, REALTIME_MODEL, UNHEARD_EVENT } from "./live-mock";

const waitFor = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, show: (v: T) => unknown): Promise<T> => {
  for (let i = 0; ; i++) {
    const v = await read();
    if (ok(v)) return v;
    if (i > 150) throw new Error(`timed out waiting for ${what}; stored: ${JSON.stringify(show(v), null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

function outputText(span: SpanRecord): string {
  const messages = JSON.parse(String(span.attributes["gen_ai.output.messages"] ?? "[]")) as { parts: { type: string; content?: string }[] }[];
  return messages.flatMap((m) => m.parts).filter((p) => p.type === "text").map((p) => p.content ?? "").join("");
}

function toolCallsOf(span: SpanRecord): { id?: string; name: string; arguments: unknown }[] {
  const messages = JSON.parse(String(span.attributes["gen_ai.output.messages"] ?? "[]")) as { parts: { type: string; id?: string; name?: string; arguments?: unknown }[] }[];
  return messages.flatMap((m) => m.parts).filter((p) => p.type === "tool_call").map((p) => ({ id: p.id, name: p.name ?? "", arguments: p.arguments }));
}

/** The session spans, once every session has ended and been derived. */
export async function liveSpans(read: () => Promise<StoredData>, result: LiveResult): Promise<StoredData> {
  const expected = result.sessions.reduce((n, s) => n + s.responses.length, 0);
  return waitFor(read, (d) => {
    const models = d.spans.filter((s) => s.kind === "llm" && s.attributes["llm_trace.live.session"] !== undefined && s.endTime !== undefined);
    const ended = d.exchanges.filter((e) => e.transport === "websocket" && e.outcome !== undefined).length;
    const streams = d.exchanges.filter((e) => e.transport === "eventsource" && e.outcome !== undefined).length;
    return models.length >= expected && ended >= 3 && streams >= 2;
  }, "the live sessions' spans", (d) => ({
    exchanges: d.exchanges.map((e) => ({ transport: e.transport, url: e.request.url, outcome: e.outcome, chunks: e.chunkCount })),
    spans: d.spans.map((s) => ({ name: s.name, kind: s.kind, end: s.endTime !== undefined })),
  }));
}

export function checkLiveSpans(data: StoredData, result: LiveResult): void {
  const roots = data.spans.filter((s) => s.kind === "agent" && s.attributes["llm_trace.live.responses"] !== undefined);
  expect(roots.map((r) => r.name).sort()).toEqual([`Gemini Live ${result.sessions[1]!.model}`, `OpenAI Realtime ${REALTIME_MODEL}`]);
  for (const seen of result.sessions) {
    const root = roots.find((r) => r.name.startsWith(seen.api === "openai-realtime" ? "OpenAI Realtime" : "Gemini Live"))!;
    expect(root.parentSpanId, "a session is a trace of its own").toBeUndefined();
    expect(root.status).toBe("ok");
    const children = data.spans.filter((s) => s.traceId === root.traceId && s.spanId !== root.spanId);
    for (const c of children) expect(c.parentSpanId).toBe(root.spanId);
    const models = children.filter((s) => s.kind === "llm").sort((a, b) => a.startTime - b.startTime);
    expect(models.map((m) => ({
      text: outputText(m),
      inputTokens: m.attributes["gen_ai.usage.input_tokens"],
      outputTokens: m.attributes["gen_ai.usage.output_tokens"],
      toolCalls: toolCallsOf(m),
      audioBytes: m.attributes["llm_trace.audio.output_bytes"],
    })), `${seen.api}: each response as the client saw it`).toEqual(seen.responses.map((r) => ({ ...r })));
    expect(seen.responses.filter((r) => r.audioBytes !== undefined), `${seen.api}: one spoken answer`).toHaveLength(1);
    for (const m of models) {
      expect(m.attributes["gen_ai.response.model"]).toBe(seen.model);
      expect(m.status).toBe("ok");
      // The mock waits FIRST_DELTA_MS before the first delta of every response.
      expect(Number(m.attributes["gen_ai.response.time_to_first_chunk"])).toBeGreaterThanOrEqual(FIRST_DELTA_MS / 1000 - 0.005);
      expect(Number(m.attributes["gen_ai.response.time_to_first_chunk"])).toBeLessThanOrEqual((m.endTime! - m.startTime) / 1000);
    }
    const tools = children.filter((s) => s.kind === "tool");
    const calls = seen.responses.flatMap((r) => r.toolCalls);
    expect(tools.map((t) => ({ name: t.attributes["gen_ai.tool.name"], id: t.attributes["gen_ai.tool.call.id"], arguments: JSON.parse(String(t.attributes["gen_ai.tool.call.arguments"])) })))
      .toEqual(calls.map((c) => ({ name: c.name, id: c.id, arguments: c.arguments })));
    for (const t of tools) {
      expect(t.status, "the page sent the tool's result back").toBe("ok");
      expect(JSON.parse(String(t.attributes["gen_ai.tool.call.result"]))).toEqual({ city: "Paris", forecast: "sunny", celsius: 21 });
    }
  }

  // The plain socket: a session with its messages, both ways.
  const echo = data.spans.find((s) => s.name.startsWith("WebSocket ") && s.name.endsWith("/live/echo"));
  expect(echo, "the plain WebSocket's session span").toBeDefined();
  expect(echo!.attributes["llm_trace.websocket.messages"]).toBe(result.echo.sent.length + result.echo.received.length + 2);

  // The EventSource: parsed like an SSE fetch.
  const es = data.spans.find((s) => s.kind === "llm" && data.exchanges.some((e) => e.id === s.exchangeId && e.transport === "eventsource" && e.request.url === result.eventSource.url));
  expect(es, "the EventSource stream's model span").toBeDefined();
  expect(outputText(es!)).toBe(result.eventSource.text);
  expect(es!.attributes["gen_ai.response.model"]).toBe(EVENT_SOURCE_MODEL);

  // The EventSource of named events: its body is the events the page's listeners got, named
  // ones and plain messages in the order they came; the span reads the deltas' text.
  const named = data.exchanges.find((e) => e.transport === "eventsource" && e.request.url === result.namedEvents.url);
  expect(named, "the named-events EventSource's exchange").toBeDefined();
  const body = responseText(assembleExchange(named!, data.chunks.filter((c) => c.exchangeId === named!.id).sort((a, b) => a.seq - b.seq)));
  const recorded = parseSse([{ time: 0, text: body }]).map((ev) => ({ type: ev.event ?? "message", data: ev.data, lastEventId: ev.id ?? "" }));
  expect(recorded).toEqual(result.namedEvents.events);
  const types = recorded.map((r) => r.type);
  expect(types.filter((t) => t === "delta").length).toBeGreaterThan(3);
  expect(types).toContain("message");
  expect(types).toContain("tool");
  expect(types[types.length - 1]).toBe("done");
  expect(body).not.toContain(UNHEARD_EVENT);
  const namedSpan = data.spans.find((s) => s.exchangeId === named!.id);
  expect(namedSpan?.kind).toBe("llm");
  expect(outputText(namedSpan!)).toBe(result.namedEvents.text);
  expect(namedSpan!.attributes["gen_ai.response.model"]).toBe(EVENT_SOURCE_MODEL);
  expect(namedSpan!.attributes["gen_ai.usage.output_tokens"]).toBeGreaterThan(0);
}
