/**
 * A streamed body as its events (SSE) or lines (NDJSON), each with its arrival time after the
 * request started, or as the raw text received. Long streams render a page at a time.
 */
import { useMemo, useState } from "preact/hooks";
import { responseText, type Exchange } from "../../../core/contract";
import { parseJsonContainer } from "../../detail-model/json-preview";
import { formatCount } from "../../detail-model/numbers";
import type { StreamEvent, StreamView } from "../../detail-model/stream";
import { JsonTree } from "./JsonTree";
import { TruncatedText } from "./TruncatedText";
import { ViewToggle } from "./ViewToggle";

const PAGE = 200;

/**
 * The data as sent (the interesting part of a chunk, the delta, is usually at its end, so a
 * one-line preview would hide it), with a switch to a tree when it is JSON.
 */
function EventData({ data }: { data: string }) {
  const [tree, setTree] = useState(false);
  const json = useMemo(() => parseJsonContainer(data), [data]);
  return (
    <div class="dt-event-data">
      {json === undefined ? (
        <span class="json-toggle-space" />
      ) : (
        <button type="button" class="json-toggle dt-event-toggle" aria-expanded={tree} aria-label={tree ? "Show as text" : "Show as tree"} onClick={() => setTree(!tree)}>
          <span class="json-arrow" aria-hidden="true">{tree ? "▾" : "▸"}</span>
        </button>
      )}
      {tree && json !== undefined ? <JsonTree value={json} expandDepth={3} flat /> : <TruncatedText text={data} limit={400} lines={4} />}
    </div>
  );
}

function EventRow({ event, named }: { event: StreamEvent; named: boolean }) {
  return (
    <tr>
      <td class="dt-num dt-mono">+{Math.round(event.offset)} ms</td>
      {named && <td class="dt-event-name" title={event.event}>{event.event ?? ""}</td>}
      <td>
        <EventData data={event.data} />
      </td>
    </tr>
  );
}

export function StreamEventsView({ exchange, view }: { exchange: Exchange; view: StreamView }) {
  const [mode, setMode] = useState<"events" | "raw">("events");
  const [limit, setLimit] = useState(PAGE);
  const raw = useMemo(() => (mode === "raw" ? responseText(exchange) : ""), [mode, exchange]);
  const named = view.events.some((e) => e.event !== undefined);
  return (
    <div class="dt-body">
      <div class="dt-body-bar">
        <ViewToggle label="Stream view" value={mode} onChange={(v) => setMode(v)} options={[["events", "Events"], ["raw", "Raw"]]} />
        <span class="dt-muted">
          {formatCount(view.events.length)} {view.format === "sse" ? "server-sent events" : view.format === "websocket" ? "WebSocket messages" : "NDJSON lines"}
          {view.format !== "websocket" && ` in ${formatCount(exchange.chunks.length)} chunks`}
        </span>
      </div>
      {mode === "raw" ? (
        <TruncatedText text={raw} limit={20_000} lines={400} class="dt-code" />
      ) : (
        <table class="dt-table dt-events">
          <thead>
            <tr>
              <th class="dt-num dt-col-time">Time</th>
              {named && <th class="dt-col-event">{view.format === "websocket" ? "Message" : "Event"}</th>}
              <th>Data</th>
            </tr>
          </thead>
          <tbody>
            {view.events.slice(0, limit).map((e, i) => (
              <EventRow key={i} event={e} named={named} />
            ))}
          </tbody>
        </table>
      )}
      {mode === "events" && view.events.length > limit && (
        <button type="button" class="dt-link" onClick={() => setLimit(limit + PAGE)}>
          Show {Math.min(PAGE, view.events.length - limit)} more events ({formatCount(view.events.length - limit)} not shown)
        </button>
      )}
    </div>
  );
}
