/**
 * Building OTel GenAI messages (gen_ai.input.messages / gen_ai.output.messages / system
 * instructions / tool definitions). Providers translate their own shapes into these parts;
 * streamed output is assembled incrementally by OutputAssembler.
 */
import { normalizeFinishReason } from "./draft";
import { parseArguments } from "./json";

export type Part =
  | { type: "text"; content: string }
  | { type: "reasoning"; content: string }
  | { type: "tool_call"; id?: string; name: string; arguments?: unknown }
  | { type: "tool_call_response"; id?: string; response: unknown }
  | { type: "uri"; modality: string; uri: string; mime_type?: string }
  | { type: "blob"; modality: string; content: string; mime_type?: string }
  | { type: "file"; modality: string; file_id: string; mime_type?: string }
  // OTel's GenericPart: a refusal, redacted reasoning, anything without a dedicated part type.
  | { type: string; [key: string]: unknown };

export interface Message {
  role: string;
  parts: Part[];
  name?: string;
  finish_reason?: string;
}

export interface ToolDefinition {
  type: string;
  name?: string;
  description?: string;
  parameters?: unknown;
}

export const text = (content: string): Part => ({ type: "text", content });

/**
 * What supports a piece of output text: a web page, a document passage, a file. OTel's TextPart
 * has no field for it, so citations ride on the text part they support as an extra property
 * (the message schema allows them): `{type:"text", content, citations:[Citation]}`. `type`
 * keeps the provider's own kind (url_citation, char_location, web_search_result_location,
 * file_citation, grounding, ...); `start_index`/`end_index` are the range of `content` it
 * supports when the provider gives one (Anthropic cites a whole block, so it has none);
 * `cited_text` is the quoted source passage (Anthropic) or the supported answer segment (Gemini).
 * Sources an answer used without binding them to text (the AI SDK's source-url and
 * source-document parts) are parts of their own: `{type:"source", ...}`.
 */
export interface Citation {
  type: string;
  url?: string;
  title?: string;
  cited_text?: string;
  start_index?: number;
  end_index?: number;
  file_id?: string;
  filename?: string;
  document_index?: number;
  document_title?: string;
}

/** A Citation without the fields a provider left out (undefined, null, empty strings). */
export function citation(fields: { [K in keyof Citation]?: unknown }): Citation {
  const out: Record<string, unknown> = { type: typeof fields.type === "string" && fields.type !== "" ? fields.type : "citation" };
  for (const [k, v] of Object.entries(fields)) {
    if (k === "type") continue;
    if ((typeof v === "string" && v !== "") || (typeof v === "number" && Number.isFinite(v))) out[k] = v;
  }
  return out as unknown as Citation;
}

/** A text part, with its citations when it has any. */
export function citedText(content: string, citations: readonly Citation[]): Part {
  return citations.length > 0 ? { type: "text", content, citations: [...citations] } : text(content);
}
export const reasoning = (content: string): Part => ({ type: "reasoning", content });

export function toolCall(id: string | undefined, name: string | undefined, args: unknown): Part {
  const part: { type: "tool_call"; id?: string; name: string; arguments?: unknown } = { type: "tool_call", name: name ?? "" };
  if (id) part.id = id;
  if (args !== undefined) part.arguments = typeof args === "string" ? parseArguments(args) : args;
  return part;
}

export function toolResponse(id: string | undefined, response: unknown): Part {
  const part: { type: "tool_call_response"; id?: string; response: unknown } = { type: "tool_call_response", response };
  if (id) part.id = id;
  return part;
}

/** Inline base64 payloads (images, audio) are kept short: the full body is in the exchange. */
const MAX_INLINE = 256;

function shorten(data: string): string {
  return data.length > MAX_INLINE ? shortPayload(data, data.length) : data;
}

/**
 * A base64 payload of `length` characters as a span keeps it: its first characters (of `head`,
 * which starts it) and its length; the panel finds the rest in the exchange (panel/detail-model/media.ts).
 */
export function shortPayload(head: string, length: number): string {
  return `${head.slice(0, MAX_INLINE)}…[${length} chars]`;
}

/** 16-bit PCM described by its media type: OpenAI's `pcm16` (24 kHz mono), `audio/L16;rate=...`. */
export function pcmFormat(mime: string | undefined): { rate: number; channels: number; bigEndian: boolean } | undefined {
  if (!mime) return undefined;
  const [type = "", ...params] = mime.toLowerCase().split(";").map((s) => s.trim());
  if (type !== "audio/pcm16" && type !== "audio/pcm" && type !== "audio/l16") return undefined;
  const param = (name: string) => Number(params.find((p) => p.startsWith(`${name}=`))?.slice(name.length + 1));
  const rate = param("rate");
  const channels = param("channels");
  return {
    rate: Number.isInteger(rate) && rate >= 1000 && rate <= 384_000 ? rate : 24_000,
    channels: Number.isInteger(channels) && channels >= 1 && channels <= 8 ? channels : 1,
    // RFC 2586's L16 is big-endian; Gemini's audio/L16 output is little-endian, as OpenAI's pcm16.
    bigEndian: false,
  };
}

/** How long 16-bit PCM of `bytes` plays, in seconds; undefined for any other format. */
export function pcmSeconds(mime: string | undefined, bytes: number): number | undefined {
  const format = pcmFormat(mime);
  return format ? bytes / (2 * format.rate * format.channels) : undefined;
}

/** Bytes a base64 text of `length` characters decodes to (padding estimated when unseen). */
export function base64Bytes(length: number, tail = ""): number {
  const pad = tail.endsWith("==") ? 2 : tail.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((length * 3) / 4) - pad);
}

export function modalityOf(mime: string | undefined, fallback = "image"): string {
  if (!mime) return fallback;
  const top = mime.split("/")[0]!;
  return top === "image" || top === "audio" || top === "video" ? top : "document";
}

/** An image/file given by URL; data: URLs become blob parts with their payload shortened. */
export function mediaFromUrl(url: string, mime?: string, modality?: string): Part {
  const data = /^data:([^;,]+)?(?:;[^,]*)?,/.exec(url);
  if (data) {
    const type = mime ?? data[1];
    const part: Part = { type: "blob", modality: modality ?? modalityOf(type), content: shorten(url.slice(data[0].length)) };
    if (type) part.mime_type = type;
    return part;
  }
  const part: Part = { type: "uri", modality: modality ?? modalityOf(mime), uri: url };
  if (mime) part.mime_type = mime;
  return part;
}

export function mediaFromData(data: string, mime: string | undefined, modality?: string): Part {
  const part: Part = { type: "blob", modality: modality ?? modalityOf(mime), content: shorten(data) };
  if (mime) part.mime_type = mime;
  return part;
}

// ---------------------------------------------------------------------------------------------
// Streamed output

interface TextSlot {
  kind: "text" | "reasoning" | "refusal";
  buf: string[];
  citations?: Citation[];
}
interface ToolSlot {
  kind: "tool";
  id: string | undefined;
  name: string | undefined;
  args: string[];
  input: unknown;
}
interface PartSlot {
  kind: "part";
  part: Part;
}
type Slot = TextSlot | ToolSlot | PartSlot;

interface Draft {
  role: string;
  slots: Slot[];
  tools: Map<string, ToolSlot>;
  finish?: string;
}

/**
 * Collects streamed deltas into output messages. Messages are keyed (choice index, candidate
 * index, or a step counter) and kept in creation order; within a message, consecutive deltas
 * of one kind join into one part, and tool calls are addressed by the provider's key (index,
 * id, content-block index) so interleaved argument deltas land in the right call.
 */
export class OutputAssembler {
  private readonly messages = new Map<string, Draft>();

  private message(key: string | number, role = "assistant"): Draft {
    const k = String(key);
    let m = this.messages.get(k);
    if (!m) {
      m = { role, slots: [], tools: new Map() };
      this.messages.set(k, m);
    }
    return m;
  }

  private append(key: string | number, kind: "text" | "reasoning" | "refusal", delta: string): void {
    if (delta === "") return;
    const m = this.message(key);
    const last = m.slots[m.slots.length - 1];
    if (last && last.kind === kind) last.buf.push(delta);
    else m.slots.push({ kind, buf: [delta] });
  }

  text(key: string | number, delta: string): void {
    this.append(key, "text", delta);
  }

  reasoning(key: string | number, delta: string): void {
    this.append(key, "reasoning", delta);
  }

  refusal(key: string | number, delta: string): void {
    this.append(key, "refusal", delta);
  }

  /** Citations of the message's latest text (an empty text part holds them when none came yet). */
  cite(key: string | number, citations: readonly Citation[]): void {
    if (citations.length === 0) return;
    const m = this.message(key);
    let slot = [...m.slots].reverse().find((s): s is TextSlot => s.kind === "text");
    if (!slot) m.slots.push((slot = { kind: "text", buf: [] }));
    (slot.citations ??= []).push(...citations);
  }

  private toolSlot(key: string | number, toolKey: string | number): ToolSlot {
    const m = this.message(key);
    const tk = String(toolKey);
    const found = m.tools.get(tk);
    if (found) return found;
    const slot: ToolSlot = { kind: "tool", id: undefined, name: undefined, args: [], input: undefined };
    m.tools.set(tk, slot);
    m.slots.push(slot);
    return slot;
  }

  /** Open or update a tool call; later calls with the same toolKey add to it. */
  tool(key: string | number, toolKey: string | number, id?: string, name?: string): void {
    const slot = this.toolSlot(key, toolKey);
    if (id) slot.id = id;
    if (name) slot.name = name;
  }

  toolArgs(key: string | number, toolKey: string | number, delta: string): void {
    const slot = this.toolSlot(key, toolKey);
    if (delta !== "") slot.args.push(delta);
  }

  /** The complete input of a tool call (it wins over streamed argument text). */
  toolInput(key: string | number, toolKey: string | number, input: unknown): void {
    this.toolSlot(key, toolKey).input = input;
  }

  /** A ready-made part (tool result, media, ...). */
  part(key: string | number, part: Part, role?: string): void {
    this.message(key, role).slots.push({ kind: "part", part });
  }

  /** Ready-made parts that came before everything else in the message (a search the answer is built on). */
  prepend(key: string | number, parts: readonly Part[]): void {
    this.message(key).slots.unshift(...parts.map((part): PartSlot => ({ kind: "part", part })));
  }

  finish(key: string | number, reason: string): void {
    this.message(key).finish = reason;
  }

  has(key: string | number): boolean {
    return this.messages.has(String(key));
  }

  build(): Message[] {
    const out: Message[] = [];
    for (const m of this.messages.values()) {
      const parts: Part[] = [];
      for (const s of m.slots) parts.push(slotPart(s));
      if (parts.length === 0 && m.finish === undefined) continue;
      const msg: Message = { role: m.role, parts };
      if (m.finish !== undefined) msg.finish_reason = normalizeFinishReason(m.finish);
      out.push(msg);
    }
    return out;
  }
}

function slotPart(s: Slot): Part {
  switch (s.kind) {
    case "text":
      return citedText(s.buf.join(""), s.citations ?? []);
    case "reasoning":
      return reasoning(s.buf.join(""));
    case "refusal":
      return { type: "refusal", content: s.buf.join("") };
    case "tool":
      return toolCall(s.id, s.name, s.input !== undefined ? s.input : s.args.join(""));
    case "part":
      return s.part;
  }
}

/** An output message built from a whole (non-streamed) response. */
export function outputMessage(parts: Part[], finishReason: string | undefined, role = "assistant"): Message {
  const msg: Message = { role, parts };
  if (finishReason) msg.finish_reason = normalizeFinishReason(finishReason);
  return msg;
}
