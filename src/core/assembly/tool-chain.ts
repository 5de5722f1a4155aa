/**
 * Tool-call chaining (docs/DESIGN.md, "Traces: how spans are grouped", signal 3). A model response that asks for tool calls
 * and the next model request carrying their results belong to one trace, and the time between
 * them is the tool's execution.
 *
 * Matching: by call id (OpenAI tool_call_id, Responses call_id, Anthropic tool_use_id); Gemini
 * sends no ids, so its function responses are matched to the assistant message they follow,
 * by function names (and arguments) in order. A request is the consumer of a call only when it
 * is the first one to return that call's result after the call was made; later turns repeat old
 * results as history and are not consumers (see tool-messages.ts).
 */
import type { SpanRecord } from "../contract";
import { hashSpanId } from "./ids";
import { lastAtOrBefore } from "./intervals";
import { canonicalJson, memoByAttributes, requestedToolCalls, returnedToolResults } from "./tool-messages";
import type { ToolCall } from "./tool-messages";

/** A request may start this long before the call's response is recorded as ended (clock jitter between tee branches). */
export const TOOL_START_SLACK = 250;
/** A tool whose result has not come back holds the requests made within this time after the call. */
export const PENDING_TOOL_REACH = 30_000;

export interface ToolExec {
  spanId: string;
  producer: SpanRecord;
  call: ToolCall;
  /** The model request that returned the result. */
  consumer?: SpanRecord;
  result?: unknown;
  /** The call was made: the producer's response ended. */
  start: number;
  /** The result was sent back: the consumer started. */
  end?: number;
  /** Requests starting in [start, windowEnd] may be this tool's execution. */
  windowEnd: number;
  /** No result yet, and the conversation moved on (a later model call started). */
  superseded: boolean;
}

export interface ToolChains {
  execs: ToolExec[];
  /** The chain a model span belongs to: the spanId of a span of its component (the first, unless linked later). */
  componentOf(spanId: string): string;
  /** Put two model spans in one chain (a call continuing or retrying another: see assemble.ts). */
  link(earlier: string, later: string): void;
}

class UnionFind {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression keeps later lookups flat.
    let cur = x;
    while (cur !== root) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }
  /** Union keeping `keep`'s root (the earlier span) as the representative. */
  union(keep: string, other: string): void {
    const a = this.find(keep);
    const b = this.find(other);
    if (a !== b) this.parent.set(b, a);
  }
}

function signature(calls: readonly { name: string; arguments?: unknown }[], withArgs: boolean): string {
  return calls.map((c) => (withArgs ? `${c.name}(${canonicalJson(c.arguments ?? {})})` : c.name)).join("|");
}

/**
 * Names of the tools the request declared; undefined when it sent no definitions (AI SDK UI
 * requests leave tools to the server). Hosted tools (web search, file search) are declared
 * without a name, so their calls are never the page's to run.
 */
const declaredTools = memoByAttributes((span: SpanRecord): Set<string> | undefined => {
  const raw = span.attributes["gen_ai.tool.definitions"];
  if (typeof raw !== "string") return undefined;
  try {
    const defs = JSON.parse(raw) as unknown;
    if (!Array.isArray(defs)) return undefined;
    const names = new Set<string>();
    for (const d of defs) if (d && typeof d === "object" && typeof (d as { name?: unknown }).name === "string") names.add((d as { name: string }).name);
    return names;
  } catch {
    return undefined;
  }
});

/**
 * Link the model spans (sorted by start) through their tool calls. Returns every tool execution
 * worth a span: answered calls, and unanswered ones that are either still the latest activity or
 * left requests behind (`superseded` tells them apart; the caller drops superseded ones without
 * children).
 */
export function chainTools(modelSpans: readonly SpanRecord[]): ToolChains {
  const uf = new UnionFind();
  const execs: ToolExec[] = [];
  const byId = new Map<string, ToolExec>();
  const bySignature = new Map<string, ToolExec[][]>();

  for (const span of modelSpans) {
    const input = returnedToolResults(span);
    if (input) {
      for (const r of input.results) {
        if (r.id === undefined) continue;
        const exec = byId.get(r.id);
        if (!exec || exec.consumer || exec.producer === span || span.startTime < exec.start - TOOL_START_SLACK) continue;
        consume(exec, span, r.response);
        byId.delete(r.id);
        uf.union(exec.producer.spanId, span.spanId);
      }
      if (input.answeredCalls.length > 0) matchWithoutIds(span, input, bySignature, uf);
    }
    if (span.endTime === undefined) continue;
    // The response is complete: register the calls it asks for.
    const idless: ToolExec[] = [];
    for (const call of requestedToolCalls(span)) {
      const exec: ToolExec = {
        spanId: hashSpanId(`tool:${span.spanId}:${call.id ?? `#${call.index}`}`),
        producer: span,
        call,
        start: span.endTime,
        windowEnd: Infinity,
        superseded: false,
      };
      execs.push(exec);
      if (call.id !== undefined) byId.set(call.id, exec);
      else idless.push(exec);
    }
    if (idless.length > 0) {
      const calls = idless.map((e) => e.call);
      for (const key of [`=${signature(calls, true)}`, `~${signature(calls, false)}`]) {
        const list = bySignature.get(key) ?? [];
        list.push(idless);
        bySignature.set(key, list);
      }
    }
  }

  const starts = modelSpans.map((s) => s.startTime);
  const kept: ToolExec[] = [];
  for (const exec of execs) {
    if (exec.consumer) {
      exec.end = Math.max(exec.start, exec.consumer.startTime);
      exec.windowEnd = exec.end;
      kept.push(exec);
      continue;
    }
    // Unanswered: only calls to tools the request declared (hosted tools run at the provider).
    const declared = declaredTools(exec.producer);
    if (declared && !declared.has(exec.call.name)) continue;
    const next = lastAtOrBefore(starts, exec.start + TOOL_START_SLACK) + 1;
    const nextStart = next < starts.length ? starts[next]! : Infinity;
    exec.superseded = nextStart !== Infinity;
    exec.windowEnd = Math.min(exec.start + PENDING_TOOL_REACH, nextStart);
    kept.push(exec);
  }
  return { execs: kept, componentOf: (spanId) => uf.find(spanId), link: (earlier, later) => uf.union(earlier, later) };
}

function consume(exec: ToolExec, consumer: SpanRecord, result: unknown): void {
  exec.consumer = consumer;
  exec.result = result;
}

/** Gemini: the results answer the id-less calls of the assistant message they follow. */
function matchWithoutIds(
  span: SpanRecord,
  input: NonNullable<ReturnType<typeof returnedToolResults>>,
  bySignature: Map<string, ToolExec[][]>,
  uf: UnionFind,
): void {
  const candidates = bySignature.get(`=${signature(input.answeredCalls, true)}`) ?? bySignature.get(`~${signature(input.answeredCalls, false)}`);
  if (!candidates) return;
  // The latest producer whose calls are still open and were made before this request.
  let group: ToolExec[] | undefined;
  for (let i = candidates.length - 1; i >= 0; i--) {
    const g = candidates[i]!;
    if (g.every((e) => !e.consumer) && g[0]!.producer !== span && span.startTime >= g[0]!.start - TOOL_START_SLACK) {
      group = g;
      break;
    }
  }
  if (!group) return;
  const results = input.results.filter((r) => r.id === undefined || group.some((e) => e.call.name === r.id));
  const used = new Set<number>();
  for (const exec of group) {
    const at = results.findIndex((r, i) => !used.has(i) && (r.id === undefined || r.id === exec.call.name));
    if (at >= 0) used.add(at);
    consume(exec, span, at >= 0 ? results[at]!.response : undefined);
  }
  uf.union(group[0]!.producer.spanId, span.spanId);
}
