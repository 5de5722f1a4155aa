/**
 * An app's backend streaming LangChain runs:
 * - LangServe `/stream` (docs "LangServe › Endpoints"): SSE `event: metadata` {run_id}, then
 *   `event: data` per output chunk (for a chat model, a serialised AIMessageChunk with
 *   `content`, `tool_call_chunks`, `usage_metadata`, `response_metadata`; for a string chain, a
 *   JSON string), then `event: end` (the end of the body when it carries no data);
 *   `event: error` {status_code, message} on failure;
 * - `streamEvents` / `astream_events` v2 (LangServe `/stream_events`, or an app relaying
 *   `streamEvents(..., {version: "v2"})` as SSE or NDJSON): objects {event, name, run_id,
 *   metadata, data}; `on_chat_model_stream` carries data.chunk, `on_chat_model_end` the whole
 *   message with its usage. LangChain.js serialises chunks as {lc, type:"constructor", id,
 *   kwargs:{content,...}}.
 * The output text (and reasoning, tool calls) is rebuilt from the chunks; the model comes from
 * the chunks' response_metadata or the run's ls_model_name; usage from LangChain's
 * usage_metadata, which carries the provider's report (chunks hold increments, summed as
 * LangChain sums them; on_chat_model_end holds the total). The raw events stay on the span.
 */
import { handleHttpError } from "./body";
import { isEventStream, isNdjson, secondsSinceStart } from "./context";
import type { Ctx } from "./context";
import { addUsage } from "./draft";
import type { DraftBuilder, Usage } from "./draft";
import { eventJson, lineJson, streamEvents, streamLines } from "./frames";
import { arr, isObj, name, num, obj, str } from "./json";
import type { Obj } from "./json";
import { OutputAssembler, text } from "./messages";
import { chatInputMessages } from "./openai-common";
import { UnknownEvents } from "./unknown-events";

const STREAM_EVENTS = new Set(["data", "metadata", "end", "error"]);

export type LangChainFormat = "stream" | "events";

/** LangChain's provider ids (ls_provider) → OTel provider names. */
const PROVIDERS: Record<string, string> = {
  openai: "openai",
  azure: "azure.ai.openai",
  anthropic: "anthropic",
  google_genai: "gcp.gemini",
  google_vertexai: "gcp.vertex_ai",
  mistralai: "mistral_ai",
  groq: "groq",
  ollama: "ollama",
  bedrock: "aws.bedrock",
  deepseek: "deepseek",
  xai: "x_ai",
};

/** The first streamed object says: a streamEvents event (`event: "on_..."`), or LangServe's run metadata. */
export function detectLangChain(ctx: Ctx, first: Obj | undefined, sseEvent: string | undefined): LangChainFormat | undefined {
  if (first && typeof first.event === "string" && first.event.startsWith("on_") && typeof first.run_id === "string") return "events";
  if (sseEvent === "metadata" && first && typeof first.run_id === "string") return "stream";
  const path = ctx.path;
  if (ctx.req && "input" in ctx.req && isEventStream(ctx)) {
    if (path.endsWith("/stream_events")) return "events";
    if (path.endsWith("/stream")) return "stream";
  }
  return undefined;
}

interface Frame {
  time: number;
  event: string | undefined;
  value: unknown;
  ok: boolean;
}

function frames(ctx: Ctx): Frame[] {
  if (isEventStream(ctx)) {
    return streamEvents(ctx).map((ev) => {
      const parsed = ev.data === "" ? { ok: true as const, value: undefined } : eventJson(ev);
      return { time: ev.time, event: ev.event, value: parsed.ok ? parsed.value : undefined, ok: parsed.ok };
    });
  }
  if (isNdjson(ctx) || ctx.mime === "text/plain" || ctx.mime === "") {
    return streamLines(ctx)
      .filter((l) => l.text.trim() !== "")
      .map((l) => {
        const parsed = lineJson(l);
        return { time: l.time, event: undefined, value: parsed.ok ? parsed.value : undefined, ok: parsed.ok };
      });
  }
  return [];
}

/** Returns the provider the run's metadata names, if any. */
export function parseLangChain(ctx: Ctx, b: DraftBuilder, format: LangChainFormat): string | undefined {
  b.kind = "llm";
  b.operation = "chat";
  const input = ctx.req?.input;
  // LangGraph's checkpointer thread, or RunnableWithMessageHistory's session: the conversation.
  const configurable = obj(obj(ctx.req?.config)?.configurable);
  b.set("gen_ai.conversation.id", name(configurable?.thread_id) ?? name(configurable?.session_id));
  if (typeof input === "string") b.setJson("gen_ai.input.messages", [{ role: "user", parts: [text(input)] }]);
  else if (Array.isArray(input)) b.setJson("gen_ai.input.messages", chatInputMessages(input.map(lcMessage)));
  else if (isObj(input) && Array.isArray(input.messages)) b.setJson("gen_ai.input.messages", chatInputMessages(input.messages.map(lcMessage)));
  else if (isObj(input)) {
    const question = Object.values(input).find((v): v is string => typeof v === "string");
    if (question !== undefined) b.setJson("gen_ai.input.messages", [{ role: "user", parts: [text(question)] }]);
  }
  if (handleHttpError(ctx, b)) return undefined;
  if (ctx.chunks.length === 0) return undefined;
  b.streamed = true;
  const out = new OutputAssembler();
  let provider: string | undefined;
  let model: string | undefined;
  let summed: Usage | undefined;
  let total: Usage | undefined;
  let firstContent: number | undefined;
  let bad = 0;
  const unknown = new UnknownEvents();
  const all = frames(ctx);
  for (const f of all) {
    if (!f.ok) {
      bad++;
      continue;
    }
    if (f.event === "end") {
      b.endOfStream(f.time);
      continue;
    }
    if (f.event === "error") {
      const e = obj(f.value);
      b.fail({ type: num(e?.status_code) !== undefined ? String(e!.status_code) : "stream_error", message: str(e?.message) }, f.time);
      b.endOfStream(f.time);
      continue;
    }
    if (f.event !== undefined && !STREAM_EVENTS.has(f.event)) {
      unknown.add(b, f.time, f.event, JSON.stringify(f.value) ?? "");
      continue;
    }
    let chunk: unknown;
    if (format === "events") {
      const e = obj(f.value);
      if (!e) continue;
      if (typeof e.event !== "string" || !e.event.startsWith("on_")) {
        unknown.add(b, f.time, str(e.event) ?? "", JSON.stringify(e));
        continue;
      }
      const meta = obj(e.metadata);
      model ??= name(meta?.ls_model_name);
      provider ??= name(meta?.ls_provider);
      const data = obj(e.data);
      if (e.event === "on_chat_model_stream" || e.event === "on_llm_stream") chunk = data?.chunk;
      else if (e.event === "on_chat_model_end") {
        const message = unwrap(data?.output);
        total = lcUsage(message?.usage_metadata) ?? total;
        model = name(obj(message?.response_metadata)?.model_name) ?? model;
        continue;
      } else continue;
    } else {
      if (f.event === "metadata") continue;
      chunk = f.value;
    }
    const piece = applyChunk(out, chunk);
    if (piece.model) model = piece.model;
    if (piece.usage) summed = addUsage(summed, piece.usage);
    if (piece.content && firstContent === undefined) firstContent = f.time;
  }
  b.set("llm_trace.stream.event_count", all.length);
  b.set("llm_trace.langchain.protocol", format === "events" ? "stream-events" : "langserve-stream");
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
  unknown.report(b);
  // Without an end event the body's end is the run's end: LangServe's `end` event has no data
  // field, which an SSE parser does not dispatch, and apps relaying streamEvents send none.
  if (!b.terminal) b.streamed = false;
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  b.setJson("gen_ai.output.messages", out.build());
  b.set("gen_ai.response.model", model);
  const usage = total ?? summed;
  if (usage) b.usage(usage);
  return provider ? (PROVIDERS[provider] ?? provider) : undefined;
}

/** A LangChain.js serialised object {lc, type:"constructor", kwargs} or the plain Python dict. */
function unwrap(v: unknown): Obj | undefined {
  const o = obj(v);
  if (!o) return undefined;
  return o.lc !== undefined && isObj(o.kwargs) ? o.kwargs : o;
}

/** LangChain message dicts ({type:"human", content} or [role, content] pairs) in chat shape. */
function lcMessage(m: unknown): unknown {
  if (Array.isArray(m) && typeof m[0] === "string") return { role: role(m[0]), content: m[1] };
  const o = unwrap(m);
  if (!o) return m;
  return { ...o, role: role(str(o.role) ?? str(o.type) ?? "user") };
}

function role(r: string): string {
  if (r === "human") return "user";
  if (r === "ai") return "assistant";
  return r;
}

function applyChunk(out: OutputAssembler, raw: unknown): { content: boolean; model?: string | undefined; usage?: Usage | undefined } {
  if (typeof raw === "string") {
    out.text(0, raw);
    return { content: raw !== "" };
  }
  const c = unwrap(raw);
  if (!c) return { content: false };
  let content = false;
  if (typeof c.content === "string") {
    out.text(0, c.content);
    content = c.content !== "";
  } else {
    // Content blocks: text, and reasoning/thinking from reasoning models.
    for (const block of arr(c.content)) {
      const p = obj(block);
      if (!p) continue;
      const t = str(p.text) ?? "";
      if (p.type === "text" || p.type === "text_delta") out.text(0, t);
      else if (p.type === "reasoning" || p.type === "thinking") out.reasoning(0, str(p.reasoning) ?? str(p.thinking) ?? t);
      else continue;
      content = true;
    }
  }
  for (const tc of arr(c.tool_call_chunks)) {
    const call = obj(tc);
    if (!call) continue;
    const key = typeof call.index === "number" ? call.index : (name(call.id) ?? "0");
    out.tool(0, key, name(call.id), name(call.name));
    if (typeof call.args === "string") out.toolArgs(0, key, call.args);
    content = true;
  }
  return { content, model: name(obj(c.response_metadata)?.model_name), usage: lcUsage(c.usage_metadata) };
}

/** LangChain's UsageMetadata: input_tokens (cache included), output_tokens (reasoning included), details. */
function lcUsage(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  const inDetails = obj(u.input_token_details);
  const outDetails = obj(u.output_token_details);
  const usage: Usage = {
    input: num(u.input_tokens),
    output: num(u.output_tokens),
    cacheRead: num(inDetails?.cache_read),
    cacheCreation: num(inDetails?.cache_creation),
    reasoning: num(outDetails?.reasoning),
  };
  return usage.input === undefined && usage.output === undefined ? undefined : usage;
}
