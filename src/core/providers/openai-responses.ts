/**
 * OpenAI Responses API (/v1/responses): typed SSE events (response.output_text.delta,
 * response.function_call_arguments.delta, response.reasoning_summary_text.delta,
 * response.output_item.added/done, response.output_text.annotation.added,
 * response.completed/failed/incomplete, error) and the whole response object. Output items are
 * rebuilt from deltas while streaming; the final response object, when it arrives, is
 * authoritative. Built-in tools the server runs (web_search_call, file_search_call, mcp_call,
 * mcp_list_tools, image_generation_call, code_interpreter_call) are a tool call answered in the
 * same output; event types this parser does not know are kept (unknown-events.ts).
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import { eventJson, streamEvents } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder } from "./draft";
import { arr, bool, isObj, name, num, obj, parseArguments, str } from "./json";
import type { Obj } from "./json";
import { mediaFromData, reasoning, text, toolCall, toolResponse, outputMessage } from "./messages";
import type { Message, Part } from "./messages";
import { UnknownEvents } from "./unknown-events";
import { contentParts, openAIUsage, setOpenAIRequestParams, toolDefinitions } from "./openai-common";

/** `deployment`: Azure's deployment name from the path, the model when the body names none. */
export function parseOpenAIResponses(ctx: Ctx, b: DraftBuilder, deployment?: string): void {
  b.kind = "llm";
  b.operation = "chat";
  const req = ctx.req;
  setOpenAIRequestParams(req, b);
  if (!("gen_ai.request.model" in b.attributes)) b.set("gen_ai.request.model", deployment);
  if (req) {
    if (name(req.instructions)) b.setJson("gen_ai.system_instructions", [text(str(req.instructions)!)]);
    b.setJson("gen_ai.input.messages", inputMessages(req.input));
    b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools));
    // The conversation the call names (Conversations API), or the response it follows (docs/DESIGN.md, "Conversations").
    b.set("gen_ai.conversation.id", conversationId(req.conversation));
    b.set("llm_trace.previous_response_id", name(req.previous_response_id));
  }
  const streamed = ctx.chunks.length > 0 && isEventStream(ctx);
  b.set("gen_ai.request.stream", bool(req?.stream) ?? (streamed || undefined));
  if (handleHttpError(ctx, b)) return;
  if (streamed) parseStream(ctx, b);
  else if (ctx.chunks.length > 0 || ctx.complete) {
    const body = readJsonBody(ctx, b);
    if (body === undefined) return;
    const err = errorFromBody(body, "error");
    if (err) b.fail(err);
    else if (isObj(body)) applyResponse(b, body, body.output);
    else b.problem("response is not a response object");
  }
}

/** `conversation`: an id, or {id}. */
function conversationId(value: unknown): string | undefined {
  return name(value) ?? name(obj(value)?.id);
}

/** `input`: a string, or items (messages, function_call, function_call_output, reasoning, ...). */
function inputMessages(input: unknown): Message[] {
  if (typeof input === "string") return [{ role: "user", parts: [text(input)] }];
  const out: Message[] = [];
  for (const raw of arr(input)) {
    const item = obj(raw);
    if (!item) continue;
    const type = str(item.type) ?? "message";
    if (type === "message" || (item.role !== undefined && item.type === undefined)) {
      out.push({ role: str(item.role) ?? "user", parts: contentParts(item.content) });
    } else if (type === "function_call_output" || type === "custom_tool_call_output") {
      out.push({ role: "tool", parts: [toolResponse(name(item.call_id), item.output)] });
    } else {
      // Model-produced items replayed as history belong to an assistant turn; consecutive ones share it.
      const parts = itemParts(item);
      if (parts.length === 0) continue;
      const last = out[out.length - 1];
      if (last && last.role === "assistant" && last.parts.every((p) => p.type !== "text")) last.parts.push(...parts);
      else out.push({ role: "assistant", parts });
    }
  }
  return out;
}

/** Parts of one output item (message, function_call, reasoning, built-in tool calls). */
function itemParts(item: Obj): Part[] {
  const id = name(item.call_id) ?? name(item.id);
  switch (item.type) {
    case "message":
      return contentParts(item.content);
    case "function_call":
      return [toolCall(id, str(item.name), item.arguments)];
    case "custom_tool_call":
      return [toolCall(id, str(item.name), item.input)];
    case "reasoning": {
      const parts: Part[] = [];
      for (const s of arr(item.summary)) if (name(obj(s)?.text)) parts.push(reasoning(str(obj(s)!.text)!));
      for (const c of arr(item.content)) if (name(obj(c)?.text)) parts.push(reasoning(str(obj(c)!.text)!));
      // Reasoning returned only encrypted (include: reasoning.encrypted_content, store: false).
      if (parts.length === 0 && name(item.encrypted_content)) parts.push({ type: "redacted_reasoning" });
      return parts;
    }
    case "web_search_call":
      return serverTool(id, "web_search", item.action, { status: item.status, sources: obj(item.action)?.sources });
    case "file_search_call":
      return serverTool(id, "file_search", { queries: item.queries }, Array.isArray(item.results) ? item.results : { status: item.status });
    case "code_interpreter_call":
      return serverTool(id, "code_interpreter", { code: item.code, container_id: item.container_id }, Array.isArray(item.outputs) ? item.outputs : { status: item.status });
    case "image_generation_call": {
      const parts = serverTool(id, "image_generation", undefined, { status: item.status, revised_prompt: item.revised_prompt });
      const format = name(item.output_format) ?? "png";
      if (name(item.result)) parts.push(mediaFromData(str(item.result)!, `image/${format}`, "image"));
      return parts;
    }
    case "mcp_call": {
      // The MCP server's label rides on the call (a generic property of the part).
      const call: Part = { ...toolCall(id, str(item.name), item.arguments), ...(name(item.server_label) && { server: str(item.server_label)! }) };
      const error = item.error ?? undefined;
      return [call, toolResponse(id, error !== undefined && error !== null ? { error } : item.output)];
    }
    case "mcp_list_tools": {
      const tools = arr(item.tools).map((t) => ({ name: obj(t)?.name, description: obj(t)?.description }));
      const call = toolCall(id, "mcp_list_tools", { server_label: item.server_label });
      return [call, toolResponse(id, item.error ? { error: item.error } : { tools })];
    }
    case "mcp_approval_request": {
      // The server asks the app to approve an MCP call before it runs: nothing ran yet.
      const args = typeof item.arguments === "string" ? parseArguments(item.arguments) : item.arguments;
      const part: Part = { type: "tool_approval_request", id: id ?? "", name: str(item.name) ?? "", arguments: args };
      if (name(item.server_label)) part.server = str(item.server_label)!;
      return [part];
    }
    default: {
      // computer_call, local_shell_call, ...: the app runs these and sends their output back.
      if (typeof item.type !== "string" || !item.type.endsWith("_call")) return typeof item.type === "string" ? [{ type: item.type }] : [];
      const args = item.arguments ?? item.action ?? item.code ?? item.queries;
      return [toolCall(id, name(item.name) ?? item.type.slice(0, -5), args)];
    }
  }
}

/**
 * A tool the server ran: the call and its result, under the item's id, so trace assembly sees an
 * answered call (tool-messages.ts), not one the page must run.
 */
function serverTool(id: string | undefined, tool: string, args: unknown, result: unknown): Part[] {
  return [toolCall(id, tool, args ?? {}), toolResponse(id, dropUndefined(result))];
}

function dropUndefined(v: unknown): unknown {
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined && x !== null) out[k] = x;
  return out;
}

/** Response-level fields and the output from a response object (whole body or terminal event). */
function applyResponse(b: DraftBuilder, resp: Obj, output: unknown): void {
  b.set("gen_ai.response.id", name(resp.id));
  b.set("gen_ai.response.model", name(resp.model));
  if (!("gen_ai.conversation.id" in b.attributes)) b.set("gen_ai.conversation.id", conversationId(resp.conversation));
  b.set("openai.response.service_tier", name(resp.service_tier));
  const usage = openAIUsage(resp.usage);
  if (usage) b.usage(usage);
  const items = arr(output).filter(isObj);
  const parts = items.flatMap(itemParts);
  const status = str(resp.status);
  const reason = finishReason(status, resp, parts);
  if (reason) b.set("gen_ai.response.finish_reasons", [reason]);
  if (parts.length > 0 || reason) b.setJson("gen_ai.output.messages", [outputMessage(parts, reason)]);
  if (status === "failed") {
    const err = obj(resp.error);
    b.fail({ type: name(err?.code) ?? name(err?.type) ?? "response_failed", message: str(err?.message) });
  }
}

/**
 * The Responses API has no finish_reason; derive one in Chat Completions vocabulary from the
 * status: completed -> stop (tool_calls when it asked for tools), incomplete -> its reason,
 * failed -> error. In progress has none.
 */
function finishReason(status: string | undefined, resp: Obj, parts: Part[]): string | undefined {
  if (status === "completed") return pendingToolCall(parts) ? "tool_calls" : "stop";
  if (status === "incomplete") return name(obj(resp.incomplete_details)?.reason) ?? "incomplete";
  if (status === "failed") return "error";
  return undefined;
}

/** A tool call the app must run: one the output does not answer itself (server-run tools do). */
function pendingToolCall(parts: Part[]): boolean {
  const idOf = (p: Part): unknown => (p as { id?: unknown }).id;
  const answered = new Set(parts.filter((p) => p.type === "tool_call_response").map(idOf));
  return parts.some((p) => p.type === "tool_call" && !answered.has(idOf(p)));
}

interface ItemState {
  item: Obj;
  /** Text deltas by content_index (output_text and refusal). */
  content: Map<number, { refusal: boolean; buf: string[]; annotations: unknown[] }>;
  args: string[];
  /** Reasoning summary deltas by summary_index, then raw reasoning text. */
  summary: Map<number, string[]>;
  reasoningText: string[];
  done: boolean;
}

const CONTENT_DELTAS = new Set([
  "response.output_text.delta",
  "response.refusal.delta",
  "response.function_call_arguments.delta",
  "response.custom_tool_call_input.delta",
  "response.reasoning_summary_text.delta",
  "response.reasoning_text.delta",
  "response.mcp_call_arguments.delta",
  "response.code_interpreter_call_code.delta",
]);

/** Documented events that add nothing the output items and the final response do not hold. */
const INFORMATIONAL = new Set([
  "response.content_part.added",
  "response.content_part.done",
  "response.output_text.done",
  "response.refusal.done",
  "response.function_call_arguments.done",
  "response.custom_tool_call_input.done",
  "response.reasoning_summary_part.added",
  "response.reasoning_summary_part.done",
  "response.reasoning_summary_text.done",
  "response.reasoning_text.done",
  "response.mcp_call_arguments.delta",
  "response.mcp_call_arguments.done",
  "response.code_interpreter_call_code.delta",
  "response.code_interpreter_call_code.done",
]);

/** Progress events of the built-in tools (in_progress, searching, interpreting, generating, partial_image, completed, failed). */
const TOOL_PROGRESS = /^response\.(?:web_search_call|file_search_call|code_interpreter_call|image_generation_call|mcp_call|mcp_list_tools)\.[a-z_]+$/;

function parseStream(ctx: Ctx, b: DraftBuilder): void {
  b.streamed = true;
  const events = streamEvents(ctx);
  const items = new Map<number, ItemState>();
  let final: Obj | undefined;
  let latest: Obj | undefined;
  let firstContent: number | undefined;
  let bad = 0;
  const unknown = new UnknownEvents();
  const state = (index: number, fallbackType: string): ItemState => {
    let s = items.get(index);
    if (!s) {
      s = { item: { type: fallbackType }, content: new Map(), args: [], summary: new Map(), reasoningText: [], done: false };
      items.set(index, s);
    }
    return s;
  };
  for (const ev of events) {
    if (ev.data === "[DONE]") continue;
    const parsed = eventJson(ev);
    if (!parsed.ok || !isObj(parsed.value)) {
      bad++;
      continue;
    }
    const e = parsed.value;
    const type = str(e.type) ?? ev.event ?? "";
    const index = num(e.output_index) ?? 0;
    const delta = str(e.delta) ?? "";
    if (firstContent === undefined && CONTENT_DELTAS.has(type) && delta !== "") firstContent = ev.time;
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        if (isObj(e.response)) latest = e.response;
        break;
      case "response.output_item.added":
        if (isObj(e.item)) state(index, "message").item = e.item;
        break;
      case "response.output_item.done":
        if (isObj(e.item)) {
          const s = state(index, "message");
          s.item = e.item;
          s.done = true;
          firstContent ??= itemParts(e.item).length > 0 ? ev.time : undefined;
        }
        break;
      case "response.output_text.delta":
      case "response.refusal.delta": {
        const s = state(index, "message");
        const ci = num(e.content_index) ?? 0;
        let c = s.content.get(ci);
        if (!c) s.content.set(ci, (c = { refusal: type === "response.refusal.delta", buf: [], annotations: [] }));
        c.buf.push(delta);
        break;
      }
      case "response.output_text.annotation.added": {
        const s = state(index, "message");
        const ci = num(e.content_index) ?? 0;
        let c = s.content.get(ci);
        if (!c) s.content.set(ci, (c = { refusal: false, buf: [], annotations: [] }));
        if (isObj(e.annotation)) c.annotations.push(e.annotation);
        break;
      }
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        state(index, "function_call").args.push(delta);
        break;
      case "response.reasoning_summary_text.delta": {
        const s = state(index, "reasoning");
        const si = num(e.summary_index) ?? 0;
        let buf = s.summary.get(si);
        if (!buf) s.summary.set(si, (buf = []));
        buf.push(delta);
        break;
      }
      case "response.reasoning_text.delta":
        state(index, "reasoning").reasoningText.push(delta);
        break;
      case "response.completed":
      case "response.incomplete":
      case "response.failed":
        b.endOfStream(ev.time);
        if (isObj(e.response)) final = e.response;
        if (type === "response.failed") {
          const err = obj(final?.error);
          b.fail({ type: name(err?.code) ?? "response_failed", message: str(err?.message) }, ev.time);
        }
        break;
      case "error": {
        // Documented as {type:"error", code, message}; some servers nest it as {error:{...}}.
        const nested = isObj(e.error) ? errorFromBody(e, "stream_error") : undefined;
        b.fail({ type: name(e.code) ?? nested?.type ?? "stream_error", message: str(e.message) ?? nested?.message }, ev.time);
        break;
      }
      default:
        if (!INFORMATIONAL.has(type) && !TOOL_PROGRESS.test(type)) unknown.add(b, ev.time, type, ev.data);
        break;
    }
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
  unknown.report(b);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  const finalOutput = final ? arr(final.output) : [];
  if (final && finalOutput.length > 0) {
    applyResponse(b, final, finalOutput);
    return;
  }
  // No final output (in flight, cut, or a terminal event without it): rebuild from what streamed.
  const rebuilt = [...items.entries()].sort((x, y) => x[0] - y[0]).map(([, s]) => rebuildItem(s));
  applyResponse(b, final ?? latest ?? {}, rebuilt);
}

/** An output item from its streamed pieces; a done item is already complete. */
function rebuildItem(s: ItemState): Obj {
  if (s.done) return s.item;
  const item: Obj = { ...s.item };
  if (item.type === "message") {
    item.content = [...s.content.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([, c]) => (c.refusal ? { type: "refusal", refusal: c.buf.join("") } : { type: "output_text", text: c.buf.join(""), annotations: c.annotations }));
  } else if (item.type === "function_call") {
    item.arguments = s.args.join("");
  } else if (item.type === "custom_tool_call") {
    item.input = s.args.join("");
  } else if (item.type === "reasoning") {
    item.summary = [...s.summary.entries()].sort((x, y) => x[0] - y[0]).map(([, buf]) => ({ type: "summary_text", text: buf.join("") }));
    if (s.reasoningText.length > 0) item.content = [{ type: "reasoning_text", text: s.reasoningText.join("") }];
  }
  return item;
}
