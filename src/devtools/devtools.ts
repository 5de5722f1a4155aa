/**
 * DevTools page: adds the "LLM Traces" panel (Chrome DevTools and Firefox's toolbox), and keeps
 * a port open to the background for as long as DevTools is open on the tab: sites recorded
 * only while DevTools is open are recorded exactly then. The port is reopened whenever the
 * background worker restarts.
 *
 * Over that port it also hands the background the calls of the tab that the page hook cannot
 * see (a worker's fetch), from the browser's network log (docs/DESIGN.md, "Calls from workers").
 */
import browser, { type Runtime } from "webextension-polyfill";
import { isUnhookedCall } from "../core/files";
import { networkEntryMessage } from "../shared/messages";

void browser.devtools.panels.create("LLM Traces", "icons/icon-32.png", "panel.html");

const tabId = browser.devtools.inspectedWindow.tabId;
/** A body beyond this is not sent whole (runtime messages are serialised as JSON); the background caps it further. */
const MAX_CONTENT_CHARS = 8 * 1024 * 1024;

let port: Runtime.Port | undefined;

function keepOpen(delay = 50): void {
  const opened = browser.runtime.connect({ name: `devtools:${tabId}` });
  port = opened;
  opened.onDisconnect.addListener(() => {
    if (port === opened) port = undefined;
    setTimeout(() => keepOpen(Math.min(delay * 2, 2000)), delay);
  });
}

keepOpen();

interface NetworkRequest {
  getContent(callback?: (content: string, encoding: string) => void): Promise<unknown> | void;
}

/**
 * The body as [text, encoding]. Chrome answers a callback (content, encoding); Firefox a promise
 * of [content, mimeType]: only "base64" is an encoding.
 */
function contentOf(request: NetworkRequest): Promise<[string | undefined, string | undefined]> {
  return new Promise((resolve) => {
    const answered = request.getContent((content, encoding) => resolve([content, encoding]));
    if (answered && typeof (answered as Promise<unknown>).then === "function") {
      (answered as Promise<unknown>).then((got) => {
        const [content, second] = Array.isArray(got) ? (got as unknown[]) : [got];
        resolve([typeof content === "string" ? content : undefined, second === "base64" ? "base64" : undefined]);
      }, () => resolve([undefined, undefined]));
    }
  });
}

// The browser's own event, not the polyfill's wrapper (which hands a Proxy and loses getContent's second argument).
const network = ((globalThis as unknown as { chrome?: { devtools?: typeof browser.devtools } }).chrome?.devtools ?? browser.devtools).network;
network.onRequestFinished.addListener((request) => {
  // Most of a tab's requests are the page's own (seen by the hook) or not calls at all: only
  // the rest cost a getContent and a message. Firefox's log does not say which calls are the
  // page's: all its fetches and XHRs go, and the background keeps only those the hook did not see.
  if (!isUnhookedCall(request)) return;
  void (async () => {
    let content: string | undefined;
    let encoding: string | undefined;
    try {
      [content, encoding] = await contentOf(request as unknown as NetworkRequest);
    } catch {
      // no body to read (a failed request): the entry still says what happened
    }
    if (typeof content === "string" && content.length > MAX_CONTENT_CHARS) content = content.slice(0, MAX_CONTENT_CHARS);
    try {
      // A plain copy, without getContent.
      const entry: unknown = JSON.parse(JSON.stringify(request));
      port?.postMessage(networkEntryMessage(entry, content ?? undefined, encoding || undefined));
    } catch {
      // the worker is restarting: this entry is lost, as the Network panel would have it
    }
  })();
});
