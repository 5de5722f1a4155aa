/**
 * The trace list: one row per trace, newest first, what it did at a glance. Grouped by
 * conversation, a conversation's turns follow its header, oldest first.
 *
 * A row reads at the default 380 px: the name on the first line; the models (ellipsized, never
 * squeezed to nothing) with tokens and cost on the second; the steps with the start time on the
 * third. What does not fit is dropped whole, least telling first (the time, then cost and
 * tokens), never cut mid-word: the lines wrap inside a box one line high (static/panel.css).
 */
import type { Conversation, ListItem } from "../state/conversations";
import type { TraceRow, TraceStore } from "../state/traces";
import { rowNumbers, stepsText } from "../state/row-text";
import { formatClock, formatDuration } from "../format";
import { sideOfTrace, type CompareStore } from "../state/compare";
import { formatCount, formatUsd } from "../detail-model/numbers";
import { reviewMark } from "../state/review";
import { Icon } from "./Icon";
import { VirtualList } from "./VirtualList";

const ROW_HEIGHT = 54;

const itemKey = (item: ListItem): string => (item.type === "trace" ? item.row.trace.traceId : `conversation-${item.conversation.id}`);

function ConversationHeader({ conversation, shown, style }: { conversation: Conversation; shown: number; style: Record<string, string> }) {
  const models = [...new Set(conversation.turns.flatMap((t) => t.summary.models))];
  const count = conversation.turns.length;
  return (
    <div key={`conversation-${conversation.id}`} class="conv-row" role="presentation" style={style} data-conversation-id={conversation.id}
      title={`Conversation ${conversation.id}${conversation.derived ? " (derived from the messages: no id on the wire)" : ""}`}>
      <div class="trace-line">
        <span class="conv-label">Conversation</span>
        <span class="trace-name">{conversation.title}</span>
        <span class="conv-turns">{shown < count ? `${shown} of ${count} turns` : `${count} turns`}</span>
      </div>
      <div class="trace-meta">
        {models.length > 0 && <span class="trace-models" title={models.join(", ")}>{models.join(", ")}</span>}
        <span class="conv-id">{conversation.derived ? "derived id" : conversation.id}</span>
        <span class="trace-time" title="started">{formatClock(conversation.turns[0]!.trace.startTime, false)}</span>
      </div>
    </div>
  );
}

/** Against the pinned baseline: what this run of the same flow cost more or less. A click opens the comparison. */
function BaselineDelta({ compare, trace, source }: { compare: CompareStore; trace: TraceRow["trace"]; source: string }) {
  const against = compare.againstBaseline(trace);
  const base = compare.baseline.value;
  if (!against || !base) return null;
  const d = Object.fromEntries(against.totals.map((t) => [t.name, t.delta]));
  const tokens = (d["input tokens"] ?? 0) + (d["output tokens"] ?? 0);
  const changed = against.pairs.some((p) => p.outputChanged || !p.before || !p.after);
  const parts = [
    `${tokens >= 0 ? "+" : "−"}${formatCount(Math.abs(tokens))} tok`,
    d.duration !== undefined ? `${d.duration >= 0 ? "+" : "−"}${formatDuration(Math.abs(d.duration))}` : undefined,
  ].filter(Boolean);
  const detail = against.totals.filter((t) => t.delta !== undefined).map((t) => `${t.name} ${t.delta! >= 0 ? "+" : ""}${t.unit === "usd" ? formatUsd(t.delta!) : t.unit === "ms" ? formatDuration(t.delta!) : formatCount(t.delta!)}`);
  return (
    <button type="button" class={`badge badge-delta ${changed ? "is-changed" : ""}`} aria-label="Compare with the baseline"
      title={`Against the baseline "${base.label}": ${detail.join(", ")}; output ${changed ? "changed" : "the same"}. Click to compare.`}
      onClick={(e) => { e.stopPropagation(); compare.compare(base, sideOfTrace(trace, source), "traces", true); }}>
      Δ {parts.join(" ")}{changed ? " · output changed" : ""}
    </button>
  );
}

/** A reviewed trace's mark: its own thumbs and number, or how many of its spans were reviewed. */
function ReviewMark({ trace }: { trace: TraceRow["trace"] }) {
  const mark = reviewMark(trace);
  if (!mark) return null;
  const own = mark.thumbs !== undefined || mark.score !== undefined;
  return (
    <span class={`badge badge-review ${mark.thumbs ? `is-${mark.thumbs}` : ""}`} title={mark.title} aria-label={mark.title}>
      {mark.thumbs && <Icon name={mark.thumbs === "up" ? "thumbs-up" : "thumbs-down"} />}
      {mark.score !== undefined && <span class="review-mark-score">{mark.score}</span>}
      {!own && <span>{mark.reviewed} reviewed</span>}
    </span>
  );
}

/** `compare`: Ctrl/Cmd-click picks a row as the second trace of a comparison; `source` names where the rows come from. */
export function TraceList({ traces, compare, source = "live tab" }: { traces: TraceStore; compare?: CompareStore; source?: string }) {
  const second = compare?.secondId.value;
  const items = traces.items.value;
  const selected = traces.selectedTrace.value?.traceId;
  const index = items.findIndex((i) => i.type === "trace" && i.row.trace.traceId === selected);

  function onKeyDown(event: KeyboardEvent): void {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Home" && event.key !== "End") return;
    event.preventDefault();
    // Conversation headers are not traces: the keys move between trace rows.
    const rows = items.filter((i): i is Extract<ListItem, { type: "trace" }> => i.type === "trace");
    const at = rows.findIndex((r) => r.row.trace.traceId === selected);
    const next = event.key === "Home" ? 0 : event.key === "End" ? rows.length - 1
      : Math.max(0, Math.min(rows.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)));
    const row = rows[next];
    if (row) traces.selectTrace(row.row.trace.traceId);
  }

  return (
    <VirtualList
      class="trace-list" role="listbox" label="Traces" items={items} rowHeight={ROW_HEIGHT} scrollToIndex={index}
      onKeyDown={onKeyDown} activeId={selected ? `trace-${selected}` : undefined}
      renderRow={(item, _i, style) => {
        if (item.type === "conversation") return <ConversationHeader key={itemKey(item)} conversation={item.conversation} shown={item.shown} style={style} />;
        const { trace, summary } = item.row;
        const { tokens, cost } = rowNumbers(summary);
        const steps = stepsText(summary);
        const models = summary.models.join(", ");
        return (
          <div
            key={itemKey(item)} id={`trace-${trace.traceId}`} role="option" aria-selected={trace.traceId === selected}
            class={`trace-row ${trace.traceId === selected ? "is-selected" : ""} ${summary.errors ? "has-error" : ""} ${summary.plain ? "is-plain" : ""} ${item.turn ? "is-turn" : ""} ${trace.traceId === second ? "is-second" : ""}`}
            style={style} onClick={(e) => (compare && (e.ctrlKey || e.metaKey) ? compare.toggleSecond(sideOfTrace(trace, source)) : traces.selectTrace(trace.traceId))} data-trace-id={trace.traceId}
          >
            <div class="trace-line">
              {/* Plain page requests get a neutral dot: the coloured ones stand for model work. */}
              {item.turn ? <span class="turn-number" title={`Turn ${item.turn} of ${item.of}`}>{item.turn}</span>
                : <span class={`kind-dot ${summary.plain ? "is-plain" : `kind-${trace.roots[0]?.span.kind ?? "http"}`}`} />}
              {/* A turn is named by what it asked; the user action that sent it stays in the tooltip. */}
              <span class="trace-name" title={item.question ? `${item.question}\n${summary.name}` : summary.name}>{item.question ?? summary.name}</span>
              {trace.traceId === second && <span class="badge badge-compare" title="Picked to compare with the selected trace">compare</span>}
              {compare && <BaselineDelta compare={compare} trace={trace} source={source} />}
              <ReviewMark trace={trace} />
              {summary.errors > 0 && <span class="badge badge-error" title={`${summary.errors} failed`}>{summary.errors} error{summary.errors > 1 ? "s" : ""}</span>}
              {summary.durationMs === undefined ? <span class="trace-live" title="in flight">live</span> : <span class="trace-duration">{formatDuration(summary.durationMs)}</span>}
            </div>
            {(models || tokens || cost) && (
              <div class="trace-meta">
                {models && <span class="trace-models" title={models}>{models}</span>}
                {tokens && <span class="trace-tokens" title="input → output tokens, as the provider reported them">{tokens}</span>}
                {cost && <span class="trace-cost" title="estimated cost from the price table">{cost}</span>}
              </div>
            )}
            <div class="trace-meta">
              {steps && <span class="trace-steps" title={steps}>{steps}</span>}
              <span class="trace-time" title="started">{formatClock(summary.startTime, false)}</span>
            </div>
          </div>
        );
      }}
    />
  );
}
