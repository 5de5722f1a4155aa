/**
 * A model's live session over a WebSocket (OpenAI Realtime, Gemini Live): what the provider
 * parsers (live-openai.ts, live-gemini.ts) read from the session's messages, and the spans it
 * comes to (docs/DESIGN.md, "Other transports"). The session is a trace of its own: its span
 * the root, each model response a span under it (model, usage, output text or transcript, time
 * to first delta from the request or the end of the user's turn), each tool call the model made
 * an execute_tool span beside the response that asked for it, ending when the page sent the
 * result back.
 */
import type { Attributes, SpanRecord, WsMessage } from "../contract";
import { TRACE_CONTEXT, hashSpanId, traceIdFor } from "../assembly";
import type { Usage } from "./draft";
import { normalizeFinishReason } from "./draft";
import { costOf, type PriceTable } from "./cost";
import { base64Bytes, pcmSeconds, shortPayload, type Message, type Part, type ToolDefinition } from "./messages";

export interface LiveToolCall {
  id?: string | undefined;
  name: string;
  arguments?: unknown;
  /** When the model's call was complete. */
  time: number;
  /** When the page sent the result back, and the result. */
  resultTime?: number;
  result?: unknown;
}

/**
 * A response's spoken output: the base64 chunks the server sent, in order, and their format.
 * Each chunk is base64 of its own (padded on its own), so the audio is the chunks decoded one
 * by one and joined, never their text joined.
 */
export interface LiveAudio {
  mime: string;
  chunks: string[];
}

export interface LiveResponse {
  id?: string | undefined;
  /** response.create sent, or the user's turn ended (else the response began on the server's own). */
  start: number;
  firstDelta?: number;
  end?: number;
  model?: string | undefined;
  input: Message[];
  output: Part[];
  finishReason?: string | undefined;
  usage?: Usage | undefined;
  toolCalls: LiveToolCall[];
  error?: { type: string; message?: string | undefined };
  audio?: LiveAudio;
}

/** Add a chunk of spoken output to `r`. */
export function addAudio(r: LiveResponse, mime: string, chunk: string): void {
  if (chunk === "") return;
  if (!r.audio) r.audio = { mime, chunks: [] };
  r.audio.chunks.push(chunk);
}

/** What the audio decodes to, in bytes (each chunk padded on its own). */
export function audioBytes(audio: LiveAudio): number {
  let n = 0;
  for (const c of audio.chunks) n += base64Bytes(c.length, c.slice(-2));
  return n;
}

/** The audio's base64 characters, all chunks, and its first characters (those a span keeps). */
export function audioText(audio: LiveAudio): { head: string; length: number } {
  let head = "";
  let length = 0;
  for (const c of audio.chunks) {
    if (head.length < 256) head += c.slice(0, 256 - head.length);
    length += c.length;
  }
  return { head, length };
}

/**
 * The spoken output as a message part: a blob whose content is shortened as other inline media
 * are, so the panel finds the response's chunks again in the session's messages (findLiveAudio).
 */
function audioPart(audio: LiveAudio): Part {
  const { head, length } = audioText(audio);
  return { type: "blob", modality: "audio", mime_type: audio.mime, content: shortPayload(head, length) };
}


export interface LiveSession {
  provider: string;
  /** The API's name, for the session span (OpenAI Realtime, Gemini Live). */
  api: string;
  model?: string | undefined;
  instructions?: string | undefined;
  tools: ToolDefinition[];
  responses: LiveResponse[];
}

/** Spans of the session's trace, the session's own first (`base`: derived like any exchange's). */
export function liveSessionSpans(base: SpanRecord, messages: readonly WsMessage[], session: LiveSession, prices?: PriceTable): SpanRecord[] {
  const traceId = traceIdFor(base.spanId);
  const model = session.model;
  const totals: Usage = {};
  for (const r of session.responses) {
    if (r.usage?.input !== undefined) totals.input = (totals.input ?? 0) + r.usage.input;
    if (r.usage?.output !== undefined) totals.output = (totals.output ?? 0) + r.usage.output;
  }
  const root: SpanRecord = {
    ...base,
    traceId,
    name: `${session.api}${model ? ` ${model}` : ""}`,
    kind: "agent",
    attributes: {
      ...base.attributes,
      [TRACE_CONTEXT]: "session",
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": session.api,
      "gen_ai.provider.name": session.provider,
      ...(model ? { "gen_ai.request.model": model } : {}),
      "llm_trace.websocket.messages": messages.length,
      "llm_trace.live.responses": session.responses.length,
      ...(totals.input !== undefined ? { "gen_ai.usage.input_tokens": totals.input } : {}),
      ...(totals.output !== undefined ? { "gen_ai.usage.output_tokens": totals.output } : {}),
    },
  };
  delete root.parentSpanId;
  const out: SpanRecord[] = [root];
  session.responses.forEach((r, i) => {
    const spanId = hashSpanId(`live:${base.spanId}:${i}`);
    const a: Attributes = {
      [TRACE_CONTEXT]: "session",
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": session.provider,
      "gen_ai.request.stream": true,
      "llm_trace.live.session": base.spanId,
    };
    const m = r.model ?? model;
    if (m) {
      a["gen_ai.request.model"] = model ?? m;
      a["gen_ai.response.model"] = m;
    }
    if (r.id) a["gen_ai.response.id"] = r.id;
    if (session.instructions) a["gen_ai.system_instructions"] = JSON.stringify([{ type: "text", content: session.instructions }]);
    if (session.tools.length) a["gen_ai.tool.definitions"] = JSON.stringify(session.tools);
    if (r.input.length) a["gen_ai.input.messages"] = JSON.stringify(r.input);
    if (r.audio) {
      const bytes = audioBytes(r.audio);
      a["llm_trace.audio.output_bytes"] = bytes;
      const seconds = pcmSeconds(r.audio.mime, bytes);
      if (seconds !== undefined) a["llm_trace.audio.output_seconds"] = Math.round(seconds * 1000) / 1000;
    }
    const parts = [...r.output, ...(r.audio ? [audioPart(r.audio)] : []), ...r.toolCalls.map((c) => ({ type: "tool_call", ...(c.id ? { id: c.id } : {}), name: c.name, ...(c.arguments !== undefined ? { arguments: c.arguments } : {}) }))];
    const reason = r.finishReason ?? (r.toolCalls.length ? "tool_call" : r.end !== undefined ? "stop" : undefined);
    if (reason) a["gen_ai.response.finish_reasons"] = [reason];
    if (parts.length) a["gen_ai.output.messages"] = JSON.stringify([{ role: "assistant", parts, ...(reason ? { finish_reason: normalizeFinishReason(reason) } : {}) }]);
    if (r.usage?.input !== undefined) a["gen_ai.usage.input_tokens"] = r.usage.input;
    if (r.usage?.output !== undefined) a["gen_ai.usage.output_tokens"] = r.usage.output;
    if (r.usage?.cacheRead !== undefined) a["gen_ai.usage.cache_read.input_tokens"] = r.usage.cacheRead;
    if (r.firstDelta !== undefined) a["gen_ai.response.time_to_first_chunk"] = Math.max(0, r.firstDelta - r.start) / 1000;
    if (r.error) {
      a["error.type"] = r.error.type;
      if (r.error.message) a["llm_trace.error.message"] = r.error.message;
    }
    const cost = costOf(a, prices);
    if (cost) a["llm_trace.cost.usd"] = Number(cost.usd.toFixed(8));
    const ended = r.end ?? (base.endTime !== undefined ? base.endTime : undefined);
    out.push({
      traceId, spanId, parentSpanId: base.spanId, name: `chat${m ? ` ${m}` : ""}`, kind: "llm",
      startTime: r.start, ...(ended !== undefined ? { endTime: Math.max(r.start, ended) } : {}),
      status: r.error ? "error" : r.end !== undefined ? "ok" : base.endTime !== undefined ? "error" : "unset",
      attributes: a, tabId: base.tabId, ...(base.frameId !== undefined ? { frameId: base.frameId } : {}), updatedAt: base.updatedAt,
    });
    r.toolCalls.forEach((c, j) => {
      const ta: Attributes = {
        [TRACE_CONTEXT]: "session",
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": c.name,
        "gen_ai.tool.type": "function",
        "llm_trace.live.session": base.spanId,
      };
      if (c.id) ta["gen_ai.tool.call.id"] = c.id;
      if (c.arguments !== undefined) ta["gen_ai.tool.call.arguments"] = typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments);
      if (c.result !== undefined) ta["gen_ai.tool.call.result"] = typeof c.result === "string" ? c.result : JSON.stringify(c.result);
      const end = c.resultTime ?? base.endTime;
      out.push({
        traceId, spanId: hashSpanId(`live:${base.spanId}:${i}:tool:${j}`), parentSpanId: base.spanId, name: `execute_tool ${c.name}`, kind: "tool",
        startTime: c.time, ...(end !== undefined ? { endTime: Math.max(c.time, end) } : {}),
        status: c.resultTime !== undefined ? "ok" : base.endTime !== undefined ? "error" : "unset",
        attributes: ta, tabId: base.tabId, ...(base.frameId !== undefined ? { frameId: base.frameId } : {}), updatedAt: base.updatedAt,
      });
    });
  });
  return out;
}

/** The JSON object a message carries, or undefined. */
export function messageJson(m: WsMessage): Record<string, unknown> | undefined {
  if (m.data === "" || (m.data[0] !== "{" && m.data[0] !== " " && m.data[0] !== "\n")) return undefined;
  try {
    const v: unknown = JSON.parse(m.data);
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
