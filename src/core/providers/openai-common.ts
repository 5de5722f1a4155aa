/**
 * Pieces of the OpenAI wire format shared by Chat Completions, legacy Completions, Responses and
 * the many OpenAI-compatible servers: request parameters, chat messages, tools, usage.
 */
import type { DraftBuilder, Usage } from "./draft";
import { arr, isObj, name, num, obj, str, strings } from "./json";
import type { Obj } from "./json";
import { citation, citedText, mediaFromData, mediaFromUrl, text, toolCall, toolResponse } from "./messages";
import type { Citation, Message, Part, ToolDefinition } from "./messages";

/** Sampling parameters with OTel keys, common to chat and legacy completions. */
export function setOpenAIRequestParams(req: Obj | undefined, b: DraftBuilder): void {
  if (!req) return;
  b.set("gen_ai.request.model", name(req.model));
  b.set("gen_ai.request.temperature", num(req.temperature));
  b.set("gen_ai.request.top_p", num(req.top_p));
  b.set("gen_ai.request.max_tokens", num(req.max_completion_tokens) ?? num(req.max_tokens) ?? num(req.max_output_tokens));
  b.set("gen_ai.request.frequency_penalty", num(req.frequency_penalty));
  b.set("gen_ai.request.presence_penalty", num(req.presence_penalty));
  b.set("gen_ai.request.seed", num(req.seed));
  b.set("gen_ai.request.stop_sequences", strings(req.stop));
  const n = num(req.n);
  if (n !== undefined && n !== 1) b.set("gen_ai.request.choice.count", n);
  const format = obj(req.response_format)?.type ?? obj(obj(req.text)?.format)?.type;
  if (format === "json_object" || format === "json_schema") b.set("gen_ai.output.type", "json");
  else if (format === "text") b.set("gen_ai.output.type", "text");
  b.set("openai.request.service_tier", name(req.service_tier));
  const effort = name(req.reasoning_effort) ?? name(obj(req.reasoning)?.effort);
  b.set("llm_trace.request.reasoning_effort", effort);
}

/** Content given as a string or as typed parts (text, image_url, input_audio, file, ...). */
export function contentParts(content: unknown): Part[] {
  if (typeof content === "string") return content === "" ? [] : [text(content)];
  const parts: Part[] = [];
  for (const raw of arr(content)) {
    if (typeof raw === "string") {
      parts.push(text(raw));
      continue;
    }
    const p = obj(raw);
    if (!p) continue;
    switch (p.type) {
      case "text":
      case "input_text":
        parts.push(text(str(p.text) ?? ""));
        break;
      case "output_text":
        parts.push(citedText(str(p.text) ?? "", annotationCitations(p.annotations)));
        break;
      case "refusal":
        parts.push({ type: "refusal", content: str(p.refusal) ?? "" });
        break;
      case "image_url":
      case "input_image": {
        const url = str(obj(p.image_url)?.url) ?? str(p.image_url);
        if (url) parts.push(mediaFromUrl(url, undefined, "image"));
        else if (name(p.file_id)) parts.push({ type: "file", modality: "image", file_id: str(p.file_id)! });
        break;
      }
      case "input_audio": {
        const audio = obj(p.input_audio);
        const format = name(audio?.format);
        parts.push(mediaFromData(str(audio?.data) ?? "", format ? `audio/${format}` : undefined, "audio"));
        break;
      }
      case "file":
      case "input_file": {
        const file = obj(p.file) ?? p;
        const id = name(file.file_id);
        if (id) parts.push({ type: "file", modality: "document", file_id: id });
        else if (name(file.file_data)) parts.push(mediaFromUrl(str(file.file_data)!, undefined, "document"));
        else if (name(file.file_url)) parts.push(mediaFromUrl(str(file.file_url)!, undefined, "document"));
        break;
      }
      default:
        parts.push({ type: String(p.type ?? "unknown") });
    }
  }
  return parts;
}

/**
 * OpenAI annotations as Citations: Responses' flat url_citation {url, title, start_index,
 * end_index}, file_citation {file_id, filename, index}, container_file_citation, file_path; Chat
 * Completions' nested {type:"url_citation", url_citation:{...}}.
 */
export function annotationCitations(annotations: unknown): Citation[] {
  const out: Citation[] = [];
  for (const raw of arr(annotations)) {
    const a = obj(raw);
    if (!a) continue;
    const type = str(a.type) ?? "annotation";
    const inner = obj(a[type]) ?? a;
    out.push(citation({
      type,
      url: inner.url,
      title: inner.title,
      start_index: inner.start_index,
      end_index: inner.end_index,
      file_id: inner.file_id,
      filename: inner.filename,
    }));
  }
  return out;
}

/** Chat Completions messages (also used by most OpenAI-compatible servers and Ollama's /v1). */
export function chatInputMessages(messages: unknown): Message[] {
  const out: Message[] = [];
  for (const raw of arr(messages)) {
    const m = obj(raw);
    if (!m) continue;
    const role = str(m.role) ?? "user";
    let parts: Part[];
    if (role === "tool" || role === "function") {
      parts = [toolResponse(name(m.tool_call_id), typeof m.content === "string" ? m.content : contentText(m.content))];
    } else {
      parts = contentParts(m.content);
      const reasoningText = name(m.reasoning_content) ?? name(m.reasoning);
      if (reasoningText) parts.unshift({ type: "reasoning", content: reasoningText });
      if (name(m.refusal)) parts.push({ type: "refusal", content: str(m.refusal)! });
      for (const tc of arr(m.tool_calls)) {
        const call = obj(tc);
        const fn = obj(call?.function);
        if (call) parts.push(toolCall(name(call.id), str(fn?.name), fn?.arguments));
      }
      const fc = obj(m.function_call);
      if (fc) parts.push(toolCall(undefined, str(fc.name), fc.arguments));
    }
    const msg: Message = { role, parts };
    if (name(m.name)) msg.name = str(m.name)!;
    out.push(msg);
  }
  return out;
}

function contentText(content: unknown): unknown {
  const parts = contentParts(content);
  if (parts.length > 0 && parts.every((p) => p.type === "text")) return parts.map((p) => (p as { content: string }).content).join("");
  return content;
}

/** Tools in Chat Completions form {type:"function", function:{...}} or Responses form {type, name, ...}. */
export function toolDefinitions(tools: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const raw of arr(tools)) {
    const t = obj(raw);
    if (!t) continue;
    const fn = obj(t.function) ?? t;
    const def: ToolDefinition = { type: str(t.type) ?? "function" };
    if (name(fn.name)) def.name = str(fn.name)!;
    if (name(fn.description)) def.description = str(fn.description)!;
    const params = fn.parameters ?? fn.input_schema;
    if (params !== undefined) def.parameters = params;
    out.push(def);
  }
  return out;
}

/**
 * Usage in Chat Completions naming (prompt_/completion_tokens), Responses naming
 * (input_/output_tokens), with cached and reasoning details, and DeepSeek's cache-hit counter.
 * OpenAI's prompt/input counts already include cached tokens and completion counts include
 * reasoning, which is exactly the OTel meaning.
 */
export function openAIUsage(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined;
  const inDetails = obj(u.prompt_tokens_details) ?? obj(u.input_tokens_details);
  const outDetails = obj(u.completion_tokens_details) ?? obj(u.output_tokens_details);
  const usage: Usage = {
    input: num(u.prompt_tokens) ?? num(u.input_tokens),
    output: num(u.completion_tokens) ?? num(u.output_tokens),
    cacheRead: num(inDetails?.cached_tokens) ?? num(u.prompt_cache_hit_tokens),
    reasoning: num(outDetails?.reasoning_tokens),
  };
  return usage.input === undefined && usage.output === undefined ? undefined : usage;
}
