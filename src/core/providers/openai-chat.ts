/**
 * OpenAI Chat Completions (/v1/chat/completions) and every server that speaks it: Azure OpenAI,
 * Groq, Mistral, OpenRouter, Together, DeepSeek, xAI, Fireworks, Perplexity, Cerebras, Ollama's
 * /v1, LM Studio, vLLM, llama.cpp. Streamed chunks (choices[].delta, tool_calls by index,
 * [DONE], the include_usage chunk) and whole chat.completion objects. Audio output
 * (message.audio / delta.audio: base64 data and its transcript) is a blob part carrying the
 * transcript; url_citation annotations (search models) are citations on the text part.
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import { eventJson, streamEvents } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder, Usage } from "./draft";
import { arr, bool, isObj, name, obj, str } from "./json";
import type { Obj } from "./json";
import { OutputAssembler, citedText, mediaFromData, outputMessage, reasoning, text, toolCall } from "./messages";
import type { Message, Part } from "./messages";
import { annotationCitations, chatInputMessages, openAIUsage, setOpenAIRequestParams, toolDefinitions } from "./openai-common";

/** `deployment`: Azure's deployment name from the path, the model when the body names none. */
export function parseOpenAIChat(ctx: Ctx, b: DraftBuilder, deployment?: string): void {
  b.kind = "llm";
  b.operation = "chat";
  const req = ctx.req;
  setOpenAIRequestParams(req, b);
  if (!("gen_ai.request.model" in b.attributes)) b.set("gen_ai.request.model", deployment);
  if (req) {
    b.setJson("gen_ai.input.messages", chatInputMessages(req.messages));
    b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools ?? req.functions));
  }
  const streamed = ctx.chunks.length > 0 && isEventStream(ctx);
  b.set("gen_ai.request.stream", bool(req?.stream) ?? (streamed || undefined));
  if (handleHttpError(ctx, b)) return;
  if (streamed) parseStream(ctx, b);
  else if (ctx.chunks.length > 0 || ctx.complete) parseWhole(ctx, b);
}

function setResponseMeta(b: DraftBuilder, o: Obj): void {
  b.set("gen_ai.response.id", name(o.id));
  b.set("gen_ai.response.model", name(o.model));
  b.set("openai.response.service_tier", name(o.service_tier));
  b.set("openai.response.system_fingerprint", name(o.system_fingerprint));
}

function parseWhole(ctx: Ctx, b: DraftBuilder): void {
  const body = readJsonBody(ctx, b);
  if (body === undefined) return;
  const o = obj(body);
  const err = errorFromBody(body, "error");
  if (err || !o) {
    if (err) b.fail(err);
    else b.problem("response is not a chat.completion object");
    return;
  }
  setResponseMeta(b, o);
  const outputs: Message[] = [];
  const reasons: string[] = [];
  for (const raw of arr(o.choices)) {
    const choice = obj(raw);
    if (!choice) continue;
    const m = obj(choice.message) ?? {};
    const parts: Part[] = [];
    const thought = name(m.reasoning_content) ?? name(m.reasoning);
    if (thought) parts.push(reasoning(thought));
    const citations = annotationCitations(m.annotations);
    if (typeof m.content === "string" && (m.content !== "" || citations.length > 0)) parts.push(citedText(m.content, citations));
    else if (Array.isArray(m.content)) {
      for (const p of m.content) if (isObj(p) && typeof p.text === "string") parts.push(text(p.text));
    }
    if (name(m.refusal)) parts.push({ type: "refusal", content: str(m.refusal)! });
    for (const tc of arr(m.tool_calls)) {
      const call = obj(tc);
      const fn = obj(call?.function);
      if (call) parts.push(toolCall(name(call.id), str(fn?.name), fn?.arguments));
    }
    const fc = obj(m.function_call);
    if (fc) parts.push(toolCall(undefined, str(fc.name), fc.arguments));
    const audio = obj(m.audio);
    if (audio) parts.push(audioPart(audioMime(ctx.req), name(audio.id), str(audio.data) ?? "", str(audio.transcript)));
    const reason = name(choice.finish_reason);
    if (reason) reasons.push(reason);
    outputs.push(outputMessage(parts, reason, str(m.role) ?? "assistant"));
  }
  b.setJson("gen_ai.output.messages", outputs);
  b.set("gen_ai.response.finish_reasons", reasons);
  const usage = openAIUsage(o.usage);
  if (usage) b.usage(usage);
}

/** The audio format the request asked for (audio: {voice, format}), as a media type. */
function audioMime(req: Obj | undefined): string | undefined {
  const format = name(obj(req?.audio)?.format);
  return format ? `audio/${format}` : undefined;
}

/** Generated audio: the (shortened) base64 data, its id for multi-turn replay, and its transcript. */
function audioPart(mime: string | undefined, id: string | undefined, data: string, transcript: string | undefined): Part {
  return { ...mediaFromData(data, mime, "audio"), ...(id && { id }), ...(transcript !== undefined && { transcript }) };
}

/** Streamed audio of one choice: delta.audio pieces of data and transcript. */
interface AudioPieces {
  id: string | undefined;
  data: string[];
  transcript: string[];
}

function parseStream(ctx: Ctx, b: DraftBuilder): void {
  b.streamed = true;
  const events = streamEvents(ctx);
  const out = new OutputAssembler();
  const audio = new Map<number, AudioPieces>();
  const reasons = new Map<number, string>();
  let usage: Usage | undefined;
  let firstContent: number | undefined;
  let badJson = 0;
  let firstBad: string | undefined;
  let metaSet = false;
  for (const ev of events) {
    if (ev.data === "[DONE]") {
      b.endOfStream(ev.time);
      continue;
    }
    const parsed = eventJson(ev);
    if (!parsed.ok || !isObj(parsed.value)) {
      badJson++;
      firstBad ??= parsed.ok ? "not an object" : parsed.error;
      continue;
    }
    const chunk = parsed.value;
    const err = chunk.error !== undefined ? errorFromBody(chunk, "stream_error") : undefined;
    if (err) b.fail(err, ev.time);
    if (!metaSet && name(chunk.id)) {
      metaSet = true;
      b.set("gen_ai.response.id", name(chunk.id));
    }
    if (name(chunk.model)) b.set("gen_ai.response.model", name(chunk.model));
    b.set("openai.response.service_tier", name(chunk.service_tier));
    b.set("openai.response.system_fingerprint", name(chunk.system_fingerprint));
    // Groq reports streamed usage under x_groq.usage rather than usage.
    usage = openAIUsage(chunk.usage) ?? openAIUsage(obj(chunk.x_groq)?.usage) ?? usage;
    let content = false;
    for (const raw of arr(chunk.choices)) {
      const choice = obj(raw);
      if (!choice) continue;
      const index = typeof choice.index === "number" ? choice.index : 0;
      const delta = obj(choice.delta) ?? obj(choice.message) ?? {};
      content = applyDelta(out, index, delta) || content;
      const a = obj(delta.audio);
      if (a) {
        let pieces = audio.get(index);
        if (!pieces) audio.set(index, (pieces = { id: undefined, data: [], transcript: [] }));
        pieces.id ??= name(a.id);
        if (name(a.data)) pieces.data.push(str(a.data)!);
        if (name(a.transcript)) pieces.transcript.push(str(a.transcript)!);
        if (name(a.data) || name(a.transcript)) content = true;
      }
      const reason = name(choice.finish_reason);
      if (reason) {
        reasons.set(index, reason);
        out.finish(index, reason);
        b.endOfStream(ev.time);
      }
    }
    if (content && firstContent === undefined) firstContent = ev.time;
  }
  for (const [index, pieces] of audio) {
    out.part(index, audioPart(audioMime(ctx.req), pieces.id, pieces.data.join(""), pieces.transcript.length > 0 ? pieces.transcript.join("") : undefined));
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (badJson > 0) b.problem(`${badJson} stream event(s) with invalid JSON (first: ${firstBad})`);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  b.setJson("gen_ai.output.messages", out.build());
  b.set("gen_ai.response.finish_reasons", [...reasons.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]));
  if (usage) b.usage(usage);
}

/** Apply one choice delta; true when it carried output content. */
function applyDelta(out: OutputAssembler, index: number, delta: Obj): boolean {
  let content = false;
  // DeepSeek/vLLM use reasoning_content; OpenRouter, Groq and Ollama use reasoning.
  const thought = str(delta.reasoning_content) ?? str(delta.reasoning);
  if (thought) {
    out.reasoning(index, thought);
    content = true;
  }
  if (typeof delta.content === "string" && delta.content !== "") {
    out.text(index, delta.content);
    content = true;
  }
  out.cite(index, annotationCitations(delta.annotations));
  if (typeof delta.refusal === "string" && delta.refusal !== "") {
    out.refusal(index, delta.refusal);
    content = true;
  }
  const calls = arr(delta.tool_calls);
  for (let i = 0; i < calls.length; i++) {
    const call = obj(calls[i]);
    if (!call) continue;
    // Parallel calls are told apart by index; a server that omits it is keyed by id, then position.
    const key = typeof call.index === "number" ? call.index : (name(call.id) ?? `#${i}`);
    const fn = obj(call.function);
    out.tool(index, key, name(call.id), name(fn?.name));
    const args = fn?.arguments;
    if (typeof args === "string") out.toolArgs(index, key, args);
    else if (args !== undefined) out.toolInput(index, key, args);
    content = true;
  }
  const fc = obj(delta.function_call);
  if (fc) {
    out.tool(index, "function_call", undefined, name(fc.name));
    if (typeof fc.arguments === "string") out.toolArgs(index, "function_call", fc.arguments);
    content = true;
  }
  return content;
}
