/**
 * Functions the benchmark runs inside the page under test (serialised by Playwright, so each
 * is self-contained: no imports, no outer variables). Times are the page's own performance.now()
 * (5 µs resolution: the bench page is cross-origin isolated).
 */

export interface LoopResult {
  /** ms for all n requests, sequential, each read to the end */
  total: number;
  /** ms spent inside the fetch() / open()+send() calls themselves (their synchronous part) */
  sync: number;
  longTasks: number[];
  /** Long animation frames: duration, and the scripts they name with their own durations. */
  loaf: { d: number; scripts: { url: string; d: number }[] }[];
  resolution: number;
}

/** `n` sequential GETs of `url` by fetch() or XHR, each read to the end, after `warm` unmeasured ones. */
export const requestLoop = async ({ url, n, warm, transport }: { url: string; n: number; warm: number; transport: "fetch" | "xhr" }): Promise<LoopResult> => {
  let sync = 0;
  const get = transport === "fetch"
    ? async (u: string) => {
      const a = performance.now();
      const p = fetch(u);
      sync += performance.now() - a;
      return (await p).text();
    }
    : (u: string) => new Promise<string>((resolve, reject) => {
      const a = performance.now();
      const x = new XMLHttpRequest();
      x.open("GET", u);
      x.onload = () => resolve(x.responseText);
      x.onerror = () => reject(new Error("xhr failed"));
      x.send();
      sync += performance.now() - a;
    });
  for (let i = 0; i < warm; i++) await get(`${url}?w=${i}`);
  sync = 0;
  const longTasks: number[] = [];
  const loaf: LoopResult["loaf"] = [];
  const obs: PerformanceObserver[] = [];
  try {
    const o = new PerformanceObserver((l) => { for (const e of l.getEntries()) longTasks.push(e.duration); });
    o.observe({ type: "longtask" });
    obs.push(o);
  } catch { /* unsupported */ }
  try {
    const o = new PerformanceObserver((l) => {
      for (const e of l.getEntries() as (PerformanceEntry & { scripts?: { sourceURL: string; duration: number }[] })[]) {
        loaf.push({ d: e.duration, scripts: (e.scripts ?? []).map((s) => ({ url: s.sourceURL, d: s.duration })) });
      }
    });
    o.observe({ type: "long-animation-frame" });
    obs.push(o);
  } catch { /* unsupported */ }
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await get(`${url}?i=${i}`);
  const total = performance.now() - t0;
  // Let the extension's own follow-up (the hook's 20 ms batch, the relay's send) happen, and the observers report.
  await new Promise((r) => setTimeout(r, 100));
  obs.forEach((o) => o.disconnect());
  let resolution = Infinity;
  for (let i = 0, last = performance.now(); i < 1000; i++) {
    const t = performance.now();
    if (t > last) resolution = Math.min(resolution, t - last);
    last = t;
  }
  return { total, sync, longTasks, loaf, resolution };
};

export interface StreamResult {
  /** fetch() call to the first body chunk the page reads */
  ttfc: number;
  /** fetch() call to the end of the body */
  total: number;
  chunks: number;
  events: number;
}

/** One chat stream read the way SDKs read it: a reader, a TextDecoder, SSE events split on blank lines. */
export const readStream = async ({ url, body }: { url: string; body: string }): Promise<StreamResult> => {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let first = NaN;
  let chunks = 0;
  let events = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (chunks === 0) first = performance.now();
    chunks++;
    text += decoder.decode(value, { stream: true });
    let at = text.indexOf("\n\n");
    let from = 0;
    while (at >= 0) {
      events++;
      from = at + 2;
      at = text.indexOf("\n\n", from);
    }
    text = text.slice(from);
  }
  return { ttfc: first - t0, total: performance.now() - t0, chunks, events };
};

export interface ConcurrentResult {
  /** first fetch() call to the last stream's end */
  wall: number;
  ttfc: number[];
  total: number[];
  chunks: number;
  failed: number;
}

/** `n` chat streams at once, spread over the server's ports (6 connections per host:port). */
export const concurrentStreams = async ({ origins, n, query, body }: { origins: string[]; n: number; query: string; body: string }): Promise<ConcurrentResult> => {
  const ttfc: number[] = [];
  const total: number[] = [];
  let chunks = 0;
  let failed = 0;
  const one = async (i: number) => {
    const t = performance.now();
    try {
      // text/plain keeps a cross-origin POST "simple" (no preflight), as in the same-origin case.
      const res = await fetch(`${origins[i % origins.length]}/v1/chat/completions?${query}&s=${i}`, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body });
      const reader = res.body!.getReader();
      let first = NaN;
      for (let k = 0; ; k++) {
        const { done } = await reader.read();
        if (done) break;
        if (k === 0) first = performance.now();
        chunks++;
      }
      ttfc.push(first - t);
      total.push(performance.now() - t);
    } catch {
      failed++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => one(i)));
  return { wall: performance.now() - t0, ttfc, total, chunks, failed };
};

