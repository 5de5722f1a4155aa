/**
 * Reading the OTel GenAI message attributes (gen_ai.system_instructions, gen_ai.input.messages,
 * gen_ai.output.messages, gen_ai.tool.definitions) for display. Captured data is untrusted and
 * may come from other tools' exports: anything unexpected is kept visible as raw text rather
 * than dropped.
 */
import type { AttributeValue } from "../../core/contract";

/** A message part as stored; `type` decides how it renders, unknown types render as JSON. */
export type Part = { type: string; [key: string]: unknown };

export interface ChatMessage {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

export interface ToolDef {
  type: string;
  name?: string;
  description?: string;
  parameters?: unknown;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; raw: string };

function parseJson(value: AttributeValue | undefined): Parsed<unknown> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch {
    return { ok: false, raw: value };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function toPart(p: unknown): Part {
  if (isObject(p) && typeof p.type === "string") return p as Part;
  if (typeof p === "string") return { type: "text", content: p };
  return { type: "unknown", value: p };
}

function toMessage(m: unknown): ChatMessage {
  if (!isObject(m)) return { role: "unknown", parts: [toPart(m)] };
  const msg: ChatMessage = {
    role: typeof m.role === "string" ? m.role : "unknown",
    parts: Array.isArray(m.parts) ? m.parts.map(toPart) : typeof m.content === "string" ? [{ type: "text", content: m.content }] : [],
  };
  if (typeof m.name === "string") msg.name = m.name;
  if (typeof m.finish_reason === "string") msg.finish_reason = m.finish_reason;
  return msg;
}

export function parseMessages(value: AttributeValue | undefined): Parsed<ChatMessage[]> | undefined {
  const parsed = parseJson(value);
  if (!parsed || !parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, raw: String(value) };
  return { ok: true, value: parsed.value.map(toMessage) };
}

/** System instructions: a list of parts (OTel), or a plain string from older producers. */
export function parseSystem(value: AttributeValue | undefined): Parsed<Part[]> | undefined {
  if (typeof value === "string" && !/^\s*[[{"]/.test(value)) return { ok: true, value: [{ type: "text", content: value }] };
  const parsed = parseJson(value);
  if (!parsed || !parsed.ok) return parsed;
  const v = parsed.value;
  if (typeof v === "string") return { ok: true, value: [{ type: "text", content: v }] };
  return { ok: true, value: (Array.isArray(v) ? v : [v]).map(toPart) };
}

export function parseToolDefinitions(value: AttributeValue | undefined): Parsed<ToolDef[]> | undefined {
  const parsed = parseJson(value);
  if (!parsed || !parsed.ok) return parsed;
  if (!Array.isArray(parsed.value)) return { ok: false, raw: String(value) };
  return {
    ok: true,
    value: parsed.value.map((d): ToolDef => {
      if (!isObject(d)) return { type: "unknown", parameters: d };
      // Some producers keep OpenAI's {type:"function", function:{name,...}} nesting.
      const fn = isObject(d.function) ? d.function : d;
      const def: ToolDef = { type: typeof d.type === "string" ? d.type : "function" };
      if (typeof fn.name === "string") def.name = fn.name;
      if (typeof fn.description === "string") def.description = fn.description;
      const params = fn.parameters ?? fn.input_schema ?? fn.parametersJsonSchema;
      if (params !== undefined) def.parameters = params;
      return def;
    }),
  };
}

/** Text content of a part, when it has any (text, reasoning, refusal). */
export function partText(part: Part): string | undefined {
  return typeof part.content === "string" ? part.content : undefined;
}

/**
 * The key that links a tool call to its result. Call ids where the provider has them; Gemini
 * calls carry none and their responses are keyed by function name (see the Gemini parser).
 */
export function callKey(part: Part): string | undefined {
  if (typeof part.id === "string" && part.id !== "") return part.id;
  return typeof part.name === "string" && part.name !== "" ? part.name : undefined;
}

export function resultKey(part: Part): string | undefined {
  return typeof part.id === "string" && part.id !== "" ? part.id : undefined;
}

/** A tool result or argument value that is itself JSON text is shown as the value it encodes. */
export function decodeJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return value;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return value;
  }
}

/**
 * A citation on a text part, ready to show (see src/core/providers/messages.ts, Citation): what
 * it names (title, else URL, file or document), where it points, the quoted passage, and the
 * range of the text it supports. Anything malformed is skipped, never thrown on.
 */
export interface CitationView {
  kind: string;
  label: string;
  url?: string;
  quote?: string;
  range?: string;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const index = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export function citationsOf(part: Part): CitationView[] {
  if (!Array.isArray(part.citations)) return [];
  const out: CitationView[] = [];
  for (const c of part.citations as unknown[]) {
    if (!isObject(c)) continue;
    const url = text(c.url);
    const label = text(c.title) ?? text(c.document_title) ?? text(c.filename) ?? url ?? text(c.file_id) ?? (index(c.document_index) !== undefined ? `document ${index(c.document_index)}` : undefined) ?? text(c.type) ?? "source";
    const view: CitationView = { kind: text(c.type) ?? "citation", label };
    if (url !== undefined) view.url = url;
    const quote = text(c.cited_text);
    if (quote !== undefined) view.quote = quote;
    const start = index(c.start_index);
    const end = index(c.end_index);
    if (start !== undefined && end !== undefined) view.range = `characters ${start}–${end}`;
    out.push(view);
  }
  return out;
}

/** A source part (an AI SDK source-url / source-document): its title and where it is. */
export function sourceOf(part: Part): { label: string; where?: string } {
  const where = text(part.url) ?? text(part.filename);
  const label = text(part.title) ?? where ?? text(part.id) ?? "source";
  return where !== undefined && where !== label ? { label, where } : { label };
}
