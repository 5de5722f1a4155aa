/**
 * Import, Export and the choice between the live tab and imported sessions: the toolbar's
 * file controls. Errors and results are reported through `notify`.
 */
import { signal } from "@preact/signals";
import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { SpanRecord } from "../../core/contract";
import type { SessionInfo } from "../../shared/messages";
import type { Connection } from "../connection";
import { buildExport, importFile, type ExportFormat } from "../files";
import { count } from "../format";
import { placeMenu, type Placement } from "../menu-place";
import { Icon } from "./Icon";
import type { PanelHost } from "../host";
import type { SpanStore } from "../state/spans";
import type { TraceStore } from "../state/traces";

export interface Notice {
  kind: "info" | "error";
  text: string;
  details?: string[];
}

export const notice = signal<Notice | undefined>(undefined);
export const sessions = signal<SessionInfo[]>([]);
const exportOpen = signal(false);
const exportScope = signal<"selected" | "filtered" | "all">("filtered");

export async function refreshSessions(connection: Connection): Promise<void> {
  try {
    sessions.value = await connection.call("listSessions", {});
  } catch {
    // the next refresh will tell
  }
}

/** Import files (from the picker or a drop) one after the other, then show the last one. */
export async function importFiles(files: readonly File[], connection: Connection, spans: SpanStore): Promise<void> {
  for (const file of files) {
    notice.value = { kind: "info", text: `Importing ${file.name}…` };
    const outcome = await importFile(file, connection);
    if (!outcome.ok) {
      notice.value = { kind: "error", text: outcome.error };
      continue;
    }
    await refreshSessions(connection);
    spans.session.value = outcome.session;
    notice.value = {
      kind: "info",
      text: `Imported ${count(outcome.spans, "span")} from ${file.name}.`,
      ...(outcome.warnings.length ? { details: outcome.warnings } : {}),
    };
  }
}

interface Props {
  connection: Connection;
  spans: SpanStore;
  traces: TraceStore;
  host: PanelHost;
  version: string;
}

function scopedSpans(traces: TraceStore, spans: SpanStore): SpanRecord[] {
  if (exportScope.value === "selected") return traces.selectedTrace.value?.spans ?? [];
  if (exportScope.value === "filtered") return traces.visible.value.flatMap((row) => row.trace.spans);
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

export function FileActions({ connection, spans, traces, host, version }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const exportMenu = useMenuPlacement(exportOpen.value);
  const session = spans.session.value;
  const current = sessions.value.find((s) => s.id === session);

  async function runExport(format: ExportFormat): Promise<void> {
    exportOpen.value = false;
    await spans.loaded();
    const chosen = scopedSpans(traces, spans);
    if (chosen.length === 0) {
      notice.value = { kind: "error", text: "Nothing to export: no traces in that scope." };
      return;
    }
    try {
      const file = await buildExport(format, chosen, connection, { ...(current ? { host: current.name.replace(/\.[^.]+$/, "") } : {}), version, ...(session !== undefined ? { session } : {}) });
      host.download(file.fileName, file.text, file.mimeType);
      notice.value = { kind: "info", text: `Exported ${count(chosen.length, "span")} to ${file.fileName}.` };
    } catch (error) {
      notice.value = { kind: "error", text: `Export failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async function remove(): Promise<void> {
    if (session === undefined) return;
    await connection.call("removeSession", { session });
    spans.session.value = undefined;
    await refreshSessions(connection);
  }

  const counts = { selected: traces.selectedTrace.value ? 1 : 0, filtered: traces.visible.value.length, all: traces.traces.value.length };
  return (
    <div class="file-actions">
      <select class="session-picker" aria-label="Session" title="The live tab, or an imported file"
        value={session === undefined ? "live" : String(session)}
        onFocus={() => void refreshSessions(connection)}
        onChange={(e) => (spans.session.value = e.currentTarget.value === "live" ? undefined : Number(e.currentTarget.value))}>
        <option value="live">Live: this tab</option>
        {sessions.value.map((s) => <option key={s.id} value={String(s.id)}>Imported: {s.name} ({s.spans} spans)</option>)}
      </select>
      {current && <button type="button" class="icon-button" aria-label="Remove imported session" title={`Remove ${current.name}`} onClick={() => void remove()}><Icon name="remove" /></button>}
      <button type="button" class="text-button" aria-label="Import" title="Import a HAR (ours or any Network export) or OTLP JSON file; or drop it on the panel"
        onClick={() => input.current?.click()}>Import</button>
      <input ref={input} type="file" accept=".har,.json,application/json" hidden multiple
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = "";
          void importFiles(files, connection, spans);
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

export function NoticeBar() {
  const n = notice.value;
  if (!n) return null;
  return (
    <div class={`notice notice-${n.kind}`} role={n.kind === "error" ? "alert" : "status"}>
      <span>{n.text}</span>
      {n.details && <details><summary>{count(n.details.length, "note")}</summary><ul>{n.details.slice(0, 50).map((d, i) => <li key={i}>{d}</li>)}</ul></details>}
      <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => (notice.value = undefined)}>×</button>
    </div>
  );
}
