/**
 * An item as anything may hand it over (an imported file, a message from a page): checked field
 * by field and rebuilt from what passed, so what is stored has exactly the item's shape and
 * bounded sizes. Answers a sentence saying what is wrong otherwise.
 */
import type { DatasetItem, ExpectedToolCall, ItemMessage, ItemMetadata, ItemPart, ItemRequest, ItemScore, ParamValue } from "./item";

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** A request body the replay path accepts (docs/DESIGN.md, "Replay"). */
export const MAX_BODY_CHARS = 4 * 1024 * 1024;
/** One item, all of it as JSON. */
export const MAX_ITEM_CHARS = 8 * 1024 * 1024;
export const MAX_MESSAGES = 2000;
const METHOD = /^[A-Z]{1,16}$/;

export class ItemError extends Error {}

const fail = (message: string): never => {
  throw new ItemError(message);
};

function message(v: unknown, i: number): ItemMessage {
  if (!isObject(v) || typeof v.role !== "string") return fail(`message ${i + 1} has no role`);
  if (!Array.isArray(v.parts)) return fail(`message ${i + 1} has no parts`);
  const parts = v.parts.map((p, j): ItemPart => (isObject(p) && typeof p.type === "string" ? (p as ItemPart) : fail(`part ${j + 1} of message ${i + 1} has no type`)));
  return { role: v.role.slice(0, 64), parts };
}

function params(v: unknown): Record<string, ParamValue> {
  if (v === undefined) return {};
  if (!isObject(v)) return fail("params is not an object");
  const out: Record<string, ParamValue> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === "string" || typeof x === "boolean" || (typeof x === "number" && Number.isFinite(x))) out[k.slice(0, 128)] = x;
  }
  return out;
}

function toolCalls(v: unknown): ExpectedToolCall[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail("expected tool calls are not a list");
  return v.map((c, i) => (isObject(c) && typeof c.name === "string" ? { name: c.name, arguments: c.arguments ?? null } : fail(`expected tool call ${i + 1} has no name`)));
}

/** Where a request may go: http(s) only, as the page's fetch would. */
export function checkRequestUrl(url: unknown): string | undefined {
  if (typeof url !== "string" || url.length > 8192) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : undefined;
  } catch {
    return undefined;
  }
}

export function checkRequest(v: unknown): ItemRequest | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return fail("request is not an object");
  const url = checkRequestUrl(v.url) ?? fail("request url is not an http(s) address");
  const method = typeof v.method === "string" && METHOD.test(v.method) ? v.method : fail("request method is not an HTTP method");
  const body = typeof v.body === "string" && v.body.length <= MAX_BODY_CHARS ? v.body : fail("request body is not text of at most 4 MB");
  return { url, method, body, ...(typeof v.provider === "string" ? { provider: v.provider.slice(0, 64) } : {}) };
}

function scores(v: unknown): ItemScore[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((s): s is Json => isObject(s) && typeof s.name === "string").map((s) => ({
    name: String(s.name),
    ...(typeof s.value === "number" && Number.isFinite(s.value) ? { value: s.value } : {}),
    ...(typeof s.label === "string" ? { label: s.label } : {}),
  }));
}

function metadata(v: unknown): ItemMetadata {
  if (v === undefined) return {};
  if (!isObject(v)) return fail("metadata is not an object");
  const out: ItemMetadata = {};
  for (const k of ["model", "provider", "traceId", "spanId"] as const) if (typeof v[k] === "string") out[k] = (v[k] as string).slice(0, 256);
  for (const k of ["inputTokens", "outputTokens", "latencyMs", "costUsd"] as const) if (typeof v[k] === "number" && Number.isFinite(v[k])) out[k] = v[k] as number;
  const s = scores(v.scores);
  if (s?.length) out.scores = s;
  return out;
}

/** The item, rebuilt from its checked fields; throws ItemError naming the first problem. */
export function checkItem(v: unknown): DatasetItem {
  if (!isObject(v)) return fail("the item is not an object");
  if (typeof v.id !== "string" || v.id === "" || v.id.length > 64) return fail("the item has no id");
  const input = isObject(v.input) ? v.input : fail("the item has no input");
  if (!Array.isArray(input.messages) || input.messages.length > MAX_MESSAGES) return fail(`input messages are not a list of at most ${MAX_MESSAGES}`);
  const expected = isObject(v.expected) ? v.expected : fail("the item has no expected output");
  if (typeof expected.text !== "string") return fail("the expected output has no text");
  if (input.system !== undefined && typeof input.system !== "string") return fail("system instructions are not text");
  if (input.tools !== undefined && !Array.isArray(input.tools)) return fail("tools are not a list");
  const request = checkRequest(v.request);
  const item: DatasetItem = {
    id: v.id,
    input: {
      ...(typeof input.system === "string" ? { system: input.system } : {}),
      messages: input.messages.map(message),
      ...(Array.isArray(input.tools) ? { tools: input.tools } : {}),
      params: params(input.params),
    },
    expected: { text: expected.text, toolCalls: toolCalls(expected.toolCalls) },
    metadata: metadata(v.metadata),
    ...(request ? { request } : {}),
  };
  if (JSON.stringify(item).length > MAX_ITEM_CHARS) return fail("the item is over 8 MB");
  return item;
}
