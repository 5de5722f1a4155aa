/**
 * AG-UI (Agent-User Interaction Protocol, docs "Concepts › Events" and the JS SDK's @ag-ui/core
 * event types): the client POSTs a RunAgentInput {threadId, runId, messages, tools, state,
 * context, forwardedProps} and the agent answers with an SSE stream of typed events:
 * RUN_STARTED, RUN_FINISHED, RUN_ERROR, STEP_STARTED/FINISHED, TEXT_MESSAGE_START/CONTENT/END
 * and _CHUNK, TOOL_CALL_START/ARGS/END/RESULT and _CHUNK, THINKING_* / REASONING_* text,
 * STATE_SNAPSHOT, STATE_DELTA, MESSAGES_SNAPSHOT, ACTIVITY_*, RAW, CUSTOM.
 *
 * The run is an invoke_agent span (kind agent): the thread is the conversation
 * (gen_ai.conversation.id), the agent's messages and tool calls are its output messages (tool
 * results as tool messages), state and steps are span events. RUN_FINISHED and RUN_ERROR are
 * the stream's terminal events; event types this parser does not know are kept
 * (unknown-events.ts).
 */
import { handleHttpError } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { eventJson, streamEvents } from "./frames";
import { arr, cappedJson, isObj, name, obj, str } from "./json";
import type { Obj } from "./json";
import { OutputAssembler, mediaFromData, mediaFromUrl, text, toolCall, toolResponse } from "./messages";
import type { Message, Part, ToolDefinition } from "./messages";
import { UnknownEvents } from "./unknown-events";

/** The request is an AG-UI RunAgentInput. */
export function isAgUiRequest(req: Obj | undefined): boolean {
  return req !== undefined && typeof req.threadId === "string" && typeof req.runId === "string" && Array.isArray(req.messages);
}

/** Events whose type marks an AG-UI stream (the first event of a run is RUN_STARTED). */
export function isAgUiEventType(type: string | undefined): boolean {
  return type === "RUN_STARTED" || type === "RUN_FINISHED" || type === "RUN_ERROR";
}

/** State, steps and other happenings kept as span events (capped). */
const NOTED: Record<string, string> = {
  STEP_STARTED: "agui.step_started",
  STEP_FINISHED: "agui.step_finished",
  STATE_SNAPSHOT: "agui.state_snapshot",
  STATE_DELTA: "agui.state_delta",
  MESSAGES_SNAPSHOT: "agui.messages_snapshot",
  ACTIVITY_SNAPSHOT: "agui.activity_snapshot",
  ACTIVITY_DELTA: "agui.activity_delta",
  RAW: "agui.raw",
  CUSTOM: "agui.custom",
};

/** Boundaries that carry nothing the span keeps beyond what their neighbours say. */
const SILENT = new Set([
  "TEXT_MESSAGE_END",
  "TOOL_CALL_END",
  "THINKING_START",
  "THINKING_END",
  "THINKING_TEXT_MESSAGE_START",
  "THINKING_TEXT_MESSAGE_END",
  "REASONING_START",
  "REASONING_END",
  "REASONING_MESSAGE_START",
  "REASONING_MESSAGE_END",
  "REASONING_ENCRYPTED_VALUE",
]);

const REASONING_DELTAS = new Set(["THINKING_TEXT_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT", "REASONING_MESSAGE_CHUNK"]);

const MAX_NOTED = 200;
const MAX_DATA = 2000;


export function parseAgUi(ctx: Ctx, b: DraftBuilder): void {
  b.kind = "agent";
  b.operation = "invoke_agent";
  const req = ctx.req;
  if (req) {
    b.set("gen_ai.conversation.id", name(req.threadId));
    b.set("llm_trace.agui.run_id", name(req.runId));
    b.setJson("gen_ai.input.messages", inputMessages(req.messages));
    b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools));
  }
  if (handleHttpError(ctx, b)) return;
  if (ctx.chunks.length === 0) return;
  if (!isEventStream(ctx)) {
    b.problem(`AG-UI run answered with ${ctx.mime || "no content type"}, not an event stream`);
    b.unparsed = true;
    return;
  }
  readStream(ctx, b);
}

/** AG-UI messages: {id, role, content (text or input parts), toolCalls, toolCallId}. */
function inputMessages(messages: unknown): Message[] {
  const out: Message[] = [];
  for (const raw of arr(messages)) {
    const m = obj(raw);
    if (!m) continue;
    const role = str(m.role) ?? "user";
    if (role === "tool") {
      out.push({ role, parts: [toolResponse(name(m.toolCallId), m.content ?? m.error)] });
      continue;
    }
    const parts = contentParts(m.content);
    for (const tc of arr(m.toolCalls)) {
      const call = obj(tc);
      const fn = obj(call?.function);
      if (call) parts.push(toolCall(name(call.id), str(fn?.name), fn?.arguments));
    }
    out.push({ role: role === "developer" ? "system" : role, parts });
  }
  return out;
}

function contentParts(content: unknown): Part[] {
  if (typeof content === "string") return content === "" ? [] : [text(content)];
  const parts: Part[] = [];
  for (const raw of arr(content)) {
    const p = obj(raw);
    if (!p) continue;
    if (p.type === "text") parts.push(text(str(p.text) ?? ""));
    else if (p.type === "binary") {
      const mime = str(p.mimeType);
      if (name(p.url)) parts.push(mediaFromUrl(str(p.url)!, mime));
      else if (name(p.data)) parts.push(mediaFromData(str(p.data)!, mime));
      else if (name(p.id)) parts.push({ type: "file", modality: "document", file_id: str(p.id)! });
    } else if (typeof p.type === "string") parts.push({ type: p.type });
  }
  return parts;
}

function toolDefinitions(tools: unknown): ToolDefinition[] {
  return arr(tools).filter(isObj).map((t) => {
    const def: ToolDefinition = { type: "function" };
    if (name(t.name)) def.name = str(t.name)!;
    if (name(t.description)) def.description = str(t.description)!;
    if (t.parameters !== undefined) def.parameters = t.parameters;
    return def;
  });
}

function readStream(ctx: Ctx, b: DraftBuilder): void {
  b.streamed = true;
  const events = streamEvents(ctx);
  const out = new OutputAssembler();
  const unknown = new UnknownEvents();
  // Where a tool call's parts go: its parent message, else a message of its own.
  const toolHome = new Map<string, string>();
  let lastMessage = "";
  let firstContent: number | undefined;
  let bad = 0;
  let noted = 0;
  for (const ev of events) {
    const parsed = eventJson(ev);
    const e = parsed.ok ? obj(parsed.value) : undefined;
    if (!e) {
      bad++;
      continue;
    }
    const type = str(e.type) ?? ev.event ?? "";
    const messageId = str(e.messageId) ?? lastMessage;
    const toolId = str(e.toolCallId) ?? "";
    const delta = str(e.delta) ?? "";
    let content = false;
    switch (type) {
      case "RUN_STARTED":
        b.set("gen_ai.conversation.id", name(e.threadId));
        b.set("llm_trace.agui.run_id", name(e.runId));
        break;
      case "RUN_FINISHED":
        b.endOfStream(ev.time);
        if (e.result !== undefined) b.set("llm_trace.agui.result", cappedJson(e.result, MAX_DATA));
        break;
      case "RUN_ERROR":
        b.fail({ type: name(e.code) ?? "RUN_ERROR", message: str(e.message) }, ev.time);
        b.endOfStream(ev.time);
        break;
      case "TEXT_MESSAGE_START":
        lastMessage = messageId;
        out.text(messageId, "");
        break;
      case "TEXT_MESSAGE_CONTENT":
      case "TEXT_MESSAGE_CHUNK":
        lastMessage = messageId;
        out.text(messageId, delta);
        content = delta !== "";
        break;
      case "TOOL_CALL_START":
      case "TOOL_CALL_CHUNK": {
        const home = toolHome.get(toolId) ?? name(e.parentMessageId) ?? `tool:${toolId}`;
        toolHome.set(toolId, home);
        out.tool(home, toolId, toolId || undefined, name(e.toolCallName));
        if (delta !== "") out.toolArgs(home, toolId, delta);
        content = true;
        break;
      }
      case "TOOL_CALL_ARGS": {
        const home = toolHome.get(toolId) ?? `tool:${toolId}`;
        toolHome.set(toolId, home);
        out.toolArgs(home, toolId, delta);
        content = delta !== "";
        break;
      }
      case "TOOL_CALL_RESULT":
        out.part(`result:${toolId}`, toolResponse(toolId || undefined, e.content), "tool");
        break;
      default:
        if (REASONING_DELTAS.has(type)) {
          out.reasoning(messageId || "reasoning", delta);
          content = delta !== "";
        } else if (NOTED[type] !== undefined) {
          if (++noted <= MAX_NOTED) {
            const { type: _t, ...rest } = e;
            b.events.push({ name: NOTED[type]!, time: ev.time, attributes: { "agui.event": cappedJson(rest, MAX_DATA) } });
          }
        } else if (!SILENT.has(type)) unknown.add(b, ev.time, type, ev.data);
    }
    if (content && firstContent === undefined) firstContent = ev.time;
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (noted > MAX_NOTED) b.set("llm_trace.stream.events_dropped", noted - MAX_NOTED);
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
  unknown.report(b);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  b.setJson("gen_ai.output.messages", out.build());
}
