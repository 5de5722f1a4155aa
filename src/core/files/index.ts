/**
 * Files: traces out and in (docs/DESIGN.md, "Trace files"). Export as HAR 1.2 with our spans
 * (lossless on export -> import -> export), as OTLP/JSON (also what the OTLP push sends), and as
 * JSONL for evals; import of any of them, and of any other HAR (spans derived again from its
 * exchanges), with warnings for what could not be read.
 */
export { HAR_CREATOR, harFileName, harText, toHar, type HarMeta, type LlmTraceEntry, type LlmTraceHar, type TraceSession } from "./har-export";
export { toEvalJsonl, toEvalRecord, type EvalRecord } from "./jsonl";
export { pageHostOf } from "./page-host";
export { HOOK_SCRIPT_URL, entrySource, isUnhookedCall, networkEntryEvents, requesterHost, type EntrySource } from "./network-entry";
export { WorkerCallMatcher, type MatchOptions, type MatchedEntry } from "./network-match";
export { fromOtlp, otlpRequest, otlpTracesUrl, toOtlp, toOtlpByPage, type OtlpCollector, type OtlpRequest, type OtlpSpan, type OtlpTraces } from "./otlp";
export { MAX_IMPORT_BYTES, importSizeProblem, importTraceFile, type ImportOptions, type ImportResult } from "./import";
