import { useComputed, useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { checkUserPattern, createRedactor, DETECTOR_INFO, WHERE, type UserPattern } from "../../core/redaction";
import type { Connection } from "../../shared/connection";
import type { Sample } from "../../shared/messages";
import type { Settings } from "../../core/settings";
import type { SettingsStore } from "../store";

const PREVIEW_TEXT = "Authorization failed for ada@example.com with key sk-proj-AbC123xyz456DEF789ghi and card 4111 1111 1111 1111.";

/** The preview of the current rules on the text: segments, redacted ones marked. */
function previewParts(text: string, settings: Settings): { text: string; reason?: string }[] {
  const { matches } = createRedactor(settings).preview(text, "bodies");
  const parts: { text: string; reason?: string }[] = [];
  let at = 0;
  for (const m of matches) {
    if (m.start > at) parts.push({ text: text.slice(at, m.start) });
    parts.push({ text: text.slice(m.start, m.end), reason: m.reason });
    at = m.end;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

export function RedactionSection({ store: { settings, save }, connection }: { store: SettingsStore; connection: Connection }) {
  const draft = useSignal<UserPattern>({ pattern: "", kind: "regex", label: "" });
  const draftError = useSignal("");
  const samples = useSignal<Sample[]>([]);
  const previewText = useSignal(PREVIEW_TEXT);
  const preview = useComputed(() => previewParts(previewText.value, settings.value));
  const r = settings.value.redaction!;
  useEffect(() => {
    connection.call("recentSamples", {}).then((answer) => (samples.value = answer), () => {});
  }, []);
  const setPatterns = (patterns: UserPattern[]) => void save({ redaction: { ...r, patterns } });
  const problems = createRedactor(settings.value).problems;
  return (
    <fieldset>
      <legend>Redaction</legend>
      <p class="muted">Applied before anything is stored. Credentials in headers (Authorization, API keys, cookies) and key-like URL parameters are always removed.</p>
      <h3>Detectors</h3>
      <div class="grid">
        {DETECTOR_INFO.map((d) => (
          <label key={d.id}>
            <input type="checkbox" checked={r.detectors[d.id]} onChange={(e) => void save({ redaction: { ...r, detectors: { ...r.detectors, [d.id]: e.currentTarget.checked } } })} />
            {" "}{d.label} <span class="muted">({d.kind === "secret" ? "credential" : "personal data"})</span>
          </label>
        ))}
      </div>
      <h3>Your patterns</h3>
      <table aria-label="Redaction patterns">
        <tbody>
          {r.patterns.map((p, i) => (
            <tr key={i}>
              <td><code>{p.pattern}</code></td><td>{p.kind}</td><td>{p.label || "custom"}</td><td>{(p.applyTo ?? WHERE).join(", ")}</td>
              <td><button type="button" aria-label={`Remove pattern ${p.pattern}`} onClick={() => setPatterns(r.patterns.filter((_, j) => j !== i))}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      {problems.length > 0 && <ul class="error">{problems.map((p, i) => <li key={i}>{JSON.stringify(p)}</li>)}</ul>}
      <form class="row" onSubmit={(e) => {
        e.preventDefault();
        const p: UserPattern = { ...draft.value, ...(draft.value.label ? {} : { label: undefined }) };
        const check = checkUserPattern(p);
        if (!check.ok) {
          draftError.value = check.error;
          return;
        }
        draftError.value = "";
        setPatterns([...r.patterns, p]);
        draft.value = { pattern: "", kind: draft.value.kind, label: "" };
      }}>
        <input type="text" aria-label="Pattern" placeholder={draft.value.kind === "regex" ? "customer-\\d{6}" : "Acme Corp"} value={draft.value.pattern}
          onInput={(e) => (draft.value = { ...draft.value, pattern: e.currentTarget.value })} />
        <select aria-label="Pattern kind" value={draft.value.kind} onChange={(e) => (draft.value = { ...draft.value, kind: e.currentTarget.value as "regex" | "literal" })}>
          <option value="regex">regex</option>
          <option value="literal">literal</option>
        </select>
        <input type="text" aria-label="Label" placeholder="label (shown as [REDACTED:label])" value={draft.value.label ?? ""}
          onInput={(e) => (draft.value = { ...draft.value, label: e.currentTarget.value })} />
        <button type="submit">Add pattern</button>
      </form>
      {draftError.value && <p class="error" role="alert">{draftError.value}</p>}
      <h3>Preview</h3>
      <div class="row">
        <label class="inline">On a captured call:{" "}
          <select aria-label="Captured call to preview" onChange={(e) => {
            const s = samples.value[Number(e.currentTarget.value)];
            if (s) previewText.value = s.text;
          }}>
            <option value="">(your text)</option>
            {samples.value.map((s, i) => <option key={i} value={String(i)}>{s.label}</option>)}
          </select>
        </label>
      </div>
      <textarea aria-label="Preview text" rows={4} value={previewText.value} onInput={(e) => (previewText.value = e.currentTarget.value)} />
      <pre class="preview" aria-label="Redacted preview">
        {preview.value.map((p, i) => (p.reason ? <mark key={i} title={p.reason}>[REDACTED:{p.reason}]</mark> : <span key={i}>{p.text}</span>))}
      </pre>
    </fieldset>
  );
}
