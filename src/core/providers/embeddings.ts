/**
 * Embeddings across shapes: OpenAI and compatibles (/v1/embeddings: data[].embedding as numbers
 * or base64), Ollama (/api/embed: embeddings[][], legacy /api/embeddings: embedding[]) and Gemini
 * (:embedContent: embedding.values, :batchEmbedContents: embeddings[].values). Vectors are never
 * copied into attributes; only their dimension and count.
 */
import { handleHttpError, readJsonBody } from "./body";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder } from "./draft";
import { arr, isObj, name, num, obj, pick } from "./json";
import type { Obj } from "./json";
import { openAIUsage } from "./openai-common";

export function parseEmbeddings(ctx: Ctx, b: DraftBuilder, pathModel?: string): void {
  b.kind = "embedding";
  b.operation = "embeddings";
  const req = ctx.req;
  // Gemini names models as "models/{id}"; the path segment is the bare id.
  b.set("gen_ai.request.model", pathModel ?? name(req?.model));
  if (req) {
    b.set("llm_trace.embeddings.input_count", inputCount(req));
    const format = name(req.encoding_format);
    if (format) b.set("gen_ai.request.encoding_formats", [format]);
    const dims = num(req.dimensions) ?? num(pick(req, "outputDimensionality", "output_dimensionality"));
    b.set("gen_ai.embeddings.dimension.count", dims);
  }
  if (handleHttpError(ctx, b)) return;
  if (ctx.chunks.length === 0 && !ctx.complete) return;
  const body = readJsonBody(ctx, b);
  if (body === undefined) return;
  const err = errorFromBody(body, "error");
  const o = obj(body);
  if (err || !o) {
    if (err) b.fail(err);
    else b.problem("response is not an embeddings object");
    return;
  }
  b.set("gen_ai.response.model", name(o.model));
  const first = firstVector(o);
  if (first !== undefined) b.set("gen_ai.embeddings.dimension.count", first);
  const usage = openAIUsage(o.usage);
  if (usage) b.usage(usage);
  else if (num(o.prompt_eval_count) !== undefined) b.usage({ input: num(o.prompt_eval_count) });
}

function inputCount(req: Obj): number | undefined {
  const input = req.input ?? req.prompt;
  if (typeof input === "string") return 1;
  if (Array.isArray(input)) {
    // A flat array of numbers is one pre-tokenised input; anything else is a list of inputs.
    return input.length > 0 && input.every((x) => typeof x === "number") ? 1 : input.length;
  }
  if (Array.isArray(req.requests)) return req.requests.length;
  if (isObj(req.content)) return 1;
  return undefined;
}

/** Dimension of the first vector, whatever the shape. */
function firstVector(o: Obj): number | undefined {
  const data = obj(arr(o.data)[0]);
  if (data) {
    const e = data.embedding;
    if (Array.isArray(e)) return e.length;
    // base64 of little-endian float32: 4 bytes per dimension.
    if (typeof e === "string") return Math.floor(base64Bytes(e) / 4);
  }
  const first = arr(o.embeddings)[0];
  if (Array.isArray(first)) return first.length;
  if (isObj(first) && Array.isArray(first.values)) return first.values.length;
  if (Array.isArray(o.embedding)) return o.embedding.length;
  const values = obj(o.embedding)?.values;
  if (Array.isArray(values)) return values.length;
  return undefined;
}

function base64Bytes(s: string): number {
  const clean = s.replace(/[^A-Za-z0-9+/=_-]/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - padding;
}

