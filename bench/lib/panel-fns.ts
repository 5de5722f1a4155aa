/**
 * Functions run inside the panel page (self-contained, serialised by Playwright). Each waits
 * for the panel to show what was asked, then for the next frame to be painted: a
 * requestAnimationFrame callback runs just before the frame is painted, and a message posted
 * from it arrives just after.
 */

export interface FirstPaint {
  /** ms from navigation start: the first trace row is in the DOM */
  dom: number;
  /** ...and painted */
  paint: number;
  /** Arrivals of RPC answers (ms from navigation start) and their array sizes (-1: not an array). */
  rpc: { at: number; n: number }[];
  /** Panel script started (DOMContentLoaded), ms. */
  domContentLoaded: number;
  rows: number;
}

/** Init script for a panel page: records when the trace list first appears and is painted. */
export const firstPaintProbe = (): void => {
  const w = window as unknown as { __benchPaint?: FirstPaint };
  const rpc: FirstPaint["rpc"] = [];
  // Answers to the panel's RPC calls, seen as they arrive (our listener is added first).
  try {
    const runtime = (globalThis as unknown as { chrome: { runtime: { connect: (...a: unknown[]) => { onMessage: { addListener(l: (m: unknown) => void): void } } } } }).chrome.runtime;
    const connect = runtime.connect.bind(runtime);
    runtime.connect = (...a: unknown[]) => {
      const port = connect(...a);
      port.onMessage.addListener((m) => {
        const msg = m as { type?: string; result?: unknown } | null;
        if (msg?.type === "rpc-result") rpc.push({ at: performance.now(), n: Array.isArray(msg.result) ? msg.result.length : -1 });
      });
      return port;
    };
  } catch { /* the breakdown is optional */ }
  let seen = false;
  const check = () => {
    if (seen || !document.querySelector(".trace-row")) return;
    seen = true;
    observer.disconnect();
    const dom = performance.now();
    const rows = document.querySelectorAll(".trace-row").length;
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
        w.__benchPaint = { dom, paint: performance.now(), rpc, domContentLoaded: nav?.domContentLoadedEventStart ?? NaN, rows };
      };
      ch.port2.postMessage(0);
    });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true });
};

export interface Interaction {
  /** event timeStamp to the DOM showing the result */
  dom: number;
  /** ...to the frame after it painted */
  paint: number;
  timedOut: boolean;
  status: string;
}

/**
 * Arm a measurement: the next `trigger` event (click or keydown, on window, capture phase) starts
 * the clock; it stops at the paint after the `until` condition holds. `window.__benchResult`
 * is a promise of the measurement.
 */
export const armInteraction = ({ trigger, until }: { trigger: "click" | "keydown"; until: "filtered" | "detail" | "body" }): void => {
  const w = window as unknown as { __benchResult?: Promise<Interaction> };
  const holds = (): boolean => {
    if (until === "filtered") return true;
    const detail = document.querySelector(".span-detail");
    if (!detail || !(detail.getAttribute("aria-label") ?? "").includes("bigbody")) return false;
    if (until === "detail") return true;
    const panel = document.querySelector("#span-detail-panel-response");
    return !!panel && !(panel.textContent ?? "").includes("Loading the request data") && !!panel.querySelector(".dt-body, .dt-code, .dt-text");
  };
  w.__benchResult = new Promise<Interaction>((resolve) => {
    let start = NaN;
    let domAt = NaN;
    let finished = false;
    const status = () => document.querySelector(".status")?.textContent ?? "";
    const afterPaint = () => requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        finished = true;
        resolve({ dom: domAt - start, paint: performance.now() - start, timedOut: false, status: status() });
      };
      ch.port2.postMessage(0);
    });
    const observer = new MutationObserver(() => {
      if (finished || Number.isNaN(start) || !Number.isNaN(domAt) || !holds()) return;
      domAt = performance.now();
      observer.disconnect();
      if (until !== "filtered") afterPaint();
    });
    window.addEventListener(trigger, (e) => {
      start = e.timeStamp;
      observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
      // The keystroke's input event and the render it causes run in the keydown's task, before
      // the next frame: the paint after that frame is the updated list (also when nothing changed).
      if (until === "filtered") afterPaint();
    }, { capture: true, once: true });
    setTimeout(() => {
      if (!finished) resolve({ dom: NaN, paint: NaN, timedOut: true, status: status() });
    }, 30_000);
  });
};

/** One listSpans call on a port of our own, timed (the panel's load without its rendering). */
export const timeListSpans = async (tabId: number): Promise<{ ms: number; spans: number; bytes: number }> => {
  const chromeApi = (globalThis as unknown as { chrome: { runtime: { connect(o: { name: string }): { postMessage(m: unknown): void; onMessage: { addListener(l: (m: unknown) => void): void }; disconnect(): void } } } }).chrome;
  const port = chromeApi.runtime.connect({ name: `panel:${tabId}` });
  const t0 = performance.now();
  const result = await new Promise<unknown[]>((resolve) => {
    port.onMessage.addListener((m) => {
      const msg = m as { type?: string; id?: number; result?: unknown[] };
      if (msg.type === "rpc-result" && msg.id === 1) resolve(msg.result ?? []);
    });
    port.postMessage({ source: "llm-trace", v: 1, type: "rpc", id: 1, method: "listSpans", params: {} });
  });
  const ms = performance.now() - t0;
  port.disconnect();
  return { ms, spans: result.length, bytes: JSON.stringify(result).length };
};
