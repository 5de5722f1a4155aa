import browser from "webextension-polyfill";
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { parsePriceTable, PRICES_AS_OF } from "../../core/providers";
import { count, formatClock } from "../../panel/format";
import type { Connection } from "../../shared/connection";
import type { PushStatus } from "../../shared/messages";
import type { SettingsStore } from "../store";

export function PricesSection({ store: { settings, save } }: { store: SettingsStore }) {
  const pricesErrors = useSignal<string[]>([]);
  const s = settings.value;
  return (
    <fieldset>
      <legend>Model prices</legend>
      <p class="muted">Cost is computed from a built-in table of list prices (as of {PRICES_AS_OF}), in USD per million tokens. Add or override models here; yours are looked up first.</p>
      <textarea aria-label="Model prices (JSON)" rows={4} placeholder={'{ "my-finetune": { "input": 3, "output": 12, "cachedInput": 0.75 } }'} value={s.prices}
        onChange={(e) => {
          const text = e.currentTarget.value;
          const parsed = parsePriceTable(text);
          pricesErrors.value = parsed.errors;
          if (parsed.errors.length === 0) void save({ prices: text });
        }} />
      {pricesErrors.value.length > 0 && <ul class="error" role="alert">{pricesErrors.value.map((e, i) => <li key={i}>{e}</li>)}</ul>}
    </fieldset>
  );
}

export function OtlpSection({ store: { settings, save }, connection }: { store: SettingsStore; connection: Connection }) {
  const status = useSignal<PushStatus | null>(null);
  const permissionError = useSignal("");
  const o = settings.value.otlp;
  // The status as the line (re)opens, then each change as the background tells it; an answer
  // overtaken by a push is older than it.
  useEffect(() => {
    let pushes = 0;
    return connection.subscribe((push) => {
      if (push === null) {
        const seen = pushes;
        connection.call("getPushStatus", {}).then((s) => void (seen === pushes && (status.value = s)), () => {});
      } else if (push.type === "push-status") {
        pushes++;
        status.value = push.status;
      }
    });
  }, []);
  const headersText = o.headers.map(([k, v]) => `${k}: ${v}`).join("\n");
  async function enable(on: boolean): Promise<void> {
    permissionError.value = "";
    if (on) {
      let origin: string;
      try {
        origin = `${new URL(o.url).origin}/*`;
      } catch {
        permissionError.value = "Enter the collector's URL first, e.g. http://localhost:4318.";
        return;
      }
      // Asked now, for this collector only: the extension reaches no other site.
      const granted = await browser.permissions.request({ origins: [origin] }).catch(() => false);
      if (!granted) {
        permissionError.value = `Permission to reach ${origin} was not granted.`;
        return;
      }
    }
    await save({ otlp: { ...o, enabled: on } });
  }
  return (
    <fieldset>
      <legend>OpenTelemetry export</legend>
      <p class="muted">Push finished traces to a collector over OTLP/HTTP (JSON): an OpenTelemetry Collector, Jaeger, Tempo, or the OTLP endpoint of Langfuse or Phoenix. Off unless you turn it on.</p>
      <label>Collector URL <input type="url" aria-label="Collector URL" value={o.url} onChange={(e) => void save({ otlp: { ...o, url: e.currentTarget.value, enabled: false } })} /></label>
      <label>Headers (one "Name: value" per line)
        <textarea aria-label="Collector headers" rows={2} value={headersText} onChange={(e) => void save({
          otlp: { ...o, headers: e.currentTarget.value.split("\n").map((l) => l.split(/:(.*)/s)).filter((p) => p[0]?.trim() && p[1] !== undefined).map((p) => [p[0]!.trim(), p[1]!.trim()] as [string, string]) },
        })} />
      </label>
      <label><input type="checkbox" checked={o.enabled} aria-label="Push finished traces" onChange={(e) => void enable(e.currentTarget.checked)} /> Push finished traces to this collector</label>
      {permissionError.value && <p class="error" role="alert">{permissionError.value}</p>}
      {status.value && (
        <p class="muted" role="status">
          {count(status.value.pushedTraces, "trace")} pushed{status.value.lastSuccess ? `, last at ${formatClock(status.value.lastSuccess, false)}` : ""}.
          {status.value.lastError ? ` Last error (${formatClock(status.value.lastError.at, false)}): ${status.value.lastError.message}${status.value.pending ? ` — ${count(status.value.pending, "trace")} will be retried.` : ""}` : ""}
        </p>
      )}
    </fieldset>
  );
}
