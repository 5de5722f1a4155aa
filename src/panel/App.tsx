import type { Connection } from "./connection";
import { SpanDetail } from "./components/SpanDetail";
import { SpanTable } from "./components/SpanTable";
import type { Selection } from "./state/selection";
import type { SpanStore } from "./state/spans";

export interface AppProps {
  tabId: number;
  spans: SpanStore;
  selection: Selection;
  connection: Connection;
  /** Set when running inside DevTools, where "open in window" makes sense. */
  openInWindow?: () => void;
}

export function App({ spans, selection, openInWindow }: AppProps) {
  const list = spans.list.value;
  const selectedId = selection.selectedId.value;
  const selected = selectedId ? spans.byId.value.get(selectedId) : undefined;
  return (
    <div class="app">
      <div class="toolbar" role="toolbar" aria-label="Panel actions">
        <button type="button" aria-label="Clear" title="Clear this tab's spans" onClick={() => void spans.clear()}>
          Clear
        </button>
        {openInWindow && (
          <button type="button" aria-label="Open in window" title="Open this panel in its own window" onClick={openInWindow}>
            Open in window
          </button>
        )}
        <span class="spacer" />
        <span class="count" aria-live="polite">
          {spans.loadState.value === "connecting" ? "Connecting…" : spans.loadState.value === "error" ? `Error: ${spans.loadError.value}` : `${list.length} spans`}
        </span>
      </div>
      <div class={`main ${selected ? "has-detail" : ""}`}>
        <div class="list-pane">
          {list.length === 0 ? (
            <div class="empty">
              <p><strong>Recording model calls.</strong></p>
              <p>Every fetch and XMLHttpRequest this page makes appears here as it happens, streamed responses included.</p>
            </div>
          ) : (
            <SpanTable spans={list} selection={selection} />
          )}
        </div>
        {selected && (
          <div class="detail-pane">
            <button type="button" class="close" aria-label="Close detail" onClick={() => (selection.selectedId.value = undefined)}>×</button>
            <SpanDetail span={selected} exchange={selection.exchange.value} />
          </div>
        )}
      </div>
    </div>
  );
}
