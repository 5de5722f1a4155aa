/**
 * The Datasets view (docs/DESIGN.md, "Datasets"), switched to from the toolbar: the datasets on
 * the left; the open one's items with their editable expected output, JSONL export and import,
 * the run form, and the shown run's results.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { DatasetItem } from "../../core/evals";
import { formatDuration } from "../format";
import type { PanelHost } from "../host";
import type { RunStore } from "../state/dataset-run";
import type { DatasetStore } from "../state/datasets";
import { RunPanel } from "./RunPanel";
import { RunResults } from "./RunResults";

function inputText(item: DatasetItem): string {
  const last = [...item.input.messages].reverse().find((m) => m.role === "user") ?? item.input.messages[item.input.messages.length - 1];
  const text = last?.parts.map((p) => (p.type === "text" ? String(p.content ?? "") : `[${p.type}]`)).join(" ") ?? "";
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

function ItemRow({ item, index, datasets }: { item: DatasetItem; index: number; datasets: DatasetStore }) {
  const calls = item.expected.toolCalls;
  return (
    <tr data-item-id={item.id}>
      <td>{index + 1}</td>
      <td class="ds-input">
        {item.input.system !== undefined && <div class="muted ds-system" title={item.input.system}>system: {item.input.system.slice(0, 80)}{item.input.system.length > 80 ? "…" : ""}</div>}
        <div>{inputText(item)}</div>
        {item.input.messages.length > 1 && <div class="muted">{item.input.messages.length} messages</div>}
      </td>
      <td class="ds-expected">
        <textarea aria-label={`Expected output ${index + 1}`} rows={2} value={item.expected.text}
          onChange={(e) => void datasets.setExpected(item, e.currentTarget.value)} />
        {calls.length > 0 && <div class="muted">calls {calls.map((c) => c.name).join(", ")}</div>}
      </td>
      <td class="muted">{item.metadata.model ?? ""}{item.metadata.latencyMs !== undefined ? ` · ${formatDuration(item.metadata.latencyMs)}` : ""}{item.request ? "" : " · no request"}</td>
      <td><button type="button" class="icon-button" aria-label={`Remove item ${index + 1}`} title="Remove from the dataset" onClick={() => void datasets.removeItem(item)}>✕</button></td>
    </tr>
  );
}

export function DatasetsView({ datasets, run, host, live }: { datasets: DatasetStore; run: RunStore; host: PanelHost; live: boolean }) {
  const newName = useSignal("");
  const file = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void datasets.refresh().then(() => {
      const first = datasets.list.value.find((d) => d.name === datasets.target.value) ?? datasets.list.value[0];
      if (!datasets.current.value && first) void datasets.select(first.id);
    });
  }, []);
  const c = datasets.current.value;
  const status = datasets.status.value;
  const shown = run.shown.value?.datasetId === c?.dataset.id ? run.shown.value : undefined;

  function exportAs(shape: "openai" | "generic"): void {
    const out = datasets.exportJsonl(shape);
    if (out) host.download(out.fileName, out.text, "application/jsonl");
  }

  return (
    <div class="datasets" aria-label="Datasets">
      <aside class="ds-list">
        <h3>Datasets</h3>
        <ul aria-label="Dataset list">
          {datasets.list.value.map((d) => (
            <li key={d.id}>
              <button type="button" class={`ds-name ${c?.dataset.id === d.id ? "is-selected" : ""}`} onClick={() => { run.show(undefined); void datasets.select(d.id); }}>
                {d.name} <span class="muted">{d.items} · {d.runs} {d.runs === 1 ? "run" : "runs"}</span>
              </button>
            </li>
          ))}
        </ul>
        <form class="ds-new" onSubmit={(e) => { e.preventDefault(); if (newName.value.trim()) void datasets.create(newName.value).then(() => (newName.value = "")); }}>
          <input aria-label="New dataset name" placeholder="New dataset" value={newName.value} onInput={(e) => (newName.value = e.currentTarget.value)} />
          <button type="submit">Create</button>
        </form>
        <p class="muted ds-hint">Add model calls with <em>Add to dataset</em> in a call's detail. Datasets are kept apart from traces: clearing traces leaves them.</p>
      </aside>
      <div class="ds-main">
        {status && <div class={`ds-status is-${status.kind}`} role={status.kind === "error" ? "alert" : "status"}>{status.text}
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => (datasets.status.value = undefined)}>✕</button></div>}
        {!c ? <div class="empty muted">No dataset open. Create one, or add model calls to one from a call's detail.</div> : (
          <>
            <header class="ds-header">
              <h3>{c.dataset.name}</h3>
              <span class="muted">{c.items.length} {c.items.length === 1 ? "item" : "items"}</span>
              <span class="spacer" />
              <button type="button" onClick={() => file.current?.click()} title="Add the items of a JSONL file (OpenAI chat lines or {input, expected_output, metadata} lines)">Import JSONL</button>
              <input ref={file} type="file" accept=".jsonl,.json,.txt,application/jsonl,application/json" hidden aria-label="Dataset file"
                onChange={(e) => { const f = e.currentTarget.files?.[0]; e.currentTarget.value = ""; if (f) void datasets.importJsonl(f); }} />
              <button type="button" disabled={c.items.length === 0} onClick={() => exportAs("openai")} title='OpenAI chat fine-tuning / evals lines: {"messages": [...], "tools": [...]}'>Export OpenAI JSONL</button>
              <button type="button" disabled={c.items.length === 0} onClick={() => exportAs("generic")} title="{input, expected_output, metadata} lines (Langfuse dataset items, promptfoo tests)">Export generic JSONL</button>
              <button type="button" class="icon-button" aria-label="Remove dataset" title="Remove this dataset, its items and runs" onClick={() => void datasets.removeCurrent()}>✕</button>
            </header>
            {live ? <RunPanel run={run} datasets={datasets} /> : <div class="muted pad">Runs send from the live tab's page: switch the session picker to the live tab.</div>}
            {shown && run.summary.value && <RunResults run={shown} items={c.items} baseline={run.baseline.value?.id !== shown.id ? run.baseline.value : undefined} summary={run.summary.value} />}
            <h4 class="ds-items-title">Items</h4>
            <table class="ds-items" aria-label="Items">
              <thead><tr><th>#</th><th>Input</th><th>Expected output</th><th>Recorded</th><th /></tr></thead>
              <tbody>{c.items.map((item, i) => <ItemRow key={item.id} item={item} index={i} datasets={datasets} />)}</tbody>
            </table>
          </>
        )}
      </div>
    </div>
  );
}
