/**
 * Two traces side by side (docs/DESIGN.md, "Compare and replay"). Steps are matched by
 * structure, not position: each trace's work (model calls, tools, retrieval, embeddings) as a
 * sequence of signatures, aligned by a longest common subsequence, so the second chat call of
 * one run meets the second chat call of the other even when a tool call ran in between on one
 * side only. Steps left unmatched next to each other are paired when they are of one kind (the
 * tool called changed).
 *
 * Cheap by design: matching and the numbers only; the word diffs of a pair (diffSteps) are
 * computed when the view opens that pair, so two 1,000-span traces compare at once.
 */
import { diffArrays } from "diff";
import type { PriceTable } from "../../core/providers";
import type { Span } from "../../core/contract";
import { delta, numberDeltas, spanNumbers, stepKeys, type NumberDelta } from "./span-diff";

export interface Step<S extends Span = Span> {
  span: S;
  /** What the step is, for matching: kind and operation, tool name or data source. */
  signature: string;
  /** How the view names it: "chat #2", "tool check_account_status". */
  label: string;
}

export interface StepPair<S extends Span = Span> {
  before?: Step<S>;
  after?: Step<S>;
  /** Anything the view would show as different: prompt, output, parameters or numbers' presence. */
  changed: boolean;
  /** The system instructions or input messages differ. */
  promptChanged: boolean;
  outputChanged: boolean;
  numbers: NumberDelta[];
}

export interface TraceComparison<S extends Span = Span> {
  pairs: StepPair<S>[];
  totals: NumberDelta[];
}

const WORK = new Set(["llm", "embedding", "retrieval", "tool"]);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function signatureOf(span: Span): [signature: string, label: string] {
  const a = span.attributes;
  switch (span.kind) {
    case "llm": {
      const op = str(a["gen_ai.operation.name"]) ?? "chat";
      return [`llm:${op}`, op];
    }
    case "tool": {
      const name = str(a["gen_ai.tool.name"]) ?? span.name;
      return [`tool:${name}`, `tool ${name}`];
    }
    case "retrieval": {
      const source = str(a["gen_ai.data_source.id"]) ?? "";
      return [`retrieval:${source}`, source ? `retrieval ${source}` : "retrieval"];
    }
    default:
      return [span.kind, span.kind];
  }
}

/**
 * A trace's steps in start order: its model, tool, retrieval and embedding spans (a tool's own
 * requests are part of the tool). A trace of plain requests only has those as its steps.
 */
export function stepsOf<S extends Span>(spans: readonly S[]): Step<S>[] {
  let work = spans.filter((s) => WORK.has(s.kind));
  if (work.length === 0) work = spans.filter((s) => s.kind === "http");
  const sorted = [...work].sort((x, y) => x.startTime - y.startTime || (x.spanId < y.spanId ? -1 : 1));
  const named = sorted.map((span) => [span, ...signatureOf(span)] as const);
  const totals = new Map<string, number>();
  for (const [, signature] of named) totals.set(signature, (totals.get(signature) ?? 0) + 1);
  const counts = new Map<string, number>();
  return named.map(([span, signature, label]) => {
    const n = (counts.get(signature) ?? 0) + 1;
    counts.set(signature, n);
    return { span, signature, label: totals.get(signature)! > 1 ? `${label} #${n}` : label };
  });
}

/** Each span's keys once: a trace compared against several others parses its messages once. */
const keyCache = new WeakMap<Span, ReturnType<typeof stepKeys>>();
function keysOf(span: Span | undefined): ReturnType<typeof stepKeys> {
  if (!span) return { prompt: "", output: "", params: "" };
  let keys = keyCache.get(span);
  if (!keys) keyCache.set(span, (keys = stepKeys(span)));
  return keys;
}

function pairOf<S extends Span>(before: Step<S> | undefined, after: Step<S> | undefined, prices?: PriceTable): StepPair<S> {
  const kb = keysOf(before?.span);
  const ka = keysOf(after?.span);
  const promptChanged = kb.prompt !== ka.prompt;
  const outputChanged = kb.output !== ka.output;
  return {
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    changed: !before || !after || promptChanged || outputChanged || kb.params !== ka.params,
    promptChanged,
    outputChanged,
    numbers: numberDeltas(before?.span, after?.span, prices),
  };
}

/** Match the steps of two traces by structure. */
export function matchSteps<S extends Span>(before: Step<S>[], after: Step<S>[]): [Step<S> | undefined, Step<S> | undefined][] {
  const runs = diffArrays(before.map((s) => s.signature), after.map((s) => s.signature));
  const out: [Step<S> | undefined, Step<S> | undefined][] = [];
  let i = 0;
  let j = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r]!;
    const n = run.count ?? run.value.length;
    if (!run.added && !run.removed) {
      for (let k = 0; k < n; k++) out.push([before[i++], after[j++]]);
      continue;
    }
    const removed = run.removed ? before.slice(i, (i += n)) : [];
    let added: Step<S>[] = [];
    if (run.added) added = after.slice(j, (j += n));
    else if (runs[r + 1]?.added) {
      const m = runs[++r]!.count ?? runs[r]!.value.length;
      added = after.slice(j, (j += m));
    }
    // Unmatched steps of one kind next to each other are the same step, changed (another tool, another source).
    const left = [...added];
    for (const b of removed) {
      const at = left.findIndex((a) => a.span.kind === b.span.kind);
      if (at < 0) {
        out.push([b, undefined]);
        continue;
      }
      for (const a of left.splice(0, at)) out.push([undefined, a]);
      out.push([b, left.shift()]);
    }
    for (const a of left) out.push([undefined, a]);
  }
  return out;
}

function sum(spans: readonly Span[], pick: (n: ReturnType<typeof spanNumbers>) => number | undefined, prices?: PriceTable): number | undefined {
  let total: number | undefined;
  for (const s of spans) {
    const v = pick(spanNumbers(s, prices));
    if (v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

function extent(spans: readonly Span[]): number | undefined {
  if (spans.length === 0) return undefined;
  let start = Infinity;
  let end = -Infinity;
  for (const s of spans) {
    start = Math.min(start, s.startTime);
    if (s.endTime === undefined) return undefined;
    end = Math.max(end, s.endTime);
  }
  return end - start;
}

/** The first model call's TTFT: what the user waited for before text appeared. */
function firstTtft(steps: readonly Step[], prices?: PriceTable): number | undefined {
  const first = steps.find((s) => s.span.kind === "llm");
  return first ? spanNumbers(first.span, prices).ttft : undefined;
}

export function compareTraces<S extends Span>(before: readonly S[], after: readonly S[], prices?: PriceTable): TraceComparison<S> {
  const sb = stepsOf(before);
  const sa = stepsOf(after);
  const pairs = matchSteps(sb, sa).map(([b, a]) => pairOf(b, a, prices));
  const models = (steps: Step<S>[]) => steps.filter((s) => s.span.kind === "llm" || s.span.kind === "embedding").map((s) => s.span);
  return {
    pairs,
    totals: [
      delta("input tokens", "tokens", sum(models(sb), (n) => n.input), sum(models(sa), (n) => n.input)),
      delta("output tokens", "tokens", sum(models(sb), (n) => n.output), sum(models(sa), (n) => n.output)),
      delta("cost", "usd", sum(models(sb), (n) => n.cost, prices), sum(models(sa), (n) => n.cost, prices)),
      delta("TTFT", "ms", firstTtft(sb, prices), firstTtft(sa, prices)),
      delta("duration", "ms", extent(before), extent(after)),
    ],
  };
}

/** Two single spans (a model call against another): one pair, totals the pair's numbers. */
export function compareSpans<S extends Span>(before: S, after: S, prices?: PriceTable): TraceComparison<S> {
  const [b] = stepsOf([before]);
  const [a] = stepsOf([after]);
  const pair = pairOf(b, a, prices);
  return { pairs: [pair], totals: pair.numbers };
}
