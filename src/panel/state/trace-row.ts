/** One row of the trace list: a trace and what it did at a glance. Its own file: the trace store and the conversations built from its rows both use it. */
import type { SpanRecord } from "../../core/contract";
import type { Trace, TraceSummary } from "../../core/query";

export interface TraceRow {
  trace: Trace<SpanRecord>;
  summary: TraceSummary;
}
