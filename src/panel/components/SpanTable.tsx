import type { SpanRecord } from "../../core/records";
import { formatBytes, formatClock, formatDuration } from "../format";
import type { Selection } from "../state/selection";

function statusText(span: SpanRecord): string {
  const code = span.attributes["http.response.status_code"];
  if (span.endTime === undefined) return code !== undefined ? `${code} (pending)` : "(pending)";
  const error = span.attributes["error.type"];
  if (code !== undefined) return String(code);
  return error !== undefined ? String(error) : span.status;
}

export function SpanTable({ spans, selection }: { spans: readonly SpanRecord[]; selection: Selection }) {
  const selected = selection.selectedId.value;
  return (
    <table class="span-table" aria-label="Captured spans">
      <thead>
        <tr>
          <th class="col-time">Time</th>
          <th class="col-name">Name</th>
          <th class="col-kind">Kind</th>
          <th class="col-status">Status</th>
          <th class="col-num">Duration</th>
          <th class="col-num">Size</th>
        </tr>
      </thead>
      <tbody>
        {spans.map((span) => {
          const size = span.attributes["http.response.body.size"];
          return (
            <tr
              key={span.spanId}
              data-span-id={span.spanId}
              class={`${span.status === "error" ? "is-error" : ""} ${span.endTime === undefined ? "is-pending" : ""} ${span.spanId === selected ? "is-selected" : ""}`}
              onClick={() => (selection.selectedId.value = span.spanId)}
              aria-selected={span.spanId === selected}
            >
              <td class="col-time">{formatClock(span.startTime)}</td>
              <td class="col-name" title={String(span.attributes["url.full"] ?? span.name)}>{span.name}</td>
              <td class="col-kind"><span class={`kind kind-${span.kind}`}>{span.kind}</span></td>
              <td class="col-status">{statusText(span)}</td>
              <td class="col-num">{span.endTime !== undefined ? formatDuration(span.endTime - span.startTime) : ""}</td>
              <td class="col-num">{typeof size === "number" ? formatBytes(size) : ""}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
