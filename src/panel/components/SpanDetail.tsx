import type { Exchange, Header } from "../../core/exchange";
import { responseText } from "../../core/exchange";
import type { SpanRecord } from "../../core/records";
import { formatBytes, formatClock, formatDuration, prettyJson } from "../format";

function Headers({ title, headers }: { title: string; headers: readonly Header[] }) {
  return (
    <section>
      <h3>{title}</h3>
      {headers.length === 0 ? <p class="muted">none</p> : (
        <dl class="headers">
          {headers.map(([k, v], i) => [<dt key={`k${i}`}>{k}</dt>, <dd key={`v${i}`} class={v.includes("[REDACTED:") ? "redacted" : ""}>{v}</dd>])}
        </dl>
      )}
    </section>
  );
}

function Body({ title, text, note }: { title: string; text: string | undefined; note?: string }) {
  return (
    <section>
      <h3>{title}</h3>
      {note && <p class="muted">{note}</p>}
      {text !== undefined && text !== "" ? <pre class="body">{prettyJson(text)}</pre> : !note && <p class="muted">empty</p>}
    </section>
  );
}

function bodyNote(body: { omitted?: string; truncated?: boolean; size?: number; mimeType?: string } | undefined): string | undefined {
  if (!body) return undefined;
  if (body.omitted) return `${body.omitted} body${body.mimeType ? ` (${body.mimeType})` : ""}${body.size !== undefined ? `, ${formatBytes(body.size)}` : ""}: not recorded`;
  if (body.truncated) return `truncated at the capture cap; the body was ${formatBytes(body.size)}`;
  return undefined;
}

export function SpanDetail({ span, exchange }: { span: SpanRecord; exchange: Exchange | null | undefined }) {
  const t = exchange?.timing;
  const timing: [string, number | undefined][] = t ? [
    ["Waiting for headers", t.headers !== undefined ? t.headers - t.start : undefined],
    ["First byte", t.firstByte !== undefined ? t.firstByte - t.start : undefined],
    ["Total", t.end !== undefined ? t.end - t.start : undefined],
  ] : [];
  return (
    <div class="detail" aria-label="Span detail">
      <header class="detail-head">
        <span class={`kind kind-${span.kind}`}>{span.kind}</span>
        <strong class="detail-title">{span.name}</strong>
        <span class={`status status-${span.status}`}>{span.endTime === undefined ? "in flight" : span.status}</span>
      </header>
      {exchange === undefined && span.exchangeId ? <p class="muted">Loading…</p> : null}
      {exchange === null ? <p class="muted">The request data is no longer stored.</p> : null}
      {exchange && (
        <>
          <section>
            <h3>General</h3>
            <dl class="headers">
              <dt>URL</dt><dd class="url">{exchange.request.url}</dd>
              <dt>Method</dt><dd>{exchange.request.method}</dd>
              <dt>Status</dt><dd>{exchange.response ? `${exchange.response.status} ${exchange.response.statusText}` : exchange.outcome && exchange.outcome.state !== "ok" ? `${exchange.outcome.state}: ${exchange.outcome.errorName ?? ""} ${exchange.outcome.errorMessage ?? ""}` : "pending"}</dd>
              <dt>Via</dt><dd>{exchange.transport === "xhr" ? "XMLHttpRequest" : "fetch"}</dd>
              <dt>Started</dt><dd>{formatClock(exchange.timing.start)}</dd>
              {timing.map(([label, ms]) => ms !== undefined ? [<dt key={`t${label}`}>{label}</dt>, <dd key={`d${label}`}>{formatDuration(ms)}</dd>] : null)}
              {exchange.chunks.length > 1 ? [<dt key="c">Chunks</dt>, <dd key="cv">{exchange.chunks.length}</dd>] : null}
            </dl>
          </section>
          <Headers title="Request headers" headers={exchange.request.headers} />
          {exchange.request.body && <Body title="Request body" text={exchange.request.body.text} note={bodyNote(exchange.request.body)} />}
          {exchange.response && <Headers title="Response headers" headers={exchange.response.headers} />}
          {exchange.response && <Body title="Response body" text={responseText(exchange)} note={bodyNote(exchange.response.body)} />}
        </>
      )}
    </div>
  );
}
