/**
 * A regression run (docs/DESIGN.md, "Regression runs"): every item of the open dataset sent
 * again from the inspected page, with the run's override, a few at a time (concurrency, 2 by
 * default), until done or stopped. Each send's new call arrives through capture like any other;
 * its span is read here when it ends (output, tokens, cost, latency) and graded by the run's
 * checks. Runs are kept with the dataset, so two can be compared. When the page no longer holds
 * an item's headers, the run stops and asks for a header, given for that run only.
 */
import { batch, computed, effect, signal, type ReadonlySignal } from "@preact/signals";
import { randomHex, type SpanRecord } from "../../core/contract";
import {
  compileChecks, estimateRunCost, outputOfSpan, summarizeRun, verdict,
  type Check, type DatasetItem, type DatasetRun, type ItemRun, type RunOverride,
} from "../../core/evals";
import { costOf, type PriceTable } from "../../core/providers";
import type { Connection } from "../connection";
import { bodyWithOverride } from "../replay-model/override";
import type { DatasetStore } from "./datasets";

export const DEFAULT_CONCURRENCY = 2;
export const MAX_CONCURRENCY = 8;
/** A send whose call never shows up (not captured, page gone) is an error after this long. */
const ANSWER_WAIT_MS = 120_000;

export interface RunForm {
  model: string;
  temperature: string;
  /** Replace the system prompt (when `changeSystem`). */
  system: string;
  changeSystem: boolean;
  checks: Check[];
  concurrency: number;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** What the new span says about one item. */
export function resultOfSpan(span: SpanRecord, item: DatasetItem, grade: (a: ReturnType<typeof outputOfSpan>, e: DatasetItem["expected"]) => ItemRun["checks"], prices?: PriceTable): ItemRun {
  const a = span.attributes;
  const base: ItemRun = {
    itemId: item.id,
    status: "error",
    spanId: span.spanId,
    ...(num(a["gen_ai.usage.input_tokens"]) !== undefined ? { inputTokens: num(a["gen_ai.usage.input_tokens"]) } : {}),
    ...(num(a["gen_ai.usage.output_tokens"]) !== undefined ? { outputTokens: num(a["gen_ai.usage.output_tokens"]) } : {}),
    ...(span.endTime !== undefined ? { latencyMs: Math.round((span.endTime - span.startTime) * 10) / 10 } : {}),
  };
  const cost = costOf(a, prices)?.usd ?? num(a["llm_trace.cost.usd"]);
  if (cost !== undefined) base.costUsd = cost;
  if (span.status === "error") {
    const status = num(a["http.response.status_code"]);
    return { ...base, error: `${String(a["error.type"] ?? "error")}${status ? ` (HTTP ${status})` : ""}${typeof a["llm_trace.error.message"] === "string" ? `: ${a["llm_trace.error.message"]}` : ""}` };
  }
  const output = outputOfSpan(span);
  const checks = grade(output, item.expected) ?? [];
  return { ...base, status: verdict(checks), output, checks };
}

export function createRunStore(connection: Connection, spansById: ReadonlySignal<ReadonlyMap<string, SpanRecord>>, prices: ReadonlySignal<PriceTable | undefined>, datasets: DatasetStore) {
  const form = signal<RunForm>({ model: "", temperature: "", system: "", changeSystem: false, checks: [{ kind: "exact" }], concurrency: DEFAULT_CONCURRENCY });
  /** The run being made, or the one picked from the runs list. */
  const shown = signal<DatasetRun | undefined>(undefined);
  /** A run to compare the shown one with. */
  const baseline = signal<DatasetRun | undefined>(undefined);
  const running = signal(false);
  const error = signal<string | undefined>(undefined);
  /** The page forgot an item's headers: the run stopped and asks for one. */
  const needsCredentials = signal<string | undefined>(undefined);
  let stopped = false;

  const override = computed((): RunOverride => {
    const f = form.value;
    const t = f.temperature.trim() === "" ? undefined : Number(f.temperature);
    return {
      ...(f.model.trim() ? { model: f.model.trim() } : {}),
      ...(t !== undefined && Number.isFinite(t) ? { temperature: t } : {}),
      ...(f.changeSystem ? { system: f.system } : {}),
    };
  });
  const estimate = computed(() => estimateRunCost(datasets.items.value, override.value, prices.value));
  const summary = computed(() => (shown.value ? summarizeRun(shown.value.results) : undefined));

  // Sends waiting for their span to end: span id -> resolve.
  const waiting = new Map<string, (span: SpanRecord | undefined) => void>();
  effect(() => {
    const byId = spansById.value;
    for (const [id, resolve] of waiting) {
      const span = byId.get(id);
      if (span?.endTime !== undefined) {
        waiting.delete(id);
        resolve(span);
      }
    }
  });
  function ended(spanId: string): Promise<SpanRecord | undefined> {
    const now = spansById.value.get(spanId);
    if (now?.endTime !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      waiting.set(spanId, resolve);
      setTimeout(() => {
        if (waiting.delete(spanId)) resolve(undefined);
      }, ANSWER_WAIT_MS);
    });
  }

  function update(runId: string, itemId: string, result: ItemRun): void {
    const r = shown.value;
    if (!r || r.id !== runId) return;
    shown.value = { ...r, results: r.results.map((x) => (x.itemId === itemId ? result : x)) };
  }

  async function save(run: DatasetRun): Promise<void> {
    await connection.call("saveDatasetRun", { run }).catch((e: unknown) => (error.value = `The run was not kept: ${e instanceof Error ? e.message : String(e)}`));
  }

  async function start(headers?: [string, string][]): Promise<void> {
    const c = datasets.current.value;
    if (!c || running.value) return;
    const f = form.value;
    const compiled = compileChecks(f.checks);
    if (!compiled.ok) {
      error.value = compiled.error;
      return;
    }
    const o = override.value;
    if (form.value.temperature.trim() !== "" && o.temperature === undefined) {
      error.value = "The temperature must be a number.";
      return;
    }
    const concurrency = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(f.concurrency) || DEFAULT_CONCURRENCY));
    const items = c.items;
    const run: DatasetRun = {
      id: randomHex(8), datasetId: c.dataset.id, startedAt: Date.now(), state: "running", override: o, checks: f.checks, concurrency,
      results: items.map((i) => ({ itemId: i.id, status: "pending" })),
    };
    batch(() => {
      error.value = undefined;
      needsCredentials.value = undefined;
      shown.value = run;
      running.value = true;
    });
    stopped = false;
    await save(run);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!stopped && next < items.length) {
        const item = items[next++]!;
        update(run.id, item.id, { itemId: item.id, status: "running" });
        update(run.id, item.id, await runItem(item, o, compiled.grade, headers));
      }
    };
    const runItem = async (item: DatasetItem, o: RunOverride, grade: typeof compiled.grade, given?: [string, string][]): Promise<ItemRun> => {
      if (!item.request) return { itemId: item.id, status: "error", error: "No request to send (imported without one)." };
      const body = bodyWithOverride(item.request, o);
      if (!body.ok) return { itemId: item.id, status: "error", error: body.error };
      let sent;
      try {
        sent = await connection.call("sendDatasetItem", { datasetId: c.dataset.id, itemId: item.id, body: body.body, ...(given?.length ? { headers: given } : {}) });
      } catch (e) {
        return { itemId: item.id, status: "error", error: e instanceof Error ? e.message : String(e) };
      }
      if (!sent.ok) {
        if (sent.reason === "credentials-gone") {
          stopped = true;
          needsCredentials.value = sent.message;
        }
        return { itemId: item.id, status: "error", error: sent.message };
      }
      const spanId = sent.spanIds[0];
      if (!spanId) return { itemId: item.id, status: "error", error: "The page did not record the call." };
      const span = await ended(spanId);
      if (!span) return { itemId: item.id, status: "error", spanId, error: "No answer was recorded." };
      return resultOfSpan(span, item, grade, prices.value);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    const last = shown.value?.id === run.id ? shown.value : run;
    const done: DatasetRun = {
      ...last, endedAt: Date.now(), state: stopped ? "stopped" : "done",
      // What was never sent stays pending in a stopped run.
      results: last.results.map((r) => (r.status === "running" ? { ...r, status: "error", error: "stopped" } : r)),
    };
    batch(() => {
      if (shown.value?.id === run.id) shown.value = done;
      running.value = false;
    });
    await save(done);
    await datasets.reload();
  }

  function stop(): void {
    stopped = true;
  }

  function show(run: DatasetRun | undefined): void {
    if (!running.value) shown.value = run;
  }

  async function remove(run: DatasetRun): Promise<void> {
    await connection.call("removeDatasetRun", { runId: run.id });
    if (shown.value?.id === run.id) shown.value = undefined;
    if (baseline.value?.id === run.id) baseline.value = undefined;
    await datasets.reload();
  }

  return { form, override, estimate, shown, baseline, summary, running, error, needsCredentials, start, stop, show, remove };
}

export type RunStore = ReturnType<typeof createRunStore>;
