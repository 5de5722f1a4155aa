/**
 * Import, Export and the choice between the live tab and imported sessions: the toolbar's
 * file controls. Errors and results are reported through the notice store (state/notices.ts).
 */
import { useSignal, type Signal } from "@preact/signals";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { SpanRecord } from "../../core/contract";
import type { Connection } from "../connection";
import { buildExport, importFile, type ExportFormat } from "../files";
import { count } from "../format";
import { placeMenu, type Placement } from "../menu-place";
import { Icon } from "./Icon";
import type { PanelHost } from "../host";
import type { NoticeStore } from "../state/notices";
import type { SessionsStore } from "../state/sessions";
import type { SpanStore } from "../state/spans";
import type { TraceStore } from "../state/traces";

/** Import files (from the picker or a drop) one after the other, then show the last one. */
export async function importFiles(files: readonly File[], { connection, spans, sessions, notices }: ImportTo): Promise<void> {
  for (const file of files) {
    notices.show({ kind: "info", text: `Importing ${file.name}…` });
    const outcome = await importFile(file, connection);
    if (!outcome.ok) {
      notices.show({ kind: "error", text: outcome.error });
      continue;
    }
    await sessions.refresh();
    spans.session.value = outcome.session;
    notices.show({
      kind: "info",
      text: `Imported ${count(outcome.spans, "span")} from ${file.name}.`,
      ...(outcome.warnings.length ? { details: outcome.warnings } : {}),
    });
  }
}

/** Where imported files go, and who hears how it went. */
export interface ImportTo {
  connection: Connection;
  spans: SpanStore;
  sessions: SessionsStore;
  notices: NoticeStore;
}

type ExportScope = "selected" | "filtered" | "all";

interface Props extends ImportTo {
  traces: TraceStore;
  host: PanelHost;
  version: string;
}

function scopedSpans(exportScope: ExportScope, traces: TraceStore, spans: SpanStore): SpanRecord[] {
  if (exportScope === "selected") return traces.selectedTrace.value?.spans ?? [];
  if (exportScope === "filtered") return traces.visible.value.flatMap((row) => row.trace.spans);
  return spans.list.value;
}

/** A menu's place, kept inside the viewport (menu-place.ts) as it opens and when the window resizes. */
function useMenuPlacement(open: boolean) {
  const anchor = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<Placement | undefined>(undefined);
  useLayoutEffect(() => {
    if (!open) {
      setPlace(undefined);
      return;
    }
    const update = () => {
      if (!anchor.current || !menu.current) return;
      setPlace(placeMenu(anchor.current.getBoundingClientRect(), { width: menu.current.offsetWidth, height: menu.current.scrollHeight },
        { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight }));
    };
    update();
    window.addEventListener("resize", update);
    return () => window.removeEventListener("resize", update);
  }, [open]);
  // Hidden until measured, so it never shows where it does not fit.
  const style = place
    ? { left: `${place.left}px`, top: `${place.top}px`, ...(place.maxHeight !== undefined ? { maxHeight: `${place.maxHeight}px`, overflowY: "auto" } : {}) }
    : { visibility: "hidden", left: "0px", top: "0px" };
  return { anchor, menu, style };
}

export function FileActions(props: Props) {
  const { connection, spans, sessions, notices, traces, host, version } = props;
  const exportOpen = useSignal(false);
  const exportScope: Signal<ExportScope> = useSignal("filtered");
  const input = useRef<HTMLInputElement>(null);
  const exportMenu = useMenuPlacement(exportOpen.value);
  const session = spans.session.value;
  const current = sessions.list.value.find((s) => s.id === session);

  async function runExport(format: ExportFormat): Promise<void> {
    exportOpen.value = false;
    await spans.loaded();
    const chosen = scopedSpans(exportScope.value, traces, spans);
    if (chosen.length === 0) {
      notices.show({ kind: "error", text: "Nothing to export: no traces in that scope." });
      return;
    }
    try {
      const file = await buildExport(format, chosen, connection, { ...(current ? { host: current.name.replace(/\.[^.]+$/, "") } : {}), version, ...(session !== undefined ? { session } : {}) });
      host.download(file.fileName, file.text, file.mimeType);
      notices.show({ kind: "info", text: `Exported ${count(chosen.length, "span")} to ${file.fileName}.` });
    } catch (error) {
      notices.show({ kind: "error", text: `Export failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  async function remove(): Promise<void> {
    if (session === undefined) return;
    await connection.call("removeSession", { session });
    spans.session.value = undefined;
    await sessions.refresh();
  }

  const counts = { selected: traces.selectedTrace.value ? 1 : 0, filtered: traces.visible.value.length, all: traces.traces.value.length };
  return (
    <div class="file-actions">
      <select class="session-picker" aria-label="Session" title="The live tab, or an imported file"
        value={session === undefined ? "live" : String(session)}
        onFocus={() => void sessions.refresh()}
        onChange={(e) => (spans.session.value = e.currentTarget.value === "live" ? undefined : Number(e.currentTarget.value))}>
        <option value="live">Live: this tab</option>
        {sessions.list.value.map((s) => <option key={s.id} value={String(s.id)}>Imported: {s.name} ({s.spans} spans)</option>)}
      </select>
      {current && <button type="button" class="icon-button" aria-label="Remove imported session" title={`Remove ${current.name}`} onClick={() => void remove()}><Icon name="remove" /></button>}
      <button type="button" class="text-button" aria-label="Import" title="Import a HAR (ours or any Network export) or OTLP JSON file; or drop it on the panel"
        onClick={() => input.current?.click()}>Import</button>
      <input ref={input} type="file" accept=".har,.json,application/json" hidden multiple
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = "";
          void importFiles(files, props);
        }} />
      <div class="menu-anchor">
        <button ref={exportMenu.anchor} type="button" class="text-button" aria-label="Export" aria-haspopup="menu" aria-expanded={exportOpen.value}
          onClick={() => (exportOpen.value = !exportOpen.value)}>Export ▾</button>
        {exportOpen.value && (
          <div ref={exportMenu.menu} class="menu" style={exportMenu.style} role="menu" aria-label="Export" onKeyDown={(e) => { if (e.key === "Escape") exportOpen.value = false; }}>
            <fieldset>
              <legend>Traces</legend>
              {(["selected", "filtered", "all"] as const).map((scope) => (
                <label key={scope}>
                  <input type="radio" name="export-scope" checked={exportScope.value === scope} disabled={counts[scope] === 0}
                    onChange={() => (exportScope.value = scope)} />
                  {scope === "selected" ? "Selected trace" : scope === "filtered" ? `Shown by the filter (${counts.filtered})` : `All (${counts.all})`}
                </label>
              ))}
            </fieldset>
            <button type="button" role="menuitem" onClick={() => void runExport("har")}>HAR with spans (.har)</button>
            <button type="button" role="menuitem" onClick={() => void runExport("otlp")}>OpenTelemetry (OTLP JSON)</button>
            <button type="button" role="menuitem" onClick={() => void runExport("jsonl")}>Model calls for evals (JSONL)</button>
          </div>
        )}
      </div>
    </div>
  );
}

export function NoticeBar({ notices }: { notices: NoticeStore }) {
  const n = notices.current.value;
  if (!n) return null;
  return (
    <div class={`notice notice-${n.kind}`} role={n.kind === "error" ? "alert" : "status"}>
      <span>{n.text}</span>
      {n.details && <details><summary>{count(n.details.length, "note")}</summary><ul>{n.details.slice(0, 50).map((d, i) => <li key={i}>{d}</li>)}</ul></details>}
      <button type="button" class="icon-button" aria-label="Dismiss" onClick={notices.dismiss}>×</button>
    </div>
  );
}
