/** The trace list: one row per trace, newest first, what it did at a glance. */
import type { TraceRow, TraceStore } from "../state/traces";
import { formatClock, formatCost, formatDuration, formatTokens } from "../format";
import { VirtualList } from "./VirtualList";

const ROW_HEIGHT = 40;

function steps({ steps }: TraceRow["summary"]): string {
  const parts: string[] = [];
  if (steps.llm) parts.push(`${steps.llm} model`);
  if (steps.tool) parts.push(`${steps.tool} tool`);
  if (steps.retrieval) parts.push(`${steps.retrieval} retrieval`);
  if (steps.embedding) parts.push(`${steps.embedding} embed`);
  if (!parts.length && steps.http) parts.push(`${steps.http} request${steps.http > 1 ? "s" : ""}`);
  return parts.join(" · ");
}

export function TraceList({ traces }: { traces: TraceStore }) {
  const rows = traces.visible.value;
  const selected = traces.selectedTrace.value?.traceId;
  const index = rows.findIndex((r) => r.trace.traceId === selected);

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    const next = event.key === "Home" ? 0 : event.key === "End" ? rows.length - 1
      : Math.max(0, Math.min(rows.length - 1, index + (event.key === "ArrowDown" ? 1 : -1)));
    const row = rows[next];
    if (row) traces.selectTrace(row.trace.traceId);
  }

  return (
    <VirtualList
      class="trace-list" role="listbox" label="Traces" items={rows} rowHeight={ROW_HEIGHT} scrollToIndex={index}
      onKeyDown={onKeyDown} activeId={selected ? `trace-${selected}` : undefined}
      renderRow={({ trace, summary }, _i, style) => {
        const tokens = formatTokens(summary.inputTokens, summary.outputTokens);
        return (
          <div
            key={trace.traceId} id={`trace-${trace.traceId}`} role="option" aria-selected={trace.traceId === selected}
            class={`trace-row ${trace.traceId === selected ? "is-selected" : ""} ${summary.errors ? "has-error" : ""} ${summary.plain ? "is-plain" : ""}`}
            style={style} onClick={() => traces.selectTrace(trace.traceId)} data-trace-id={trace.traceId}
          >
            <div class="trace-line">
              <span class={`kind-dot kind-${trace.roots[0]?.span.kind ?? "http"}`} />
              <span class="trace-name" title={summary.name}>{summary.name}</span>
              {summary.errors > 0 && <span class="badge badge-error" title={`${summary.errors} failed`}>{summary.errors} error{summary.errors > 1 ? "s" : ""}</span>}
              {summary.durationMs === undefined ? <span class="trace-live" title="in flight">live</span> : <span class="trace-duration">{formatDuration(summary.durationMs)}</span>}
            </div>
            <div class="trace-meta">
              <span>{formatClock(summary.startTime)}</span>
              {summary.models.length > 0 && <span class="trace-models" title={summary.models.join(", ")}>{summary.models.join(", ")}</span>}
              {tokens && <span title="input / output tokens">{tokens}</span>}
              {summary.costUsd !== undefined && <span title="estimated cost from the price table">{formatCost(summary.costUsd)}</span>}
              <span class="trace-steps">{steps(summary)}</span>
            </div>
          </div>
        );
      }}
    />
  );
}
