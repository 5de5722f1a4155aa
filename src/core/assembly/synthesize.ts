/**
 * The spans trace assembly adds: trace roots (interaction, page activity, page requests, mark)
 * and execute_tool spans. All carry llm_trace.synthesized = true so the next assembly run can
 * recognise and replace them; all their fields derive from their sources, so a rerun produces
 * identical spans.
 */
import type { Attributes, InteractionRecord, SpanRecord, SpanStatus } from "../contract";
import type { GroupKind } from "./grouping";
import type { MarkWindow } from "./marks";
import type { ToolExec } from "./tool-chain";

export const SYNTHESIZED = "llm_trace.synthesized";
/** Characters of tool arguments / results kept on a synthesized tool span (the model spans keep them whole). */
export const MAX_TOOL_TEXT = 8000;

export function isSynthesized(span: SpanRecord): boolean {
  return span.attributes[SYNTHESIZED] === true;
}

/** What the spans of one trace (or of a tool's execution) add up to. */
export interface Summary {
  maxEnd: number;
  inFlight: boolean;
  error: boolean;
  updatedAt: number;
  tabId: number;
  frameId?: number | undefined;
}

/** Add one span to a summary (created from the first span). */
export function addToSummary(s: Summary | undefined, span: SpanRecord): Summary {
  const out = s ?? { maxEnd: -Infinity, inFlight: false, error: false, updatedAt: -Infinity, tabId: span.tabId, frameId: span.frameId };
  if (span.endTime === undefined) out.inFlight = true;
  else out.maxEnd = Math.max(out.maxEnd, span.endTime);
  if (span.status === "error") out.error = true;
  out.updatedAt = Math.max(out.updatedAt, span.updatedAt);
  return out;
}

export function summarize(spans: Iterable<SpanRecord>): Summary | undefined {
  let s: Summary | undefined;
  for (const span of spans) s = addToSummary(s, span);
  return s;
}

function rootStatus(s: Summary | undefined, open: boolean): SpanStatus {
  if (s?.error) return "error";
  return open || s?.inFlight ? "unset" : "ok";
}

function endOf(start: number, s: Summary | undefined): { endTime?: number } {
  if (!s || s.inFlight) return {};
  return { endTime: Math.max(start, s.maxEnd) };
}

function base(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  tabId: number,
  frameId: number | undefined,
): Pick<SpanRecord, "traceId" | "spanId" | "parentSpanId" | "tabId" | "frameId"> {
  return {
    traceId,
    spanId,
    ...(parentSpanId !== undefined ? { parentSpanId } : {}),
    tabId,
    ...(frameId !== undefined ? { frameId } : {}),
  };
}

export function interactionName(rec: InteractionRecord): string {
  const action = rec.action === "keydown" ? "keydown Enter" : rec.action;
  return rec.target ? `${action} ${rec.target}` : action;
}

export function interactionRoot(rec: InteractionRecord, spanId: string, traceId: string, s: Summary | undefined): SpanRecord {
  return {
    ...base(traceId, spanId, undefined, rec.tabId, rec.frameId),
    name: interactionName(rec),
    kind: "interaction",
    startTime: rec.time,
    ...endOf(rec.time, s),
    status: rootStatus(s, false),
    attributes: {
      [SYNTHESIZED]: true,
      "llm_trace.root.source": "interaction",
      "llm_trace.interaction.action": rec.action,
      "llm_trace.interaction.target": rec.target,
      "llm_trace.page.url": rec.pageUrl,
    },
    updatedAt: Math.max(rec.time, s?.updatedAt ?? -Infinity),
  };
}

const GROUP_NAMES: Record<Exclude<GroupKind, "interaction">, string> = {
  activity: "page activity",
  requests: "page requests",
};

/**
 * Root of work without a user interaction. Kind "interaction" like every root the extension
 * infers (the panel lists traces by their root); llm_trace.root.source tells them apart, and
 * "requests" roots hold only plain HTTP so the panel can hide them.
 */
export function activityRoot(kind: Exclude<GroupKind, "interaction">, start: number, spanId: string, traceId: string, s: Summary): SpanRecord {
  return {
    ...base(traceId, spanId, undefined, s.tabId, s.frameId),
    name: GROUP_NAMES[kind],
    kind: "interaction",
    startTime: start,
    ...endOf(start, s),
    status: rootStatus(s, false),
    attributes: { [SYNTHESIZED]: true, "llm_trace.root.source": kind },
    updatedAt: s.updatedAt,
  };
}

/**
 * The root of a replay: the calls one "Send" or "Resend N times" made from the page at the
 * panel's request (docs/DESIGN.md, "Compare and replay"), named after the call they replay.
 */
export function replayRoot(members: readonly SpanRecord[], spanId: string, traceId: string, s: Summary): SpanRecord {
  const first = members[0]!;
  return {
    ...base(traceId, spanId, undefined, s.tabId, s.frameId),
    name: `replay · ${first.name}${members.length > 1 ? ` ×${members.length}` : ""}`,
    kind: "interaction",
    startTime: first.startTime,
    ...endOf(first.startTime, s),
    status: rootStatus(s, false),
    attributes: { [SYNTHESIZED]: true, "llm_trace.root.source": "replay", "llm_trace.replay.of": String(first.attributes["llm_trace.replay.of"] ?? "") },
    updatedAt: s.updatedAt,
  };
}

/**
 * A marked unit of work. Kind "agent" with gen_ai.operation.name invoke_agent: the app named a
 * piece of work it runs (typically an agent loop, possibly nested in another); OTel GenAI
 * models exactly that as invoke_agent {gen_ai.agent.name}, so OTLP backends (Langfuse,
 * Phoenix) render it as an agent run. "interaction" stays reserved for user actions the
 * extension observed itself.
 */
export function markSpan(w: MarkWindow, traceId: string, s: Summary | undefined): SpanRecord {
  const name = w.start.name?.trim() || "llm-trace";
  const attributes: Attributes = {};
  for (const [k, v] of Object.entries(w.start.attributes ?? {})) {
    if (typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))) attributes[k] = v;
  }
  Object.assign(attributes, {
    [SYNTHESIZED]: true,
    "llm_trace.root.source": "mark",
    "gen_ai.operation.name": "invoke_agent",
    "gen_ai.agent.name": name,
  });
  const isRoot = w.parent === undefined;
  return {
    ...base(traceId, w.spanId, w.parent?.spanId, w.start.tabId, w.start.frameId),
    name: `invoke_agent ${name}`,
    kind: "agent",
    startTime: w.from,
    ...(w.end ? { endTime: w.end.time } : {}),
    status: isRoot ? rootStatus(s, w.end === undefined) : w.end ? "ok" : "unset",
    attributes,
    updatedAt: Math.max(w.end?.time ?? w.from, isRoot ? (s?.updatedAt ?? -Infinity) : -Infinity),
  };
}

/** Objects come from a span's parsed messages, the same on every run over it: their text is kept. */
const texts = new WeakMap<object, string | undefined>();

function capText(value: unknown): string | undefined {
  if (value !== null && typeof value === "object") {
    if (!texts.has(value)) texts.set(value, capped(value));
    return texts.get(value);
  }
  return capped(value);
}

function capped(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text === undefined) return undefined;
  return text.length > MAX_TOOL_TEXT ? `${text.slice(0, MAX_TOOL_TEXT)}…[${text.length} chars]` : text;
}

/** A result shaped {error: ...} (Anthropic is_error, AI SDK errorText) is a failed tool run. */
function failed(result: unknown): boolean {
  return result !== null && typeof result === "object" && !Array.isArray(result) && Object.keys(result).length === 1 && "error" in result;
}

export function toolSpan(exec: ToolExec, traceId: string, parentSpanId: string | undefined, children: readonly SpanRecord[]): SpanRecord {
  const kids = summarize(children);
  const attributes: Attributes = {
    [SYNTHESIZED]: true,
    "gen_ai.operation.name": "execute_tool",
    "gen_ai.tool.name": exec.call.name,
    "gen_ai.tool.type": "function",
  };
  if (exec.call.id !== undefined) attributes["gen_ai.tool.call.id"] = exec.call.id;
  const args = capText(exec.call.arguments);
  if (args !== undefined) attributes["gen_ai.tool.call.arguments"] = args;
  let status: SpanStatus = "unset";
  let endTime: number | undefined;
  if (exec.consumer) {
    endTime = exec.end;
    const result = capText(exec.result);
    if (result !== undefined) attributes["gen_ai.tool.call.result"] = result;
    status = failed(exec.result) ? "error" : "ok";
    if (status === "error") attributes["error.type"] = "tool_error";
  } else if (exec.superseded) {
    // The model was called again without this result: the tool ran (it made requests) but its
    // result never reached the model. It ends with its last request.
    attributes["llm_trace.tool.result_missing"] = true;
    if (kids && !kids.inFlight) endTime = Math.max(exec.start, kids.maxEnd);
  }
  const updated = [exec.producer.updatedAt, exec.consumer?.updatedAt ?? -Infinity, kids?.updatedAt ?? -Infinity];
  return {
    ...base(traceId, exec.spanId, parentSpanId, exec.producer.tabId, exec.producer.frameId),
    name: exec.call.name ? `execute_tool ${exec.call.name}` : "execute_tool",
    kind: "tool",
    // A request the page made a moment before the model's stream was recorded as closed starts it.
    startTime: Math.min(exec.start, ...children.map((c) => c.startTime)),
    ...(endTime !== undefined ? { endTime } : {}),
    status,
    attributes,
    updatedAt: Math.max(...updated),
  };
}
