/**
 * Open panels, by the tab they inspect: their typed RPC (every call scoped to that tab) and
 * the live pushes after each commit. Only extension pages may connect; a content script (and
 * so a web page) cannot open a panel port, read spans or clear them.
 */
import browser, { type Runtime } from "webextension-polyfill";
import { isPlaced } from "../core/assembly";
import type { SpanRecord } from "../core/contract";
import { assembleExchange } from "../core/capture";
import {
  isRpcRequest, rpcResponse, spansChanged, tabCleared, tabIdOfPanelPort,
  type PanelPush, type PanelRpc, type RpcRequest,
} from "../shared/messages";
import { deleteSpans, deleteTabEvents, listSpans, readExchanges, spanIdsOfTab, type StoredExchange } from "./store";
import { SESSION_TAB, importBatch, listSessions, removeSession, sessionDb } from "./sessions";
import { isRecording, setRecording } from "./recording";
import { setSiteCapture, siteState } from "./scope";
import { healthOf, storageNotices } from "./health";
import { coalescer } from "./coalesce";

const ports = new Map<number, Set<Runtime.Port>>();
/** Span updates go to a tab's panels at most this often (each makes a panel re-derive its list). */
const PUSH_INTERVAL_MS = 200;
const updates = coalescer((tabId, spans, removed) => push(tabId, spansChanged(spans, removed)), PUSH_INTERVAL_MS);

function fromExtensionPage(port: Runtime.Port): boolean {
  const sender = port.sender;
  return sender?.id === browser.runtime.id && typeof sender.url === "string" && sender.url.startsWith(browser.runtime.getURL(""));
}

type Handlers = { [M in keyof PanelRpc]: (tabId: number, params: Parameters<PanelRpc[M]>[0]) => Promise<ReturnType<PanelRpc[M]>> };

/** Where a call reads: the port's live tab, or an imported session's own database. */
async function scope(tabId: number, params: { session?: unknown }): Promise<{ tabId: number; db?: string }> {
  if (params.session === undefined) return { tabId };
  const db = await sessionDb(params.session);
  if (!db) throw new Error("no such imported session");
  return { tabId: SESSION_TAB, db };
}

function exchangesOf(stored: (StoredExchange | undefined)[], tabId: number) {
  return stored.map((s) => (s && s.record.tabId === tabId ? assembleExchange(s.record, s.chunks) : null));
}

const MAX_IDS_PER_CALL = 500;

const handlers: Handlers = {
  async listSpans(tabId, params) {
    const where = await scope(tabId, params);
    const count = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? n : undefined);
    const newest = count(params.newest);
    const until = count(params.until);
    return listSpans(where.tabId, where.db, { ...(newest !== undefined ? { newest: Math.max(1, Math.floor(newest)) } : {}), ...(until !== undefined ? { until } : {}) });
  },
  async getExchange(tabId, params) {
    const where = await scope(tabId, params);
    return typeof params.id === "string" ? exchangesOf(await readExchanges([params.id], where.db), where.tabId)[0]! : null;
  },
  async getExchanges(tabId, params) {
    const where = await scope(tabId, params);
    const ids = Array.isArray(params.ids) ? params.ids.filter((id): id is string => typeof id === "string").slice(0, MAX_IDS_PER_CALL) : [];
    return exchangesOf(await readExchanges(ids, where.db), where.tabId);
  },
  listSessions: () => listSessions(),
  importBatch: (_tabId, params) => importBatch(params),
  async removeSession(_tabId, { session }) {
    await removeSession(session);
    return { removed: true };
  },
  async clearTab(tabId) {
    const removed = await deleteSpans(await spanIdsOfTab(tabId));
    await deleteTabEvents(tabId);
    push(tabId, tabCleared());
    return { removed };
  },
  getRecording: async (tabId) => ({ recording: await isRecording(tabId) }),
  getSiteState: (tabId) => siteState(tabId),
  getHealth: async (tabId, { since }) => ({ dropped: healthOf(tabId), notices: await storageNotices(typeof since === "number" ? since : 0) }),
  setSiteCapture: (tabId, { capture }) => setSiteCapture(tabId, capture === true ? true : capture === false ? false : null),
  setRecording: async (tabId, { recording }) => ({ recording: await setRecording(tabId, recording === true) }),
};

async function answer(port: Runtime.Port, tabId: number, request: RpcRequest): Promise<void> {
  let reply;
  try {
    const handler = handlers[request.method] as (tabId: number, params: unknown) => Promise<unknown>;
    reply = rpcResponse(request.id, { result: await handler(tabId, request.params) });
  } catch (error) {
    reply = rpcResponse(request.id, { error: error instanceof Error ? error.message : String(error) });
  }
  try {
    port.postMessage(reply);
  } catch {
    // the panel closed meanwhile
  }
}

export function acceptPanel(port: Runtime.Port): boolean {
  const tabId = tabIdOfPanelPort(port.name);
  if (tabId === undefined) return false;
  if (!fromExtensionPage(port)) {
    port.disconnect();
    return true;
  }
  let set = ports.get(tabId);
  if (!set) ports.set(tabId, (set = new Set()));
  set.add(port);
  port.onMessage.addListener((message: unknown) => {
    if (isRpcRequest(message)) void answer(port, tabId, message);
  });
  port.onDisconnect.addListener(() => {
    set.delete(port);
    if (set.size === 0) ports.delete(tabId);
  });
  return true;
}

function push(tabId: number, message: PanelPush): void {
  if (message.type === "tab-cleared") updates.drop(tabId);
  for (const port of ports.get(tabId) ?? []) {
    try {
      port.postMessage(message);
    } catch {
      // disconnected; onDisconnect cleans up
    }
  }
}

/** All data was cleared: every open panel forgets what it shows. */
export function notifyAllCleared(): void {
  for (const tabId of ports.keys()) push(tabId, tabCleared());
}

/**
 * Panels are sent a span once it stands where assembly put it: one stored in a provisional place
 * (ingest stores it before its trace is known) comes with the run that places it, a moment
 * later, so a panel sees each change once and never a trace that is about to dissolve.
 */
export function notifySpans(tabId: number, spans: SpanRecord[], removed: string[] = []): void {
  if (ports.has(tabId)) updates.add(tabId, spans.filter(isPlaced), removed);
}
