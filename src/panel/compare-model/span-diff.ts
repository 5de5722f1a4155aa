/**
 * One step against another (docs/DESIGN.md, "Compare and replay"): for model calls the system
 * instructions, messages and output as word diffs, parameters and tool definitions as field
 * diffs, tool calls by name and arguments; retrieved documents by id and rank; and the numbers
 * as deltas. Reads the stored OTel attributes the way the detail view does (detail-model), so
 * both show the same text.
 */
import { diffArrays } from "diff";
import { costOf, type PriceTable } from "../../core/providers";
import type { Attributes, Span } from "../../core/contract";
import { parseDocuments } from "../detail-model/documents";
import { parseMessages, parseSystem, parseToolDefinitions, partText, type ChatMessage, type Part } from "../detail-model/messages";
import { diffText, type TextDiff } from "./text-diff";

export interface FieldChange {
  key: string;
  before?: string;
  after?: string;
  change: "same" | "added" | "removed" | "changed";
}

export interface MessageChange {
  role: string;
  change: "same" | "added" | "removed" | "changed";
  diff: TextDiff;
}

export interface DocChange {
  key: string;
  content?: string;
  before?: { rank: number; score?: number };
  after?: { rank: number; score?: number };
  change: "same" | "added" | "removed" | "moved";
}

export interface NumberDelta {
  name: "input tokens" | "output tokens" | "cost" | "TTFT" | "duration";
  unit: "tokens" | "usd" | "ms";
  before?: number;
  after?: number;
  /** after - before, when both are known. */
  delta?: number;
}

export interface StepDiff {
  system: TextDiff;
  messages: MessageChange[];
  params: FieldChange[];
  tools: FieldChange[];
  output: TextDiff;
  toolCalls: FieldChange[];
  /** Tool step: its arguments and result. */
  toolArguments?: TextDiff;
  toolResult?: TextDiff;
  query?: TextDiff;
  documents: DocChange[];
  numbers: NumberDelta[];
}

/** JSON with sorted keys: two values that mean the same read the same. */
export function canonical(value: unknown): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value;
  return JSON.stringify(sortKeys(value), null, 1).replace(/\n\s*/g, " ");
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}

export function diffFields(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FieldChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  return keys.map((key) => {
    const b = before.get(key);
    const a = after.get(key);
    const change = b === undefined ? "added" : a === undefined ? "removed" : a === b ? "same" : "changed";
    return { key, change, ...(b !== undefined ? { before: b } : {}), ...(a !== undefined ? { after: a } : {}) };
  });
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** A message part as one line of text: what the person reading the diff would write. */
function partLine(part: Part): string {
  const text = partText(part);
  if (text !== undefined) return part.type === "text" ? text : `[${part.type}] ${text}`;
  if (part.type === "tool_call") return `→ ${str(part.name) ?? "tool"}(${canonical(part.arguments)})`;
  if (part.type === "tool_call_response") return `← ${canonical(part.response ?? part.result)}`;
  return `[${part.type}]`;
}

export const messageText = (m: ChatMessage): string => m.parts.map(partLine).join("\n");

const isSystem = (m: ChatMessage): boolean => m.role === "system" || m.role === "developer";

/**
 * The system instructions, wherever the API put them: their own attribute (Anthropic, Gemini,
 * Responses) or system/developer messages in the input (Chat Completions). One section either way.
 */
export function systemText(attributes: Attributes, input = messagesOf(attributes["gen_ai.input.messages"])): string {
  const parsed = parseSystem(attributes["gen_ai.system_instructions"]);
  const own = !parsed ? [] : parsed.ok ? [parsed.value.map(partLine).join("\n")] : [parsed.raw];
  const inline = input.filter(isSystem).map(messageText);
  return [...own, ...inline].join("\n\n");
}

function messagesOf(value: Attributes[string] | undefined): ChatMessage[] {
  const parsed = parseMessages(value);
  if (!parsed) return [];
  return parsed.ok ? parsed.value : [{ role: "unknown", parts: [{ type: "text", content: parsed.raw }] }];
}

/** The conversation, system instructions aside (they have their own section). */
const conversationOf = (value: Attributes[string] | undefined): ChatMessage[] => messagesOf(value).filter((m) => !isSystem(m));

/** Input messages aligned by content (a message added in the middle shifts nothing), changed ones paired by role. */
export function diffMessages(before: ChatMessage[], after: ChatMessage[]): MessageChange[] {
  const key = (m: ChatMessage) => `${m.role}\u0000${messageText(m)}`;
  const runs = diffArrays(before.map(key), after.map(key));
  const out: MessageChange[] = [];
  const split = (k: string): [string, string] => {
    const at = k.indexOf("\u0000");
    return [k.slice(0, at), k.slice(at + 1)];
  };
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i]!;
    if (!run.added && !run.removed) {
      for (const k of run.value) {
        const [role, text] = split(k);
        out.push({ role, change: "same", diff: diffText(text, text) });
      }
      continue;
    }
    // A removed run next to an added run: pair messages of the same role as changed.
    const removed = run.removed ? run.value : [];
    const next = runs[i + 1];
    const added = run.added ? run.value : next?.added && run.removed ? (i++, next.value) : [];
    const pending = added.map(split);
    for (const k of removed) {
      const [role, text] = split(k);
      const at = pending.findIndex(([r]) => r === role);
      if (at < 0) {
        out.push({ role, change: "removed", diff: diffText(text, "") });
        continue;
      }
      // Messages added before the pair keep their place.
      for (const [r, t] of pending.splice(0, at)) out.push({ role: r, change: "added", diff: diffText("", t) });
      const [, t] = pending.shift()!;
      out.push({ role, change: "changed", diff: diffText(text, t) });
    }
    for (const [r, t] of pending) out.push({ role: r, change: "added", diff: diffText("", t) });
  }
  return out;
}

function params(attributes: Attributes): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(attributes)) {
    if (k.startsWith("gen_ai.request.") || k === "gen_ai.provider.name" || k === "llm_trace.request.reasoning_effort") {
      out.set(k.replace(/^gen_ai\.request\./, "").replace(/^llm_trace\.request\./, ""), canonical(v));
    }
  }
  return out;
}

/**
 * What a step asked and answered, in the words the diff compares: ids the provider mints per
 * call (tool call ids, response ids) left out, so two runs that differ only in them are the same.
 */
export function stepKeys(span: Span): { prompt: string; output: string; params: string } {
  const a = span.attributes;
  const o = outputOf(a);
  const input = messagesOf(a["gen_ai.input.messages"]);
  return {
    prompt: [systemText(a, input), ...input.filter((m) => !isSystem(m)).map((m) => `${m.role}\u0000${messageText(m)}`), canonical(a["gen_ai.retrieval.query.text"]), canonical(a["gen_ai.tool.call.arguments"])].join("\u0001"),
    output: [o.text, ...[...o.calls].map(([k, v]) => `${k}\u0000${v}`), canonical(a["gen_ai.retrieval.documents"]), canonical(a["gen_ai.tool.call.result"])].join("\u0001"),
    params: [...params(a)].map(([k, v]) => `${k}=${v}`).sort().join("\u0001") + `\u0001${[...toolDefs(a)].map(([k, v]) => `${k}=${v}`).join("\u0001")}`,
  };
}

function toolDefs(attributes: Attributes): Map<string, string> {
  const parsed = parseToolDefinitions(attributes["gen_ai.tool.definitions"]);
  const out = new Map<string, string>();
  if (!parsed) return out;
  if (!parsed.ok) return out.set("(unparsed)", parsed.raw);
  parsed.value.forEach((d, i) => out.set(d.name ?? `#${i + 1}`, canonical({ description: d.description, parameters: d.parameters })));
  return out;
}

/** The model's answer as text, and its tool calls keyed by name (and occurrence). */
function outputOf(attributes: Attributes): { text: string; calls: Map<string, string> } {
  const messages = messagesOf(attributes["gen_ai.output.messages"]);
  const texts: string[] = [];
  const calls = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const m of messages) {
    for (const p of m.parts) {
      if (p.type === "tool_call") {
        const name = str(p.name) ?? "tool";
        const n = (seen.get(name) ?? 0) + 1;
        seen.set(name, n);
        calls.set(n > 1 ? `${name} #${n}` : name, canonical(p.arguments));
      } else {
        texts.push(partLine(p));
      }
    }
  }
  return { text: texts.join("\n"), calls };
}

function documents(before: Attributes, after: Attributes): DocChange[] {
  const read = (a: Attributes) => {
    const parsed = parseDocuments(a["gen_ai.retrieval.documents"]);
    return parsed?.ok ? parsed.docs : [];
  };
  const keyOf = (d: { id?: string; content?: string }, i: number) => d.id ?? (d.content !== undefined ? `content:${d.content.slice(0, 200)}` : `#${i + 1}`);
  const b = new Map(read(before).map((d, i) => [keyOf(d, i), d]));
  const a = new Map(read(after).map((d, i) => [keyOf(d, i), d]));
  const out: DocChange[] = [];
  for (const [key, d] of a) {
    const old = b.get(key);
    const now = { rank: d.rank, ...(d.score !== undefined ? { score: d.score } : {}) };
    const content = d.content ?? old?.content;
    const base = { key, ...(content !== undefined ? { content } : {}), after: now };
    if (!old) out.push({ ...base, change: "added" });
    else out.push({ ...base, before: { rank: old.rank, ...(old.score !== undefined ? { score: old.score } : {}) }, change: old.rank === d.rank ? "same" : "moved" });
  }
  for (const [key, d] of b) {
    if (!a.has(key)) out.push({ key, ...(d.content !== undefined ? { content: d.content } : {}), before: { rank: d.rank, ...(d.score !== undefined ? { score: d.score } : {}) }, change: "removed" });
  }
  return out.sort((x, y) => (x.after?.rank ?? Infinity) - (y.after?.rank ?? Infinity) || (x.before?.rank ?? 0) - (y.before?.rank ?? 0));
}

export function delta(name: NumberDelta["name"], unit: NumberDelta["unit"], before: number | undefined, after: number | undefined): NumberDelta {
  return { name, unit, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}), ...(before !== undefined && after !== undefined ? { delta: after - before } : {}) };
}

/** The numbers of one span: tokens, cost, TTFT and duration. */
export function spanNumbers(span: Span | undefined, prices?: PriceTable) {
  const a = span?.attributes ?? {};
  const ttft = num(a["gen_ai.response.time_to_first_chunk"]);
  return {
    input: num(a["gen_ai.usage.input_tokens"]),
    output: num(a["gen_ai.usage.output_tokens"]),
    cost: span && span.kind === "llm" ? costOf(a, prices)?.usd : undefined,
    // Stored in seconds (OTel); the view speaks ms.
    ttft: ttft !== undefined ? ttft * 1000 : undefined,
    duration: span?.endTime !== undefined ? span.endTime - span.startTime : undefined,
  };
}

export function numberDeltas(before: Span | undefined, after: Span | undefined, prices?: PriceTable): NumberDelta[] {
  const b = spanNumbers(before, prices);
  const a = spanNumbers(after, prices);
  return [
    delta("input tokens", "tokens", b.input, a.input),
    delta("output tokens", "tokens", b.output, a.output),
    delta("cost", "usd", b.cost, a.cost),
    delta("TTFT", "ms", b.ttft, a.ttft),
    delta("duration", "ms", b.duration, a.duration),
  ];
}

/** Everything that differs between two steps (either may be missing: a step only one side ran). */
export function diffSteps(before: Span | undefined, after: Span | undefined, prices?: PriceTable): StepDiff {
  const b = before?.attributes ?? {};
  const a = after?.attributes ?? {};
  const ob = outputOf(b);
  const oa = outputOf(a);
  const out: StepDiff = {
    system: diffText(systemText(b), systemText(a)),
    messages: diffMessages(conversationOf(b["gen_ai.input.messages"]), conversationOf(a["gen_ai.input.messages"])),
    params: diffFields(params(b), params(a)),
    tools: diffFields(toolDefs(b), toolDefs(a)),
    output: diffText(ob.text, oa.text),
    toolCalls: diffFields(ob.calls, oa.calls),
    documents: documents(b, a),
    numbers: numberDeltas(before, after, prices),
  };
  const kind = after?.kind ?? before?.kind;
  if (kind === "tool") {
    out.toolArguments = diffText(canonical(b["gen_ai.tool.call.arguments"]), canonical(a["gen_ai.tool.call.arguments"]));
    out.toolResult = diffText(canonical(b["gen_ai.tool.call.result"]), canonical(a["gen_ai.tool.call.result"]));
  }
  if (kind === "retrieval") out.query = diffText(str(b["gen_ai.retrieval.query.text"]) ?? "", str(a["gen_ai.retrieval.query.text"]) ?? "");
  return out;
}
