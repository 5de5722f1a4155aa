/**
 * Datasets in the panel (docs/DESIGN.md, "Datasets"): the list, the one open, adding model
 * calls to a named dataset (one, a trace's, or every filtered trace's), editing an item's
 * expected output, JSONL export and import. The datasets live in the background's own
 * database; this store holds what the view shows and says what each action did.
 */
import { computed, signal } from "@preact/signals";
import { randomHex, type Exchange, type SpanRecord } from "../../core/contract";
import { itemFromSpan, parseDatasetJsonl, toDatasetJsonl, type DatasetItem, type JsonlShape } from "../../core/evals";
import type { DatasetContents, DatasetInfo } from "../../shared/messages";
import type { Connection } from "../connection";

export interface DatasetMessage {
  kind: "info" | "error";
  text: string;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export function createDatasetStore(connection: Connection, session: { readonly value: number | undefined }) {
  /** The Datasets view is showing (instead of the traces). */
  const open = signal(false);
  const list = signal<DatasetInfo[]>([]);
  const current = signal<DatasetContents | undefined>(undefined);
  /** The name "Add to dataset" adds to. */
  const target = signal("");
  const status = signal<DatasetMessage | undefined>(undefined);
  const items = computed(() => current.value?.items ?? []);

  async function refresh(): Promise<void> {
    try {
      list.value = await connection.call("listDatasets", {});
      if (!target.value && list.value[0]) target.value = list.value[0].name;
    } catch (error) {
      status.value = { kind: "error", text: `Datasets could not be read: ${message(error)}` };
    }
  }

  async function select(datasetId: string | undefined): Promise<void> {
    if (!datasetId) {
      current.value = undefined;
      return;
    }
    try {
      current.value = await connection.call("getDataset", { datasetId });
      target.value = current.value.dataset.name;
    } catch (error) {
      status.value = { kind: "error", text: message(error) };
    }
  }

  async function reload(): Promise<void> {
    await refresh();
    const id = current.value?.dataset.id;
    if (id) await select(id);
  }

  async function create(name: string): Promise<DatasetInfo | undefined> {
    try {
      const made = await connection.call("createDataset", { name });
      await refresh();
      await select(made.id);
      return made;
    } catch (error) {
      status.value = { kind: "error", text: message(error) };
      return undefined;
    }
  }

  /** Model calls as items of the dataset named `name` (made if new); their requests are loaded to keep. */
  async function addSpans(spans: readonly SpanRecord[], name = target.value.trim() || "Dataset"): Promise<void> {
    // In the order they were made, whatever order the list shows them in.
    const calls = spans.filter((s) => s.kind === "llm").sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
    if (calls.length === 0) {
      status.value = { kind: "error", text: "No model calls to add." };
      return;
    }
    try {
      const viewing = session.value;
      const exchanges: (Exchange | null)[] = [];
      for (let i = 0; i < calls.length; i += 500) {
        exchanges.push(...await connection.call("getExchanges", { ids: calls.slice(i, i + 500).map((s) => s.spanId), ...(viewing !== undefined ? { session: viewing } : {}) }));
      }
      const made: DatasetItem[] = [];
      const skipped: string[] = [];
      calls.forEach((span, i) => {
        const r = itemFromSpan(span, exchanges[i]?.request, randomHex(8));
        if (r.ok) made.push(r.item);
        else skipped.push(r.error);
      });
      if (made.length === 0) {
        status.value = { kind: "error", text: `Nothing added: ${skipped[0] ?? "no model call"}` };
        return;
      }
      const dataset = await connection.call("createDataset", { name });
      const { added } = await connection.call("addDatasetItems", { datasetId: dataset.id, items: made });
      target.value = dataset.name;
      status.value = { kind: "info", text: `Added ${added} ${added === 1 ? "call" : "calls"} to ${dataset.name}${skipped.length ? ` (${skipped.length} left out: ${skipped[0]})` : ""}.` };
      await refresh();
      if (current.value?.dataset.id === dataset.id || !current.value) await select(dataset.id);
    } catch (error) {
      status.value = { kind: "error", text: `Not added: ${message(error)}` };
    }
  }

  async function setExpected(item: DatasetItem, text: string): Promise<void> {
    const c = current.value;
    if (!c || item.expected.text === text) return;
    const next = { ...item, expected: { ...item.expected, text } };
    try {
      await connection.call("updateDatasetItem", { datasetId: c.dataset.id, item: next });
      current.value = { ...c, items: c.items.map((i) => (i.id === item.id ? next : i)) };
    } catch (error) {
      status.value = { kind: "error", text: message(error) };
    }
  }

  async function removeItem(item: DatasetItem): Promise<void> {
    const c = current.value;
    if (!c) return;
    await connection.call("removeDatasetItems", { datasetId: c.dataset.id, ids: [item.id] });
    await reload();
  }

  async function removeCurrent(): Promise<void> {
    const c = current.value;
    if (!c) return;
    await connection.call("removeDataset", { datasetId: c.dataset.id });
    current.value = undefined;
    if (target.value === c.dataset.name) target.value = "";
    await refresh();
  }

  function exportJsonl(shape: JsonlShape): { fileName: string; text: string } | undefined {
    const c = current.value;
    if (!c || c.items.length === 0) return undefined;
    const safe = c.dataset.name.replace(/[^\w.-]+/g, "_").slice(0, 60) || "dataset";
    return { fileName: `${safe}-${shape}.jsonl`, text: toDatasetJsonl(c.items, shape) };
  }

  /** A JSONL file into the open dataset: all its lines or, at the first bad one, nothing. */
  async function importJsonl(file: { name: string; size: number; text(): Promise<string> }): Promise<void> {
    const c = current.value;
    if (!c) return;
    if (file.size > MAX_IMPORT_BYTES) {
      status.value = { kind: "error", text: `${file.name} is over 64 MB: nothing imported.` };
      return;
    }
    const parsed = parseDatasetJsonl(await file.text(), () => randomHex(8));
    if (!parsed.ok) {
      status.value = { kind: "error", text: `${file.name}: ${parsed.error} Nothing was imported.` };
      return;
    }
    try {
      // Ids already in the dataset get new ones: an import adds, never replaces.
      const taken = new Set(c.items.map((i) => i.id));
      const items = parsed.items.map((i) => (taken.has(i.id) ? { ...i, id: randomHex(8) } : i));
      const { added } = await connection.call("addDatasetItems", { datasetId: c.dataset.id, items });
      status.value = { kind: "info", text: `Imported ${added} ${added === 1 ? "item" : "items"} from ${file.name}.` };
      await reload();
    } catch (error) {
      status.value = { kind: "error", text: `${file.name}: ${message(error)} Nothing was imported.` };
    }
  }

  return { open, list, current, target, status, items, refresh, select, reload, create, addSpans, setExpected, removeItem, removeCurrent, exportJsonl, importJsonl };
}

export type DatasetStore = ReturnType<typeof createDatasetStore>;
