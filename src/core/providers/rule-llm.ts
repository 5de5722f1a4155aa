/**
 * A model call at an endpoint the user's rule of kind "llm" names (rules.ts), read where the
 * rule says: `modelPath` (the request JSON, else the response's), `inputPath` (the request
 * JSON), `outputPath` (the response JSON, or each event of an SSE or NDJSON stream, whose text
 * pieces are joined). Without paths, an unknown JSON endpoint is read by the field names apps
 * commonly use. A JSON response is not streamed: it gets no time to first token.
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, isNdjson, secondsSinceStart } from "./context";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { eventJson, lineJson, streamEvents, streamLines } from "./frames";
import { arr, isObj, name, obj } from "./json";
import type { Obj } from "./json";
import { outputMessage, text } from "./messages";
import type { Message } from "./messages";
import { chatInputMessages, openAIUsage } from "./openai-common";
import { selectPath } from "./rules";
import type { UserRule } from "./rules";

const MODEL_KEYS = ["model", "model_name", "modelId", "model_id"];
const INPUT_KEYS = ["messages", "prompt", "input", "question", "query", "message"];
const OUTPUT_KEYS = ["answer", "output", "text", "content", "response", "reply", "completion", "result", "message"];

/** A rule that says where anything is: read as it says, whatever format the endpoint speaks. */
export function rulePaths(rule: UserRule): boolean {
  return Boolean(rule.modelPath?.trim() || rule.inputPath?.trim() || rule.outputPath?.trim());
}

function at(root: unknown, path: string | undefined): unknown {
  const p = path?.trim();
  return p ? selectPath(root, p) : undefined;
}

function firstKey(o: Obj | undefined, keys: readonly string[]): unknown {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
}

function modelIn(root: unknown, rule: UserRule): string | undefined {
  return rule.modelPath?.trim() ? name(at(root, rule.modelPath)) : name(firstKey(obj(root), MODEL_KEYS));
}

/** What the request asked, as OTel input messages: chat messages, a prompt, a list of either. */
function inputMessages(value: unknown): Message[] {
  if (typeof value === "string") return value === "" ? [] : [{ role: "user", parts: [text(value)] }];
  if (Array.isArray(value)) {
    if (value.some((m) => isObj(m) && ("role" in m || "content" in m))) return chatInputMessages(value);
    return value.flatMap(inputMessages);
  }
  if (isObj(value) && ("role" in value || "content" in value)) return chatInputMessages([value]);
  if (value === undefined || value === null) return [];
  return [{ role: "user", parts: [text(JSON.stringify(value))] }];
}

/** The answer's text: a string, a message's content, text parts, else the JSON of what was named. */
function outputText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join("");
  const o = obj(value);
  if (o && typeof o.content === "string") return o.content;
  if (o && Array.isArray(o.content)) {
    const parts = arr(o.content).map((p) => (typeof p === "string" ? p : name(obj(p)?.text))).filter((p): p is string => p !== undefined);
    if (parts.length) return parts.join("");
  }
  return JSON.stringify(value);
}

export function parseRuleLlm(ctx: Ctx, b: DraftBuilder, rule: UserRule): void {
  b.kind = "llm";
  b.operation = "chat";
  const req = ctx.req;
  b.set("gen_ai.request.model", modelIn(req, rule));
  const input = rule.inputPath?.trim() ? at(req, rule.inputPath) : firstKey(req, INPUT_KEYS);
  if (rule.inputPath?.trim() && req !== undefined && input === undefined) b.problem(`inputPath "${rule.inputPath.trim()}" selects nothing in the request`);
  b.setJson("gen_ai.input.messages", inputMessages(input));
  if (handleHttpError(ctx, b)) return;
  if (isEventStream(ctx) || isNdjson(ctx)) return readStream(ctx, b, rule);
  if (!ctx.complete) return;
  const body = readJsonBody(ctx, b);
  if (body === undefined) return;
  b.set("gen_ai.response.model", modelIn(body, rule));
  const usage = openAIUsage(obj(body)?.usage);
  if (usage) b.usage(usage);
  const output = outputText(rule.outputPath?.trim() ? at(body, rule.outputPath) : typeof body === "string" ? body : firstKey(obj(body), OUTPUT_KEYS));
  if (output === undefined) {
    b.problem(rule.outputPath?.trim() ? `outputPath "${rule.outputPath.trim()}" selects nothing in the response` : "no answer found in the response: name it with outputPath in the rule");
    return;
  }
  b.setJson("gen_ai.output.messages", [outputMessage([text(output)], undefined)]);
}

/** An SSE or NDJSON stream: each event's text piece at outputPath (else a common field), joined. */
function readStream(ctx: Ctx, b: DraftBuilder, rule: UserRule): void {
  const items: { time: number; value: unknown }[] = [];
  if (isEventStream(ctx)) {
    for (const ev of streamEvents(ctx)) {
      const parsed = eventJson(ev);
      if (parsed.ok) items.push({ time: ev.time, value: parsed.value });
    }
  } else {
    for (const line of streamLines(ctx)) {
      if (line.text.trim() === "") continue;
      const parsed = lineJson(line);
      if (parsed.ok) items.push({ time: line.time, value: parsed.value });
    }
  }
  const pieces: string[] = [];
  let first: number | undefined;
  let model: string | undefined;
  for (const item of items) {
    const value = rule.outputPath?.trim() ? at(item.value, rule.outputPath) : firstKey(obj(item.value), OUTPUT_KEYS);
    const piece = typeof value === "string" ? value : undefined;
    if (piece) {
      pieces.push(piece);
      first ??= item.time;
    }
    model ??= modelIn(item.value, rule);
  }
  b.set("llm_trace.stream.event_count", items.length);
  b.set("gen_ai.response.model", model);
  if (first !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, first));
  if (pieces.length) b.setJson("gen_ai.output.messages", [outputMessage([text(pieces.join(""))], undefined)]);
  else if (ctx.complete) b.problem(rule.outputPath?.trim() ? `outputPath "${rule.outputPath.trim()}" selects no text in the stream's events` : "no text found in the stream's events: name it with outputPath in the rule");
}
