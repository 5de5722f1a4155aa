/**
 * A regression run's results (docs/DESIGN.md, "Regression runs"): the summary (passed, failed,
 * errors, median latency, total cost), then per item its verdict, checks, the new output as a
 * word diff against the expected one, and tokens, cost and latency against the original call;
 * with a second run picked, which items changed verdict.
 */
import { useMemo } from "preact/hooks";
import { CHECK_LABEL, compareRuns, type DatasetItem, type DatasetRun, type ItemRun, type RunSummary } from "../../core/evals";
import { diffText } from "../compare-model/text-diff";
import { formatUsd } from "../detail-model/numbers";
import { formatDuration } from "../format";
import { TextDiffView } from "./CompareView";

/** Differences below a billionth (float noise of summed costs) read as none. */
const signed = (n: number, unit: (x: number) => string): string => (Math.abs(n) < 1e-9 ? "±0" : `${n > 0 ? "+" : "−"}${unit(Math.abs(n))}`);

function Delta({ now, then, unit }: { now: number | undefined; then: number | undefined; unit: (x: number) => string }) {
  if (now === undefined) return <span class="muted">–</span>;
  return (
    <span>
      {unit(now)}
      {then !== undefined && <span class={`cmp-delta ${Math.abs(now - then) < 1e-9 ? "" : now > then ? "is-worse" : "is-better"}`}> ({signed(now - then, unit)})</span>}
    </span>
  );
}

const tokens = (n: number) => String(Math.round(n));

function summaryText(s: RunSummary): string {
  return [
    `${s.passed} passed`, `${s.failed} failed`, `${s.errors} ${s.errors === 1 ? "error" : "errors"}`,
    ...(s.pending ? [`${s.pending} pending`] : []),
    ...(s.medianLatencyMs !== undefined ? [`median ${formatDuration(s.medianLatencyMs)}`] : []),
    ...(s.totalCostUsd !== undefined ? [`total ${formatUsd(s.totalCostUsd)}`] : []),
  ].join(" · ");
}

export function RunSummaryLine({ summary }: { summary: RunSummary }) {
  return <div class="run-summary" role="status" aria-label="Run summary">{summaryText(summary)}</div>;
}

function firstQuestion(item: DatasetItem): string {
  const user = [...item.input.messages].reverse().find((m) => m.role === "user");
  const text = user?.parts.filter((p) => p.type === "text").map((p) => String(p.content ?? "")).join("") ?? "";
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function ResultRow({ index, item, result, before }: { index: number; item: DatasetItem | undefined; result: ItemRun; before: ItemRun | undefined }) {
  const diff = useMemo(() => (result.output && item ? diffText(item.expected.text, result.output.text) : undefined), [result.output, item]);
  const m = item?.metadata;
  return (
    <tr class={`run-row is-${result.status}`} data-item-id={result.itemId}>
      <td>{index + 1}</td>
      <td>
        <span class={`run-status is-${result.status}`}>{result.status}</span>
        {before && before.status !== result.status && <div class="muted">was {before.status}</div>}
      </td>
      <td class="run-question">{item ? firstQuestion(item) : <span class="muted">item removed</span>}</td>
      <td class="run-output">
        {result.error && <div class="run-error">{result.error}</div>}
        {diff && (diff.changed ? <TextDiffView diff={diff} label={`Item ${index + 1}: expected → new`} /> : <div class="cmp-pre run-same">{result.output?.text}</div>)}
        {result.checks && result.checks.length > 0 && (
          <ul class="run-checks" aria-label="Checks">
            {result.checks.map((c, i) => <li key={i} class={c.pass ? "is-pass" : "is-fail"}>{c.pass ? "✓" : "✗"} {CHECK_LABEL[c.kind]}{c.note ? `: ${c.note}` : ""}</li>)}
          </ul>
        )}
      </td>
      <td class="num"><Delta now={result.inputTokens !== undefined || result.outputTokens !== undefined ? (result.inputTokens ?? 0) + (result.outputTokens ?? 0) : undefined}
        then={m && (m.inputTokens !== undefined || m.outputTokens !== undefined) ? (m.inputTokens ?? 0) + (m.outputTokens ?? 0) : undefined} unit={tokens} /></td>
      <td class="num"><Delta now={result.costUsd} then={m?.costUsd} unit={formatUsd} /></td>
      <td class="num"><Delta now={result.latencyMs} then={m?.latencyMs} unit={formatDuration} /></td>
    </tr>
  );
}

export function RunResults({ run, items, baseline, summary }: { run: DatasetRun; items: readonly DatasetItem[]; baseline: DatasetRun | undefined; summary: RunSummary }) {
  const byId = useMemo(() => new Map(items.map((i) => [i.id, i])), [items]);
  const before = useMemo(() => new Map((baseline?.results ?? []).map((r) => [r.itemId, r])), [baseline]);
  const changed = baseline ? compareRuns(baseline, run).length : 0;
  return (
    <section class="run-results" aria-label="Run results">
      <RunSummaryLine summary={summary} />
      {baseline && <div class="muted">Against the run of {new Date(baseline.startedAt).toLocaleString()}: {changed} {changed === 1 ? "item" : "items"} changed verdict.</div>}
      <table class="run-table">
        <thead><tr><th>#</th><th>Result</th><th>Input</th><th>Expected → new output</th><th>Tokens</th><th>Cost</th><th>Latency</th></tr></thead>
        <tbody>
          {run.results.map((r, i) => <ResultRow key={r.itemId} index={i} item={byId.get(r.itemId)} result={r} before={before.get(r.itemId)} />)}
        </tbody>
      </table>
    </section>
  );
}
