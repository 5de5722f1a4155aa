/**
 * "Run dataset" (docs/DESIGN.md, "Regression runs"): the override (model, temperature, system
 * prompt), the checks, the concurrency, the cost estimate before it starts, Run and Stop; the
 * header asked for when the page forgot the original calls' credentials; the kept runs, one
 * shown and one to compare it with.
 */
import { useSignal } from "@preact/signals";
import type { Check, CheckKind, DatasetRun } from "../../core/evals";
import { formatUsd } from "../detail-model/numbers";
import { MAX_CONCURRENCY, type RunStore } from "../state/dataset-run";
import type { DatasetStore } from "../state/datasets";

const CHECKS: { kind: CheckKind; label: string; field?: { label: string; placeholder: string; area?: boolean } }[] = [
  { kind: "exact", label: "Exact" },
  { kind: "contains", label: "Contains", field: { label: "Contains text", placeholder: "text (empty: the expected output)" } },
  { kind: "json", label: "JSON valid" },
  { kind: "schema", label: "JSON schema", field: { label: "JSON schema", placeholder: '{"type": "object", "required": ["answer"]}', area: true } },
  { kind: "tool", label: "Same tool call" },
  { kind: "regex", label: "Regex", field: { label: "Regex", placeholder: "RE2 syntax, e.g. \\d+ minutes" } },
];

function checkOf(kind: CheckKind, value: string): Check {
  switch (kind) {
    case "contains": return { kind, text: value };
    case "schema": return { kind, schema: value };
    case "regex": return { kind, pattern: value };
    default: return { kind } as Check;
  }
}

const valueOf = (c: Check | undefined): string => (!c ? "" : c.kind === "contains" ? c.text : c.kind === "schema" ? c.schema : c.kind === "regex" ? c.pattern : "");

/** `live`: the run this panel is making now; a kept run still "running" otherwise was cut short (the panel closed). */
function describeRun(r: DatasetRun, live: boolean): string {
  const o = r.override;
  const parts = [o.model && `model ${o.model}`, o.temperature !== undefined && `temperature ${o.temperature}`, o.system !== undefined && "system prompt changed"].filter(Boolean);
  const passed = r.results.filter((x) => x.status === "passed").length;
  return `${new Date(r.startedAt).toLocaleTimeString()} · ${parts.length ? parts.join(", ") : "as recorded"} · ${passed}/${r.results.length} passed${r.state === "stopped" ? " · stopped" : r.state === "running" && !live ? " · interrupted" : ""}`;
}

export function RunPanel({ run, datasets }: { run: RunStore; datasets: DatasetStore }) {
  const headerName = useSignal("Authorization");
  const headerValue = useSignal("");
  const f = run.form.value;
  const set = (change: Partial<typeof f>) => (run.form.value = { ...run.form.value, ...change });
  const has = (kind: CheckKind) => f.checks.find((c) => c.kind === kind);
  const toggle = (kind: CheckKind, on: boolean) => set({ checks: on ? [...f.checks, checkOf(kind, valueOf(has(kind)))] : f.checks.filter((c) => c.kind !== kind) });
  const setValue = (kind: CheckKind, value: string) => set({ checks: f.checks.map((c) => (c.kind === kind ? checkOf(kind, value) : c)) });
  const est = run.estimate.value;
  const items = datasets.items.value.length;
  const runs = datasets.current.value?.runs ?? [];
  return (
    <section class="run-panel" aria-label="Run dataset">
      <div class="run-form">
        <label>Model <input value={f.model} placeholder="as recorded" onInput={(e) => set({ model: e.currentTarget.value })} /></label>
        <label>Temperature <input value={f.temperature} placeholder="as recorded" inputMode="decimal" size={10} onInput={(e) => set({ temperature: e.currentTarget.value })} /></label>
        <label>Concurrency <input type="number" min={1} max={MAX_CONCURRENCY} value={f.concurrency} onInput={(e) => set({ concurrency: Number(e.currentTarget.value) })} /></label>
        <label class="check"><input type="checkbox" checked={f.changeSystem} onChange={(e) => set({ changeSystem: e.currentTarget.checked })} /> Replace the system prompt</label>
      </div>
      {f.changeSystem && <textarea class="run-system" aria-label="New system prompt" rows={3} value={f.system} onInput={(e) => set({ system: e.currentTarget.value })} />}
      <fieldset class="run-checks-form">
        <legend>Checks</legend>
        {CHECKS.map((c) => (
          <span key={c.kind} class="run-check">
            <label class="check"><input type="checkbox" checked={has(c.kind) !== undefined} onChange={(e) => toggle(c.kind, e.currentTarget.checked)} /> {c.label}</label>
            {c.field && has(c.kind) && (c.field.area
              ? <textarea aria-label={c.field.label} rows={2} placeholder={c.field.placeholder} value={valueOf(has(c.kind))} onInput={(e) => setValue(c.kind, e.currentTarget.value)} />
              : <input aria-label={c.field.label} placeholder={c.field.placeholder} value={valueOf(has(c.kind))} onInput={(e) => setValue(c.kind, e.currentTarget.value)} />)}
          </span>
        ))}
      </fieldset>
      <div class="run-actions">
        <span class="muted" aria-label="Cost estimate">
          Estimate: {est.priced ? formatUsd(est.usd) : "unknown"} for {est.priced} of {items} {items === 1 ? "item" : "items"}{est.unpriced ? ` (${est.unpriced} without a price or recorded usage)` : ""}
        </span>
        {run.running.value
          ? <button type="button" onClick={run.stop}>Stop</button>
          : <button type="button" class="primary" disabled={items === 0} onClick={() => void run.start()}>Run dataset</button>}
      </div>
      {run.error.value && <div class="run-error" role="alert">{run.error.value}</div>}
      {run.needsCredentials.value && (
        <div class="run-credentials" role="alert">
          <p>{run.needsCredentials.value}</p>
          <label>Header <input value={headerName.value} aria-label="Header name" onInput={(e) => (headerName.value = e.currentTarget.value)} /></label>
          <input type="password" aria-label="Header value" placeholder="Bearer sk-…" value={headerValue.value} onInput={(e) => (headerValue.value = e.currentTarget.value)} />
          <button type="button" disabled={!headerValue.value} onClick={() => {
            const headers: [string, string][] = [[headerName.value.trim(), headerValue.value]];
            headerValue.value = "";
            void run.start(headers);
          }}>Run with this header</button>
          <span class="muted">Used for this run only, never stored.</span>
        </div>
      )}
      {runs.length > 0 && (
        <div class="runs-list">
          <h4>Runs</h4>
          <ul aria-label="Runs">
            {[...runs].reverse().map((r) => (
              <li key={r.id} class={run.shown.value?.id === r.id ? "is-shown" : ""}>
                <button type="button" class="link" onClick={() => run.show(r)}>{describeRun(r, run.running.value && run.shown.value?.id === r.id)}</button>
                <label class="check" title="Compare the shown run with this one">
                  <input type="radio" name="baseline" checked={run.baseline.value?.id === r.id} disabled={run.shown.value?.id === r.id}
                    onChange={() => (run.baseline.value = r)} /> baseline
                </label>
                <button type="button" class="icon-button" aria-label="Remove run" title="Remove this run" onClick={() => void run.remove(r)}>✕</button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
