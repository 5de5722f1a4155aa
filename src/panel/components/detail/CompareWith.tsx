/**
 * "Compare with…" on a model call: the other model calls of the session, newest first, to
 * compare this one with. Capped: a long session lists its newest calls.
 */
import type { SpanRecord } from "../../../core/contract";
import type { Trace } from "../../../core/query";
import { summarizeTrace } from "../../../core/query";
import { formatClock } from "../../format";

const MAX = 200;

export interface CompareWithProps {
  candidates: readonly Trace<SpanRecord>[];
  onPick(span: SpanRecord, traceName: string): void;
}

export function CompareWith({ span, candidates, onPick }: CompareWithProps & { span: SpanRecord }) {
  const options: { span: SpanRecord; trace: string }[] = [];
  for (let i = candidates.length - 1; i >= 0 && options.length < MAX; i--) {
    const trace = candidates[i]!;
    const models = trace.spans.filter((s) => s.kind === "llm" && s.spanId !== span.spanId);
    if (models.length === 0) continue;
    const name = summarizeTrace(trace).name;
    for (let j = models.length - 1; j >= 0 && options.length < MAX; j--) options.push({ span: models[j]!, trace: name });
  }
  options.sort((a, b) => b.span.startTime - a.span.startTime);
  return (
    <select class="compare-with" aria-label="Compare with…" value="" disabled={options.length === 0}
      onChange={(e) => {
        const picked = options[Number(e.currentTarget.value)];
        if (picked) onPick(picked.span, picked.trace);
      }}>
      <option value="">Compare with…</option>
      {options.map((o, i) => <option key={o.span.spanId} value={String(i)}>{formatClock(o.span.startTime)} · {o.span.name} · {o.trace}</option>)}
    </select>
  );
}
