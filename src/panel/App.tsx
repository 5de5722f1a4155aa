/**
 * The panel: toolbar; trace list on the left; the selected trace's waterfall and the selected
 * span's detail on the right. Panes are resizable and stack in a narrow docked DevTools.
 */
import { useSignal } from "@preact/signals";
import { useEffect, useMemo, useRef } from "preact/hooks";
import type { Connection } from "./connection";
import type { PanelHost } from "./host";
import { FileActions, NoticeBar, importFiles } from "./components/FileActions";
import { SpanDetail } from "./components/SpanDetail";
import { HealthNotices } from "./components/HealthNotices";
import { SiteToggle } from "./components/SiteToggle";
import { count } from "./format";
import { filterHint } from "./state/filter-hint";
import { Splitter } from "./components/Splitter";
import { Toolbar } from "./components/Toolbar";
import { CompareBar } from "./components/CompareBar";
import { CompareView } from "./components/CompareView";
import { PromptVersions } from "./components/PromptVersions";
import { AddToDataset } from "./components/AddToDataset";
import { DatasetsView } from "./components/DatasetsView";
import { ReplayEditor } from "./components/ReplayEditor";
import { TraceList } from "./components/TraceList";
import { TurnNav } from "./components/TurnNav";
import { Waterfall } from "./components/Waterfall";
import { sideOfSpan, type CompareStore } from "./state/compare";
import type { RunStore } from "./state/dataset-run";
import type { DatasetStore } from "./state/datasets";
import type { DetailStore } from "./state/detail";
import type { HealthStore } from "./state/health";
import type { LayoutStore } from "./state/layout";
import type { NoticeStore } from "./state/notices";
import type { PricesStore } from "./state/prices";
import type { RecordingStore } from "./state/recording";
import type { ReplayStore } from "./state/replay";
import type { ReviewStore } from "./state/review";
import type { SessionsStore } from "./state/sessions";
import type { SiteStore } from "./state/site";
import type { ExchangeLoader } from "./state/selection";
import type { SpanStore } from "./state/spans";
import type { TraceStore } from "./state/traces";

export interface AppProps {
  spans: SpanStore;
  traces: TraceStore;
  exchange: ExchangeLoader;
  compare: CompareStore;
  replay: ReplayStore;
  datasets: DatasetStore;
  run: RunStore;
  review: ReviewStore;
  detail: DetailStore;
  prices: PricesStore;
  sessions: SessionsStore;
  notices: NoticeStore;
  health: HealthStore;
  site: SiteStore;
  layout: LayoutStore;
  recording: RecordingStore;
  connection: Connection;
  host: PanelHost;
}

const GROUP_KEY = "llm-traces.group-by-conversation";
const WATERFALL_ROW = 22;
const WATERFALL_CHROME = 24;
const TURN_NAV = 26;

const isTextField = (el: Element | null): boolean => el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || (el instanceof HTMLElement && el.isContentEditable);

function EmptyState({ onOpenSettings }: { onOpenSettings(): void }) {
  return (
    <div class="empty">
      <h2>Recording this page's model calls</h2>
      <p>Every call to a model API (OpenAI, Anthropic, Gemini, Ollama, OpenAI-compatible hosts, your own
        <code>/api/chat</code> streaming the Vercel AI SDK protocol), retrieval query and tool request appears here as it
        happens, grouped into one trace per user action: click, submit or Enter.</p>
      <p>Nothing to change in your app. To name or group work yourself, mark it (free without the extension):</p>
      <pre>{`performance.mark("llm-trace:start", { detail: { name: "answer question" } });
// ... your model calls ...
performance.mark("llm-trace:end");`}</pre>
      <p>A W3C <code>traceparent</code> header on your requests joins them to your backend's trace. API keys and cookies are
        removed before anything is stored. <button type="button" class="link" onClick={onOpenSettings}>Settings</button></p>
    </div>
  );
}

export function App({ spans, traces, exchange, compare, replay, datasets, run, review, detail, prices, sessions, notices, health, site, layout, recording, connection, host }: AppProps) {
  const dragging = useSignal(false);
  const filterRef = useRef<HTMLInputElement>(null);
  const detailRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    traces.groupByConversation.value = localStorage.getItem(GROUP_KEY) === "1";
    host.onNavigated(() => {
      if (!recording.preserveLog.value) traces.since.value = Date.now();
    });
    // Asked again whenever the line (re)opens or all data is cleared: Clear all resumes a paused tab.
    const stopWatching = connection.subscribe((push) => {
      if (push === null || push.type === "tab-cleared") recording.refresh();
    });
    void sessions.refresh();
    host.watchSettings((settings) => prices.setFromSettings(settings.prices));
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "f") {
        e.preventDefault();
        filterRef.current?.focus();
        filterRef.current?.select();
      } else if (e.key === "Escape" && (compare.open.value || compare.showVersions.value || replay.active.value) && !(e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement)) {
        if (compare.open.value) compare.close();
        else if (compare.showVersions.value) compare.showVersions.value = false;
        else replay.close();
      } else if (e.key === "Escape" && document.activeElement !== filterRef.current && traces.query.value) {
        traces.query.value = "";
      } else if ((e.key === "[" || e.key === "]") && !e.ctrlKey && !e.metaKey && !e.altKey && !isTextField(document.activeElement) && traces.selectedTurn.value) {
        e.preventDefault();
        traces.stepTurn(e.key === "[" ? -1 : 1);
      } else if ((e.key === "+" || e.key === "-") && !e.ctrlKey && !e.metaKey && !e.altKey && !isTextField(document.activeElement) && !(document.activeElement instanceof HTMLSelectElement) && traces.selectedSpan.value) {
        // Review the selected span: + good, - bad (docs/DESIGN.md, "Review").
        e.preventDefault();
        void review.toggleThumbs(traces.selectedSpan.value, e.key === "+" ? "up" : "down");
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      stopWatching();
    };
  }, []);

  // Follow the newest trace until the user picks one.
  const visible = traces.visible.value;
  useEffect(() => {
    if (!traces.selectedTraceId.value && visible[0]) traces.selectTrace(visible[0].trace.traceId);
  }, [visible[0]?.trace.traceId]);

  const hint = filterHint(traces.query.value);
  const span = traces.selectedSpan.value;
  const trace = traces.selectedTrace.value;
  const turn = traces.selectedTurn.value;
  const conversation = useMemo(() => turn && {
    turn: turn.turn,
    turns: turn.conversation.turns.map((t, i) => ({ traceId: t.trace.traceId, spans: t.trace.spans, ...(turn.conversation.questions[i] !== undefined && { question: turn.conversation.questions[i] }) })),
  }, [turn?.conversation, turn?.turn]);
  const total = spans.list.value.length;
  const status = spans.loadState.value === "connecting" ? "Connecting…"
    : spans.loadState.value === "error" ? `Error: ${spans.loadError.value}`
    : `${visible.length} of ${count(traces.traces.value.length, "trace")} · ${count(total, "span")}${spans.loadState.value === "loading" ? " · loading older…" : ""}`;

  async function clear(): Promise<void> {
    if (spans.session.value !== undefined) {
      spans.session.value = undefined;
      return;
    }
    await spans.clear();
    traces.selectTrace(undefined);
    traces.since.value = undefined;
  }

  const live = spans.session.value === undefined;
  return (
    <div
      class={`app ${dragging.value ? "is-dragging" : ""}`}
      onDragOver={(e) => { if (e.dataTransfer?.types.includes("Files")) { e.preventDefault(); dragging.value = true; } }}
      onDragLeave={(e) => { if (e.currentTarget === e.target) dragging.value = false; }}
      onDrop={(e) => {
        e.preventDefault();
        dragging.value = false;
        void importFiles([...(e.dataTransfer?.files ?? [])], { connection, spans, sessions, notices });
      }}
    >
      <Toolbar
        traces={traces} recording={recording.recording.value} onToggleRecording={() => void recording.toggle()}
        preserveLog={recording.preserveLog.value}
        onPreserveLog={recording.setPreserveLog}
        groupByConversation={traces.groupByConversation.value}
        onGroupByConversation={(v) => { traces.groupByConversation.value = v; localStorage.setItem(GROUP_KEY, v ? "1" : "0"); }}
        onClear={() => void clear()} onOpenInWindow={host.openInWindow} onOpenSettings={host.openOptions}
        filterRef={filterRef} status={live ? status : `imported · ${status}`}
        datasetsOpen={datasets.open.value} onToggleDatasets={() => (datasets.open.value = !datasets.open.value)}
      >
        {live && <SiteToggle site={site} host={host} hasSpans={total > 0} />}
        <FileActions connection={connection} spans={spans} sessions={sessions} notices={notices} traces={traces} host={host} version={host.version} />
      </Toolbar>
      <NoticeBar notices={notices} />
      <HealthNotices health={health} />
      {datasets.open.value ? <DatasetsView datasets={datasets} run={run} host={host} live={live} /> : <div class="main" style={{
        "--list-width": `${layout.sizes.value.listWidth}px`,
        "--waterfall-height": `${layout.sizes.value.waterfallHeight ?? Math.max(120, WATERFALL_CHROME + (traces.selectedTurn.value ? TURN_NAV : 0) + (traces.waterfallRows.value.length + 1) * WATERFALL_ROW)}px`,
      }}>
        <div class="list-pane">
          <CompareBar compare={compare} traces={traces} spans={spans} sessions={sessions} />
          {hint && <div class="filter-hint" role="status">{hint}</div>}
          {total === 0 && live ? <EmptyState onOpenSettings={host.openOptions} /> : total === 0 ? <div class="empty muted">This session has no spans.</div> : visible.length === 0
            ? <div class="empty muted">No trace matches the filter.</div>
            : <TraceList traces={traces} compare={compare} source={sessions.sourceLabel(spans.session.value)} />}
        </div>
        <Splitter vertical label="Resize trace list" onResize={layout.resizeList} />
        {compare.open.value ? <div class="right-pane is-compare"><CompareView key={`${compare.open.value.before.id}:${compare.open.value.after.id}`} compare={compare} /></div>
          : compare.showVersions.value ? <div class="right-pane is-compare"><PromptVersions compare={compare} spans={spans.list.value} source={sessions.sourceLabel(spans.session.value)} /></div>
          : replay.active.value ? <div class="right-pane is-compare"><ReplayEditor replay={replay} /></div> : <div class="right-pane">
          <div class="waterfall-pane">
            <TurnNav traces={traces} />
            <Waterfall traces={traces} onOpen={() => detailRef.current?.focus()} />
          </div>
          <Splitter vertical={false} label="Resize waterfall" onResize={layout.resizeWaterfall} />
          <div class="detail-pane" ref={detailRef} tabIndex={-1}>
            {span ? <SpanDetail span={span} detail={detail} review={review} exchange={exchange.exchange.value} mediaExchange={exchange.media.value} trace={trace} conversation={conversation} onSelectSpan={traces.selectSpan}
              onEditAndResend={span.kind === "llm" && live && span.exchangeId !== undefined ? () => replay.open(span) : undefined}
              addToDataset={span.kind === "llm" ? <AddToDataset key={span.spanId} datasets={datasets} span={span} trace={trace?.spans} filtered={() => traces.visible.value.flatMap((r) => r.trace.spans)} /> : undefined}
              compareWith={span.kind === "llm" ? { candidates: traces.traces.value, onPick: (other, name) => compare.compare(sideOfSpan(span, sessions.sourceLabel(spans.session.value), trace ? traces.visible.value.find((r) => r.trace === trace)?.summary.name : undefined), sideOfSpan(other, sessions.sourceLabel(spans.session.value), name), "spans") } : undefined} />
              : <div class="muted pad">Select a span to see its prompts, output, tokens and timing.</div>}
          </div>
        </div>}
      </div>}
      {dragging.value && <div class="drop-hint" aria-hidden="true">Drop a HAR or OTLP file to import it</div>}
    </div>
  );
}
