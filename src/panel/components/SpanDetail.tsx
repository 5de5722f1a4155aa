/**
 * The span detail pane: a header, then the tabs that apply to the span's kind. The chosen tab
 * is remembered across selections; tool calls and results link across the trace's spans.
 * Every captured string is rendered as text (Preact text nodes), never as markup.
 */
import type { ComponentChildren, JSX } from "preact";
import { useMemo } from "preact/hooks";
import type { Exchange, SpanRecord } from "../../core/contract";
import type { Trace } from "../../core/query";
import type { DetailStore } from "../state/detail";
import type { ReviewStore } from "../state/review";
import { isTraceRoot } from "../detail-model/trace-overview";
import { chooseTab, rootTabs, tabsFor } from "../detail-model/tabs";
import type { TabId } from "../detail-model/tabs";
import { AttributesTab } from "./detail/AttributesTab";
import { ChatTab, type ChatConversation } from "./detail/ChatTab";
import { CompareWith, type CompareWithProps } from "./detail/CompareWith";
import { DetailHeader } from "./detail/DetailHeader";
import { DetailContext } from "./detail/detail-context";
import { DocumentsTab } from "./detail/DocumentsTab";
import { ReviewBar } from "./detail/ReviewBar";
import { SpanExchange } from "./detail/MediaPart";
import { RequestTab, ResponseTab } from "./detail/HttpTabs";
import { SummaryTab } from "./detail/SummaryTab";
import { MessagesTab } from "./detail/MessagesTab";
import { OutputTab } from "./detail/OutputTab";
import { panelDomId, TabStrip, tabDomId } from "./detail/TabStrip";
import { TimingTab } from "./detail/TimingTab";
import { ToolCallTab } from "./detail/ToolCallTab";
import { makeToolNav, ToolNavContext } from "./detail/tool-nav";
import { ToolsTab } from "./detail/ToolsTab";
import { UsageTab } from "./detail/UsageTab";

export interface SpanDetailProps {
  span: SpanRecord;
  /** What the pane keeps across selections (state/detail.ts). */
  detail: DetailStore;
  /** undefined: loading; null: no HTTP data, or no longer stored. */
  exchange: Exchange | null | undefined;
  /** Where the span's media payloads are: `exchange`, or a live response's session (state/selection.ts). */
  mediaExchange?: Exchange | null | undefined;
  /** The span's trace: links between tool calls and results, and a root's summary and chat. */
  trace: Trace<SpanRecord> | undefined;
  /** The conversation the trace is a turn of, for the root's chat. */
  conversation?: ChatConversation | undefined;
  onSelectSpan(spanId: string): void;
  /** Model calls: what "Compare with…" offers. */
  compareWith?: CompareWithProps | undefined;
  /** Model calls of the live tab: open the request in the replay editor. */
  onEditAndResend?: (() => void) | undefined;
  /** Model calls: "Add to dataset" (docs/DESIGN.md, "Datasets"). */
  addToDataset?: ComponentChildren;
  /** Reviews: the bar under the header (absent: no bar). */
  review?: ReviewStore | undefined;
}

interface TabProps {
  tab: TabId;
  span: SpanRecord;
  exchange: Exchange | null | undefined;
  spans: readonly SpanRecord[];
  trace: Trace<SpanRecord> | undefined;
  conversation: ChatConversation | undefined;
  onSelectSpan(spanId: string): void;
}

function TabContent({ tab, span, exchange, spans, trace, conversation, onSelectSpan }: TabProps) {
  switch (tab) {
    case "summary":
      return trace ? <SummaryTab trace={trace} onSelectSpan={onSelectSpan} /> : null;
    case "chat":
      return trace ? <ChatTab trace={trace} conversation={conversation} onSelectSpan={onSelectSpan} /> : null;
    case "messages":
      return <MessagesTab span={span} />;
    case "output":
      return <OutputTab span={span} />;
    case "tools":
      return <ToolsTab span={span} />;
    case "documents":
      return <DocumentsTab span={span} />;
    case "call":
      return <ToolCallTab span={span} />;
    case "usage":
      return <UsageTab span={span} exchange={exchange} />;
    case "timing":
      return <TimingTab span={span} exchange={exchange} traceSpans={spans} />;
    case "request":
      return <RequestTab exchange={exchange} />;
    case "response":
      return <ResponseTab exchange={exchange} />;
    case "attributes":
      return <AttributesTab span={span} />;
  }
}

/** Whether a model call of the trace recorded messages. */
const hasMessages = (spans: readonly SpanRecord[]) => spans.some((s) => (s.kind === "llm" || s.kind === "agent") && (s.attributes["gen_ai.input.messages"] !== undefined || s.attributes["gen_ai.output.messages"] !== undefined));

export function SpanDetail({ span, detail, exchange, mediaExchange = exchange, trace, conversation, onSelectSpan, compareWith, onEditAndResend, addToDataset, review }: SpanDetailProps): JSX.Element {
  const root = isTraceRoot(span, trace);
  const tabs = useMemo(() => {
    const own = tabsFor(span);
    if (!root || !trace) return own;
    return rootTabs(span, own, trace.spans.length, hasMessages(trace.spans) || conversation !== undefined);
  }, [span, root, trace, conversation !== undefined]);
  const active = chooseTab(tabs, detail.rememberedTab.value);
  // The trace as the links should see it: with this (possibly newer) copy of the span in it.
  const spans = useMemo(() => {
    const others = (trace?.spans ?? []).filter((s) => s.spanId !== span.spanId);
    return [...others, span];
  }, [trace, span]);
  const nav = useMemo(() => makeToolNav(span, spans, onSelectSpan, detail), [span, spans, onSelectSpan, detail]);
  return (
    <section class="span-detail" aria-label={`Span detail: ${span.name}`}>
      <DetailHeader span={span} exchange={exchange}>
        {onEditAndResend && <button type="button" onClick={onEditAndResend} title="Edit this call's request and send it again from the page">Edit and resend</button>}
        {compareWith && <CompareWith span={span} {...compareWith} />}
        {addToDataset}
      </DetailHeader>
      {review && <ReviewBar key={span.spanId} span={span} review={review} />}
      <TabStrip tabs={tabs} active={active} onSelect={(id) => (detail.rememberedTab.value = id)} />
      <DetailContext.Provider value={detail}>
      <ToolNavContext.Provider value={nav}>
        {/* Keyed by span and tab: a new selection starts collapsed and scrolled to the top. */}
        <div class="dt-panel" role="tabpanel" id={panelDomId(active)} aria-labelledby={tabDomId(active)} tabIndex={0} key={`${span.spanId}:${active}`}>
          <SpanExchange.Provider value={{ exchange: mediaExchange }}>
            <TabContent tab={active} span={span} exchange={exchange} spans={spans} trace={trace} conversation={root ? conversation : undefined} onSelectSpan={onSelectSpan} />
          </SpanExchange.Provider>
        </div>
      </ToolNavContext.Provider>
      </DetailContext.Provider>
    </section>
  );
}
