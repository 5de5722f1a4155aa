/**
 * Trace assembly: one tab's spans, interactions and marks in; every span with its traceId and
 * parentSpanId out, plus the spans that give traces their shape (roots, execute_tool spans).
 * Pure and deterministic; idempotent over its own output (synthesized spans are recognised by
 * llm_trace.synthesized and rebuilt with the same ids). See docs/DESIGN.md, "Traces: how spans are
 * grouped". Signals, strongest first:
 *
 * 1. traceparent: a span whose request carried the app's own W3C trace context was placed in
 *    that trace when derived (placement.ts) and keeps its traceId and parent, untouched.
 * 2. Marks (assembly/marks.ts): work starting inside a mark window is the mark's; a tool-call
 *    chain with a marked member follows it in.
 * 3. Tool-call chains (assembly/tool-chain.ts): linked model calls stay together; requests made
 *    while a tool runs are that tool's execution, children of its execute_tool span. A call that
 *    continues another moments after it ended, or retries it after a failure, with no user action
 *    in between, is linked to it the same way (assembly/continuity.ts).
 * 4./5. Interactions, then gap-based page activity (assembly/grouping.ts). An interaction's trace
 *    ends when its work has; plain HTTP that is no tool's execution goes to separate "page
 *    requests" traces, never into LLM traces.
 * Model spans also get their conversation (conversations.ts).
 *
 * Cost: sorting plus indexed lookups, O(n log n) for n spans (what is read from a model span's
 * messages, its tool calls and the hashes of its message history, is computed once per span and
 * kept for later runs over the same window).
 */
import type { InteractionRecord, MarkRecord, SpanKind, SpanRecord } from "../contract";
import { deriveConversations, withConversation } from "./conversations";
import { indexContinuity } from "./continuity";
import { activeUntil, CONTINUATION_GAP, groupByTime, unitOf } from "./grouping";
import type { Busy, Group, Unit } from "./grouping";
import { isAdopted } from "./placement";
import { hashSpanId, sourceSpanId, traceIdFor } from "./ids";
import { IntervalIndex, lastAtOrBefore } from "./intervals";
import { markLookup, outermost, pairMarks } from "./marks";
import type { MarkWindow } from "./marks";
import { activityRoot, addToSummary, interactionRoot, isSynthesized, markSpan, replayRoot, summarize, toolSpan } from "./synthesize";
import type { Summary } from "./synthesize";
import { chainTools, TOOL_START_SLACK } from "./tool-chain";
import type { ToolExec } from "./tool-chain";
import { memoByAttributes } from "./tool-messages";
import type { ToolCall } from "./tool-messages";

const REPLAY_GROUP = "llm_trace.replay.group";

export interface AssemblyInput {
  /** One tab's spans, as derived per exchange; may include spans synthesized by an earlier run. */
  spans: readonly SpanRecord[];
  interactions: readonly InteractionRecord[];
  marks: readonly MarkRecord[];
  /**
   * Model spans from before the window (the latest call of recent conversations), with their
   * stored conversation ids: looked back at for the conversation a call continues, never placed
   * or returned.
   */
  earlier?: readonly SpanRecord[];
}

export { isSynthesized } from "./synthesize";

/** Kinds that are LLM work: they open or join LLM traces. Plain "http" never does on its own. */
const LLM_WORK: ReadonlySet<SpanKind> = new Set<SpanKind>(["llm", "embedding", "retrieval", "tool", "agent"]);

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byStart = (a: SpanRecord, b: SpanRecord): number => a.startTime - b.startTime || byId(a.spanId, b.spanId);

/** The newest copy of each exchange span (late information replaces, never duplicates). */
function latestExchangeSpans(spans: readonly SpanRecord[]): SpanRecord[] {
  const latest = new Map<string, SpanRecord>();
  for (const s of spans) {
    if (isSynthesized(s)) continue;
    const known = latest.get(s.spanId);
    if (!known || s.updatedAt >= known.updatedAt) latest.set(s.spanId, s);
  }
  return [...latest.values()];
}

function uniqueById<T extends { id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

interface Placement {
  traceId: string;
  parentSpanId: string;
}

export function assembleTraces(input: AssemblyInput): SpanRecord[] {
  const all = latestExchangeSpans(input.spans).sort(byStart);
  const adopted = all.filter(isAdopted);
  // 0. Replays the panel asked for: one trace per send, whatever else ran then.
  const replays = new Map<string, SpanRecord[]>();
  for (const s of all) {
    const group = s.attributes[REPLAY_GROUP];
    if (typeof group !== "string" || isAdopted(s)) continue;
    const list = replays.get(group);
    if (list) list.push(s);
    else replays.set(group, [s]);
  }
  const spans = all.filter((s) => !isAdopted(s) && typeof s.attributes[REPLAY_GROUP] !== "string");
  const interactions = uniqueById(input.interactions).sort((a, b) => a.time - b.time || byId(a.id, b.id));
  const windows = pairMarks(uniqueById(input.marks), interactions);
  const markAt = markLookup(windows);

  // 3. Tool-call chains, and the mark each chain lives in (that of its earliest marked member).
  const models = spans.filter((s) => s.kind === "llm");
  const chains = chainTools(models);
  const continuity = indexContinuity(input.earlier?.length ? [...models, ...input.earlier] : models);
  const previous = linkContinuations(models, continuity, chains, interactions);
  const chainMark = new Map<string, MarkWindow>();
  for (const s of models) {
    const m = markAt(s.startTime, s.frameId);
    const chain = chains.componentOf(s.spanId);
    if (m && !chainMark.has(chain)) chainMark.set(chain, m);
  }
  // A chain member after its mark's end follows the chain in (one that began before it does
  // not), if it is of the mark's frame: a mark groups only its own frame's work.
  const markOf = (s: SpanRecord): MarkWindow | undefined => {
    const own = markAt(s.startTime, s.frameId);
    if (own || s.kind !== "llm") return own;
    const home = chainMark.get(chains.componentOf(s.spanId));
    return home && s.startTime >= home.from && home.start.frameId === s.frameId ? home : undefined;
  };

  // Requests made while a tool ran are its execution (only within the same mark, if any).
  const children = assignToolChildren(spans, chains.execs, markOf);
  const execs = chains.execs.filter((e) => !e.superseded || (children.get(e)?.length ?? 0) > 0);
  const toolOf = new Map<string, ToolExec>();
  for (const e of execs) for (const c of children.get(e) ?? []) toolOf.set(c.spanId, e);

  // 2.–5. Place every other span: in a mark, or in a time group.
  const placement = new Map<string, Placement>();
  const markTrace = (w: MarkWindow): string => traceIdFor(outermost(w).spanId);
  const chainSpans = new Map<string, SpanRecord[]>();
  const units: Unit[] = [];
  const requests: Unit[] = [];
  for (const s of spans) {
    if (toolOf.has(s.spanId)) continue;
    const m = markOf(s);
    if (m) placement.set(s.spanId, { traceId: markTrace(m), parentSpanId: m.spanId });
    else if (s.kind === "llm") {
      const chain = chains.componentOf(s.spanId);
      const list = chainSpans.get(chain);
      if (list) list.push(s);
      else chainSpans.set(chain, [s]);
    } else if (LLM_WORK.has(s.kind)) units.push(unitOf([s]));
    else requests.push(unitOf([s]));
  }
  const toolsOf = new Map<string, ToolExec[]>();
  for (const e of execs) {
    const list = toolsOf.get(e.producer.spanId);
    if (list) list.push(e);
    else toolsOf.set(e.producer.spanId, [e]);
  }
  for (const list of chainSpans.values()) units.push(unitOf(list, toolBusy(list, toolsOf, children)));
  units.sort((a, b) => a.start - b.start || byId(a.spans[0]!.spanId, b.spans[0]!.spanId));

  const groups = [...groupByTime(units, interactions, true), ...groupByTime(requests, interactions, false)];
  const groupRoots = new Map<Group, { spanId: string; traceId: string }>();
  for (const g of groups) {
    const spanId = g.interaction ? sourceSpanId("interaction", g.interaction.id) : hashSpanId(`${g.kind}:${g.members[0]!.spanId}`);
    const root = { spanId, traceId: traceIdFor(spanId) };
    groupRoots.set(g, root);
    for (const s of g.members) placement.set(s.spanId, { traceId: root.traceId, parentSpanId: spanId });
  }

  // Tool spans sit beside the model call that requested them; their requests under them.
  const out: SpanRecord[] = [];
  for (const e of execs) {
    const at = placement.get(e.producer.spanId)!;
    for (const c of children.get(e) ?? []) placement.set(c.spanId, { traceId: at.traceId, parentSpanId: e.spanId });
    out.push(toolSpan(e, at.traceId, at.parentSpanId, children.get(e) ?? []));
  }
  const conversations = deriveConversations(models, previous);
  for (const s of spans) {
    const at = placement.get(s.spanId)!;
    const placed = s.kind === "llm" ? withConversation(s, conversations.get(s.spanId)) : s;
    out.push({ ...placed, traceId: at.traceId, parentSpanId: at.parentSpanId });
  }

  // Roots, from what their traces add up to.
  const summaries = new Map<string, Summary>();
  for (const s of out) {
    // An unanswered tool may never end; it does not hold its trace open.
    const pending = s.kind === "tool" && s.endTime === undefined && isSynthesized(s);
    summaries.set(s.traceId, addToSummary(summaries.get(s.traceId), pending ? { ...s, endTime: s.startTime } : s));
  }
  for (const g of groups) {
    const root = groupRoots.get(g)!;
    const summary = summaries.get(root.traceId)!;
    out.push(g.interaction ? interactionRoot(g.interaction, root.spanId, root.traceId, summary) : activityRoot(g.kind === "requests" ? "requests" : "activity", g.start, root.spanId, root.traceId, summary));
  }
  for (const w of windows) out.push(markSpan(w, markTrace(w), summaries.get(markTrace(w))));

  for (const [group, members] of replays) {
    const spanId = hashSpanId(`replay:${group}`);
    const traceId = traceIdFor(spanId);
    const placed = members.map((s) => ({ ...s, traceId, parentSpanId: spanId }));
    out.push(...placed, replayRoot(placed, spanId, traceId, summarize(placed)!));
  }
  for (const s of adopted) out.push({ ...s });
  return out.sort(outputOrder);
}

/** Time order; at equal times parents before children (roots, then other synthesized spans). */
function outputOrder(a: SpanRecord, b: SpanRecord): number {
  const rank = (s: SpanRecord): number => (s.parentSpanId === undefined ? 0 : isSynthesized(s) ? 1 : 2);
  return a.startTime - b.startTime || rank(a) - rank(b) || byId(a.spanId, b.spanId);
}

// ---------------------------------------------------------------------------------------------
// Links between model calls

/**
 * Link the model calls that continue another (its output in their input, or its response id as
 * their previous_response_id) within CONTINUATION_GAP of its end, or retry a failed one, with
 * no user interaction in between: the page carrying on with the same work, which stays in one
 * trace even when another click came while it ran. A user action in between makes the call the
 * next turn instead (a trace of its own, in the same conversation). Returns, for each call, the
 * call it follows in its conversation: the one it continues, else the one whose tool calls it
 * answers, else the one it retries.
 */
function linkContinuations(
  models: readonly SpanRecord[],
  continuity: ReturnType<typeof indexContinuity>,
  chains: ReturnType<typeof chainTools>,
  interactions: readonly InteractionRecord[],
): (span: SpanRecord) => SpanRecord | undefined {
  const times = interactions.map((i) => i.time);
  const userActed = (from: number, to: number): boolean => {
    const last = lastAtOrBefore(times, to);
    return last >= 0 && times[last]! > from;
  };
  const inWindow = new Set(models.map((s) => s.spanId));
  const toolProducer = new Map<string, SpanRecord>();
  for (const e of chains.execs) if (e.consumer && !toolProducer.has(e.consumer.spanId)) toolProducer.set(e.consumer.spanId, e.producer);
  const previous = new Map<string, SpanRecord>();
  for (const s of models) {
    const continued = continuity.predecessor(s);
    const retried = continuity.retried(s);
    if (continued && inWindow.has(continued.spanId) && s.startTime - continued.endTime! <= CONTINUATION_GAP && !userActed(continued.endTime!, s.startTime)) {
      chains.link(continued.spanId, s.spanId);
    }
    if (retried && inWindow.has(retried.spanId) && !userActed(retried.endTime!, s.startTime)) chains.link(retried.spanId, s.spanId);
    const before = continued ?? toolProducer.get(s.spanId) ?? retried;
    if (before) previous.set(s.spanId, before);
  }
  return (span) => previous.get(span.spanId);
}

// ---------------------------------------------------------------------------------------------
// Tool executions

/** When a chain's tool calls ran: from the call to its result (or the reach of an unanswered one), and the requests they made. */
function toolBusy(list: readonly SpanRecord[], toolsOf: ReadonlyMap<string, ToolExec[]>, children: ReadonlyMap<ToolExec, SpanRecord[]>): Busy[] {
  const busy: Busy[] = [];
  for (const s of list) {
    for (const e of toolsOf.get(s.spanId) ?? []) {
      busy.push({ start: e.start, end: e.end ?? e.windowEnd });
      for (const c of children.get(e) ?? []) busy.push({ start: c.startTime, end: activeUntil(c) });
    }
  }
  return busy;
}

/**
 * The non-model requests each tool execution made: those starting inside its window. With
 * several candidate tools (parallel calls, or overlapping conversations) a request goes to the
 * call whose argument values appear in its URL or query text, else to the most recent call's
 * first tool: simple, and right for the common "one tool, one request" case.
 */
function assignToolChildren(
  spans: readonly SpanRecord[],
  execs: readonly ToolExec[],
  markOf: (s: SpanRecord) => MarkWindow | undefined,
): Map<ToolExec, SpanRecord[]> {
  const result = new Map<ToolExec, SpanRecord[]>();
  if (execs.length === 0) return result;
  // The page may act on a tool call as soon as the last event arrives, a moment before the
  // model's stream is recorded as closed: the window opens up to TOOL_START_SLACK early, but
  // never before the model's first output (work before that is the call's input, not its tools).
  const index = new IntervalIndex(execs.map((e) => ({ start: Math.max(e.start - TOOL_START_SLACK, firstOutput(e.producer)), end: e.windowEnd, value: e })));
  for (const s of spans) {
    if (s.kind === "llm") continue;
    const mark = markOf(s);
    const candidates = index.containing(s.startTime).filter((e) => markOf(e.producer) === mark);
    if (candidates.length === 0) continue;
    const best = pickTool(candidates, s);
    const list = result.get(best);
    if (list) list.push(s);
    else result.set(best, [s]);
  }
  return result;
}

function firstOutput(span: SpanRecord): number {
  const ttft = span.attributes["gen_ai.response.time_to_first_chunk"];
  return span.startTime + (typeof ttft === "number" ? ttft * 1000 : 0);
}

function pickTool(candidates: readonly ToolExec[], s: SpanRecord): ToolExec {
  if (candidates.length === 1) return candidates[0]!;
  const haystack = searchableText(s);
  let best = candidates[0]!;
  let bestScore = -1;
  for (const e of candidates) {
    const score = argumentScore(e, haystack) + (s.attributes["gen_ai.tool.name"] === e.call.name ? 100 : 0);
    // Ties: the most recent call, then the first tool of a response.
    const better =
      score > bestScore ||
      (score === bestScore && (e.start > best.start || (e.start === best.start && (e.producer.spanId === best.producer.spanId ? e.call.index < best.call.index : e.producer.spanId < best.producer.spanId))));
    if (better) {
      best = e;
      bestScore = score;
    }
  }
  return best;
}

const searchableText = memoByAttributes((s: SpanRecord): string => {
  const parts: string[] = [];
  for (const key of ["url.full", "gen_ai.retrieval.query.text", "gen_ai.tool.call.arguments"]) {
    const v = s.attributes[key];
    if (typeof v !== "string") continue;
    let text = v;
    try {
      text = decodeURIComponent(v.replace(/\+/g, " "));
    } catch {
      // keep it encoded
    }
    parts.push(text.toLowerCase());
  }
  return parts.join("\n");
});

/**
 * How many distinct words of a call's argument values (3+ letters or digits, from strings and
 * numbers) the request mentions: {"location": "Paris, France"} matches ?city=Paris.
 */
function argumentScore(e: ToolExec, haystack: string): number {
  if (haystack === "") return 0;
  let score = 0;
  for (const w of argumentWords(e.call)) if (haystack.includes(w)) score++;
  return score;
}

/** The words of a call's argument values (the call objects last as long as their span's attributes). */
const wordsOfCall = new WeakMap<ToolCall, Set<string>>();
function argumentWords(call: ToolCall): Set<string> {
  const known = wordsOfCall.get(call);
  if (known) return known;
  const words = new Set<string>();
  const collect = (v: unknown, depth: number): void => {
    if (words.size >= 40 || depth > 4) return;
    if (typeof v === "string" || typeof v === "number") {
      for (const w of String(v).toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? []) words.add(w);
    } else if (Array.isArray(v)) v.forEach((x) => collect(x, depth + 1));
    else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => collect(x, depth + 1));
  };
  let args = call.arguments;
  if (typeof args === "string") {
    try {
      args = JSON.parse(args) as unknown;
    } catch {
      // a plain-text argument is itself the value
    }
  }
  collect(args, 0);
  wordsOfCall.set(call, words);
  return words;
}
