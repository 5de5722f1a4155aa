/**
 * Legacy OpenAI Completions (/v1/completions): a prompt in, choices[].text out, streamed as
 * text_completion chunks ending with [DONE]. Still served by vLLM, llama.cpp, LM Studio, Together.
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import { eventJson, streamEvents } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder, Usage } from "./draft";
import { arr, bool, isObj, name, obj, str } from "./json";
import { OutputAssembler, outputMessage, text } from "./messages";
import type { Message } from "./messages";
import { openAIUsage, setOpenAIRequestParams } from "./openai-common";

/** `deployment`: Azure's deployment name from the path, the model when the body names none. */
export function parseOpenAICompletions(ctx: Ctx, b: DraftBuilder, deployment?: string): void {
  b.kind = "llm";
  b.operation = "text_completion";
  const req = ctx.req;
  setOpenAIRequestParams(req, b);
  if (!("gen_ai.request.model" in b.attributes)) b.set("gen_ai.request.model", deployment);
  if (req) {
    const prompts = typeof req.prompt === "string" ? [req.prompt] : arr(req.prompt).filter((p): p is string => typeof p === "string");
    b.setJson(
      "gen_ai.input.messages",
      prompts.map((p): Message => ({ role: "user", parts: [text(p)] })),
    );
  }
  const streamed = ctx.chunks.length > 0 && isEventStream(ctx);
  b.set("gen_ai.request.stream", bool(req?.stream) ?? (streamed || undefined));
  if (handleHttpError(ctx, b)) return;
  if (streamed) parseStream(ctx, b);
  else if (ctx.chunks.length > 0 || ctx.complete) parseWhole(ctx, b);
}

function parseWhole(ctx: Ctx, b: DraftBuilder): void {
  const body = readJsonBody(ctx, b);
  if (body === undefined) return;
  const err = errorFromBody(body, "error");
  const o = obj(body);
  if (err || !o) {
    if (err) b.fail(err);
    else b.problem("response is not a text_completion object");
    return;
  }
  b.set("gen_ai.response.id", name(o.id));
  b.set("gen_ai.response.model", name(o.model));
  const outputs: Message[] = [];
  const reasons: string[] = [];
  for (const raw of arr(o.choices)) {
    const c = obj(raw);
    if (!c) continue;
    const reason = name(c.finish_reason);
    if (reason) reasons.push(reason);
    outputs.push(outputMessage(str(c.text) ? [text(str(c.text)!)] : [], reason));
  }
  b.setJson("gen_ai.output.messages", outputs);
  b.set("gen_ai.response.finish_reasons", reasons);
  const usage = openAIUsage(o.usage);
  if (usage) b.usage(usage);
}

function parseStream(ctx: Ctx, b: DraftBuilder): void {
  b.streamed = true;
  const events = streamEvents(ctx);
  const out = new OutputAssembler();
  const reasons = new Map<number, string>();
  let usage: Usage | undefined;
  let firstContent: number | undefined;
  let bad = 0;
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
    const chunk = parsed.value;
    const err = chunk.error !== undefined ? errorFromBody(chunk, "stream_error") : undefined;
    if (err) b.fail(err, ev.time);
    if (!("gen_ai.response.id" in b.attributes)) b.set("gen_ai.response.id", name(chunk.id));
    b.set("gen_ai.response.model", name(chunk.model));
    usage = openAIUsage(chunk.usage) ?? usage;
    for (const raw of arr(chunk.choices)) {
      const c = obj(raw);
      if (!c) continue;
      const index = typeof c.index === "number" ? c.index : 0;
      const delta = str(c.text);
      if (delta) {
        out.text(index, delta);
        firstContent ??= ev.time;
      }
      const reason = name(c.finish_reason);
      if (reason) {
        reasons.set(index, reason);
        out.finish(index, reason);
        b.endOfStream(ev.time);
      }
    }
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  b.setJson("gen_ai.output.messages", out.build());
  b.set("gen_ai.response.finish_reasons", [...reasons.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]));
  if (usage) b.usage(usage);
}
