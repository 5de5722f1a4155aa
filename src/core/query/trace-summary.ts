/** One line of the trace list: what a trace did, in numbers. */
import type { Span } from "../contract";
import type { Trace } from "./trace-tree";

export interface TraceSummary {
  traceId: string;
  name: string;
  startTime: number;
  /** Undefined while in flight. */
  durationMs: number | undefined;
  models: string[];
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  costUsd: number | undefined;
  steps: { llm: number; tool: number; retrieval: number; embedding: number; http: number };
  errors: number;
  spanCount: number;
  /** Plain HTTP traffic, no model work: the panel shows it muted. */
  plain: boolean;
  /** The conversation of its first model call (gen_ai.conversation.id), and whether assembly derived it. */
  conversationId?: string;
  conversationDerived?: boolean;
}

/**
 * The name a trace is listed under: its root's, except for the roots assembly makes for work
 * without a user action, which say little ("page requests"); those are named after their work.
 */
function traceName(trace: Trace): string {
  const root = trace.roots[0]?.span ?? trace.spans[0]!;
  const source = root.attributes["llm_trace.root.source"];
  if (source !== "requests" && source !== "activity") return root.name;
  const work = trace.spans.filter((s) => s !== root && s.kind !== "tool");
  const main = work.find((s) => s.kind === "llm") ?? work.find((s) => s.kind !== "http") ?? work[0];
  if (!main) return root.name;
  if (source === "activity") return `${main.name} (no user action)`;
  return work.length > 1 ? `${main.name} + ${work.length - 1} more` : main.name;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function add(total: number | undefined, value: number | undefined): number | undefined {
  return value === undefined ? total : (total ?? 0) + value;
}

export function summarizeTrace(trace: Trace, costOf?: (span: Span) => number | undefined): TraceSummary {
  // Models of model calls first, then embedding models: the chat model is what a row is read for.
  const models = new Set<string>();
  const embeddingModels = new Set<string>();
  const steps = { llm: 0, tool: 0, retrieval: 0, embedding: 0, http: 0 };
  let inputTokens: number | undefined;
  let outputTokens: number | undefined;
  let costUsd: number | undefined;
  let errors = 0;
  let firstModel: Span | undefined;
  for (const span of trace.spans) {
    const a = span.attributes;
    if (span.kind === "llm" && typeof a["gen_ai.conversation.id"] === "string" && (!firstModel || span.startTime < firstModel.startTime)) firstModel = span;
    if (span.kind in steps) steps[span.kind as keyof typeof steps]++;
    // A root is in error because a step is: count the step, not the root again.
    if (span.status === "error" && !(span.attributes["llm_trace.synthesized"] === true && (span.kind === "interaction" || span.kind === "agent"))) errors++;
    const model = a["gen_ai.response.model"] ?? a["gen_ai.request.model"];
    if (span.kind === "llm" && model !== undefined) models.add(String(model));
    else if (span.kind === "embedding" && model !== undefined) embeddingModels.add(String(model));
    inputTokens = add(inputTokens, num(a["gen_ai.usage.input_tokens"]));
    outputTokens = add(outputTokens, num(a["gen_ai.usage.output_tokens"]));
    costUsd = add(costUsd, num(a["llm_trace.cost.usd"]) ?? costOf?.(span));
  }
  const root = trace.roots[0]?.span ?? trace.spans[0]!;
  return {
    traceId: trace.traceId,
    name: traceName(trace),
    startTime: trace.startTime,
    durationMs: trace.endTime === undefined ? undefined : trace.endTime - trace.startTime,
    models: [...models, ...[...embeddingModels].filter((m) => !models.has(m))],
    inputTokens, outputTokens, costUsd, steps, errors,
    spanCount: trace.spans.length,
    plain: root.attributes["llm_trace.root.source"] === "requests" || trace.spans.every((s) => s.kind === "http"),
    ...(firstModel ? { conversationId: String(firstModel.attributes["gen_ai.conversation.id"]), conversationDerived: firstModel.attributes["llm_trace.conversation.derived"] === true } : {}),
  };
}
