import { useSignal } from "@preact/signals";
import type { SiteRule } from "../../core/settings";
import type { SettingsStore } from "../store";

export function CaptureSection({ store: { settings, save } }: { store: SettingsStore }) {
  const newHost = useSignal("");
  const newCapture = useSignal<"always" | "never">("never");
  const s = settings.value;
  const setRules = (siteRules: SiteRule[]) => void save({ siteRules });
  return (
    <fieldset>
      <legend>Capture</legend>
      <label><input type="checkbox" checked={s.captureEnabled} onChange={(e) => void save({ captureEnabled: e.currentTarget.checked })} /> Record model calls</label>
      <p class="muted">
        Development hosts (localhost, 127.0.0.1, *.localhost) are recorded always; any other site only while DevTools is open
        on its tab, as the Network panel records. Rules below change that per site; the first match wins.
      </p>
      <table aria-label="Site rules">
        <tbody>
          {s.siteRules.map((rule, i) => (
            <tr key={`${rule.host}-${i}`}>
              <td><code>{rule.host}</code></td>
              <td>
                <select aria-label={`Policy for ${rule.host}`} value={rule.capture ? "always" : "never"}
                  onChange={(e) => setRules(s.siteRules.map((r, j) => (j === i ? { ...r, capture: e.currentTarget.value === "always" } : r)))}>
                  <option value="always">always record</option>
                  <option value="never">never record</option>
                </select>
              </td>
              <td><button type="button" aria-label={`Remove rule for ${rule.host}`} onClick={() => setRules(s.siteRules.filter((_, j) => j !== i))}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="row" onSubmit={(e) => {
        e.preventDefault();
        const host = newHost.value.trim().toLowerCase();
        if (host) setRules([...s.siteRules, { host, capture: newCapture.value === "always" }]);
        newHost.value = "";
      }}>
        <input type="text" placeholder="app.example.com or *.example.com" aria-label="Site host" value={newHost.value} onInput={(e) => (newHost.value = e.currentTarget.value)} />
        <select aria-label="Policy for the new site" value={newCapture.value} onChange={(e) => (newCapture.value = e.currentTarget.value as "always" | "never")}>
          <option value="always">always record</option>
          <option value="never">never record</option>
        </select>
        <button type="submit">Add rule</button>
      </form>
      <label><input type="checkbox" checked={s.metadataOnly} onChange={(e) => void save({ metadataOnly: e.currentTarget.checked })} /> Metadata only: record calls, timings and usage, but no request or response bodies (no prompts, no outputs)</label>
      <label><input type="checkbox" checked={s.recordPrivate} onChange={(e) => void save({ recordPrivate: e.currentTarget.checked })} /> Record in private windows (off: nothing from them is kept)</label>
    </fieldset>
  );
}
