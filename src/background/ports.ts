/**
 * The extension's open pages, each on a runtime Port: panels by the tab they inspect, and
 * settings pages. Every call on a port is answered from a handler table made for that port (a
 * panel's calls are scoped to its tab); pushes go to a tab's panels, or to every page. Only
 * extension pages may connect; a content script (and so a web page) cannot open a port, read
 * spans or clear them.
 */
import browser, { type Runtime } from "webextension-polyfill";
import { isPlaced } from "../core/assembly";
import type { SpanRecord } from "../core/contract";
import {
  SETTINGS_PORT, isRpcRequest, pushStatusChanged, rpcResponse, spansChanged, tabCleared, tabIdOfPanelPort,
  type Push, type RpcHandlers, type RpcRequest,
} from "../shared/messages";
import { coalescer } from "./coalesce";
import { withStoredReviews } from "./reviews";

/** Who is calling: a panel of this tab, or (no tab) the settings page. */
export interface Caller {
  tabId?: number;
}

const panels = new Map<number, Set<Runtime.Port>>();
const settingsPages = new Set<Runtime.Port>();
/** Span updates go to a tab's panels at most this often (each makes a panel re-derive its list). */
const PUSH_INTERVAL_MS = 200;
const updates = coalescer((tabId, spans, removed) => sendSpans(tabId, spans, removed), PUSH_INTERVAL_MS);
/** Per tab, the sends under way (one after the other) and how often its data was cleared. */
const sending = new Map<number, Promise<void>>();
const clears = new Map<number, number>();

/**
 * A tab's span changes go out with the spans' reviews as events (docs/DESIGN.md, "Review"),
 * read at send time: a span changed by assembly keeps its review in the panel. Sends stay in
 * order, and one whose tab was cleared while it read is dropped.
 */
function sendSpans(tabId: number, spans: SpanRecord[], removed: string[]): void {
  const cleared = clears.get(tabId) ?? 0;
  const next = (sending.get(tabId) ?? Promise.resolve())
    .then(() => withStoredReviews(spans, { tabId }).catch(() => spans))
    .then((reviewed) => {
      if ((clears.get(tabId) ?? 0) === cleared) pushToTab(tabId, spansChanged(reviewed, removed));
    });
  sending.set(tabId, next);
  void next.finally(() => {
    if (sending.get(tabId) === next) sending.delete(tabId);
  });
}

function fromExtensionPage(port: Runtime.Port): boolean {
  const sender = port.sender;
  return sender?.id === browser.runtime.id && typeof sender.url === "string" && sender.url.startsWith(browser.runtime.getURL(""));
}

async function answer(port: Runtime.Port, handlers: RpcHandlers, request: RpcRequest): Promise<void> {
  let reply;
  try {
    const handler = handlers[request.method] as (params: unknown) => Promise<unknown>;
    reply = rpcResponse(request.id, { result: await handler(request.params) });
  } catch (error) {
    reply = rpcResponse(request.id, { error: error instanceof Error ? error.message : String(error) });
  }
  send(port, reply);
}

function send(port: Runtime.Port, message: unknown): void {
  try {
    port.postMessage(message);
  } catch {
    // the page closed meanwhile; onDisconnect cleans up
  }
}

/**
 * A panel's or the settings page's port: answered from `handlersFor` its caller. Any other
 * port is not ours to take (false); a port of ours from anywhere but an extension page is cut.
 */
export function acceptPage(port: Runtime.Port, handlersFor: (caller: Caller) => RpcHandlers): boolean {
  const tabId = tabIdOfPanelPort(port.name);
  if (tabId === undefined && port.name !== SETTINGS_PORT) return false;
  if (!fromExtensionPage(port)) {
    port.disconnect();
    return true;
  }
  let set = settingsPages;
  if (tabId !== undefined) {
    set = panels.get(tabId) ?? new Set();
    panels.set(tabId, set);
  }
  set.add(port);
  const handlers = handlersFor(tabId === undefined ? {} : { tabId });
  port.onMessage.addListener((message: unknown) => {
    if (isRpcRequest(message, handlers)) void answer(port, handlers, message);
  });
  port.onDisconnect.addListener(() => {
    set.delete(port);
    if (tabId !== undefined && set.size === 0) panels.delete(tabId);
  });
  return true;
}

export function pushToTab(tabId: number, message: Push<"spans-changed" | "tab-cleared">): void {
  if (message.type === "tab-cleared") {
    updates.drop(tabId);
    clears.set(tabId, (clears.get(tabId) ?? 0) + 1);
  }
  for (const port of panels.get(tabId) ?? []) send(port, message);
}

/** To every open page, panels and settings alike. */
export function pushToAll(message: Push<"push-status" | "session-spans-changed">): void {
  for (const set of [...panels.values(), settingsPages]) for (const port of set) send(port, message);
}

/** All data was cleared: every open panel forgets what it shows, every page the push status. */
export function notifyAllCleared(): void {
  for (const tabId of panels.keys()) pushToTab(tabId, tabCleared());
  pushToAll(pushStatusChanged(null));
}

/**
 * Panels are sent a span once it stands where assembly put it: one stored in a provisional place
 * (ingest stores it before its trace is known) comes with the run that places it, a moment
 * later, so a panel sees each change once and never a trace that is about to dissolve.
 */
export function notifySpans(tabId: number, spans: SpanRecord[], removed: string[] = []): void {
  if (panels.has(tabId)) updates.add(tabId, spans.filter(isPlaced), removed);
}
