/**
 * Google Gemini API (generativelanguage.googleapis.com) and Vertex AI (aiplatform.googleapis.com):
 * :generateContent, :streamGenerateContent with ?alt=sse, and without alt=sse, where the body
 * is one JSON array written element by element. Also :embedContent / :batchEmbedContents are
 * routed to the embeddings parser by the classifier.
 *
 * usageMetadata in a stream is cumulative: the last one reported is the total (never summed).
 * Thought parts are reasoning; a candidate's groundingMetadata (Grounding with Google Search)
 * becomes a google_search call answered in the same message, placed before the answer, plus
 * citations on the answer's text (groundingSupports), as does citationMetadata.
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import { eventJson, lineJson, streamArray, streamEvents } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder, Usage } from "./draft";
import { arr, cappedJson, isObj, name, num, obj, pick, str, strings } from "./json";
import type { Obj, Parsed } from "./json";
import { OutputAssembler, citation, mediaFromData, mediaFromUrl, reasoning, text, toolCall, toolResponse } from "./messages";
import type { Citation, Message, Part, ToolDefinition } from "./messages";

export function parseGemini(ctx: Ctx, b: DraftBuilder, pathModel: string | undefined, streaming: boolean): void {
  b.kind = "llm";
  b.operation = "generate_content";
  b.set("gen_ai.request.model", pathModel);
  b.set("gen_ai.request.stream", streaming);
  const req = ctx.req;
  if (req) applyRequest(req, b);
  if (handleHttpError(ctx, b)) return;
  if (ctx.chunks.length === 0 && !ctx.complete) return;
  if (isEventStream(ctx)) {
    b.streamed = true;
    const events = streamEvents(ctx);
    consume(
      ctx,
      b,
      events.map((e) => ({ parsed: eventJson(e), time: e.time })),
    );
    return;
  }
  if (ctx.head(256).trimStart().startsWith("[")) {
    b.streamed = streaming;
    const frames = streamArray(ctx);
    if (frames.error) b.problem(`streamed JSON array: ${frames.error}`);
    consume(
      ctx,
      b,
      frames.elements.map((e) => ({ parsed: lineJson(e), time: e.time })),
    );
    // The closing bracket is the array stream's own end marker.
    if (frames.closed && !b.terminal && frames.elements.length > 0) b.endOfStream(frames.elements[frames.elements.length - 1]!.time);
    return;
  }
  const body = readJsonBody(ctx, b);
  if (body === undefined) return;
  consume(ctx, b, [{ parsed: { ok: true, value: body }, time: ctx.chunks[ctx.chunks.length - 1]!.time }]);
  // A whole body is never "incomplete", whatever its finishReason says.
  b.streamed = false;
}

function applyRequest(req: Obj, b: DraftBuilder): void {
  const config = obj(pick(req, "generationConfig", "generation_config"));
  if (config) {
    b.set("gen_ai.request.temperature", num(config.temperature));
    b.set("gen_ai.request.max_tokens", num(pick(config, "maxOutputTokens", "max_output_tokens")));
    b.set("gen_ai.request.top_p", num(pick(config, "topP", "top_p")));
    b.set("gen_ai.request.top_k", num(pick(config, "topK", "top_k")));
    b.set("gen_ai.request.stop_sequences", strings(pick(config, "stopSequences", "stop_sequences")));
    b.set("gen_ai.request.seed", num(config.seed));
    b.set("gen_ai.request.presence_penalty", num(pick(config, "presencePenalty", "presence_penalty")));
    b.set("gen_ai.request.frequency_penalty", num(pick(config, "frequencyPenalty", "frequency_penalty")));
    const count = num(pick(config, "candidateCount", "candidate_count"));
    if (count !== undefined && count !== 1) b.set("gen_ai.request.choice.count", count);
    const mime = str(pick(config, "responseMimeType", "response_mime_type"));
    if (mime === "application/json") b.set("gen_ai.output.type", "json");
    else if (mime === "text/plain") b.set("gen_ai.output.type", "text");
  }
  const system = obj(pick(req, "systemInstruction", "system_instruction"));
  if (system) b.setJson("gen_ai.system_instructions", partsOf(system.parts));
  else if (typeof pick(req, "systemInstruction", "system_instruction") === "string") {
    b.setJson("gen_ai.system_instructions", [text(str(pick(req, "systemInstruction", "system_instruction"))!)]);
  }
  const messages: Message[] = [];
  for (const raw of arr(req.contents)) {
    const c = obj(raw);
    if (c) messages.push({ role: role(str(c.role)), parts: partsOf(c.parts) });
  }
  b.setJson("gen_ai.input.messages", messages);
  b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools));
}

/** Gemini calls the assistant "model". */
export function role(r: string | undefined): string {
  return r === "model" ? "assistant" : (r ?? "user");
}

export function partsOf(parts: unknown): Part[] {
  const out: Part[] = [];
  for (const raw of arr(parts)) {
    const p = obj(raw);
    if (!p) continue;
    const fc = obj(pick(p, "functionCall", "function_call"));
    const fr = obj(pick(p, "functionResponse", "function_response"));
    const inline = obj(pick(p, "inlineData", "inline_data"));
    const file = obj(pick(p, "fileData", "file_data"));
    const code = obj(pick(p, "executableCode", "executable_code"));
    const codeResult = obj(pick(p, "codeExecutionResult", "code_execution_result"));
    if (typeof p.text === "string") out.push(p.thought === true ? reasoning(p.text) : text(p.text));
    else if (fc) out.push(toolCall(name(fc.id), str(fc.name), fc.args ?? {}));
    else if (fr) out.push(toolResponse(name(fr.id) ?? name(fr.name), fr.response));
    else if (inline) out.push(mediaFromData(str(inline.data) ?? "", str(pick(inline, "mimeType", "mime_type"))));
    else if (file) {
      const uri = str(pick(file, "fileUri", "file_uri"));
      if (uri) out.push(mediaFromUrl(uri, str(pick(file, "mimeType", "mime_type"))));
    } else if (code) out.push(toolCall(undefined, "code_execution", { language: code.language, code: code.code }));
    else if (codeResult) out.push(toolResponse(undefined, codeResult));
    else {
      // A part kind newer than this parser: kept with its data rather than dropped.
      const kind = Object.keys(p).find((k) => !PART_METADATA.has(k));
      if (kind !== undefined) out.push({ type: kind, data: cappedJson(p[kind]) });
    }
  }
  return out;
}

/** Fields that describe a part rather than being its content. */
const PART_METADATA = new Set(["thought", "thoughtSignature", "thought_signature", "videoMetadata", "video_metadata", "partMetadata", "part_metadata", "mediaResolution", "media_resolution"]);


/**
 * Grounding with Google Search: the searches the model ran (webSearchQueries) and the pages it
 * found (groundingChunks) as a google_search call and its result, without ids (Gemini gives
 * none; the result answers the call before it), and the answer segments those pages support
 * (groundingSupports) as citations.
 */
function grounding(meta: Obj): { parts: Part[]; citations: Citation[] } {
  const chunks = arr(pick(meta, "groundingChunks", "grounding_chunks")).map((c) => {
    const source = obj(obj(c)?.web) ?? obj(pick(obj(c), "retrievedContext", "retrieved_context")) ?? obj(obj(c)?.maps) ?? {};
    return { url: source.uri, title: source.title };
  });
  const queries = strings(pick(meta, "webSearchQueries", "web_search_queries"));
  const parts: Part[] = [];
  if (queries || chunks.length > 0) {
    parts.push(toolCall(undefined, "google_search", { queries: queries ?? [] }));
    parts.push(toolResponse(undefined, { sources: chunks.map((c) => citation({ type: "web", url: c.url, title: c.title })) }));
  }
  const citations: Citation[] = [];
  for (const raw of arr(pick(meta, "groundingSupports", "grounding_supports"))) {
    const support = obj(raw);
    const segment = obj(support?.segment) ?? {};
    for (const i of arr(pick(support, "groundingChunkIndices", "grounding_chunk_indices"))) {
      const chunk = typeof i === "number" ? chunks[i] : undefined;
      if (!chunk) continue;
      citations.push(citation({
        type: "grounding",
        url: chunk.url,
        title: chunk.title,
        cited_text: segment.text,
        start_index: pick(segment, "startIndex", "start_index") ?? 0,
        end_index: pick(segment, "endIndex", "end_index"),
      }));
    }
  }
  return { parts, citations };
}

/** citationMetadata.citationSources: passages the answer recites from (with their license). */
function citationSources(meta: Obj): Citation[] {
  return arr(pick(meta, "citationSources", "citation_sources", "citations")).filter(isObj).map((c) =>
    citation({ type: "citation_source", url: c.uri, title: c.title, start_index: pick(c, "startIndex", "start_index") ?? 0, end_index: pick(c, "endIndex", "end_index") }),
  );
}

export function toolDefinitions(tools: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const raw of arr(tools)) {
    const t = obj(raw);
    if (!t) continue;
    for (const d of arr(pick(t, "functionDeclarations", "function_declarations"))) {
      const fn = obj(d);
      if (!fn) continue;
      const def: ToolDefinition = { type: "function" };
      if (name(fn.name)) def.name = str(fn.name)!;
      if (name(fn.description)) def.description = str(fn.description)!;
      const params = pick(fn, "parameters", "parametersJsonSchema", "parameters_json_schema");
      if (params !== undefined) def.parameters = params;
      out.push(def);
    }
    // Built-in tools ({googleSearch:{}}, {codeExecution:{}}, ...) are named by their key.
    for (const key of Object.keys(t)) {
      if (key !== "functionDeclarations" && key !== "function_declarations") out.push({ type: key });
    }
  }
  return out;
}

/** Gemini's candidatesTokenCount excludes thinking; OTel output tokens include reasoning. */
export function geminiUsage(u: Obj): Usage | undefined {
  const input = num(u.promptTokenCount);
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  const output = candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0);
  if (input === undefined && output === undefined) return undefined;
  return { input, output, cacheRead: num(u.cachedContentTokenCount), reasoning: thoughts };
}

type Frame = { parsed: Parsed; time: number };

/** Fold response objects (one, or one per stream event/array element) into the draft. */
function consume(ctx: Ctx, b: DraftBuilder, frames: Frame[]): void {
  const out = new OutputAssembler();
  const reasons = new Map<number, string>();
  // Per candidate, the latest grounding and citation metadata (a stream sends them with the last chunk).
  const grounded = new Map<number, Obj>();
  const cited = new Map<number, Obj>();
  let usage: Obj | undefined;
  let firstContent: number | undefined;
  let bad = 0;
  for (const frame of frames) {
    const r = frame.parsed.ok ? obj(frame.parsed.value) : undefined;
    if (!r) {
      bad++;
      continue;
    }
    const err = r.error !== undefined ? errorFromBody(r, "stream_error") : undefined;
    if (err) b.fail(err, frame.time);
    b.set("gen_ai.response.id", name(r.responseId));
    b.set("gen_ai.response.model", name(r.modelVersion));
    if (isObj(r.usageMetadata)) usage = r.usageMetadata;
    const block = name(obj(r.promptFeedback)?.blockReason);
    if (block) {
      reasons.set(0, block);
      out.finish(0, block);
      b.endOfStream(frame.time);
    }
    for (const rawCandidate of arr(r.candidates)) {
      const cand = obj(rawCandidate);
      if (!cand) continue;
      const index = num(cand.index) ?? 0;
      for (const part of partsOf(obj(cand.content)?.parts)) {
        if (part.type === "text") out.text(index, (part as { content: string }).content);
        else if (part.type === "reasoning") out.reasoning(index, (part as { content: string }).content);
        else out.part(index, part);
        if (!KNOWN_PARTS.has(part.type)) b.problem(`a part of unknown kind kept as is: ${part.type}`);
        if (firstContent === undefined && carriesContent(part)) firstContent = frame.time;
      }
      const meta = obj(pick(cand, "groundingMetadata", "grounding_metadata"));
      if (meta) grounded.set(index, meta);
      const citations = obj(pick(cand, "citationMetadata", "citation_metadata"));
      if (citations) cited.set(index, citations);
      const reason = name(cand.finishReason);
      if (reason) {
        reasons.set(index, reason);
        out.finish(index, reason);
        b.endOfStream(frame.time);
      }
    }
  }
  for (const [index, meta] of grounded) {
    const g = grounding(meta);
    out.prepend(index, g.parts);
    out.cite(index, g.citations);
  }
  for (const [index, meta] of cited) out.cite(index, citationSources(meta));
  if (b.streamed) {
    b.set("llm_trace.stream.event_count", frames.length);
    if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  }
  if (bad > 0) b.problem(`${bad} response chunk(s) that are not JSON objects`);
  b.setJson("gen_ai.output.messages", out.build());
  b.set("gen_ai.response.finish_reasons", [...reasons.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]));
  const u = usage ? geminiUsage(usage) : undefined;
  if (u) b.usage(u);
}

const KNOWN_PARTS = new Set(["text", "reasoning", "tool_call", "tool_call_response", "blob", "uri"]);

function carriesContent(part: Part): boolean {
  if (part.type === "text" || part.type === "reasoning") return (part as { content: string }).content !== "";
  return part.type === "tool_call" || part.type === "blob" || part.type === "uri";
}
