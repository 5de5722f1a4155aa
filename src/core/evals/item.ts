/**
 * A dataset item (docs/DESIGN.md, "Datasets"): one model call kept to be run again and graded.
 * Its input (system instructions, messages, tools, parameters), the output it gave as the
 * expected output (the person may edit it), metadata (model, where it came from, usage, scores),
 * and the original request (URL, method, body as stored: redacted) so it can be sent again.
 * Built from a stored span and its request only: no header is ever part of an item.
 */
import type { AttributeValue, SpanRecord } from "../contract";

/** A message in the OTel GenAI message schema, as the span attributes hold them. */
export interface ItemMessage {
  role: string;
  parts: ItemPart[];
}
export type ItemPart = { type: string; [key: string]: unknown };

export interface ExpectedToolCall {
  name: string;
  arguments: unknown;
}

export interface ExpectedOutput {
  text: string;
  toolCalls: ExpectedToolCall[];
}

export type ParamValue = string | number | boolean;

export interface ItemInput {
  system?: string;
  messages: ItemMessage[];
  /** Tool definitions as the span holds them ({type, name, description, parameters}). */
  tools?: unknown[];
  /** model, temperature, max_tokens, top_p… as sent. */
  params: Record<string, ParamValue>;
}

/** The request to send again: as stored (redacted), never with its headers. */
export interface ItemRequest {
  url: string;
  method: string;
  body: string;
  provider?: string;
}

/**
 * A score or label on the call, e.g. from a review (gen_ai.evaluation.result events): the hook
 * point for scores coming from elsewhere (scoresOfSpan reads them from span events).
 */
export interface ItemScore {
  name: string;
  value?: number;
  label?: string;
}

export interface ItemMetadata {
  model?: string;
  provider?: string;
  traceId?: string;
  spanId?: string;
  inputTokens?: number;
  outputTokens?: number;
  latencyMs?: number;
  costUsd?: number;
  scores?: ItemScore[];
}

export interface DatasetItem {
  id: string;
  input: ItemInput;
  expected: ExpectedOutput;
  metadata: ItemMetadata;
  request?: ItemRequest;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function parsed(v: AttributeValue | undefined): unknown {
  if (typeof v !== "string") return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}

/** OTel messages from an attribute: malformed entries left out. */
export function messagesOf(v: AttributeValue | undefined): ItemMessage[] {
  const list = parsed(v);
  if (!Array.isArray(list)) return [];
  return list.filter(isObject).map((m) => ({ role: typeof m.role === "string" ? m.role : "user", parts: Array.isArray(m.parts) ? m.parts.filter(isObject).map((p) => ({ ...p, type: typeof p.type === "string" ? p.type : "unknown" })) : [] }));
}

export const textOfParts = (parts: readonly ItemPart[]): string =>
  parts.filter((p) => p.type === "text" && typeof p.content === "string").map((p) => p.content as string).join("");

/** What a model answered: its text, and the tools it called with their arguments. */
export function outputOfSpan(span: Pick<SpanRecord, "attributes">): ExpectedOutput {
  const messages = messagesOf(span.attributes["gen_ai.output.messages"]);
  const parts = messages.flatMap((m) => m.parts);
  return {
    text: textOfParts(parts),
    toolCalls: parts.filter((p) => p.type === "tool_call").map((p) => ({ name: typeof p.name === "string" ? p.name : "", arguments: p.arguments ?? null })),
  };
}

/** The system instructions: their own attribute, else the system/developer messages (Chat Completions keeps them there). */
function splitSystem(span: SpanRecord): { system?: string; messages: ItemMessage[] } {
  const messages = messagesOf(span.attributes["gen_ai.input.messages"]);
  const own = parsed(span.attributes["gen_ai.system_instructions"]);
  if (Array.isArray(own)) return { system: textOfParts(own.filter(isObject) as ItemPart[]), messages };
  const system = messages.filter((m) => m.role === "system" || m.role === "developer");
  if (system.length === 0) return { messages };
  return { system: system.map((m) => textOfParts(m.parts)).join("\n"), messages: messages.filter((m) => !system.includes(m)) };
}

function params(span: SpanRecord): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (!k.startsWith("gen_ai.request.") || k === "gen_ai.request.stream") continue;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k.slice("gen_ai.request.".length).replace(/\./g, "_")] = v;
  }
  return out;
}

const num = (v: AttributeValue | undefined): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const str = (v: AttributeValue | undefined): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** Reviews and scores recorded as gen_ai.evaluation.result events on the span. */
export function scoresOfSpan(span: Pick<SpanRecord, "events">): ItemScore[] {
  const out: ItemScore[] = [];
  for (const e of span.events ?? []) {
    if (e.name !== "gen_ai.evaluation.result" || !e.attributes) continue;
    const name = str(e.attributes["gen_ai.evaluation.name"]);
    if (!name) continue;
    const value = num(e.attributes["gen_ai.evaluation.score.value"]);
    const label = str(e.attributes["gen_ai.evaluation.score.label"]);
    out.push({ name, ...(value !== undefined ? { value } : {}), ...(label !== undefined ? { label } : {}) });
  }
  return out;
}

/** The stored request, as the panel loads it with the span's exchange. */
export interface StoredRequest {
  url: string;
  method: string;
  body?: { text?: string; truncated?: boolean };
}

export type ItemResult = { ok: true; item: DatasetItem } | { ok: false; error: string };

/** A finished model span (and its stored request, when there is one) as a dataset item. */
export function itemFromSpan(span: SpanRecord, request: StoredRequest | undefined, id: string): ItemResult {
  if (span.kind !== "llm") return { ok: false, error: `${span.name} is not a model call.` };
  if (span.endTime === undefined) return { ok: false, error: `${span.name} has not ended: its output is not final.` };
  if (span.status === "error") return { ok: false, error: `${span.name} failed: it has no output to expect.` };
  const a = span.attributes;
  const { system, messages } = splitSystem(span);
  const tools = parsed(a["gen_ai.tool.definitions"]);
  const scores = scoresOfSpan(span);
  const metadata: ItemMetadata = {
    model: str(a["gen_ai.response.model"]) ?? str(a["gen_ai.request.model"]),
    provider: str(a["gen_ai.provider.name"]),
    traceId: span.traceId,
    spanId: span.spanId,
    inputTokens: num(a["gen_ai.usage.input_tokens"]),
    outputTokens: num(a["gen_ai.usage.output_tokens"]),
    latencyMs: Math.round((span.endTime - span.startTime) * 1000) / 1000,
    costUsd: num(a["llm_trace.cost.usd"]),
    ...(scores.length ? { scores } : {}),
  };
  for (const k of Object.keys(metadata) as (keyof ItemMetadata)[]) if (metadata[k] === undefined) delete metadata[k];
  const text = request?.body?.text;
  const item: DatasetItem = {
    id,
    input: { ...(system !== undefined ? { system } : {}), messages, ...(Array.isArray(tools) ? { tools } : {}), params: params(span) },
    expected: outputOfSpan(span),
    metadata,
    // A body cut at the capture cap cannot be sent again whole: the item keeps no request then.
    ...(request && text !== undefined && !request.body?.truncated ? { request: { url: request.url, method: request.method, body: text, ...(metadata.provider ? { provider: metadata.provider } : {}) } } : {}),
  };
  return { ok: true, item };
}
