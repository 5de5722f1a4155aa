/**
 * What the compare view compares (docs/DESIGN.md, "Compare and replay"): the selected trace and
 * a second one picked with Ctrl/Cmd-click, or a model span and another picked with "Compare
 * with…". A pick is a copy of the trace's spans, so it survives switching between the live tab
 * and an imported session: one of each compares as well as two of one.
 */
import { computed, signal, type ReadonlySignal } from "@preact/signals";
import type { PriceTable } from "../../core/providers";
import type { SpanRecord } from "../../core/contract";
import { summarizeTrace } from "../../core/query";
import type { Trace } from "../../core/query";
import { shapeOf } from "../compare-model/prompt-versions";
import { compareSpans, compareTraces, type TraceComparison } from "../compare-model/trace-diff";

export interface Side {
  /** The trace id, or the span id when comparing spans. */
  id: string;
  label: string;
  /** Where it comes from: "live" or the imported session's name. */
  source: string;
  startTime: number;
  spans: SpanRecord[];
}

/** A pinned baseline: every trace of its shape shows its deltas against it. */
export interface Baseline extends Side {
  shape: string;
}

export interface OpenComparison {
  mode: "traces" | "spans";
  before: Side;
  after: Side;
  result: TraceComparison<SpanRecord>;
}

export function sideOfTrace(trace: Trace<SpanRecord>, source: string): Side {
  return { id: trace.traceId, label: summarizeTrace(trace).name, source, startTime: trace.startTime, spans: [...trace.spans] };
}

export function sideOfSpan(span: SpanRecord, source: string, traceName?: string): Side {
  return { id: span.spanId, label: traceName ? `${span.name} · ${traceName}` : span.name, source, startTime: span.startTime, spans: [span] };
}

/** `prices`: the user's own prices, on top of the built-in table. */
export function createCompareStore(prices: ReadonlySignal<PriceTable | undefined>) {
  /** The second trace, picked with Ctrl/Cmd-click. */
  const second = signal<Side | undefined>(undefined);
  const open = signal<OpenComparison | undefined>(undefined);
  const baseline = signal<Baseline | undefined>(undefined);
  /** What the right pane shows instead of the waterfall: a comparison, or the prompt versions. */
  const showVersions = signal(false);
  // Deltas against the baseline, once per trace object (a trace changes identity when its spans do).
  let againstCache = new WeakMap<object, TraceComparison<SpanRecord> | null>();

  /** Ctrl/Cmd-click: pick the trace as the second of a comparison, or unpick it. */
  function toggleSecond(side: Side): void {
    second.value = second.value?.id === side.id ? undefined : side;
  }

  /** Older first (the earlier run is the "before"), unless `asGiven` (a baseline is always the before). */
  function compare(a: Side, b: Side, mode: OpenComparison["mode"], asGiven = false): void {
    const [before, after] = asGiven || a.startTime <= b.startTime ? [a, b] : [b, a];
    const result = mode === "spans"
      ? compareSpans(before.spans[0]!, after.spans[0]!, prices.value)
      : compareTraces(before.spans, after.spans, prices.value);
    showVersions.value = false;
    open.value = { mode, before, after, result };
  }

  const canCompare = (selected: Side | undefined): boolean => selected !== undefined && second.value !== undefined && second.value.id !== selected.id;

  /** The trace's deltas against the pinned baseline, when it has the baseline's shape (and is not it). */
  function againstBaseline(trace: Trace<SpanRecord>): TraceComparison<SpanRecord> | undefined {
    const base = baseline.value;
    if (!base || trace.traceId === base.id) return undefined;
    let known = againstCache.get(trace);
    if (known === undefined) {
      known = shapeOf(trace.spans) === base.shape ? compareTraces(base.spans, trace.spans, prices.value) : null;
      againstCache.set(trace, known);
    }
    return known ?? undefined;
  }

  function pinBaseline(side: Side | undefined): void {
    againstCache = new WeakMap();
    baseline.value = side ? { ...side, shape: shapeOf(side.spans) } : undefined;
  }

  return {
    second, open, baseline, showVersions, toggleSecond, compare, canCompare, againstBaseline, pinBaseline,
    secondId: computed(() => second.value?.id),
    close(): void {
      open.value = undefined;
    },
  };
}

export type CompareStore = ReturnType<typeof createCompareStore>;
