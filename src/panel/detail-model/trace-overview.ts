/**
 * What a trace's root shows: the trace in numbers (steps, models, tokens, cost, duration) and
 * its failed steps, each with its error and the span to open.
 */
import type { SpanRecord } from "../../core/contract";
import { summarizeTrace, type TraceSummary } from "../../core/query";
import type { Trace } from "../../core/query";

export interface FailedStep {
  spanId: string;
  name: string;
  kind: string;
  error: string;
}

export interface TraceOverview {
  summary: TraceSummary;
  failed: FailedStep[];
  /** Spans still in flight. */
  running: number;
}

/** A root assembly made for a user action or for page activity: its error is its steps'. */
const isSynthesizedRoot = (s: SpanRecord) => s.attributes["llm_trace.synthesized"] === true && (s.kind === "interaction" || s.kind === "agent");

export function traceOverview(trace: Trace<SpanRecord>): TraceOverview {
  const failed: FailedStep[] = [];
  let running = 0;
  for (const span of [...trace.spans].sort((a, b) => a.startTime - b.startTime)) {
    if (span.endTime === undefined) running++;
    if (span.status !== "error" || isSynthesizedRoot(span)) continue;
    const type = span.attributes["error.type"];
    const message = span.attributes["llm_trace.error.message"];
    const error = [type !== undefined ? String(type) : undefined, typeof message === "string" ? message : undefined].filter(Boolean).join(": ") || "error";
    failed.push({ spanId: span.spanId, name: span.name, kind: span.kind, error });
  }
  return { summary: summarizeTrace(trace), failed, running };
}

/** Whether a span is its trace's root (the one the trace list selects first). */
export function isTraceRoot(span: SpanRecord, trace: Trace<SpanRecord> | undefined): boolean {
  return trace !== undefined && trace.roots.some((r) => r.span.spanId === span.spanId);
}
