/**
 * From the tab's spans to what the panel shows: traces (newest first) filtered by the query
 * and chips, optionally grouped by conversation, the selected trace and span (and its turn of
 * a conversation), collapsed rows, and the rows of the waterfall.
 */
import { batch, computed, effect, signal, untracked } from "@preact/signals";
import type { SpanKind, SpanRecord } from "../../core/contract";
import { flatten, groupTraces, matchesSpans, parseQuery, summarizeTrace, type Trace, type TraceSummary, type TreeNode } from "../../core/query";
import { conversationsOf, listItems, turnOf } from "./conversations";
import type { SpanStore } from "./spans";
import type { TraceRow } from "./trace-row";

export const KIND_CHIPS: readonly SpanKind[] = ["llm", "tool", "retrieval", "embedding", "http"];

export type { TraceRow } from "./trace-row";

export function createTraceStore(spans: SpanStore) {
  const query = signal("");
  const kinds = signal<ReadonlySet<SpanKind>>(new Set());
  const errorsOnly = signal(false);
  /** Traces that started before this are hidden (a navigation without "Preserve log"). */
  const since = signal<number | undefined>(undefined);
  const selectedTraceId = signal<string | undefined>(undefined);
  const selectedSpanId = signal<string | undefined>(undefined);
  const collapsed = signal<ReadonlySet<string>>(new Set());
  const groupByConversation = signal(false);

  const terms = computed(() => parseQuery(query.value));
  const traces = computed(() => groupTraces(spans.list.value));
  const rows = computed<TraceRow[]>(() => traces.value.map((trace) => ({ trace, summary: summarizeTrace(trace) })));
  const visible = computed(() => {
    const t = terms.value;
    const k = kinds.value;
    const from = since.value;
    const onlyErrors = errorsOnly.value;
    const out: TraceRow[] = [];
    for (let i = rows.value.length - 1; i >= 0; i--) {
      const row = rows.value[i]!;
      if (from !== undefined && row.trace.startTime < from) continue;
      if (onlyErrors && row.summary.errors === 0) continue;
      if (k.size && !row.trace.spans.some((s) => k.has(s.kind))) continue;
      if (t.length && !matchesSpans(t, row.trace.spans)) continue;
      out.push(row);
    }
    return out;
  });
  const conversations = computed(() => conversationsOf(rows.value));
  const rowById = computed(() => new Map(rows.value.map((r) => [r.trace.traceId, r])));
  const items = computed(() => listItems(visible.value, conversations.value, groupByConversation.value));
  // Assembly may move a span to another trace (its final one): follow the selected span.
  const selectedTrace = computed(() => {
    const span = selectedSpanId.value ? spans.byId.value.get(selectedSpanId.value) : undefined;
    const id = span?.traceId ?? selectedTraceId.value;
    return id ? traces.value.find((t) => t.traceId === id) : undefined;
  });
  const waterfallRows = computed<TreeNode<SpanRecord>[]>(() => {
    const trace = selectedTrace.value;
    return trace ? flatten(trace.roots, collapsed.value) : [];
  });
  const selectedTurn = computed(() => turnOf(selectedTrace.value?.traceId, rowById.value, conversations.value));
  const selectedSpan = computed(() => {
    const id = selectedSpanId.value;
    return id ? spans.byId.value.get(id) : undefined;
  });

  // The detail pane never shows a trace the list does not: when the filter (or a navigation)
  // hides the selected trace, the selection moves to the first trace shown, or to none.
  const stopFollowingFilter = effect(() => {
    const shown = visible.value;
    const trace = selectedTrace.value;
    if (!trace || shown.some((r) => r.trace.traceId === trace.traceId)) return;
    untracked(() => selectTrace(shown[0]?.trace.traceId));
  });

  function selectTrace(traceId: string | undefined): void {
    batch(() => {
      selectedTraceId.value = traceId;
      const trace = traceId ? traces.value.find((t) => t.traceId === traceId) : undefined;
      selectedSpanId.value = trace?.roots[0]?.span.spanId;
    });
  }

  function selectSpan(spanId: string): void {
    const span = spans.byId.value.get(spanId);
    if (!span) return;
    batch(() => {
      selectedTraceId.value = span.traceId;
      selectedSpanId.value = spanId;
    });
  }

  /** Select the previous (-1) or next (+1) turn of the selected trace's conversation. */
  function stepTurn(delta: -1 | 1): void {
    const at = selectedTurn.value;
    const next = at?.conversation.turns[at.turn - 1 + delta];
    if (next) selectTrace(next.trace.traceId);
  }

  function setCollapsed(spanId: string, value: boolean): void {
    const next = new Set(collapsed.value);
    if (value) next.add(spanId);
    else next.delete(spanId);
    collapsed.value = next;
  }

  function toggleKind(kind: SpanKind): void {
    const next = new Set(kinds.value);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    kinds.value = next;
  }

  return {
    query, kinds, errorsOnly, since, selectedTraceId, selectedSpanId, collapsed, groupByConversation,
    terms, traces, visible, items, conversations, selectedTrace, selectedTurn, selectedSpan, waterfallRows,
    selectTrace, selectSpan, stepTurn, setCollapsed, toggleKind, dispose: stopFollowingFilter,
  };
}

export type TraceStore = ReturnType<typeof createTraceStore>;
