/**
 * Query: what the panel (and the demo's summary) asks of stored spans. Spans grouped into
 * traces and trees (trace-tree.ts), one line of numbers per trace (trace-summary.ts), the filter
 * language (filter.ts), and how a span names who served it (provider-label.ts, docs/DESIGN.md,
 * "Provider names").
 */
export { flatten, formatTraces, groupTraces, type Trace, type TreeNode } from "./trace-tree";
export { summarizeTrace, type TraceSummary } from "./trace-summary";
export { QUERY_KEYS, matchesSpans, parseQuery, unknownKeys, type Term } from "./filter";
export { providerLabel, serverLabel } from "./provider-label";
