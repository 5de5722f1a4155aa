/**
 * What the compare view compares (docs/DESIGN.md, "Compare and replay"): the selected trace and
 * a second one picked with Ctrl/Cmd-click, or a model span and another picked with "Compare
 * with…". A pick is a copy of the trace's spans, so it survives switching between the live tab
 * and an imported session: one of each compares as well as two of one.
 */
import { computed, signal, type ReadonlySignal } from "@preact/signals";
import type { PriceTable } from "../../core/cost";
import type { SpanRecord } from "../../core/records";
import { summarizeTrace } from "../../core/trace-summary";
import type { Trace } from "../../core/trace-tree";
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

  /** Ctrl/Cmd-click: pick the trace as the second of a comparison, or unpick it. */
  function toggleSecond(side: Side): void {
    second.value = second.value?.id === side.id ? undefined : side;
  }

  /** Older first: the earlier run is the "before". */
  function compare(a: Side, b: Side, mode: OpenComparison["mode"]): void {
    const [before, after] = a.startTime <= b.startTime ? [a, b] : [b, a];
    const result = mode === "spans"
      ? compareSpans(before.spans[0]!, after.spans[0]!, prices.value)
      : compareTraces(before.spans, after.spans, prices.value);
    open.value = { mode, before, after, result };
  }

  const canCompare = (selected: Side | undefined): boolean => selected !== undefined && second.value !== undefined && second.value.id !== selected.id;

  return {
    second, open, toggleSecond, compare, canCompare,
    secondId: computed(() => second.value?.id),
    close(): void {
      open.value = undefined;
    },
  };
}

export type CompareStore = ReturnType<typeof createCompareStore>;
