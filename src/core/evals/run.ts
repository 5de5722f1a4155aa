/**
 * A regression run's results (docs/DESIGN.md, "Regression runs"): per item, the new answer
 * next to the expected one with its checks, tokens, cost and latency; the run's summary; and
 * the cost estimate shown before it starts, from the items' recorded usage and the price table.
 */
import { costOf, type PriceTable } from "../providers";
import type { Check, CheckOutcome } from "./checks";
import type { DatasetItem, ExpectedOutput, ParamValue } from "./item";

/** What a run changes in every request: another model, temperature or system prompt. */
export interface RunOverride {
  model?: string;
  temperature?: number;
  system?: string;
}

export interface ItemRun {
  itemId: string;
  status: "pending" | "running" | "passed" | "failed" | "error";
  /** The new call, once sent. */
  spanId?: string;
  error?: string;
  output?: ExpectedOutput;
  checks?: CheckOutcome[];
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number;
  latencyMs?: number;
}

export interface DatasetRun {
  id: string;
  datasetId: string;
  startedAt: number;
  endedAt?: number;
  state: "running" | "done" | "stopped";
  override: RunOverride;
  checks: Check[];
  concurrency: number;
  results: ItemRun[];
}

export interface RunSummary {
  passed: number;
  failed: number;
  errors: number;
  pending: number;
  medianLatencyMs?: number;
  totalCostUsd?: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarizeRun(results: readonly ItemRun[]): RunSummary {
  const done = results.filter((r) => r.status === "passed" || r.status === "failed");
  const costs = results.map((r) => r.costUsd).filter((c): c is number => c !== undefined);
  const latency = median(done.map((r) => r.latencyMs).filter((l): l is number => l !== undefined));
  return {
    passed: results.filter((r) => r.status === "passed").length,
    failed: results.filter((r) => r.status === "failed").length,
    errors: results.filter((r) => r.status === "error").length,
    pending: results.filter((r) => r.status === "pending" || r.status === "running").length,
    ...(latency !== undefined ? { medianLatencyMs: latency } : {}),
    ...(costs.length ? { totalCostUsd: costs.reduce((a, b) => a + b, 0) } : {}),
  };
}

/** An item passes when every check passes (a run with no checks passes what answered). */
export function verdict(checks: readonly CheckOutcome[]): "passed" | "failed" {
  return checks.every((c) => c.pass) ? "passed" : "failed";
}

const modelOf = (item: DatasetItem, override: RunOverride): string | undefined => {
  const p: ParamValue | undefined = item.input.params.model;
  return override.model || (typeof p === "string" ? p : undefined) || item.metadata.model;
};

export interface CostEstimate {
  usd: number;
  /** Items with recorded usage and a known price for the model they will run on. */
  priced: number;
  unpriced: number;
}

/** What the run may cost: each item's recorded tokens at the price of the model it will run on. */
export function estimateRunCost(items: readonly DatasetItem[], override: RunOverride, prices?: PriceTable): CostEstimate {
  let usd = 0;
  let priced = 0;
  for (const item of items) {
    const model = modelOf(item, override);
    const attrs: Record<string, string | number> = { "gen_ai.operation.name": "chat" };
    if (model) attrs["gen_ai.request.model"] = model;
    if (item.metadata.inputTokens !== undefined) attrs["gen_ai.usage.input_tokens"] = item.metadata.inputTokens;
    if (item.metadata.outputTokens !== undefined) attrs["gen_ai.usage.output_tokens"] = item.metadata.outputTokens;
    const cost = model ? costOf(attrs, prices) : undefined;
    if (cost && cost.missing.length === 0) {
      usd += cost.usd;
      priced++;
    }
  }
  return { usd, priced, unpriced: items.length - priced };
}

/** Differences of two runs of the same dataset, item by item: which changed verdict. */
export function compareRuns(before: DatasetRun, after: DatasetRun): { itemId: string; before: ItemRun["status"]; after: ItemRun["status"] }[] {
  const old = new Map(before.results.map((r) => [r.itemId, r.status]));
  return after.results.filter((r) => old.has(r.itemId) && old.get(r.itemId) !== r.status).map((r) => ({ itemId: r.itemId, before: old.get(r.itemId)!, after: r.status }));
}
