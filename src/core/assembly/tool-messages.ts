/**
 * The tool-call facts trace assembly needs from a model span, read from its OTel message
 * attributes (so every provider parser's output works the same way):
 * - the tool calls its response asks the page to run (gen_ai.output.messages), and
 * - the tool results its request sends back (gen_ai.input.messages), only those that continue
 *   the conversation: a result followed by a new user message is history of an earlier turn.
 */
import type { SpanRecord } from "../contract";

export interface ToolCall {
  /** Provider call id (tool_call_id, tool_use_id, call_id); absent for Gemini without ids. */
  id?: string;
  name: string;
  arguments?: unknown;
  /** Position among the response's tool calls. */
  index: number;
}

export interface ToolResult {
  id?: string;
  response: unknown;
}

export interface ToolInput {
  /** Results after the last user turn, in message order. */
  results: ToolResult[];
  /** The id-less calls of the assistant message those results answer (for Gemini matching). */
  answeredCalls: { name: string; arguments?: unknown }[];
}

export interface RawPart {
  type?: unknown;
  id?: unknown;
  name?: unknown;
  arguments?: unknown;
  response?: unknown;
  content?: unknown;
}
interface RawMessage {
  role?: unknown;
  parts?: unknown;
}

/** OTel messages from a span attribute's JSON; [] when it is not such a list. */
export function parseMessages(value: unknown): { role: string; parts: RawPart[] }[] {
  if (typeof value !== "string") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const out: { role: string; parts: RawPart[] }[] = [];
  for (const m of parsed as RawMessage[]) {
    if (typeof m !== "object" || m === null) continue;
    const parts = Array.isArray(m.parts) ? (m.parts as unknown[]).filter((p): p is RawPart => typeof p === "object" && p !== null) : [];
    out.push({ role: typeof m.role === "string" ? m.role : "", parts });
  }
  return out;
}

const idOf = (p: RawPart): string | undefined => (typeof p.id === "string" && p.id !== "" ? p.id : undefined);
const nameOf = (p: RawPart): string => (typeof p.name === "string" ? p.name : "");

/**
 * What is read from a span's attributes, by the attributes object: assembly runs again and again
 * over the same spans (a tab's window stays in memory), and parsing their messages was most of
 * its work. Attributes are never changed once a span is made; a changed span is a new object.
 */
export function memoByAttributes<T>(read: (span: SpanRecord) => T): (span: SpanRecord) => T {
  const memo = new WeakMap<object, { value: T }>();
  return (span) => {
    let hit = memo.get(span.attributes);
    if (!hit) memo.set(span.attributes, (hit = { value: read(span) }));
    return hit.value;
  };
}

/**
 * Tool calls the page is expected to run. Calls answered in the same output (tools the server
 * ran, e.g. AI SDK multi-step streams, Anthropic server tools) are not the page's to execute.
 * The result is shared between calls: callers must not change it.
 */
export const requestedToolCalls = memoByAttributes((span: SpanRecord): ToolCall[] => {
  const raw = span.attributes["gen_ai.output.messages"];
  if (typeof raw !== "string" || !raw.includes('"tool_call"')) return [];
  const parts = parseMessages(raw).flatMap((m) => m.parts);
  const answeredIds = new Set<string>();
  const idlessAnswers: string[] = [];
  for (const p of parts) {
    if (p.type !== "tool_call_response") continue;
    const id = idOf(p);
    if (id !== undefined) answeredIds.add(id);
    idlessAnswers.push(id ?? "");
  }
  const calls: ToolCall[] = [];
  let index = 0;
  for (const p of parts) {
    if (p.type !== "tool_call") continue;
    const id = idOf(p);
    const name = nameOf(p);
    if (id !== undefined ? answeredIds.has(id) : consume(idlessAnswers, name)) continue;
    const call: ToolCall = { name, index: index++ };
    if (id !== undefined) call.id = id;
    if (p.arguments !== undefined) call.arguments = p.arguments;
    calls.push(call);
  }
  return calls;
});

/** Remove the first id-less answer for `name` (Gemini names a response after its function). */
function consume(answers: string[], name: string): boolean {
  const i = answers.findIndex((a) => a === "" || a === name);
  if (i < 0) return false;
  answers.splice(i, 1);
  return true;
}

/** The tool results this request sends back, or undefined when it sends none (shared, as above). */
export const returnedToolResults = memoByAttributes((span: SpanRecord): ToolInput | undefined => {
  const raw = span.attributes["gen_ai.input.messages"];
  if (typeof raw !== "string" || !raw.includes('"tool_call_response"')) return undefined;
  const messages = parseMessages(raw);
  // The last user turn: a user message with text of its own (Anthropic puts tool results in user
  // messages, so a message carrying results is not a new turn).
  let lastTurn = -1;
  messages.forEach((m, i) => {
    if (m.role !== "user") return;
    const hasText = m.parts.some((p) => p.type === "text" && typeof p.content === "string" && p.content.trim() !== "");
    const hasResult = m.parts.some((p) => p.type === "tool_call_response");
    if (hasText && !hasResult) lastTurn = i;
  });
  const results: ToolResult[] = [];
  let firstResultAt = -1;
  messages.forEach((m, i) => {
    if (i <= lastTurn) return;
    for (const p of m.parts) {
      if (p.type !== "tool_call_response") continue;
      if (firstResultAt < 0) firstResultAt = i;
      const result: ToolResult = { response: p.response };
      const id = idOf(p);
      if (id !== undefined) result.id = id;
      results.push(result);
    }
  });
  if (results.length === 0) return undefined;
  const answeredCalls: { name: string; arguments?: unknown }[] = [];
  for (let i = firstResultAt - 1; i > lastTurn; i--) {
    const calls = messages[i]!.parts.filter((p) => p.type === "tool_call");
    if (calls.length === 0) continue;
    for (const p of calls) if (idOf(p) === undefined) answeredCalls.push({ name: nameOf(p), arguments: p.arguments });
    break;
  }
  return { results, answeredCalls };
});

/** JSON with sorted keys, so two spellings of the same arguments compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
