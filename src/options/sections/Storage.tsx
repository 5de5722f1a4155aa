import { useSignal } from "@preact/signals";
import { LIMITS } from "../../core/settings";
import type { Connection } from "../../shared/connection";
import type { SettingsStore } from "../store";

export function StorageSection({ store: { settings, save }, connection }: { store: SettingsStore; connection: Connection }) {
  const alsoSettings = useSignal(false);
  const cleared = useSignal("");
  const s = settings.value;
  return (
    <fieldset>
      <legend>Storage</legend>
      <p class="muted">Traces are kept in this browser only (IndexedDB of the extension), removed when their tab closes or beyond the limit below, oldest first. Nothing leaves the browser unless you export it or turn on the OpenTelemetry push.</p>
      <label>
        Body capture cap{" "}
        <input type="number" aria-label="Body capture cap in MB" min={LIMITS.bodyCapBytes.min / 1048576} max={LIMITS.bodyCapBytes.max / 1048576} step="0.5" value={s.bodyCapBytes / 1048576}
          onChange={(e) => void save({ bodyCapBytes: Math.round(Number(e.currentTarget.value) * 1048576) })} /> MB per body (longer bodies are cut and marked truncated)
      </label>
      <label>
        Keep at most{" "}
        <input type="number" aria-label="Maximum stored spans" min={LIMITS.maxSpans.min} max={LIMITS.maxSpans.max} step="1000" value={s.maxSpans}
          onChange={(e) => void save({ maxSpans: Number(e.currentTarget.value) })} /> spans (oldest traces removed first)
      </label>
      <label>
        Use at most{" "}
        <input type="number" aria-label="Storage budget in MB" min={LIMITS.maxStorageMB.min} max={LIMITS.maxStorageMB.max} step="64" value={s.maxStorageMB}
          onChange={(e) => void save({ maxStorageMB: Number(e.currentTarget.value) })} /> MB of disk (beyond it the oldest traces are removed, and the panel says which)
      </label>
      <div class="row">
        <button type="button" class="danger" onClick={async () => {
          const also = alsoSettings.value;
          cleared.value = await connection.call("clearAllData", { settings: also }).then(
            () => `Removed all traces and imported files${also ? ", and reset the settings" : ""}.`,
            () => "The background did not answer; try again.",
          );
        }}>Clear all data</button>
        <label class="inline"><input type="checkbox" checked={alsoSettings.value} onChange={(e) => (alsoSettings.value = e.currentTarget.checked)} /> also reset these settings</label>
        <span role="status" class="muted">{cleared.value}</span>
      </div>
    </fieldset>
  );
}
