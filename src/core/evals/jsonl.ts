/**
 * Datasets as JSON Lines, in the two shapes people load elsewhere (docs/DESIGN.md, "Datasets"):
 * - `openai`: OpenAI chat fine-tuning and evals lines, `{"messages": [...], "tools": [...]}`,
 *   the expected output as the last (assistant) message;
 * - `generic`: `{"input", "expected_output", "metadata"}`, as Langfuse dataset items and
 *   promptfoo tests hold them; metadata carries the request, so a file imported back can run.
 * Import reads either (line by line, blank lines skipped) and refuses the whole file at the
 * first bad line, naming it: nothing is stored from a file that is partly wrong.
 */
import { checkItem, checkRequest, ItemError } from "./check-item";
import type { DatasetItem, ExpectedOutput, ItemMetadata } from "./item";
import { expectedAsOpenAi, expectedFromOpenAi, fromOpenAiMessages, fromOpenAiTools, toOpenAiMessages, toOpenAiTools } from "./openai-messages";

export type JsonlShape = "openai" | "generic";

export const MAX_IMPORT_ITEMS = 10_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function toOpenAiLine(item: DatasetItem): Json {
  const tools = item.input.tools?.length ? toOpenAiTools(item.input.tools) : [];
  return {
    messages: [...toOpenAiMessages(item.input.system, item.input.messages), expectedAsOpenAi(item.expected)],
    ...(tools.length ? { tools } : {}),
  };
}

function expectedOutputValue(e: ExpectedOutput): unknown {
  return e.toolCalls.length === 0 ? e.text : { content: e.text, tool_calls: e.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments })) };
}

function metadataLine(item: DatasetItem): Json {
  const m = item.metadata;
  const out: Json = {
    id: item.id, model: m.model, provider: m.provider, trace_id: m.traceId, span_id: m.spanId,
    input_tokens: m.inputTokens, output_tokens: m.outputTokens, latency_ms: m.latencyMs, cost_usd: m.costUsd,
    scores: m.scores, request: item.request,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

export function toGenericLine(item: DatasetItem): Json {
  const tools = item.input.tools?.length ? toOpenAiTools(item.input.tools) : [];
  return {
    input: {
      ...(item.input.system !== undefined ? { system: item.input.system } : {}),
      messages: toOpenAiMessages(undefined, item.input.messages),
      ...(tools.length ? { tools } : {}),
      params: item.input.params,
    },
    expected_output: expectedOutputValue(item.expected),
    metadata: metadataLine(item),
  };
}

export function toDatasetJsonl(items: readonly DatasetItem[], shape: JsonlShape): string {
  return items.map((i) => JSON.stringify(shape === "openai" ? toOpenAiLine(i) : toGenericLine(i)) + "\n").join("");
}

// ---- import ----

class LineError extends Error {}
const bad = (message: string): never => {
  throw new LineError(message);
};

function openAiMessages(v: unknown, what: string): Json[] {
  if (!Array.isArray(v)) return bad(`${what} is not a list`);
  return v.map((m, i) => (isObject(m) && typeof m.role === "string" ? m : bad(`message ${i + 1} of ${what} has no role`)));
}

function fromOpenAiLine(line: Json, id: string): unknown {
  const messages = openAiMessages(line.messages, '"messages"');
  const last = messages[messages.length - 1];
  if (!last || last.role !== "assistant") return bad('the last of "messages" is not the assistant\'s answer (the expected output)');
  if (line.tools !== undefined && !Array.isArray(line.tools)) return bad('"tools" is not a list');
  const input = fromOpenAiMessages(messages.slice(0, -1));
  return {
    id,
    input: { ...input, ...(Array.isArray(line.tools) ? { tools: fromOpenAiTools(line.tools) } : {}), params: {} },
    expected: expectedFromOpenAi(last),
    metadata: {},
  };
}

function expectedOf(v: unknown): ExpectedOutput {
  if (typeof v === "string") return { text: v, toolCalls: [] };
  if (v === undefined || v === null) return { text: "", toolCalls: [] };
  if (!isObject(v)) return bad('"expected_output" is neither text nor an object');
  if (v.role === "assistant") return expectedFromOpenAi(v);
  const calls = Array.isArray(v.tool_calls) ? v.tool_calls : [];
  const own = [v.content, v.text, v.output].find((x): x is string => typeof x === "string");
  // An object of another shape is expected as its JSON text (a structured answer).
  const text = own ?? (calls.length ? "" : JSON.stringify(v));
  return {
    text,
    toolCalls: calls.map((c, i) => (isObject(c) && typeof c.name === "string" ? { name: c.name, arguments: c.arguments ?? null } : bad(`tool call ${i + 1} of "expected_output" has no name`))),
  };
}

function metadataOf(m: Json): ItemMetadata {
  return {
    model: m.model, provider: m.provider, traceId: m.trace_id, spanId: m.span_id,
    inputTokens: m.input_tokens, outputTokens: m.output_tokens, latencyMs: m.latency_ms, costUsd: m.cost_usd, scores: m.scores,
  } as ItemMetadata;
}

function fromGenericLine(line: Json, id: string): unknown {
  const input = line.input;
  const metadata = line.metadata === undefined ? {} : isObject(line.metadata) ? line.metadata : bad('"metadata" is not an object');
  let request: unknown;
  try {
    request = checkRequest(metadata.request);
  } catch (error) {
    return bad(`"metadata.request": ${(error as Error).message}`);
  }
  const expected = expectedOf(line.expected_output !== undefined ? line.expected_output : line.expectedOutput);
  // A bare string input (promptfoo's, Langfuse's simplest items) is one user message.
  if (typeof input === "string") return { id, input: { messages: [{ role: "user", parts: [{ type: "text", content: input }] }], params: {} }, expected, metadata: metadataOf(metadata), request };
  if (!isObject(input)) return bad('"input" is neither text nor an object');
  if (input.system !== undefined && typeof input.system !== "string") return bad('"input.system" is not text');
  if (input.tools !== undefined && !Array.isArray(input.tools)) return bad('"input.tools" is not a list');
  const converted = fromOpenAiMessages(openAiMessages(input.messages ?? [], '"input.messages"'));
  const system = [input.system, converted.system].filter((s): s is string => typeof s === "string").join("\n");
  return {
    id,
    input: { ...(system !== "" || input.system !== undefined ? { system } : {}), messages: converted.messages, ...(Array.isArray(input.tools) ? { tools: fromOpenAiTools(input.tools) } : {}), params: input.params ?? {} },
    expected,
    metadata: metadataOf(metadata),
    ...(request ? { request } : {}),
  };
}

export type ImportResult = { ok: true; items: DatasetItem[]; shapes: Record<JsonlShape, number> } | { ok: false; error: string };

/**
 * Every line of a JSONL file as an item, or the first problem as "Line N: …". `newId` names
 * each item (an id in the file's metadata is kept when it is one of ours).
 */
export function parseDatasetJsonl(text: string, newId: () => string): ImportResult {
  const items: DatasetItem[] = [];
  const shapes: Record<JsonlShape, number> = { openai: 0, generic: 0 };
  let start = 0;
  for (let n = 1; start <= text.length; n++) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === "") continue;
    if (items.length >= MAX_IMPORT_ITEMS) return { ok: false, error: `Line ${n}: more than ${MAX_IMPORT_ITEMS} items in one file.` };
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch (error) {
      return { ok: false, error: `Line ${n}: not JSON (${error instanceof Error ? error.message : String(error)}).` };
    }
    try {
      if (!isObject(line)) bad("not a JSON object");
      const obj = line as Json;
      const metaId = isObject(obj.metadata) && typeof obj.metadata.id === "string" && /^[0-9a-f]{16}$/.test(obj.metadata.id) ? obj.metadata.id : undefined;
      const id = metaId && !items.some((i) => i.id === metaId) ? metaId : newId();
      let candidate: unknown;
      if (Array.isArray(obj.messages)) {
        candidate = fromOpenAiLine(obj, id);
        shapes.openai++;
      } else if ("input" in obj) {
        candidate = fromGenericLine(obj, id);
        shapes.generic++;
      } else {
        bad('neither an OpenAI chat line ({"messages": [...]}) nor a dataset item ({"input", "expected_output"})');
      }
      items.push(checkItem(candidate));
    } catch (error) {
      if (error instanceof LineError || error instanceof ItemError) return { ok: false, error: `Line ${n}: ${error.message}.` };
      throw error;
    }
  }
  if (items.length === 0) return { ok: false, error: "The file holds no items." };
  return { ok: true, items, shapes };
}
