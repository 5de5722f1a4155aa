/**
 * Panel entry. Inside DevTools the inspected tab comes from devtools.inspectedWindow; opened
 * as a page (tests, "open in window") it comes from ?tabId=N.
 */
import browser from "webextension-polyfill";
import { render } from "preact";
import { signal } from "@preact/signals";
import { App } from "./App";
import { connect } from "./connection";
import { createHost } from "./host";
import { userPrices } from "./components/detail/detail-state";
import { createCompareStore, sideOfSpan } from "./state/compare";
import { createReplayStore } from "./state/replay";
import { createExchangeLoader } from "./state/selection";
import { createSpanStore } from "./state/spans";
import { createTraceStore } from "./state/traces";
import { applyTheme } from "./theme";

function inspectedTabId(): number | undefined {
  const fromDevtools = browser.devtools?.inspectedWindow?.tabId;
  if (typeof fromDevtools === "number") return fromDevtools;
  const fromUrl = Number(new URLSearchParams(location.search).get("tabId"));
  return Number.isInteger(fromUrl) && fromUrl >= 0 ? fromUrl : undefined;
}

const root = document.getElementById("root")!;
const tabId = inspectedTabId();
applyTheme();
if (tabId === undefined) {
  root.textContent = "No tab to inspect: open this panel from DevTools, or as panel.html?tabId=N.";
} else {
  const connection = connect(tabId);
  const spans = createSpanStore(connection, signal<number | undefined>(undefined));
  const traces = createTraceStore(spans);
  const exchange = createExchangeLoader(connection, traces, spans.session);
  document.documentElement.dataset.tabId = String(tabId);
  const compare = createCompareStore(userPrices);
  // One send of an edited call opens original against replay; several show their spread in the editor.
  const replay = createReplayStore(connection, spans, exchange.exchange, (original, replays) => {
    if (replays.length === 1) compare.compare(sideOfSpan(original, "original"), sideOfSpan(replays[0]!, "replay"), "spans", true);
  });
  render(<App spans={spans} traces={traces} exchange={exchange} compare={compare} replay={replay} connection={connection} host={createHost(tabId)} />, root);
}
