/**
 * Items' messages in the shape most tools load: OpenAI Chat Completions messages (fine-tuning
 * and evals files, Langfuse and promptfoo inputs), and back. From the OTel message schema the
 * spans hold: text parts become `content`, tool calls `tool_calls` (arguments as a JSON string),
 * each tool result a `tool` message; images as `image_url` parts. Reasoning is left out (no
 * such field in the format).
 */
import type { ExpectedOutput, ItemMessage, ItemPart } from "./item";

export interface OpenAiToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export interface OpenAiMessage {
  role: string;
  content: string | null | Record<string, unknown>[];
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const argsText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v ?? {}));
const responseText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v ?? null));

function imagePart(p: ItemPart): Record<string, unknown> | undefined {
  if (p.type === "uri" && typeof p.uri === "string") return { type: "image_url", image_url: { url: p.uri } };
  if (p.type === "blob" && typeof p.content === "string" && p.modality === "image") {
    return { type: "image_url", image_url: { url: `data:${typeof p.mime_type === "string" ? p.mime_type : "image/png"};base64,${p.content}` } };
  }
  return undefined;
}

/** One OTel message as OpenAI messages (a message of tool results is one `tool` message each). */
function fromMessage(m: ItemMessage, callIds: { next: number }): OpenAiMessage[] {
  const out: OpenAiMessage[] = [];
  const results = m.parts.filter((p) => p.type === "tool_call_response");
  for (const r of results) out.push({ role: "tool", tool_call_id: typeof r.id === "string" ? r.id : "", content: responseText(r.response) });
  const rest = m.parts.filter((p) => p.type !== "tool_call_response" && p.type !== "reasoning");
  if (rest.length === 0) return out;
  const text = rest.filter((p) => p.type === "text" && typeof p.content === "string").map((p) => p.content as string).join("");
  const images = rest.map(imagePart).filter((x): x is Record<string, unknown> => x !== undefined);
  const calls = rest.filter((p) => p.type === "tool_call").map((p): OpenAiToolCall => ({
    id: typeof p.id === "string" && p.id !== "" ? p.id : `call_${callIds.next++}`,
    type: "function",
    function: { name: typeof p.name === "string" ? p.name : "", arguments: argsText(p.arguments) },
  }));
  const role = m.role === "model" ? "assistant" : m.role === "function" ? "tool" : m.role;
  const content = images.length ? [...(text ? [{ type: "text", text }] : []), ...images] : calls.length && text === "" ? null : text;
  out.push({ role, content, ...(calls.length ? { tool_calls: calls } : {}) });
  return out;
}

export function toOpenAiMessages(system: string | undefined, messages: readonly ItemMessage[]): OpenAiMessage[] {
  const callIds = { next: 1 };
  return [...(system !== undefined && system !== "" ? [{ role: "system", content: system }] : []), ...messages.flatMap((m) => fromMessage(m, callIds))];
}

export function expectedAsOpenAi(expected: ExpectedOutput): OpenAiMessage {
  const calls = expected.toolCalls.map((c, i): OpenAiToolCall => ({ id: `call_${i + 1}`, type: "function", function: { name: c.name, arguments: argsText(c.arguments) } }));
  return { role: "assistant", content: calls.length && expected.text === "" ? null : expected.text, ...(calls.length ? { tool_calls: calls } : {}) };
}

/** OTel tool definitions as OpenAI `tools` ({type: "function", function: {name, description, parameters}}). */
export function toOpenAiTools(tools: readonly unknown[]): Record<string, unknown>[] {
  return tools.filter(isObject).map((t) => {
    if (isObject(t.function)) return t;
    return { type: "function", function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), ...(t.parameters !== undefined ? { parameters: t.parameters } : {}) } };
  });
}

export function fromOpenAiTools(tools: readonly unknown[]): unknown[] {
  return tools.filter(isObject).map((t) => (isObject(t.function) ? { type: "function", ...t.function } : t));
}

function parseArgs(text: unknown): unknown {
  if (typeof text !== "string") return text ?? null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Parts of an OpenAI `content` (a string, null, or an array of typed parts). */
function partsOfContent(content: unknown): ItemPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", content }];
  if (!Array.isArray(content)) return [];
  return content.filter(isObject).map((p): ItemPart => {
    if (p.type === "text" && typeof p.text === "string") return { type: "text", content: p.text };
    if (p.type === "image_url" && isObject(p.image_url) && typeof p.image_url.url === "string") return { type: "uri", modality: "image", uri: p.image_url.url };
    return { ...p, type: typeof p.type === "string" ? p.type : "unknown" };
  });
}

function callsOf(m: Json): { name: string; arguments: unknown; id?: string }[] {
  return (Array.isArray(m.tool_calls) ? m.tool_calls : []).filter(isObject).map((c) => {
    const f = isObject(c.function) ? c.function : {};
    return { name: typeof f.name === "string" ? f.name : "", arguments: parseArgs(f.arguments), ...(typeof c.id === "string" ? { id: c.id } : {}) };
  });
}

/** OpenAI messages (already checked to be objects with a string role) back to OTel messages. */
export function fromOpenAiMessages(messages: readonly Json[]): { system?: string; messages: ItemMessage[] } {
  const system: string[] = [];
  const out: ItemMessage[] = [];
  for (const m of messages) {
    const role = m.role as string;
    if (role === "system" || role === "developer") {
      system.push(partsOfContent(m.content).filter((p) => p.type === "text").map((p) => p.content as string).join(""));
    } else if (role === "tool") {
      out.push({ role: "tool", parts: [{ type: "tool_call_response", id: typeof m.tool_call_id === "string" ? m.tool_call_id : "", response: m.content ?? null }] });
    } else {
      out.push({ role, parts: [...partsOfContent(m.content), ...callsOf(m).map((c) => ({ type: "tool_call", ...c }))] });
    }
  }
  return { ...(system.length ? { system: system.join("\n") } : {}), messages: out };
}

/** An assistant message as the expected output. */
export function expectedFromOpenAi(m: Json): ExpectedOutput {
  const text = partsOfContent(m.content).filter((p) => p.type === "text").map((p) => p.content as string).join("");
  return { text, toolCalls: callsOf(m).map(({ name, arguments: args }) => ({ name, arguments: args })) };
}
