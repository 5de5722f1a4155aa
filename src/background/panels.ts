/**
 * Open panels, by the tab they inspect: their typed RPC (every call scoped to that tab) and
 * the live pushes after each commit. Only extension pages may connect; a content script (and
 * so a web page) cannot open a panel port, read spans or clear them.
 */
import browser, { type Runtime } from "webextension-polyfill";
import type { SpanRecord } from "../core/records";
import { assembleExchange } from "../core/ingest";
import {
  isRpcRequest, rpcResponse, spansChanged, tabCleared, tabIdOfPanelPort,
  type PanelPush, type PanelRpc, type RpcRequest,
} from "../shared/messages";
import { deleteSpans, deleteTabEvents, listSpans, readExchange, spanIdsOfTab } from "./store";
import { isRecording, setRecording } from "./recording";

const ports = new Map<number, Set<Runtime.Port>>();

function fromExtensionPage(port: Runtime.Port): boolean {
  const sender = port.sender;
  return sender?.id === browser.runtime.id && typeof sender.url === "string" && sender.url.startsWith(browser.runtime.getURL(""));
}

type Handlers = { [M in keyof PanelRpc]: (tabId: number, params: Parameters<PanelRpc[M]>[0]) => Promise<ReturnType<PanelRpc[M]>> };

const handlers: Handlers = {
  listSpans: (tabId) => listSpans(tabId),
  async getExchange(tabId, { id }) {
    const stored = typeof id === "string" ? await readExchange(id) : undefined;
    return stored && stored.record.tabId === tabId ? assembleExchange(stored.record, stored.chunks) : null;
  },
  async clearTab(tabId) {
    const removed = await deleteSpans(await spanIdsOfTab(tabId));
    await deleteTabEvents(tabId);
    push(tabId, tabCleared());
    return { removed };
  },
  getRecording: async (tabId) => ({ recording: await isRecording(tabId) }),
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
  for (const port of ports.get(tabId) ?? []) {
    try {
      port.postMessage(message);
    } catch {
      // disconnected; onDisconnect cleans up
    }
  }
}

export function notifySpans(tabId: number, spans: SpanRecord[], removed: string[] = []): void {
  if (spans.length > 0 || removed.length > 0) push(tabId, spansChanged(spans, removed));
}
