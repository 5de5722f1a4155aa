/**
 * Datasets and regression runs (docs/DESIGN.md, "Datasets", "Regression runs"): model calls as
 * dataset items, JSONL out and in, the checks a run grades answers with, and its summary.
 */
export {
  itemFromSpan, messagesOf, outputOfSpan, scoresOfSpan, textOfParts,
  type DatasetItem, type ExpectedOutput, type ExpectedToolCall, type ItemInput, type ItemMessage, type ItemMetadata, type ItemPart,
  type ItemRequest, type ItemResult, type ItemScore, type ParamValue, type StoredRequest,
} from "./item";
export { checkItem, checkRequestUrl, ItemError, MAX_BODY_CHARS } from "./check-item";
export { redactItem } from "./redact-item";
export { parseDatasetJsonl, toDatasetJsonl, toGenericLine, toOpenAiLine, MAX_IMPORT_ITEMS, type ImportResult, type JsonlShape } from "./jsonl";
export { CHECK_LABEL, compileChecks, type Check, type CheckKind, type CheckOutcome, type Grader } from "./checks";
export {
  compareRuns, estimateRunCost, median, summarizeRun, verdict,
  type CostEstimate, type DatasetRun, type ItemRun, type RunOverride, type RunSummary,
} from "./run";
