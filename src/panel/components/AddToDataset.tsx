/**
 * "Add to dataset" on a model call (docs/DESIGN.md, "Datasets"): this call, the model calls of
 * the selected trace, or those of every trace the filter shows, into a dataset named here
 * (made if new).
 */
import { useSignal } from "@preact/signals";
import type { SpanRecord } from "../../core/contract";
import type { DatasetStore } from "../state/datasets";

export interface AddToDatasetProps {
  datasets: DatasetStore;
  span: SpanRecord;
  trace: readonly SpanRecord[] | undefined;
  filtered: () => SpanRecord[];
}

const modelCalls = (spans: readonly SpanRecord[]) => spans.filter((s) => s.kind === "llm" && s.endTime !== undefined && s.status !== "error");

export function AddToDataset({ datasets, span, trace, filtered }: AddToDatasetProps) {
  const open = useSignal(false);
  const inTrace = trace ? modelCalls(trace).length : 0;
  const shown = open.value ? modelCalls(filtered()).length : 0;
  const add = (spans: SpanRecord[]) => {
    open.value = false;
    void datasets.addSpans(spans);
  };
  return (
    <span class="add-dataset-anchor">
      <button type="button" aria-expanded={open.value} title="Keep this call (or more) in a dataset to run again"
        onClick={() => { open.value = !open.value; if (open.value) void datasets.refresh(); }}>Add to dataset</button>
      {open.value && (
        <div class="add-dataset" role="group" aria-label="Add to dataset" onKeyDown={(e) => { if (e.key === "Escape") open.value = false; }}>
          <label>Dataset <input list="dataset-names" aria-label="Dataset name" placeholder="Dataset name" value={datasets.target.value}
            onInput={(e) => (datasets.target.value = e.currentTarget.value)} /></label>
          <datalist id="dataset-names">{datasets.list.value.map((d) => <option key={d.id} value={d.name} />)}</datalist>
          <button type="button" onClick={() => add([span])}>This call</button>
          <button type="button" disabled={inTrace === 0} onClick={() => add(modelCalls(trace ?? []))}>Trace's calls ({inTrace})</button>
          <button type="button" disabled={shown === 0} onClick={() => add(modelCalls(filtered()))}>Filtered ({shown})</button>
        </div>
      )}
    </span>
  );
}
