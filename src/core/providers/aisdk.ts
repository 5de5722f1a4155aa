/**
 * An app's own backend speaking the Vercel AI SDK protocols (typically POST /api/chat):
 * - UI message stream (SSE, header x-vercel-ai-ui-message-stream: v1; AI SDK 5 and later):
 *   typed JSON parts start, text-*, reasoning-*, tool-input-*, tool-output-*,
 *   tool-approval-request, source-url, source-document, file, start-step/finish-step, finish,
 *   abort, error, data-*, message-metadata, [DONE]; part types this parser does not know are
 *   kept (unknown-events.ts);
 * - the older data stream (header x-vercel-ai-data-stream: v1): lines `0:"text"`, `g:`, `9:`,
 *   `a:`, `b:`/`c:`, `e:`, `d:`, `f:`, `3:`;
 * - a plain text stream.
 * Request bodies are UI messages ({messages:[{role, parts}]}, v4 {role, content, toolInvocations})
 * or plain chat messages. The provider is named when the stream reveals it, else the host.
 */
import { handleHttpError } from "./body";
import { secondsSinceStart } from "./context";
import { eventJson, streamEvents, streamLines } from "./frames";
import type { Ctx } from "./context";
import { addUsage } from "./draft";
import type { DraftBuilder, Usage } from "./draft";
import { arr, isObj, name, num, obj, parseJson, str } from "./json";
import type { Obj } from "./json";
import { OutputAssembler, citation, mediaFromUrl, reasoning, text, toolCall, toolResponse } from "./messages";
import type { Message, Part } from "./messages";
import { UnknownEvents } from "./unknown-events";
import { chatInputMessages, toolDefinitions } from "./openai-common";

export type AiSdkProtocol = "ui" | "data" | "text";

/** Names the AI SDK uses for providers (providerMetadata keys, "openai.chat"-style ids) → OTel names. */
const SDK_PROVIDERS: Record<string, string> = {
  openai: "openai",
  azure: "azure.ai.openai",
  anthropic: "anthropic",
  google: "gcp.gemini",
  vertex: "gcp.vertex_ai",
  mistral: "mistral_ai",
  groq: "groq",
  deepseek: "deepseek",
  xai: "x_ai",
  openrouter: "openrouter",
  togetherai: "together_ai",
  fireworks: "fireworks_ai",
  perplexity: "perplexity",
  cerebras: "cerebras",
  cohere: "cohere",
  bedrock: "aws.bedrock",
  ollama: "ollama",
};

/** Result of reading a stream: what the parser learned about provider, model and usage. */
interface Findings {
  provider?: string;
  model?: string;
  usage?: Usage;
}

export function parseAiSdk(ctx: Ctx, b: DraftBuilder, protocol: AiSdkProtocol): Findings {
  b.kind = "llm";
  const req = ctx.req;
  const completion = req !== undefined && typeof req.prompt === "string" && !Array.isArray(req.messages);
  b.operation = completion ? "text_completion" : "chat";
  b.set("gen_ai.request.model", name(req?.model) ?? name(req?.modelId));
  b.set("gen_ai.request.stream", true);
  if (req) applyRequest(req, b, completion);
  if (handleHttpError(ctx, b)) return {};
  if (ctx.chunks.length === 0) return {};
  const found = protocol === "ui" ? readUiStream(ctx, b) : protocol === "data" ? readDataStream(ctx, b) : readTextStream(ctx, b);
  if (found.model) b.set("gen_ai.response.model", found.model);
  if (found.usage) b.usage(found.usage);
  return found;
}

function applyRequest(req: Obj, b: DraftBuilder, completion: boolean): void {
  if (completion) {
    b.setJson("gen_ai.input.messages", [{ role: "user", parts: [text(str(req.prompt)!)] }]);
    return;
  }
  if (name(req.system)) b.setJson("gen_ai.system_instructions", [text(str(req.system)!)]);
  b.setJson("gen_ai.input.messages", uiMessages(req.messages));
  // useChat sends its chat's id beside the messages: the conversation (docs/DESIGN.md, "Conversations").
  if (Array.isArray(req.messages)) b.set("gen_ai.conversation.id", name(req.id) ?? name(req.chatId));
  if (Array.isArray(req.tools)) b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools));
}

/** UI messages (v5 parts, v4 parts/toolInvocations) or plain chat messages, as OTel messages. */
export function uiMessages(messages: unknown): Message[] {
  const out: Message[] = [];
  for (const raw of arr(messages)) {
    const m = obj(raw);
    if (!m) continue;
    const role = str(m.role) ?? "user";
    if (!Array.isArray(m.parts) && !Array.isArray(m.toolInvocations)) {
      out.push(...chatInputMessages([m]));
      continue;
    }
    const parts: Part[] = [];
    const results: Part[] = [];
    const sources = Array.isArray(m.parts) ? m.parts : [];
    if (sources.length === 0 && typeof m.content === "string" && m.content) parts.push(text(m.content));
    for (const rawPart of sources) {
      const p = obj(rawPart);
      if (!p || typeof p.type !== "string") continue;
      if (p.type === "text") parts.push(text(str(p.text) ?? ""));
      else if (p.type === "reasoning") parts.push(reasoning(str(p.text) ?? str(p.reasoning) ?? ""));
      else if (p.type === "file" && name(p.url)) parts.push(mediaFromUrl(str(p.url)!, str(p.mediaType)));
      else if (p.type === "tool-invocation") addInvocation(obj(p.toolInvocation), parts, results);
      else if (p.type === "dynamic-tool" || p.type.startsWith("tool-")) {
        addInvocation(
          { toolCallId: p.toolCallId, toolName: p.toolName ?? p.type.slice(5), args: p.input, result: p.output, errorText: p.errorText },
          parts,
          results,
        );
      }
    }
    for (const inv of arr(m.toolInvocations)) addInvocation(obj(inv), parts, results);
    out.push({ role, parts });
    if (results.length > 0) out.push({ role: "tool", parts: results });
  }
  return out;
}

function addInvocation(inv: Obj | undefined, calls: Part[], results: Part[]): void {
  if (!inv) return;
  const id = name(inv.toolCallId);
  calls.push(toolCall(id, str(inv.toolName), inv.args ?? inv.input));
  if (inv.result !== undefined) results.push(toolResponse(id, inv.result));
  else if (name(inv.errorText)) results.push(toolResponse(id, { error: inv.errorText }));
}

/**
 * Output across steps: assistant content, then the tool results the backend produced, then more
 * assistant content. A new assistant message starts after tool results.
 */
class StepOutput {
  readonly out = new OutputAssembler();
  private step = 0;
  private afterTools = false;

  assistant(): string {
    if (this.afterTools) {
      this.step++;
      this.afterTools = false;
    }
    return `a${this.step}`;
  }

  toolResult(part: Part): void {
    this.out.part(`t${this.step}`, part, "tool");
    this.afterTools = true;
  }

  /** The finish reason belongs to the last assistant message, even when tool results followed it. */
  finish(reason: string): void {
    this.out.finish(`a${this.step}`, reason);
  }
}

function providerFrom(meta: unknown): string | undefined {
  if (!isObj(meta)) return undefined;
  for (const key of Object.keys(meta)) {
    const known = SDK_PROVIDERS[key];
    if (known) return known;
  }
  return undefined;
}

/** "openai.chat" → openai, "anthropic.messages" → anthropic; unknown ids kept as given. */
function providerFromId(id: string): string {
  return SDK_PROVIDERS[id.split(".")[0]!] ?? id;
}

/** Usage in AI SDK naming (v4 promptTokens, v5 inputTokens, v6 token details) or OpenAI naming. */
function sdkUsage(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  const inDetails = obj(u.inputTokenDetails);
  const outDetails = obj(u.outputTokenDetails);
  const usage: Usage = {
    input: num(u.inputTokens) ?? num(u.promptTokens) ?? num(u.input_tokens) ?? num(u.prompt_tokens),
    output: num(u.outputTokens) ?? num(u.completionTokens) ?? num(u.output_tokens) ?? num(u.completion_tokens),
    cacheRead: num(u.cachedInputTokens) ?? num(inDetails?.cacheReadTokens),
    cacheCreation: num(inDetails?.cacheWriteTokens),
    reasoning: num(u.reasoningTokens) ?? num(outDetails?.reasoningTokens),
  };
  return usage.input === undefined && usage.output === undefined ? undefined : usage;
}

/** What the app chose to put in messageMetadata: usage, model, provider are common conventions. */
function readMetadata(meta: Obj, found: Findings): void {
  const usage = sdkUsage(meta.totalUsage) ?? sdkUsage(meta.usage) ?? sdkUsage(meta);
  if (usage) found.usage = usage;
  const model = name(meta.model) ?? name(meta.modelId);
  if (model) found.model = model;
  const provider = name(meta.provider);
  if (provider) found.provider = providerFromId(provider);
}

const UI_CONTENT = new Set(["text-delta", "reasoning-delta", "tool-input-delta", "tool-input-available"]);

/** Documented parts that carry nothing the span keeps (boundaries, the client's own replies). */
const UI_SILENT = new Set(["text-start", "text-end", "reasoning-start", "reasoning-end", "finish-step", "reset-step", "tool-approval-response", "steering-message"]);

/** A source the answer used (source-url, source-document), as a part of its own (see messages.ts, Citation). */
function sourcePart(p: Obj): Part {
  const fields = citation({ type: p.type === "source-url" ? "url" : "document", url: p.url, title: p.title, filename: p.filename });
  const part: Part = { ...fields, type: "source", source_type: fields.type };
  if (name(p.sourceId)) part.id = str(p.sourceId)!;
  if (name(p.mediaType)) part.mime_type = str(p.mediaType)!;
  return part;
}

function readUiStream(ctx: Ctx, b: DraftBuilder): Findings {
  b.streamed = true;
  const found: Findings = {};
  const events = streamEvents(ctx);
  const steps = new StepOutput();
  const out = steps.out;
  let firstContent: number | undefined;
  let bad = 0;
  let stepCount = 0;
  let dataParts = 0;
  let finishReason: string | undefined;
  const unknown = new UnknownEvents("stream part");
  for (const ev of events) {
    if (ev.data === "[DONE]") {
      b.endOfStream(ev.time);
      continue;
    }
    const parsed = eventJson(ev);
    if (!parsed.ok || !isObj(parsed.value)) {
      bad++;
      continue;
    }
    const p = parsed.value;
    const type = str(p.type) ?? "";
    const toolId = str(p.toolCallId) ?? "";
    found.provider ??= providerFrom(p.providerMetadata);
    if (firstContent === undefined && UI_CONTENT.has(type) && (str(p.delta) ?? str(p.inputTextDelta) ?? "x") !== "") {
      firstContent = ev.time;
    }
    switch (type) {
      case "text-delta":
        out.text(steps.assistant(), str(p.delta) ?? str(p.textDelta) ?? "");
        break;
      case "reasoning-delta":
        out.reasoning(steps.assistant(), str(p.delta) ?? "");
        break;
      case "tool-input-start":
        out.tool(steps.assistant(), toolId, toolId, name(p.toolName));
        break;
      case "tool-input-delta":
        out.toolArgs(steps.assistant(), toolId, str(p.inputTextDelta) ?? "");
        break;
      case "tool-input-available": {
        const key = steps.assistant();
        out.tool(key, toolId, toolId, name(p.toolName));
        out.toolInput(key, toolId, p.input);
        break;
      }
      case "tool-input-error": {
        // The model's input did not parse or validate: the call is shown, and its error as its result.
        const key = steps.assistant();
        out.tool(key, toolId, toolId, name(p.toolName));
        out.toolInput(key, toolId, p.input);
        steps.toolResult(toolResponse(toolId || undefined, { error: p.errorText ?? "invalid tool input" }));
        break;
      }
      case "tool-output-available":
        // A preliminary output is followed by the final one for the same call.
        if (p.preliminary !== true) steps.toolResult(toolResponse(toolId || undefined, p.output));
        break;
      case "tool-output-error":
        steps.toolResult(toolResponse(toolId || undefined, { error: p.errorText }));
        break;
      case "tool-output-denied":
        steps.toolResult(toolResponse(toolId || undefined, { error: "the user denied this tool call" }));
        break;
      case "tool-approval-request":
        // The call waits for the user's approval: the app sends the answer in its next request.
        out.part(steps.assistant(), { type: "tool_approval_request", id: toolId, approval_id: str(p.approvalId) ?? "" });
        break;
      case "source-url":
      case "source-document":
        out.part(steps.assistant(), sourcePart(p));
        break;
      case "file":
      case "reasoning-file":
        if (name(p.url)) out.part(steps.assistant(), mediaFromUrl(str(p.url)!, str(p.mediaType)));
        break;
      case "start-step":
        stepCount++;
        break;
      case "start":
      case "message-metadata":
        if (isObj(p.messageMetadata)) readMetadata(p.messageMetadata, found);
        break;
      case "finish":
        b.endOfStream(ev.time);
        if (isObj(p.messageMetadata)) readMetadata(p.messageMetadata, found);
        finishReason = name(p.finishReason) ?? finishReason;
        break;
      case "error":
        b.fail({ type: "stream_error", message: str(p.errorText) }, ev.time);
        break;
      case "abort":
        // The server's last word on an aborted run: the stream is over, as an error.
        b.fail({ type: "AbortError", message: str(p.reason) ?? "the server aborted the stream" }, ev.time);
        b.endOfStream(ev.time);
        break;
      default:
        if (type.startsWith("data-") || type === "custom") {
          dataParts++;
          if (dataParts <= MAX_DATA_EVENTS) {
            const value = type === "custom" ? { kind: p.kind, providerMetadata: p.providerMetadata } : (p.data ?? null);
            b.events.push({ name: "aisdk.data", time: ev.time, attributes: { "aisdk.data.type": type, "aisdk.data": cap(JSON.stringify(value)) } });
          }
        } else if (!UI_SILENT.has(type)) {
          unknown.add(b, ev.time, type, ev.data);
        }
    }
  }
  unknown.report(b);
  if (finishReason) {
    steps.finish(finishReason);
    b.set("gen_ai.response.finish_reasons", [finishReason]);
  }
  b.set("llm_trace.stream.event_count", events.length);
  b.set("llm_trace.aisdk.protocol", "ui-message-stream");
  if (stepCount > 0) b.set("llm_trace.aisdk.step_count", stepCount);
  if (dataParts > MAX_DATA_EVENTS) b.set("llm_trace.aisdk.data_parts_dropped", dataParts - MAX_DATA_EVENTS);
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  b.setJson("gen_ai.output.messages", out.build());
  return found;
}

const MAX_DATA_EVENTS = 200;
const MAX_DATA_CHARS = 2000;

function cap(s: string): string {
  return s.length > MAX_DATA_CHARS ? `${s.slice(0, MAX_DATA_CHARS)}…[${s.length} chars]` : s;
}

const DATA_LINE = /^([0-9a-z]):/;

function readDataStream(ctx: Ctx, b: DraftBuilder): Findings {
  b.streamed = true;
  const found: Findings = {};
  const lines = streamLines(ctx);
  const steps = new StepOutput();
  const out = steps.out;
  let firstContent: number | undefined;
  let bad = 0;
  let count = 0;
  let stepCount = 0;
  let stepUsage: Usage | undefined;
  let finalUsage: Usage | undefined;
  let finishReason: string | undefined;
  for (const line of lines) {
    if (line.text === "") continue;
    count++;
    const m = DATA_LINE.exec(line.text);
    const parsed = m ? parseJson(line.text.slice(2)) : undefined;
    if (!m || !parsed || !parsed.ok) {
      bad++;
      continue;
    }
    const v = parsed.value;
    const o = obj(v) ?? {};
    const toolId = str(o.toolCallId) ?? "";
    let content = false;
    switch (m[1]) {
      case "0":
        if (typeof v === "string" && v !== "") {
          out.text(steps.assistant(), v);
          content = true;
        }
        break;
      case "g":
        if (typeof v === "string" && v !== "") {
          out.reasoning(steps.assistant(), v);
          content = true;
        }
        break;
      case "b":
        out.tool(steps.assistant(), toolId, toolId, name(o.toolName));
        content = true;
        break;
      case "c":
        out.toolArgs(steps.assistant(), toolId, str(o.argsTextDelta) ?? "");
        content = true;
        break;
      case "9": {
        const key = steps.assistant();
        out.tool(key, toolId, toolId, name(o.toolName));
        out.toolInput(key, toolId, o.args);
        content = true;
        break;
      }
      case "a":
        steps.toolResult(toolResponse(toolId || undefined, o.result));
        break;
      case "3":
        b.fail({ type: "stream_error", message: typeof v === "string" ? v : JSON.stringify(v) }, line.time);
        break;
      case "f":
        stepCount++;
        break;
      case "e": {
        const u = sdkUsage(o.usage);
        if (u) stepUsage = addUsage(stepUsage, u);
        finishReason = name(o.finishReason) ?? finishReason;
        break;
      }
      case "d":
        b.endOfStream(line.time);
        finalUsage = sdkUsage(o.usage) ?? finalUsage;
        finishReason = name(o.finishReason) ?? finishReason;
        break;
      case "2":
      case "8":
        if (b.events.length < MAX_DATA_EVENTS) {
          b.events.push({ name: "aisdk.data", time: line.time, attributes: { "aisdk.data.type": m[1] === "2" ? "data" : "message_annotations", "aisdk.data": cap(JSON.stringify(v)) } });
        }
        for (const item of arr(v)) if (isObj(item)) readMetadata(item, found);
        break;
      default:
        break;
    }
    if (content && firstContent === undefined) firstContent = line.time;
  }
  if (finishReason) {
    steps.finish(finishReason);
    b.set("gen_ai.response.finish_reasons", [finishReason]);
  }
  // The finish message carries the total; per-step reports add up to it when it is missing.
  const usage = finalUsage ?? stepUsage;
  if (usage) found.usage = usage;
  b.set("llm_trace.stream.event_count", count);
  b.set("llm_trace.aisdk.protocol", "data-stream");
  if (stepCount > 0) b.set("llm_trace.aisdk.step_count", stepCount);
  if (bad > 0) b.problem(`${bad} line(s) that are not data stream parts`);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  b.setJson("gen_ai.output.messages", out.build());
  return found;
}

/** A plain text stream has no framing and no end marker: the text is the output. */
function readTextStream(ctx: Ctx, b: DraftBuilder): Findings {
  const pieces: string[] = [];
  let firstContent: number | undefined;
  for (const c of ctx.chunks) {
    if (c.text === "") continue;
    pieces.push(c.text);
    firstContent ??= c.time;
  }
  b.set("llm_trace.aisdk.protocol", "text-stream");
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  const all = pieces.join("");
  if (all !== "") b.setJson("gen_ai.output.messages", [{ role: "assistant", parts: [text(all)] }]);
  return {};
}
