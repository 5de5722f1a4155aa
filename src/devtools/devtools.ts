/**
 * DevTools page: adds the "LLM Traces" panel (Chrome DevTools and Firefox's toolbox), and keeps
 * a port open to the background for as long as DevTools is open on the tab: sites recorded
 * only while DevTools is open are recorded exactly then. The port is reopened whenever the
 * background worker restarts.
 */
import browser from "webextension-polyfill";

void browser.devtools.panels.create("LLM Traces", "icons/icon-32.png", "panel.html");

const tabId = browser.devtools.inspectedWindow.tabId;

function keepOpen(delay = 50): void {
  const port = browser.runtime.connect({ name: `devtools:${tabId}` });
  port.onDisconnect.addListener(() => setTimeout(() => keepOpen(Math.min(delay * 2, 2000)), delay));
}

keepOpen();
