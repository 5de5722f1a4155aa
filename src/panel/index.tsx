/**
 * Panel entry. Inside DevTools the inspected tab comes from devtools.inspectedWindow; opened
 * as a page (tests, "open in window") it comes from ?tabId=N.
 */
import browser from "webextension-polyfill";
import { render } from "preact";
import { App } from "./App";
import { connect } from "./connection";
import { createSelection } from "./state/selection";
import { createSpanStore } from "./state/spans";
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
  const spans = createSpanStore(connection);
  const selection = createSelection(connection, spans);
  const inDevtools = typeof browser.devtools?.inspectedWindow?.tabId === "number";
  const openInWindow = inDevtools
    ? () => void browser.windows.create({ url: browser.runtime.getURL(`panel.html?tabId=${tabId}`), type: "popup", width: 1000, height: 700 })
    : undefined;
  document.documentElement.dataset.tabId = String(tabId);
  render(<App tabId={tabId} spans={spans} selection={selection} connection={connection} openInWindow={openInWindow} />, root);
}
