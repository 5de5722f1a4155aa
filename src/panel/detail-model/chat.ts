/**
 * A trace, or a whole conversation, read as the chat it was (docs/DESIGN.md, "Reading
 * messages"): every model call sends the history again, so each message is shown once, where it
 * first appeared, with the span it came from. Retrieval and tool executions appear in order as
 * steps, and a failed call as its error. Pure: the Chat tab renders what this returns.
 */
import type { SpanRecord } from "../../core/contract";
import type { ChatMessage, Part } from "./messages";
import { parseMessages, parseSystem } from "./messages";

export type ChatEntry =
  | { type: "turn"; turn: number; of: number; traceId: string; question?: string }
  | { type: "message"; spanId: string; spanName: string; message: ChatMessage; output: boolean }
  | { type: "step"; spanId: string; spanName: string; kind: string; text: string; error: boolean };

const textOf = (p: Part): string => (typeof p.content === "string" ? p.content : "");

/**
 * What makes two messages the same when a later call replays an earlier one: role and text, and
 * tool call and result ids (replays drop reasoning and may reshape parts, so those do not count).
 */
export function messageKey(m: ChatMessage): string {
  const role = m.role === "model" ? "assistant" : m.role;
  const bits: string[] = [];
  for (const p of m.parts) {
    if (p.type === "text") bits.push(`t:${textOf(p).trim()}`);
    else if (p.type === "tool_call" || p.type === "tool_call_response") bits.push(`${p.type}:${typeof p.id === "string" ? p.id : typeof p.name === "string" ? p.name : ""}`);
    else if (p.type === "blob" || p.type === "uri" || p.type === "file") bits.push(`m:${String(p.content ?? p.uri ?? p.file_id ?? "")}`);
  }
  return `${role}|${bits.join("\u0000")}`;
}

/**
 * How many leading messages of `input` were shown already: matched in order against the
 * history's keys (a replay may leave some out, never reorder them).
 */
export function shownPrefix(input: readonly ChatMessage[], history: readonly string[]): number {
  let j = 0;
  for (let i = 0; i < input.length; i++) {
    const key = messageKey(input[i]!);
    const at = history.indexOf(key, j);
    if (at === -1) return i;
    j = at + 1;
  }
  return input.length;
}

const byStart = (a: SpanRecord, b: SpanRecord) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId);

function stepText(span: SpanRecord): string | undefined {
  const a = span.attributes;
  if (span.kind === "retrieval") {
    const query = a["gen_ai.retrieval.query.text"];
    const docs = a["gen_ai.retrieval.documents"];
    let count: number | undefined;
    if (typeof docs === "string") {
      try {
        const parsed = JSON.parse(docs) as unknown;
        if (Array.isArray(parsed)) count = parsed.length;
      } catch {
        // counted as unknown
      }
    }
    return `Retrieval${typeof query === "string" ? `: “${query.length > 120 ? `${query.slice(0, 119)}…` : query}”` : ""}${count !== undefined ? ` → ${count} documents` : ""}`;
  }
  if (span.kind === "tool") return `Tool ${String(a["gen_ai.tool.name"] ?? span.name.replace(/^execute_tool\s*/, ""))} ran`;
  return undefined;
}

function errorText(span: SpanRecord): string {
  const message = span.attributes["llm_trace.error.message"];
  const type = span.attributes["error.type"];
  return `Failed${type !== undefined ? ` (${String(type)})` : ""}${typeof message === "string" ? `: ${message}` : ""}`;
}

/** The chat of a trace's spans, continuing `history` (the message keys shown before). */
function chatOfSpans(spans: readonly SpanRecord[], history: string[], out: ChatEntry[], lastSystem: { key?: string }): void {
  for (const span of [...spans].sort(byStart)) {
    const a = span.attributes;
    if (span.kind !== "llm" && span.kind !== "agent") {
      const text = stepText(span);
      if (text !== undefined) out.push({ type: "step", spanId: span.spanId, spanName: span.name, kind: span.kind, text: span.status === "error" ? `${text} · ${errorText(span)}` : text, error: span.status === "error" });
      continue;
    }
    if (a["gen_ai.input.messages"] === undefined && a["gen_ai.output.messages"] === undefined) continue;
    const system = parseSystem(a["gen_ai.system_instructions"]);
    if (system?.ok && system.value.length > 0) {
      const message: ChatMessage = { role: "system", parts: system.value };
      const key = messageKey(message);
      if (key !== lastSystem.key) {
        lastSystem.key = key;
        out.push({ type: "message", spanId: span.spanId, spanName: span.name, message, output: false });
      }
    }
    const input = parseMessages(a["gen_ai.input.messages"]);
    if (input?.ok) {
      // A system message inside the input counts as the system instructions.
      const from = shownPrefix(input.value, history);
      for (const m of input.value.slice(from)) {
        const key = messageKey(m);
        history.push(key);
        if (m.role === "system") {
          if (key === lastSystem.key) continue;
          lastSystem.key = key;
        }
        out.push({ type: "message", spanId: span.spanId, spanName: span.name, message: m, output: false });
      }
    }
    const output = parseMessages(a["gen_ai.output.messages"]);
    if (output?.ok) {
      for (const m of output.value) {
        history.push(messageKey(m));
        out.push({ type: "message", spanId: span.spanId, spanName: span.name, message: m, output: true });
      }
    }
    if (span.status === "error") out.push({ type: "step", spanId: span.spanId, spanName: span.name, kind: span.kind, text: errorText(span), error: true });
  }
}

/** The chat of one trace. */
export function chatOfTrace(spans: readonly SpanRecord[]): ChatEntry[] {
  const out: ChatEntry[] = [];
  chatOfSpans(spans, [], out, {});
  return out;
}

/** The chat of a conversation: its turns (traces, oldest first), each under a turn heading. */
export function chatOfConversation(turns: readonly { traceId: string; spans: readonly SpanRecord[]; question?: string }[]): ChatEntry[] {
  const out: ChatEntry[] = [];
  const history: string[] = [];
  const lastSystem = {};
  turns.forEach((t, i) => {
    out.push({ type: "turn", turn: i + 1, of: turns.length, traceId: t.traceId, ...(t.question !== undefined && { question: t.question }) });
    chatOfSpans(t.spans, history, out, lastSystem);
  });
  return out;
}
