/**
 * Links between a tool call and its result, across the spans of one trace: a call in a model
 * span's output is answered in the next model span's input (and, once trace assembly made one,
 * executed by an execute_tool span); a result in a model span's input answers a call made in
 * an earlier span's output, or earlier in the same conversation.
 */
import type { SpanRecord } from "../../core/contract";
import { callKey, parseMessages, resultKey } from "./messages";

/** Where to go: a span (maybe this one) and, within its Messages tab, the element to reveal. */
export interface LinkTarget {
  spanId: string;
  anchor?: string;
}

export const callAnchor = (key: string) => `call:${key}`;
export const resultAnchor = (key: string) => `result:${key}`;

interface ToolKeys {
  inputCalls: Set<string>;
  inputResults: Set<string>;
  outputCalls: Set<string>;
}

/** Spans are replaced on update, never mutated, so their parsed keys can be cached per object. */
const cache = new WeakMap<SpanRecord, ToolKeys>();

function keysOf(span: SpanRecord): ToolKeys {
  let keys = cache.get(span);
  if (keys) return keys;
  keys = { inputCalls: new Set(), inputResults: new Set(), outputCalls: new Set() };
  const collect = (attr: string, calls: Set<string>, results?: Set<string>) => {
    const parsed = parseMessages(span.attributes[attr]);
    if (!parsed?.ok) return;
    for (const m of parsed.value) {
      for (const p of m.parts) {
        const key = p.type === "tool_call" ? callKey(p) : p.type === "tool_call_response" ? resultKey(p) : undefined;
        if (key === undefined) continue;
        if (p.type === "tool_call") calls.add(key);
        else results?.add(key);
      }
    }
  };
  collect("gen_ai.input.messages", keys.inputCalls, keys.inputResults);
  collect("gen_ai.output.messages", keys.outputCalls);
  cache.set(span, keys);
  return keys;
}

const isModelSpan = (s: SpanRecord) => s.kind === "llm";
const isToolSpan = (s: SpanRecord) => s.kind === "tool" || s.attributes["gen_ai.operation.name"] === "execute_tool";
const byStart = (a: SpanRecord, b: SpanRecord) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId);

/** The execute_tool span of a call, when trace assembly made one. */
export function executionOf(key: string, spans: readonly SpanRecord[]): SpanRecord | undefined {
  return spans.find((s) => isToolSpan(s) && (s.attributes["gen_ai.tool.call.id"] === key || (s.attributes["gen_ai.tool.call.id"] === undefined && s.attributes["gen_ai.tool.name"] === key)));
}

/**
 * Where the result of the call `key`, seen in `span`, is: later in this span's own input
 * (history), or in the input of the first later model span that sends it back.
 */
export function resultOf(key: string, span: SpanRecord, spans: readonly SpanRecord[], callInInput: boolean): LinkTarget | undefined {
  if (callInInput && keysOf(span).inputResults.has(key)) return { spanId: span.spanId, anchor: resultAnchor(key) };
  const next = spans
    .filter((s) => isModelSpan(s) && s.spanId !== span.spanId && s.startTime >= span.startTime && keysOf(s).inputResults.has(key))
    .sort(byStart)[0];
  return next ? { spanId: next.spanId, anchor: resultAnchor(key) } : undefined;
}

/**
 * Where the call answered by the result `key` in `span`'s input was made: earlier in the same
 * input, or in the output of the latest earlier model span that asked for it.
 */
export function callOf(key: string, span: SpanRecord, spans: readonly SpanRecord[]): LinkTarget | undefined {
  if (keysOf(span).inputCalls.has(key)) return { spanId: span.spanId, anchor: callAnchor(key) };
  const prev = spans
    .filter((s) => isModelSpan(s) && s.spanId !== span.spanId && s.startTime <= span.startTime && keysOf(s).outputCalls.has(key))
    .sort(byStart)
    .at(-1);
  return prev ? { spanId: prev.spanId, anchor: callAnchor(key) } : undefined;
}

/** For an execute_tool span: the model span that asked for the call and the one that got its result. */
export function modelSpansOfTool(tool: SpanRecord, spans: readonly SpanRecord[]): { caller?: SpanRecord; consumer?: SpanRecord } {
  const key = tool.attributes["gen_ai.tool.call.id"] ?? tool.attributes["gen_ai.tool.name"];
  if (typeof key !== "string") return {};
  const models = spans.filter(isModelSpan).sort(byStart);
  const caller = models.filter((s) => s.startTime <= tool.startTime && keysOf(s).outputCalls.has(key)).at(-1);
  const consumer = models.find((s) => s.startTime >= tool.startTime && keysOf(s).inputResults.has(key));
  return { ...(caller && { caller }), ...(consumer && { consumer }) };
}
