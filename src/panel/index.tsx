/**
 * Panel entry. Inside DevTools the inspected tab comes from devtools.inspectedWindow; opened
 * as a page (tests, "open in window") it comes from ?tabId=N.
 */
import browser from "webextension-polyfill";
import { render } from "preact";
import { signal } from "@preact/signals";
import { App } from "./App";
import { connect } from "./connection";
import { NoTab } from "./components/NoTab";
import { createHost } from "./host";
import { tabIdFromSearch } from "./tab-id";
import { createCompareStore, sideOfSpan } from "./state/compare";
import { createRunStore } from "./state/dataset-run";
import { createDatasetStore } from "./state/datasets";
import { createDetailStore } from "./state/detail";
import { createHealthStore } from "./state/health";
import { createLayoutStore } from "./state/layout";
import { createNoticeStore } from "./state/notices";
import { createPricesStore } from "./state/prices";
import { createRecordingStore } from "./state/recording";
import { createReplayStore } from "./state/replay";
import { createReviewStore } from "./state/review";
import { createExchangeLoader } from "./state/selection";
import { createSessionsStore } from "./state/sessions";
import { createSiteStore } from "./state/site";
import { createSpanStore } from "./state/spans";
import { createTraceStore } from "./state/traces";
import { applyTheme } from "./theme";

function inspectedTabId(): number | undefined {
  const fromDevtools = browser.devtools?.inspectedWindow?.tabId;
  if (typeof fromDevtools === "number") return fromDevtools;
  // Without ?tabId= there is no tab: not tab 0 (Number(null)), which would record nothing forever.
  return tabIdFromSearch(location.search);
}

const root = document.getElementById("root")!;
const tabId = inspectedTabId();
applyTheme();
if (tabId === undefined) {
  render(<NoTab />, root);
} else {
  const connection = connect(tabId);
  const spans = createSpanStore(connection, signal<number | undefined>(undefined));
  const traces = createTraceStore(spans);
  const exchange = createExchangeLoader(connection, traces, spans.session);
  document.documentElement.dataset.tabId = String(tabId);
  const prices = createPricesStore();
  const compare = createCompareStore(prices.table);
  // One send of an edited call opens original against replay; several show their spread in the editor.
  const replay = createReplayStore(connection, spans, exchange.exchange, (original, replays) => {
    if (replays.length === 1) compare.compare(sideOfSpan(original, "original"), sideOfSpan(replays[0]!, "replay"), "spans", true);
  });
  const datasets = createDatasetStore(connection, spans.session);
  const run = createRunStore(connection, spans.byId, prices.table, datasets);
  render(
    <App spans={spans} traces={traces} exchange={exchange} compare={compare} replay={replay} datasets={datasets} run={run} review={createReviewStore(connection, spans)} detail={createDetailStore(prices.table)} prices={prices}
      sessions={createSessionsStore(connection)} notices={createNoticeStore()} health={createHealthStore(connection)} site={createSiteStore(connection)}
      layout={createLayoutStore()} recording={createRecordingStore(connection)} connection={connection} host={createHost(tabId)} />,
    root,
  );
}
