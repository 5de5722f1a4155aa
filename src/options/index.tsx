/** Settings page: capture switch and per-site rules, body cap, retention. Saved on change. */
import browser from "webextension-polyfill";
import { render } from "preact";
import { signal } from "@preact/signals";
import { DEFAULT_SETTINGS, LIMITS, SETTINGS_KEY, normalizeSettings, type Settings, type SiteRule } from "../core/settings";

const settings = signal<Settings>(DEFAULT_SETTINGS);
const status = signal("");
const newHost = signal("");

async function load(): Promise<void> {
  const stored = await browser.storage.local.get(SETTINGS_KEY);
  settings.value = normalizeSettings(stored[SETTINGS_KEY]);
}

async function save(next: Partial<Settings>): Promise<void> {
  const merged = normalizeSettings({ ...settings.value, ...next });
  settings.value = merged;
  await browser.storage.local.set({ [SETTINGS_KEY]: merged });
  status.value = "Saved";
  setTimeout(() => (status.value = ""), 1500);
}

function setRules(rules: SiteRule[]): void {
  void save({ siteRules: rules });
}

function Options() {
  const s = settings.value;
  const mb = s.bodyCapBytes / (1024 * 1024);
  return (
    <main>
      <h1>LLM Traces settings <span class="saved" role="status">{status.value}</span></h1>
      <fieldset>
        <legend>Capture</legend>
        <label>
          <input type="checkbox" checked={s.captureEnabled} onChange={(e) => void save({ captureEnabled: e.currentTarget.checked })} />{" "}
          Record model calls on web pages
        </label>
        <p class="muted">Rules below override this per site (first match wins). A page picks up changes on its next request.</p>
        <table aria-label="Site rules">
          <tbody>
            {s.siteRules.map((rule, i) => (
              <tr key={`${rule.host}-${i}`}>
                <td>{rule.host}</td>
                <td>
                  <select aria-label={`Capture on ${rule.host}`} value={rule.capture ? "on" : "off"}
                    onChange={(e) => setRules(s.siteRules.map((r, j) => (j === i ? { ...r, capture: e.currentTarget.value === "on" } : r)))}>
                    <option value="on">capture</option>
                    <option value="off">don't capture</option>
                  </select>
                </td>
                <td><button type="button" aria-label={`Remove rule for ${rule.host}`} onClick={() => setRules(s.siteRules.filter((_, j) => j !== i))}>Remove</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <form onSubmit={(e) => {
          e.preventDefault();
          const host = newHost.value.trim().toLowerCase();
          if (host) setRules([...s.siteRules, { host, capture: false }]);
          newHost.value = "";
        }}>
          <label>
            Site <input type="text" placeholder="app.example.com or *.example.com" value={newHost.value} onInput={(e) => (newHost.value = e.currentTarget.value)} aria-label="Site host" />{" "}
            <button type="submit">Add rule</button>
          </label>
        </form>
      </fieldset>
      <fieldset>
        <legend>Storage</legend>
        <label>
          Body capture cap{" "}
          <input type="number" aria-label="Body capture cap in MB" min={LIMITS.bodyCapBytes.min / 1048576} max={LIMITS.bodyCapBytes.max / 1048576} step="0.5" value={mb}
            onChange={(e) => void save({ bodyCapBytes: Math.round(Number(e.currentTarget.value) * 1048576) })} /> MB per body (longer bodies are cut and marked truncated)
        </label>
        <label>
          Keep at most{" "}
          <input type="number" aria-label="Maximum stored spans" min={LIMITS.maxSpans.min} max={LIMITS.maxSpans.max} step="1000" value={s.maxSpans}
            onChange={(e) => void save({ maxSpans: Number(e.currentTarget.value) })} /> spans (oldest removed first)
        </label>
      </fieldset>
    </main>
  );
}

void load().then(() => render(<Options />, document.getElementById("root")!));
