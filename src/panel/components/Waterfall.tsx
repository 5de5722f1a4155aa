/**
 * The selected trace as a waterfall: a tree of spans on the left (expand/collapse), time bars
 * on a shared axis on the right. Model bars show the wait until the first token (light), the
 * streaming (solid) and a TTFT tick. Virtualized: a 10,000-span trace scrolls like a small one.
 */
import { providerLabel, type TreeNode } from "../../core/query";
import type { SpanRecord } from "../../core/contract";
import { reviewOf } from "../../core/review";
import type { TraceStore } from "../state/traces";
import { formatDuration, formatOffset, formatTokens, tickStep } from "../format";
import { Icon } from "./Icon";
import { VirtualList } from "./VirtualList";

const ROW_HEIGHT = 22;
const INDENT_PX = 14;

interface Scale {
  start: number;
  total: number;
}

/** A reviewed span's mark beside its name: its thumbs, else its number, else a dot. */
function ReviewDot({ span }: { span: SpanRecord }) {
  const review = reviewOf(span);
  if (!review) return null;
  const title = `Reviewed${review.thumbs ? `: thumbs ${review.thumbs}` : ""}${review.score !== undefined ? `, score ${review.score}` : ""}${review.labels.length ? `, ${review.labels.join(", ")}` : ""}`;
  return (
    <span class={`wf-review ${review.thumbs ? `is-${review.thumbs}` : ""}`} title={title} aria-label={title}>
      {review.thumbs ? <Icon name={review.thumbs === "up" ? "thumbs-up" : "thumbs-down"} /> : review.score !== undefined ? review.score : "●"}
    </span>
  );
}

const pct = (ms: number, scale: Scale) => `${Math.max(0, Math.min(100, (ms / scale.total) * 100))}%`;

function timingTitle(span: SpanRecord, scale: Scale): string {
  const a = span.attributes;
  const lines = [span.name, `starts at +${formatOffset(span.startTime - scale.start)}`];
  if (span.endTime !== undefined) lines.push(`duration ${formatDuration(span.endTime - span.startTime)}`);
  else lines.push("in flight");
  const ttft = a["gen_ai.response.time_to_first_chunk"];
  if (typeof ttft === "number") lines.push(`time to first token ${formatDuration(ttft * 1000)}`);
  if (span.status === "error") lines.push(`error: ${String(a["error.type"] ?? "")}`);
  return lines.join("\n");
}

/** What a model row says at a glance: provider and server, tokens in/out, time to first token, failure. */
function modelMeta(span: SpanRecord): string {
  const a = span.attributes;
  const parts: string[] = [];
  const provider = providerLabel(a);
  if (provider !== undefined) parts.push(provider);
  const tokens = formatTokens(a["gen_ai.usage.input_tokens"] as number | undefined, a["gen_ai.usage.output_tokens"] as number | undefined);
  if (tokens) parts.push(tokens);
  const ttft = a["gen_ai.response.time_to_first_chunk"];
  if (typeof ttft === "number") parts.push(`TTFT ${formatDuration(ttft * 1000)}`);
  if (span.status === "error") parts.push(String(a["error.type"] ?? "error"));
  return parts.join(" · ");
}

/** The root of a plain page-requests trace: neutral, like its row in the trace list (not model work's blue). */
const isPlainRoot = (span: SpanRecord): boolean => span.attributes["llm_trace.root.source"] === "requests";

function Bar({ span, scale, now }: { span: SpanRecord; scale: Scale; now: number }) {
  const end = span.endTime ?? now;
  const left = span.startTime - scale.start;
  const width = Math.max(end - span.startTime, 0);
  const ttftSeconds = span.attributes["gen_ai.response.time_to_first_chunk"];
  const ttft = typeof ttftSeconds === "number" ? ttftSeconds * 1000 : undefined;
  const waitShare = ttft !== undefined && width > 0 ? Math.min(100, (ttft / width) * 100) : undefined;
  return (
    <div class="wf-track">
      <div
        class={`wf-bar kind-bg-${isPlainRoot(span) ? "http" : span.kind} ${span.status === "error" ? "is-error" : ""} ${span.endTime === undefined ? "is-live" : ""}`}
        style={{ left: pct(left, scale), width: `max(2px, ${pct(width, scale)})` }}
      >
        {waitShare !== undefined && <div class="wf-wait" style={{ width: `${waitShare}%` }} />}
        {waitShare !== undefined && <div class="wf-ttft" style={{ left: `${waitShare}%` }} />}
      </div>
      <span class="wf-label" style={{ left: `calc(${pct(left + width, scale)} + 4px)` }}>
        {span.endTime !== undefined ? formatDuration(span.endTime - span.startTime) : ""}
      </span>
    </div>
  );
}

function Axis({ scale }: { scale: Scale }) {
  const step = tickStep(scale.total);
  const ticks: number[] = [];
  for (let t = 0; t <= scale.total + 0.001; t += step) ticks.push(t);
  return (
    <div class="wf-axis" aria-hidden="true">
      <div class="wf-name-head">Span</div>
      <div class="wf-ticks">
        {ticks.map((t) => <span key={t} class="wf-tick" style={{ left: pct(t, scale) }}>{formatOffset(t)}</span>)}
      </div>
    </div>
  );
}

export function Waterfall({ traces, onOpen }: { traces: TraceStore; onOpen(): void }) {
  const trace = traces.selectedTrace.value;
  const rows = traces.waterfallRows.value;
  const selected = traces.selectedSpanId.value;
  const collapsed = traces.collapsed.value;
  if (!trace) return <div class="wf-empty muted">Select a trace to see its steps.</div>;
  const now = Date.now();
  const end = Math.max(trace.endTime ?? now, ...trace.spans.map((s) => s.endTime ?? now));
  const scale: Scale = { start: trace.startTime, total: Math.max(end - trace.startTime, 1) };
  const index = rows.findIndex((r) => r.span.spanId === selected);

  function onKeyDown(event: KeyboardEvent): void {
    const row = rows[index];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = rows[Math.max(0, Math.min(rows.length - 1, index + (event.key === "ArrowDown" ? 1 : -1)))];
      if (next) traces.selectSpan(next.span.spanId);
    } else if (event.key === "ArrowLeft" && row) {
      event.preventDefault();
      if (row.children.length && !collapsed.has(row.span.spanId)) traces.setCollapsed(row.span.spanId, true);
      else if (row.span.parentSpanId) traces.selectSpan(row.span.parentSpanId);
    } else if (event.key === "ArrowRight" && row) {
      event.preventDefault();
      if (collapsed.has(row.span.spanId)) traces.setCollapsed(row.span.spanId, false);
      else if (row.children[0]) traces.selectSpan(row.children[0].span.spanId);
    } else if (event.key === "Enter") {
      event.preventDefault();
      onOpen();
    }
  }

  const renderRow = (node: TreeNode<SpanRecord>, _i: number, style: Record<string, string>) => {
    const { span } = node;
    const isCollapsed = collapsed.has(span.spanId);
    return (
      <div
        key={span.spanId} id={`span-${span.spanId}`} role="treeitem" aria-level={node.depth + 1}
        aria-expanded={node.children.length ? !isCollapsed : undefined} aria-selected={span.spanId === selected}
        class={`wf-row ${span.spanId === selected ? "is-selected" : ""} ${span.status === "error" ? "is-error" : ""}`}
        style={style} onClick={() => traces.selectSpan(span.spanId)} onDblClick={onOpen} title={timingTitle(span, scale)}
        data-span-id={span.spanId}
      >
        <div class="wf-name" style={{ paddingLeft: `${4 + node.depth * INDENT_PX}px` }}>
          {node.children.length ? (
            <button type="button" class="wf-caret" aria-label={isCollapsed ? "Expand" : "Collapse"} tabIndex={-1}
              onClick={(e) => { e.stopPropagation(); traces.setCollapsed(span.spanId, !isCollapsed); }}>
              {isCollapsed ? "▸" : "▾"}
            </button>
          ) : <span class="wf-caret-space" />}
          <span class={`kind-dot ${isPlainRoot(span) ? "is-plain" : `kind-${span.kind}`}`} />
          <span class="wf-text">{span.name}</span>
          <ReviewDot span={span} />
          {span.kind === "llm" || span.kind === "embedding" ? <span class="wf-meta">{modelMeta(span)}</span> : null}
        </div>
        <Bar span={span} scale={scale} now={now} />
      </div>
    );
  };

  return (
    <div class="waterfall">
      <Axis scale={scale} />
      <VirtualList class="wf-rows" role="tree" label="Trace waterfall" items={rows} rowHeight={ROW_HEIGHT}
        scrollToIndex={index} onKeyDown={onKeyDown} activeId={selected ? `span-${selected}` : undefined} renderRow={renderRow} />
    </div>
  );
}
