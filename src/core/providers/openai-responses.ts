/**
 * OpenAI Responses API (/v1/responses): typed SSE events (response.output_text.delta,
 * response.function_call_arguments.delta, response.reasoning_summary_text.delta,
 * response.output_item.added/done, response.completed/failed/incomplete, error) and the whole
 * response object. Output items are rebuilt from deltas while streaming; the final response
 * object, when it arrives, is authoritative.
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import { eventJson, streamEvents } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder } from "./draft";
import { arr, bool, isObj, name, num, obj, str } from "./json";
import type { Obj } from "./json";
import { reasoning, text, toolCall, toolResponse, outputMessage } from "./messages";
import type { Message, Part } from "./messages";
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
  switch (item.type) {
    case "message":
      return contentParts(item.content);
    case "function_call":
      return [toolCall(name(item.call_id) ?? name(item.id), str(item.name), item.arguments)];
    case "custom_tool_call":
      return [toolCall(name(item.call_id) ?? name(item.id), str(item.name), item.input)];
    case "reasoning": {
      const parts: Part[] = [];
      for (const s of arr(item.summary)) if (name(obj(s)?.text)) parts.push(reasoning(str(obj(s)!.text)!));
      for (const c of arr(item.content)) if (name(obj(c)?.text)) parts.push(reasoning(str(obj(c)!.text)!));
      return parts;
    }
    default: {
      // web_search_call, file_search_call, code_interpreter_call, mcp_call, ...: the tool is the item type.
      if (typeof item.type !== "string" || !item.type.endsWith("_call")) return [];
      const args = item.arguments ?? item.action ?? item.code ?? item.queries;
      return [toolCall(name(item.call_id) ?? name(item.id), name(item.name) ?? item.type.slice(0, -5), args)];
    }
  }
}

/** Response-level fields and the output from a response object (whole body or terminal event). */
function applyResponse(b: DraftBuilder, resp: Obj, output: unknown): void {
  b.set("gen_ai.response.id", name(resp.id));
  b.set("gen_ai.response.model", name(resp.model));
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
  if (status === "completed") return parts.some((p) => p.type === "tool_call") ? "tool_calls" : "stop";
  if (status === "incomplete") return name(obj(resp.incomplete_details)?.reason) ?? "incomplete";
  if (status === "failed") return "error";
  return undefined;
}

interface ItemState {
  item: Obj;
  /** Text deltas by content_index (output_text and refusal). */
  content: Map<number, { refusal: boolean; buf: string[] }>;
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
]);

function parseStream(ctx: Ctx, b: DraftBuilder): void {
  b.streamed = true;
  const events = streamEvents(ctx);
  const items = new Map<number, ItemState>();
  let final: Obj | undefined;
  let latest: Obj | undefined;
  let firstContent: number | undefined;
  let bad = 0;
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
        if (!c) s.content.set(ci, (c = { refusal: type === "response.refusal.delta", buf: [] }));
        c.buf.push(delta);
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
        break;
    }
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
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
      .map(([, c]) => (c.refusal ? { type: "refusal", refusal: c.buf.join("") } : { type: "output_text", text: c.buf.join("") }));
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
