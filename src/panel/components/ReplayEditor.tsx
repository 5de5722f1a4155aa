/**
 * Edit and resend (docs/DESIGN.md, "Compare and replay"): the call's request as editable turns,
 * its parameters as fields, or its JSON body as text; Send runs it from the inspected page with
 * the original's headers (which never leave the page). After a reload the page no longer holds
 * them: the editor says so and takes a header for this one send, never stored.
 * Every captured string is shown as text or as the value of a field.
 */
import { useMemo, useState } from "preact/hooks";
import { formatCount } from "../detail-model/numbers";
import { formatDuration } from "../format";
import { buildBody, readRequest, type EditableRequest } from "../replay-model/request-edit";
import { spreadOf, type Range } from "../replay-model/spread";
import { MAX_RESENDS, type ReplayStore } from "../state/replay";

type Tab = "messages" | "parameters" | "json";

/** The URL without its query (which may hold a redacted key): for the header. */
const withoutQuery = (url: string): string => (url.indexOf("?") < 0 ? url : url.slice(0, url.indexOf("?")));

function RangeCell({ range, format }: { range: Range | undefined; format: (n: number) => string }) {
  return <td>{range ? `${format(range.min)} / ${format(range.median)} / ${format(range.max)}` : "–"}</td>;
}

function SpreadView({ replay }: { replay: ReplayStore }) {
  const list = replay.replays.value;
  const spread = useMemo(() => spreadOf(list), [list]);
  if (list.length < 2) return null;
  return (
    <div class="cmp-section replay-spread" aria-label="Spread">
      <h4>{list.length} sends · {spread.distinct} different answer{spread.distinct === 1 ? "" : "s"}</h4>
      <table class="cmp-fields">
        <thead><tr><th /><th>min / median / max</th></tr></thead>
        <tbody>
          <tr><th scope="row">input tokens</th><RangeCell range={spread.inputTokens} format={formatCount} /></tr>
          <tr><th scope="row">output tokens</th><RangeCell range={spread.outputTokens} format={formatCount} /></tr>
          <tr><th scope="row">TTFT</th><RangeCell range={spread.ttftMs} format={formatDuration} /></tr>
          <tr><th scope="row">latency</th><RangeCell range={spread.latencyMs} format={formatDuration} /></tr>
        </tbody>
      </table>
      <div class="replay-outputs">
        {spread.outputs.map((o, i) => (
          <div key={o.spanId} class={`replay-output ${o.status === "error" ? "is-error" : ""}`}>
            <div class="muted">#{i + 1}{o.status === "error" ? " · error" : ""}</div>
            <pre class="cmp-pre">{o.text || "(no text)"}</pre>
          </div>
        ))}
      </div>
    </div>
  );
}

function Status({ replay }: { replay: ReplayStore }) {
  const s = replay.state.value;
  const ended = replay.replays.value.filter((r) => r.endTime !== undefined).length;
  if (s.phase === "idle") return null;
  const text = s.phase === "sending" ? `Sending ${s.count === 1 ? "" : `${s.count} times `}from the page…`
    : s.phase === "running" ? `Running: ${ended} of ${s.spanIds.length} answered`
    : s.phase === "done" ? `Done: ${s.spanIds.length} new call${s.spanIds.length === 1 ? "" : "s"} in a replay trace`
    : s.message;
  return <div class={`replay-status ${s.phase === "error" ? "is-error" : ""}`} role="status">{text}</div>;
}

/** After a reload: a header for this send only. */
function Credentials({ onSend }: { onSend(headers: [string, string][]): void }) {
  const [name, setName] = useState("Authorization");
  const [value, setValue] = useState("");
  return (
    <form class="replay-credentials" onSubmit={(e) => { e.preventDefault(); if (name.trim() && value) onSend([[name.trim(), value]]); }}>
      <p>The page was reloaded since this call: its credentials are gone (they are never stored). Give a header to use for this one send; it is not kept.</p>
      <label>Header name <input value={name} onInput={(e) => setName(e.currentTarget.value)} autocomplete="off" /></label>
      <label>Header value <input type="password" value={value} onInput={(e) => setValue(e.currentTarget.value)} autocomplete="off" /></label>
      <button type="submit">Send with this header</button>
    </form>
  );
}

function Turns({ request, replay }: { request: EditableRequest; replay: ReplayStore }) {
  return (
    <div class="replay-turns">
      {request.system !== undefined && (
        <label class="replay-turn">
          <span class="cmp-role">system</span>
          <textarea aria-label="System instructions" value={request.system} rows={Math.min(10, request.system.split("\n").length + 1)}
            onInput={(e) => { const v = e.currentTarget.value; replay.update((r) => { r.system = v; }); }} />
        </label>
      )}
      {request.turns.map((t, i) => (
        <label key={i} class="replay-turn">
          <span class="cmp-role">{t.role}{t.json ? " (JSON)" : ""}</span>
          <textarea aria-label={`Message ${i + 1} (${t.role})`} value={t.text} rows={Math.min(12, t.text.split("\n").length + 1)} spellcheck={!t.json}
            onInput={(e) => { const v = e.currentTarget.value; replay.update((r) => { r.turns[i]!.text = v; }); }} />
        </label>
      ))}
      {request.turns.length === 0 && <div class="muted">This API's body has no messages we know: edit it as JSON.</div>}
    </div>
  );
}

function Params({ request, replay }: { request: EditableRequest; replay: ReplayStore }) {
  return (
    <div class="replay-params">
      {request.params.map((p, i) => (
        <label key={p.path.join(".")}>
          <span>{p.label}</span>
          <input value={p.value} inputMode={p.numeric ? "decimal" : "text"} placeholder="(not sent)"
            onInput={(e) => { const v = e.currentTarget.value; replay.update((r) => { r.params[i]!.value = v; }); }} />
        </label>
      ))}
    </div>
  );
}

/** The body as JSON text: a valid edit replaces the turns and fields; an invalid one says why. */
function RawJson({ request, replay }: { request: EditableRequest; replay: ReplayStore }) {
  const initial = useMemo(() => {
    try {
      return JSON.stringify(JSON.parse(buildBody(request)), null, 2);
    } catch (error) {
      return JSON.stringify(request.body, null, 2);
    }
  }, [request]);
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | undefined>(undefined);
  function apply(value: string): void {
    setText(value);
    const e = replay.editing.value;
    if (!e) return;
    const read = readRequest({ id: e.span.spanId, request: { method: request.method, url: request.url, headers: [], body: { text: value } }, chunks: [], timing: { start: 0 } } as never);
    if (!read.ok) return setError(read.error);
    setError(undefined);
    replay.editing.value = { ...e, request: read.request };
  }
  return (
    <div class="replay-json">
      <textarea aria-label="Request body (JSON)" value={text} spellcheck={false} onInput={(e) => apply(e.currentTarget.value)} />
      {error && <div class="replay-status is-error" role="alert">{error}</div>}
    </div>
  );
}

export function ReplayEditor({ replay }: { replay: ReplayStore }) {
  const [tab, setTab] = useState<Tab>("messages");
  const [times, setTimes] = useState(3);
  const editing = replay.editing.value;
  const state = replay.state.value;
  const busy = state.phase === "sending" || state.phase === "running";
  return (
    <section class="compare replay" aria-label="Edit and resend">
      <header class="cmp-header">
        <h3>Edit and resend</h3>
        {editing && <span class="cmp-side-label" title={editing.span.name}>{editing.span.name} · {withoutQuery(editing.request.url)}</span>}
        <button type="button" class="cmp-close" aria-label="Close the editor" onClick={replay.close}>✕</button>
      </header>
      {!editing ? <div class="muted pad">{replay.unavailable.value}</div> : (
        <div class="cmp-body">
          <div class="replay-tabs" role="tablist" aria-label="Edit">
            {(["messages", "parameters", "json"] as const).map((t) => (
              <button type="button" key={t} role="tab" aria-selected={tab === t} class={tab === t ? "is-on" : ""} onClick={() => setTab(t)}>
                {t === "messages" ? "Messages" : t === "parameters" ? "Parameters" : "JSON"}
              </button>
            ))}
          </div>
          {tab === "messages" && <Turns request={editing.request} replay={replay} />}
          {tab === "parameters" && <Params request={editing.request} replay={replay} />}
          {tab === "json" && <RawJson key={editing.span.spanId} request={editing.request} replay={replay} />}
          <div class="replay-actions">
            <button type="button" class="primary" disabled={busy} onClick={() => void replay.send(1)}>Send</button>
            <span class="divider" />
            <label class="replay-times">Times <input type="number" min={1} max={MAX_RESENDS} value={times} onInput={(e) => setTimes(Number(e.currentTarget.value) || 1)} /></label>
            <button type="button" disabled={busy} onClick={() => void replay.send(times)}>Resend N times</button>
            <span class="muted">Sent from the page, with its cookies and the original call's headers{editing.request.stream ? "; streamed" : ""}.</span>
          </div>
          <Status replay={replay} />
          {state.phase === "error" && state.credentialsGone && <Credentials onSend={(h) => void replay.send(state.count, h)} />}
          <SpreadView replay={replay} />
        </div>
      )}
    </section>
  );
}
