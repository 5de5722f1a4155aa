/** The words of a trace-list row (pure, so the wording is tested without a browser). */
import { formatUsd } from "../detail-model/numbers";
import { count, formatTokens } from "../format";
import type { TraceSummary } from "../../core/query";

/** What the trace did, most telling first: "2 model calls · 1 tool · 1 retrieval · 1 embedding". */
export function stepsText({ steps }: Pick<TraceSummary, "steps">): string {
  const parts: string[] = [];
  if (steps.llm) parts.push(count(steps.llm, "model call"));
  if (steps.tool) parts.push(count(steps.tool, "tool"));
  if (steps.retrieval) parts.push(count(steps.retrieval, "retrieval"));
  if (steps.embedding) parts.push(count(steps.embedding, "embedding"));
  if (!parts.length && steps.http) parts.push(count(steps.http, "request"));
  return parts.join(" · ");
}

/** The numbers of a row: tokens and cost, formatted as the detail pane formats them. */
export function rowNumbers(summary: Pick<TraceSummary, "inputTokens" | "outputTokens" | "costUsd">): { tokens: string; cost: string | undefined } {
  return {
    tokens: formatTokens(summary.inputTokens, summary.outputTokens),
    cost: summary.costUsd !== undefined ? formatUsd(summary.costUsd) : undefined,
  };
}
