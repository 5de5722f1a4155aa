/**
 * Above the trace list: Compare (the selected trace with a second one picked by Ctrl/Cmd-click,
 * which stays picked when the list switches between the live tab and an imported file), the
 * baseline every trace of its shape is measured against, and the prompt versions.
 */
import type { SpanStore } from "../state/spans";
import { sideOfTrace, type CompareStore } from "../state/compare";
import type { TraceStore } from "../state/traces";
import type { SessionsStore } from "../state/sessions";

export function CompareBar({ compare, traces, spans, sessions }: { compare: CompareStore; traces: TraceStore; spans: SpanStore; sessions: SessionsStore }) {
  const selected = traces.selectedTrace.value;
  const second = compare.second.value;
  const baseline = compare.baseline.value;
  const first = selected ? sideOfTrace(selected, sessions.sourceLabel(spans.session.value)) : undefined;
  const ready = compare.canCompare(first);
  const isBaseline = baseline !== undefined && selected?.traceId === baseline.id;
  return (
    <div class="compare-bar">
      <button type="button" disabled={!ready} onClick={() => first && second && compare.compare(first, second, "traces")}
        title={ready ? "Compare the selected trace with the picked one" : "Select a trace, then Ctrl/Cmd-click a second one"}>Compare</button>
      <button type="button" disabled={!first} aria-pressed={isBaseline} onClick={() => compare.pinBaseline(isBaseline ? undefined : first)}
        title="Traces of the same shape show their tokens, cost and time against this one">{isBaseline ? "Unpin baseline" : "Pin as baseline"}</button>
      <button type="button" aria-pressed={compare.showVersions.value} onClick={() => { compare.open.value = undefined; compare.showVersions.value = !compare.showVersions.value; }}
        title="The system prompts each call site used, with their numbers">Prompt versions</button>
      <span class="compare-chips">
        {second && (
          <span class="compare-chip" title={`Picked to compare: ${second.label} (${second.source})`}>vs <strong>{second.label}</strong>
            <button type="button" class="icon-button" aria-label="Unpick the second trace" onClick={() => (compare.second.value = undefined)}>✕</button></span>
        )}
        {baseline && (
          <span class="compare-chip is-baseline" title={`Baseline: ${baseline.label} (${baseline.source})`}>baseline <strong>{baseline.label}</strong>
            <button type="button" class="icon-button" aria-label="Unpin the baseline" onClick={() => compare.pinBaseline(undefined)}>✕</button></span>
        )}
      </span>
    </div>
  );
}
