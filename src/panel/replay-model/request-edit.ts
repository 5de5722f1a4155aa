/**
 * A captured model request as something to edit and send again (docs/DESIGN.md, "Compare and
 * replay"): its messages as turns, its system instructions, its parameters as fields, in the
 * request's own wire format, and back to a body the provider accepts. Only the turns and fields
 * the person changed are written back; everything else in the body stays as the app sent it.
 * Pure: the captured body is hostile data and is only ever parsed as JSON.
 */
import type { Exchange } from "../../core/contract";

export type Format = "openai-chat" | "openai-responses" | "anthropic" | "gemini" | "ollama-chat" | "json";

export interface Turn {
  role: string;
  /** Plain text, or the message as JSON when it holds more than text (tool calls, images). */
  text: string;
  json: boolean;
}

export interface Param {
  /** Where it lives in the body. */
  path: string[];
  label: string;
  /** As typed: "" removes it from the body. */
  value: string;
  numeric: boolean;
}

export interface EditableRequest {
  format: Format;
  url: string;
  method: string;
  body: Record<string, unknown>;
  system: string | undefined;
  turns: Turn[];
  params: Param[];
  stream: boolean;
}

export type ReadResult = { ok: true; request: EditableRequest } | { ok: false; error: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function formatOf(url: string, body: Json): Format {
  let path = "";
  try {
    path = new URL(url).pathname;
  } catch {
    return "json";
  }
  if (path.endsWith("/chat/completions") && Array.isArray(body.messages)) return "openai-chat";
  if (path.endsWith("/responses") && ("input" in body || "instructions" in body)) return "openai-responses";
  if (path.endsWith("/messages") && Array.isArray(body.messages) && typeof body.max_tokens === "number") return "anthropic";
  if ((path.includes(":generateContent") || path.includes(":streamGenerateContent")) && Array.isArray(body.contents)) return "gemini";
  if (path.endsWith("/api/chat") && Array.isArray(body.messages)) return "ollama-chat";
  return "json";
}

const PARAMS: Record<Format, [path: string[], label: string][]> = {
  "openai-chat": [[["model"], "model"], [["temperature"], "temperature"], [["max_tokens"], "max tokens"], [["max_completion_tokens"], "max completion tokens"], [["top_p"], "top p"], [["seed"], "seed"]],
  "openai-responses": [[["model"], "model"], [["temperature"], "temperature"], [["max_output_tokens"], "max output tokens"], [["top_p"], "top p"]],
  anthropic: [[["model"], "model"], [["temperature"], "temperature"], [["max_tokens"], "max tokens"], [["top_p"], "top p"], [["top_k"], "top k"]],
  gemini: [[["generationConfig", "temperature"], "temperature"], [["generationConfig", "maxOutputTokens"], "max output tokens"], [["generationConfig", "topP"], "top p"], [["generationConfig", "topK"], "top k"]],
  "ollama-chat": [[["model"], "model"], [["options", "temperature"], "temperature"], [["options", "num_predict"], "max tokens"], [["options", "top_p"], "top p"]],
  json: [],
};

function get(body: Json, path: string[]): unknown {
  let at: unknown = body;
  for (const k of path) at = isObject(at) && Object.hasOwn(at, k) ? at[k] : undefined;
  return at;
}

function set(body: Json, path: string[], value: unknown): void {
  let at = body;
  for (const k of path.slice(0, -1)) {
    if (!isObject(at[k])) at[k] = {};
    at = at[k] as Json;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
}

/** A message's content as a turn: text when it is only text, else the whole message as JSON. */
function turnOf(role: string, content: unknown, message: Json): Turn {
  if (typeof content === "string" && Object.keys(message).every((k) => k === "role" || k === "content")) return { role, text: content, json: false };
  return { role, text: JSON.stringify(message, null, 2), json: true };
}

function textOfParts(parts: unknown): string | undefined {
  if (typeof parts === "string") return parts;
  if (!Array.isArray(parts)) return undefined;
  const texts = parts.map((p) => (isObject(p) && typeof p.text === "string" && Object.keys(p).every((k) => k === "text" || k === "type") ? p.text : undefined));
  return texts.every((t) => t !== undefined) ? texts.join("\n") : undefined;
}

function readTurns(format: Format, body: Json): { system: string | undefined; turns: Turn[] } {
  switch (format) {
    case "openai-chat":
    case "ollama-chat":
      return { system: undefined, turns: (body.messages as unknown[]).map((m) => (isObject(m) ? turnOf(String(m.role ?? "user"), m.content, m) : { role: "unknown", text: JSON.stringify(m), json: true })) };
    case "openai-responses": {
      const input = body.input;
      const turns = typeof input === "string" ? [{ role: "user", text: input, json: false }]
        : Array.isArray(input) ? input.map((m) => (isObject(m) ? turnOf(String(m.role ?? m.type ?? "item"), m.content, m) : { role: "unknown", text: JSON.stringify(m), json: true })) : [];
      return { system: typeof body.instructions === "string" ? body.instructions : undefined, turns };
    }
    case "anthropic":
      return {
        system: textOfParts(body.system),
        turns: (body.messages as unknown[]).map((m) => (isObject(m) ? turnOf(String(m.role ?? "user"), m.content, m) : { role: "unknown", text: JSON.stringify(m), json: true })),
      };
    case "gemini": {
      const sys = isObject(body.systemInstruction) ? textOfParts(body.systemInstruction.parts) : undefined;
      const turns = (body.contents as unknown[]).map((c): Turn => {
        if (!isObject(c)) return { role: "unknown", text: JSON.stringify(c), json: true };
        const text = textOfParts(c.parts);
        const onlyText = text !== undefined && Object.keys(c).every((k) => k === "role" || k === "parts");
        return onlyText ? { role: String(c.role ?? "user"), text, json: false } : { role: String(c.role ?? "user"), text: JSON.stringify(c, null, 2), json: true };
      });
      return { system: sys, turns };
    }
    case "json":
      return { system: undefined, turns: [] };
  }
}

export function readRequest(exchange: Exchange): ReadResult {
  const body = exchange.request.body;
  if (!body?.text) return { ok: false, error: body?.omitted ? `The request body was not recorded (${body.omitted}).` : "The request has no body to send again." };
  if (body.truncated) return { ok: false, error: "The request body was cut at the capture cap: it cannot be sent again whole." };
  return readRequestText(exchange.request.url, exchange.request.method, body.text);
}

/** A request given as its URL, method and body text (a dataset item's, or a stored exchange's). */
export function readRequestText(url: string, method: string, text: string): ReadResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: "The request body is not JSON." };
  }
  if (!isObject(parsed)) return { ok: false, error: "The request body is not a JSON object." };
  const format = formatOf(url, parsed);
  const { system, turns } = readTurns(format, parsed);
  const params = PARAMS[format].map(([path, label]): Param => {
    const v = get(parsed as Json, path);
    return { path, label, value: v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v), numeric: label !== "model" };
  });
  const stream = parsed.stream === true || url.includes(":streamGenerateContent");
  return { ok: true, request: { format, url, method, body: parsed, system, turns, params, stream } };
}

/** A turn back into the format's message; throws a readable error for JSON that does not parse. */
function messageOf(format: Format, turn: Turn, index: number): unknown {
  if (turn.json) {
    try {
      return JSON.parse(turn.text) as unknown;
    } catch {
      throw new Error(`Message ${index + 1} (${turn.role}) is not valid JSON.`);
    }
  }
  if (format === "gemini") return { role: turn.role, parts: [{ text: turn.text }] };
  return { role: turn.role, content: turn.text };
}

function paramValue(p: Param): unknown {
  const t = p.value.trim();
  if (t === "") return undefined;
  if (!p.numeric) return t;
  const n = Number(t);
  if (!Number.isFinite(n)) throw new Error(`${p.label} must be a number.`);
  return n;
}

/** The body to send: the captured one with the edited turns, system instructions and parameters. */
export function buildBody(edited: EditableRequest): string {
  const body = structuredClone(edited.body);
  const messages = edited.turns.map((t, i) => messageOf(edited.format, t, i));
  switch (edited.format) {
    case "openai-chat":
    case "ollama-chat":
      body.messages = messages;
      break;
    case "openai-responses":
      body.input = messages;
      if (edited.system !== undefined) body.instructions = edited.system;
      break;
    case "anthropic":
      body.messages = messages;
      if (edited.system !== undefined) body.system = edited.system;
      break;
    case "gemini":
      body.contents = messages;
      if (edited.system !== undefined) body.systemInstruction = { parts: [{ text: edited.system }] };
      break;
    case "json":
      break;
  }
  for (const p of edited.params) set(body, p.path, paramValue(p));
  return JSON.stringify(body);
}
