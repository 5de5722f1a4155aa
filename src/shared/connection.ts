/**
 * An extension page's line to the background: a runtime Port, reopened whenever the worker goes
 * away, with typed calls over it (RpcMap) and a stream of pushes (PushMap). The pages' UI never
 * touches extension APIs itself; it gets a Connection.
 */
import browser, { type Runtime } from "webextension-polyfill";
import { isPush, isRpcResponse, rpcRequest, type Push, type RpcMethod, type RpcParams, type RpcResult } from "./messages";

const CALL_TIMEOUT_MS = 15_000;
const RECONNECT_MIN_MS = 50;
const RECONNECT_MAX_MS = 2000;

export interface Connection {
  call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResult<M>>;
  /** Called with every push, and with `null` each time the line is (re)opened: reload then. */
  subscribe(listener: (push: Push | null) => void): () => void;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** `name`: panelPortName(tabId) for a panel, SETTINGS_PORT for the settings page. */
export function connect(name: string): Connection {
  let port: Runtime.Port | undefined;
  let nextId = 1;
  let closed = false;
  let delay = 0;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(push: Push | null) => void>();

  function open(): void {
    if (closed) return;
    const p = browser.runtime.connect({ name });
    port = p;
    p.onMessage.addListener((message: unknown) => {
      delay = 0;
      if (isRpcResponse(message)) {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        clearTimeout(call.timer);
        if (message.error !== undefined) call.reject(new Error(message.error));
        else call.resolve(message.result);
      } else if (isPush(message)) {
        for (const l of listeners) l(message);
      }
    });
    p.onDisconnect.addListener(() => {
      port = undefined;
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        call.reject(new Error("disconnected"));
        pending.delete(id);
      }
      if (closed) return;
      delay = Math.min(RECONNECT_MAX_MS, delay ? delay * 2 : RECONNECT_MIN_MS);
      setTimeout(open, delay);
    });
    for (const l of listeners) l(null);
  }

  function call<M extends RpcMethod>(method: M, params: RpcParams<M>): Promise<RpcResult<M>> {
    return new Promise((resolve, reject) => {
      if (!port) return reject(new Error("disconnected"));
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, CALL_TIMEOUT_MS);
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      port.postMessage(rpcRequest(id, method, params));
    });
  }

  open();
  return {
    call,
    subscribe(listener) {
      listeners.add(listener);
      if (port) listener(null);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      port?.disconnect();
    },
  };
}
