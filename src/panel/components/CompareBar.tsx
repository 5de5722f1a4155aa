/**
 * Above the trace list: the Compare button and the second trace picked for it (Ctrl/Cmd-click a
 * row), which stays picked when the list switches between the live tab and an imported file.
 */
import type { SpanStore } from "../state/spans";
import { sideOfTrace, type CompareStore } from "../state/compare";
import type { TraceStore } from "../state/traces";
import { sessions } from "./FileActions";

/** How a side says where it comes from. */
export function sourceLabel(session: number | undefined): string {
  if (session === undefined) return "live tab";
  const found = sessions.value.find((s) => s.id === session);
  return found ? `imported ${found.name}` : "imported";
}

export function CompareBar({ compare, traces, spans }: { compare: CompareStore; traces: TraceStore; spans: SpanStore }) {
  const selected = traces.selectedTrace.value;
  const second = compare.second.value;
  const first = selected ? sideOfTrace(selected, sourceLabel(spans.session.value)) : undefined;
  const ready = compare.canCompare(first);
  return (
    <div class="compare-bar">
      <button type="button" disabled={!ready} onClick={() => first && second && compare.compare(first, second, "traces")}
        title={ready ? "Compare the selected trace with the picked one" : "Select a trace, then Ctrl/Cmd-click a second one"}>Compare</button>
      {second
        ? <span class="compare-second" title={`${second.label} (${second.source})`}>with <strong>{second.label}</strong> <span class="muted">{second.source}</span>
            <button type="button" class="icon-button" aria-label="Unpick the second trace" onClick={() => (compare.second.value = undefined)}>✕</button></span>
        : <span class="muted compare-hint">Ctrl/Cmd-click a second trace</span>}
    </div>
  );
}
