/**
 * Any other SSE or NDJSON stream whose JSON events carry text deltas in a recognisable field
 * (an app's own backend relaying a model's output in its own shape): the output text is the
 * deltas joined, the model is taken when an event names one, and the raw events stay on the span
 * (generic.ts lists them). Nothing here is a provider's usage report, so no token counts.
 *
 * A field counts when it is a string in at least two events and in most of the JSON events.
 * Field names that only ever mean a delta (delta, token, text_delta, chunk, ...) are enough on
 * their own; generic names (content, text, message.content) also need a request that looks like
 * a model call, so a feed of chat messages or notifications stays a plain http span.
 */
import { isEventStream, isNdjson, secondsSinceStart } from "./context";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { eventJson, lineJson, streamEvents, streamLines } from "./frames";
import { isObj, name, obj } from "./json";
import type { Obj } from "./json";
import { text } from "./messages";
import { chatInputMessages } from "./openai-common";

/** Dotted paths, most specific first. */
const DELTA_FIELDS = ["delta", "delta.text", "delta.content", "text_delta", "token", "token.text", "chunk", "data.delta", "data.text_delta"];
const GENERIC_FIELDS = ["content", "text", "message.content", "data.content", "data.text", "response", "output"];
const MODEL_FIELDS = ["model", "model_name", "modelId", "metadata.model", "data.model"];

function at(o: Obj, path: string): unknown {
  let v: unknown = o;
  for (const key of path.split(".")) {
    if (!isObj(v)) return undefined;
    v = v[key];
  }
  return v;
}

/** The request looks like a model call (a prompt, messages, a question). */
function modelRequest(req: Obj | undefined): boolean {
  if (!req) return false;
  return Array.isArray(req.messages) || ["prompt", "input", "question", "query", "message"].some((k) => typeof req[k] === "string") || typeof req.model === "string";
}

interface Item {
  time: number;
  o: Obj;
}

function items(ctx: Ctx): Item[] {
  const out: Item[] = [];
  if (isEventStream(ctx)) {
    for (const ev of streamEvents(ctx)) {
      const parsed = eventJson(ev);
      if (parsed.ok && isObj(parsed.value)) out.push({ time: ev.time, o: parsed.value });
    }
  } else if (isNdjson(ctx)) {
    for (const line of streamLines(ctx)) {
      if (line.text.trim() === "") continue;
      const parsed = lineJson(line);
      if (parsed.ok && isObj(parsed.value)) out.push({ time: line.time, o: parsed.value });
    }
  }
  return out;
}

/** Upgrades an http span to a model call when its stream carries text deltas; returns whether it did. */
export function recoverTextDeltas(ctx: Ctx, b: DraftBuilder): boolean {
  const all = items(ctx);
  if (all.length < 2) return false;
  const fields = modelRequest(ctx.req) ? [...DELTA_FIELDS, ...GENERIC_FIELDS] : DELTA_FIELDS;
  let best: string | undefined;
  let bestCount = 0;
  for (const field of fields) {
    let count = 0;
    for (const item of all) if (typeof at(item.o, field) === "string") count++;
    if (count > bestCount) {
      best = field;
      bestCount = count;
    }
  }
  if (best === undefined || bestCount < 2 || bestCount * 2 <= all.length) return false;
  const pieces: string[] = [];
  let first: number | undefined;
  let model: string | undefined;
  for (const item of all) {
    const piece = at(item.o, best);
    if (typeof piece === "string" && piece !== "") {
      pieces.push(piece);
      first ??= item.time;
    }
    for (const f of MODEL_FIELDS) model ??= name(at(item.o, f));
  }
  b.kind = "llm";
  b.operation = "chat";
  b.set("llm_trace.output.source", `text deltas in "${best}"`);
  b.set("gen_ai.response.model", model);
  const req = obj(ctx.req);
  b.set("gen_ai.request.model", name(req?.model));
  if (Array.isArray(req?.messages)) b.setJson("gen_ai.input.messages", chatInputMessages(req.messages));
  else {
    const prompt = ["prompt", "input", "question", "query", "message"].map((k) => req?.[k]).find((v): v is string => typeof v === "string");
    if (prompt !== undefined) b.setJson("gen_ai.input.messages", [{ role: "user", parts: [text(prompt)] }]);
  }
  if (first !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, first));
  b.setJson("gen_ai.output.messages", [{ role: "assistant", parts: [text(pieces.join(""))] }]);
  return true;
}
