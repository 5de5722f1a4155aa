/**
 * Ollama's native API: /api/chat and /api/generate, streamed by default as NDJSON (one object
 * per line, the last with done:true, done_reason and the prompt_eval_count / eval_count usage),
 * or one object with stream:false. Its /v1 endpoints are OpenAI-compatible and parsed as such.
 */
import { handleHttpError } from "./body";
import { secondsSinceStart } from "./context";
import { lineJson, streamLines } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder } from "./draft";
import { arr, bool, isObj, name, num, obj, str, strings } from "./json";
import type { Obj } from "./json";
import { OutputAssembler, mediaFromData, text, toolCall, toolResponse } from "./messages";
import type { Message, Part } from "./messages";
import { toolDefinitions } from "./openai-common";

export function parseOllama(ctx: Ctx, b: DraftBuilder, endpoint: "chat" | "generate"): void {
  b.kind = "llm";
  b.operation = endpoint === "chat" ? "chat" : "text_completion";
  const req = ctx.req;
  b.set("gen_ai.request.model", name(req?.model));
  // Ollama streams unless told not to.
  const stream = bool(req?.stream) ?? true;
  b.set("gen_ai.request.stream", stream);
  if (req) applyRequest(req, b, endpoint);
  if (handleHttpError(ctx, b)) return;
  if (ctx.chunks.length === 0 && !ctx.complete) return;
  b.streamed = stream;
  const lines = streamLines(ctx).filter((l) => l.text.trim() !== "");
  const out = new OutputAssembler();
  let firstContent: number | undefined;
  let bad = 0;
  let toolIndex = 0;
  for (const line of lines) {
    const parsed = lineJson(line);
    const o = parsed.ok ? obj(parsed.value) : undefined;
    if (!o) {
      // While in flight the last line may simply be incomplete: only judge finished bodies.
      bad++;
      continue;
    }
    const err = o.error !== undefined ? errorFromBody(o, "stream_error") : undefined;
    if (err) b.fail(err, line.time);
    b.set("gen_ai.response.model", name(o.model));
    const m = obj(o.message) ?? {};
    const delta = endpoint === "chat" ? str(m.content) : str(o.response);
    const thinking = endpoint === "chat" ? str(m.thinking) : str(o.thinking);
    let content = false;
    if (thinking) {
      out.reasoning(0, thinking);
      content = true;
    }
    if (delta) {
      out.text(0, delta);
      content = true;
    }
    for (const raw of arr(m.tool_calls)) {
      const call = obj(raw);
      const fn = obj(call?.function);
      if (!fn) continue;
      // Tool calls arrive whole, one or more per line; each is a new call.
      const key = toolIndex++;
      out.tool(0, key, name(call?.id), name(fn.name));
      out.toolInput(0, key, fn.arguments);
      content = true;
    }
    if (content && firstContent === undefined) firstContent = line.time;
    if (o.done === true) {
      b.endOfStream(line.time);
      const reason = name(o.done_reason) ?? "stop";
      out.finish(0, reason);
      b.set("gen_ai.response.finish_reasons", [reason]);
      b.usage({ input: num(o.prompt_eval_count), output: num(o.eval_count) });
    }
  }
  if (bad > 0 && ctx.done) b.problem(`${bad} line(s) that are not JSON objects`);
  if (stream) {
    b.set("llm_trace.stream.event_count", lines.length);
    if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  }
  if (lines.length === 0 && ctx.complete) {
    b.problem("empty response body");
    b.unparsed = true;
  }
  b.setJson("gen_ai.output.messages", out.build());
}

function applyRequest(req: Obj, b: DraftBuilder, endpoint: "chat" | "generate"): void {
  const options = obj(req.options) ?? {};
  b.set("gen_ai.request.temperature", num(options.temperature));
  b.set("gen_ai.request.max_tokens", num(options.num_predict));
  b.set("gen_ai.request.top_p", num(options.top_p));
  b.set("gen_ai.request.top_k", num(options.top_k));
  b.set("gen_ai.request.seed", num(options.seed));
  b.set("gen_ai.request.frequency_penalty", num(options.frequency_penalty));
  b.set("gen_ai.request.presence_penalty", num(options.presence_penalty));
  b.set("gen_ai.request.stop_sequences", strings(options.stop));
  if (req.format === "json" || isObj(req.format)) b.set("gen_ai.output.type", "json");
  if (endpoint === "generate") {
    if (name(req.system)) b.setJson("gen_ai.system_instructions", [text(str(req.system)!)]);
    const parts: Part[] = [];
    if (typeof req.prompt === "string") parts.push(text(req.prompt));
    for (const img of arr(req.images)) if (typeof img === "string") parts.push(mediaFromData(img, undefined, "image"));
    if (parts.length > 0) b.setJson("gen_ai.input.messages", [{ role: "user", parts }]);
    return;
  }
  const messages: Message[] = [];
  for (const raw of arr(req.messages)) {
    const m = obj(raw);
    if (!m) continue;
    const role = str(m.role) ?? "user";
    const parts: Part[] = [];
    if (role === "tool") parts.push(toolResponse(name(m.tool_call_id), m.content));
    else {
      if (name(m.thinking)) parts.push({ type: "reasoning", content: str(m.thinking)! });
      if (name(m.content)) parts.push(text(str(m.content)!));
      for (const img of arr(m.images)) if (typeof img === "string") parts.push(mediaFromData(img, undefined, "image"));
      for (const tc of arr(m.tool_calls)) {
        const fn = obj(obj(tc)?.function);
        if (fn) parts.push(toolCall(name(obj(tc)?.id), str(fn.name), fn.arguments));
      }
    }
    const msg: Message = { role, parts };
    if (name(m.tool_name)) msg.name = str(m.tool_name)!;
    messages.push(msg);
  }
  b.setJson("gen_ai.input.messages", messages);
  b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools));
}
