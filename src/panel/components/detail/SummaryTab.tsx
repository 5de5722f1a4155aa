/**
 * A trace root's Summary tab: what the trace did in numbers, and each failed step with its
 * error, a click away.
 */
import { useMemo } from "preact/hooks";
import type { SpanRecord } from "../../../core/contract";
import type { Trace } from "../../../core/query";
import { formatDuration } from "../../format";
import { formatCount, formatUsd } from "../../detail-model/numbers";
import { traceOverview } from "../../detail-model/trace-overview";
import { KeyValues, Note, Section } from "./Section";

const STEP_NAMES: [keyof ReturnType<typeof traceOverview>["summary"]["steps"], string, string][] = [
  ["llm", "model call", "model calls"], ["tool", "tool", "tools"], ["retrieval", "retrieval", "retrievals"],
  ["embedding", "embedding", "embeddings"], ["http", "HTTP request", "HTTP requests"],
];

export function SummaryTab({ trace, onSelectSpan }: { trace: Trace<SpanRecord>; onSelectSpan(spanId: string): void }) {
  const { summary, failed, running } = useMemo(() => traceOverview(trace), [trace]);
  const steps = STEP_NAMES.filter(([k]) => summary.steps[k] > 0).map(([k, one, many]) => `${summary.steps[k]} ${summary.steps[k] === 1 ? one : many}`);
  return (
    <>
      <Section title="Trace">
        <KeyValues
          rows={[
            ["Steps", steps.length > 0 ? steps.join(" · ") : "none", true],
            ["Spans", formatCount(summary.spanCount)],
            ["Duration", summary.durationMs === undefined ? `running (${running} in flight)` : formatDuration(summary.durationMs)],
            summary.models.length > 0 && ["Models", summary.models.join(", ")],
            (summary.inputTokens !== undefined || summary.outputTokens !== undefined) && ["Tokens", `${formatCount(summary.inputTokens ?? 0)} in · ${formatCount(summary.outputTokens ?? 0)} out`],
            summary.costUsd !== undefined && ["Cost", formatUsd(summary.costUsd)],
            ["Errors", failed.length === 0 ? "none" : `${failed.length} failed ${failed.length === 1 ? "step" : "steps"}`, true],
          ]}
        />
      </Section>
      {failed.length > 0 && (
        <Section title="Failed steps" aside={failed.length}>
          <ul class="dt-failed">
            {failed.map((f) => (
              <li key={f.spanId}>
                <button type="button" class="dt-link" onClick={() => onSelectSpan(f.spanId)} title="Open this span">
                  {f.name} ›
                </button>
                <span class="dt-error-text">{f.error}</span>
              </li>
            ))}
          </ul>
        </Section>
      )}
      {failed.length === 0 && summary.durationMs !== undefined && <div class="dt-section-body"><Note>Every step succeeded.</Note></div>}
    </>
  );
}
