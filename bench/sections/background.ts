/**
 * Background throughput: capture messages sent from the content-script worlds of TABS real tabs
 * at once, exactly as the relay sends them (up to 2,000 events each, the next one only after the
 * ack, which the background gives once the IndexedDB transaction is done), for 30 s, with a
 * panel open on each tab. Several tabs, because the background admits at most 300 new exchanges
 * a second per tab (src/background/health.ts) and this measures the worker, not that limit.
 * Spans/s counts what IndexedDB holds (exchange records, counted before and after a run; per
 * window, the acknowledgements scaled by the share stored), not what was acknowledged: refused
 * events are acknowledged too. Also: the worker's JS heap (peak), a panel's
 * main-thread load, a short CPU profile of the worker under the same load, and the same load with
 * 4 messages in flight per tab (what a pipelining relay would get).
 *
 * Then the ingest path's capacity: CAPACITY_TABS fresh tabs (no panels) send as fast as they are
 * acknowledged for a few seconds, what the flood guard admits from them (each tab's burst and
 * rate) being well above the target, so what is stored per second is what the worker can store,
 * not what the guard lets through; the guard itself is unchanged.
 */
import type { Page } from "@playwright/test";
import { openPanelTab } from "../../test/e2e/support/chromium";
import { attachTarget, startProfiler, stopProfiler, topSelfTime } from "../lib/cdp";
import { clearStore, contentScriptWorld, prepareTab, taskTime, type Env } from "../lib/env";
import { idbStats, instrumentIdb, rawIdbPuts } from "../lib/idb-probe";
import { judge, single, type Row } from "../lib/report";
import { driveExpression, type DriveArgs, type DriveResult } from "../lib/synth";

const TABS = 4;
/** As many as the background keeps tab windows in memory (src/background/windows.ts, MAX_WINDOWS): a busy tab's window is not read back each batch. */
const CAPACITY_TABS = 8;
const CAPACITY_TARGET = 5_000;
/** The flood guard per tab (core/capture/rate-limit.ts DEFAULT_RATE_LIMITS.exchanges). */
const GUARD_RATE = 300;
const GUARD_BURST = 3_000;
const MB = 1024 * 1024;
const WINDOW_MS = 3000;

/** The most exchanges the flood guard admits from `tabs` fresh tabs over `seconds`. */
const guardBound = (tabs: number, seconds: number): number => Math.round((tabs * (GUARD_BURST + GUARD_RATE * seconds)) / seconds);

/**
 * Exchange records in IndexedDB (one per exchange span), counted in the worker: those of the
 * exchanges store and those in blocks (entries of the blocks' multi-entry "ids" index).
 */
function storedExchanges(env: Env): Promise<number> {
  return env.ext.worker.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open("llm-trace");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      const count = (req: IDBRequest<number>) => new Promise<number>((resolve, reject) => {
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction(["exchanges", "exchangeBlocks"]);
      const [alone, inBlocks] = await Promise.all([count(tx.objectStore("exchanges").count()), count(tx.objectStore("exchangeBlocks").index("ids").count())]);
      return alone + inBlocks;
    } finally {
      db.close();
    }
  });
}

interface StoredRun {
  runs: DriveResult[];
  elapsedMs: number;
  acked: number;
  stored: number;
  /** Exchange spans stored per second in each whole WINDOW_MS window. */
  rates: number[];
}

/**
 * The traces' own clock. The background holds event times to the tab's lifetime (from a minute
 * before it was first seen to 10 s ahead of now, core/capture/clock.ts), and traces 20 ms apart
 * run ahead of real time from about 50 a second per tab: so runs start in the recent past and
 * follow one another on this clock (tabs are assembled apart, so they share it). It holds about
 * 150 traces a second per tab (2,400 exchange spans/s from 4 tabs) over a 30 s run; beyond,
 * times would be clamped and traces run together.
 */
class TraceClock {
  private next = Date.now() - 50_000;

  take(): number {
    return this.next;
  }

  after(args: DriveArgs, runs: DriveResult[]): void {
    this.next += Math.max(...runs.map((r) => r.traces)) * args.spacingMs + 1000;
  }
}

/**
 * Spans/s per window of `windowMs` over the first `spanMs`, from the acknowledgements (each given
 * once its transaction is done): counting the store meanwhile takes locks that ingest waits for
 * (a count of ~20,000 exchanges holds them for up to half a second).
 */
function ackRates(runs: readonly DriveResult[], windowMs: number, spanMs: number): number[] {
  const windows = Math.max(1, Math.floor(spanMs / windowMs));
  const rates = Array.from({ length: windows }, () => 0);
  for (const r of runs) for (const [ms, spans] of r.acks) if (ms < windows * windowMs) rates[Math.floor(ms / windowMs)]! += (spans / windowMs) * 1000;
  return rates;
}

/**
 * Every tab drives the same load at once. The store is counted before and after; per window,
 * spans acknowledged, scaled by the share of acknowledged spans that were stored (refused events
 * are acknowledged too).
 */
async function storedRun(env: Env, worlds: { evaluate<T>(e: string): Promise<T> }[], args: DriveArgs, clock: TraceClock, windowMs = WINDOW_MS): Promise<StoredRun> {
  const before = await storedExchanges(env);
  const start = performance.now();
  const startTime = clock.take();
  const runs = await Promise.all(worlds.map((w) => w.evaluate<DriveResult>(driveExpression({ ...args, startTime }))));
  clock.after(args, runs);
  const elapsedMs = performance.now() - start;
  const stored = (await storedExchanges(env)) - before;
  const acked = runs.reduce((a, r) => a + r.exchangeSpans, 0);
  const rates = ackRates(runs, windowMs, elapsedMs).map((x) => x * (acked ? stored / acked : 0));
  return { runs, elapsedMs, acked, stored, rates };
}

const CAPACITY_WINDOW_MS = 1000;

/**
 * The ingest path's capacity: CAPACITY_TABS tabs opened for it (each with the flood guard's full
 * burst), no panels, each sending the same traffic as fast as the background acknowledges it for
 * `seconds`. IndexedDB requests are counted over the run.
 */
async function capacityRun(env: Env, tabs: { page: Page }[], base: DriveArgs, seconds: number): Promise<StoredRun & { sending: number; bound: number; putsPerSpan: number; transactions: Awaited<ReturnType<typeof idbStats>> }> {
  const worlds: Awaited<ReturnType<typeof contentScriptWorld>>[] = [];
  try {
    for (const t of tabs) worlds.push(await contentScriptWorld(env, t.page));
    await env.ext.worker.evaluate(instrumentIdb);
    // A clock of their own: fresh tabs accept times from a minute before they were first seen.
    const run = await storedRun(env, worlds, { ...base, durationMs: seconds * 1000 }, new TraceClock(), CAPACITY_WINDOW_MS);
    const { stored } = run;
    const transactions = await env.ext.worker.evaluate(idbStats);
    // The sending time only, not the last messages' drain. A window holds a few messages'
    // acknowledgements (~270 spans each): the row is the whole sending time's rate.
    const rates = ackRates(run.runs, CAPACITY_WINDOW_MS, seconds * 1000).map((x) => x * (run.acked ? stored / run.acked : 0));
    const sending = rates.reduce((a, x) => a + x, 0) / rates.length;
    return { ...run, rates, sending, bound: guardBound(CAPACITY_TABS, seconds), putsPerSpan: transactions.reduce((a, t) => a + t.puts, 0) / Math.max(1, stored), transactions };
  } finally {
    for (const w of worlds) await w.close();
  }
}

export async function background(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const seconds = env.quick ? 8 : 30;
  await clearStore(env.ext);
  const tabs: { page: Page; tabId: number }[] = [];
  for (let i = 0; i < TABS; i++) tabs.push(await prepareTab(env));
  // Opened now, while finding a tab's id (a dump of the store) is quick; idle until their run, so the guard's bucket of each is full then.
  const capacityTabs: { page: Page; tabId: number }[] = [];
  for (let i = 0; i < CAPACITY_TABS; i++) capacityTabs.push(await prepareTab(env));
  const panels: Page[] = [];
  for (const t of tabs) panels.push(await openPanelTab(env.ext, t.tabId));
  const panelCdp = await env.ext.context.newCDPSession(panels[0]!);
  await panelCdp.send("Performance.enable");
  for (const p of panels) await p.locator(".app").waitFor();
  const worlds = await Promise.all(tabs.map((t) => contentScriptWorld(env, t.page)));
  // Retention would start evicting within the run: measured here is storing, not evicting.
  await env.ext.worker.evaluate(() => chrome.storage.local.set({ settings: { captureEnabled: true, maxSpans: 1_000_000 } }));
  const worker = await attachTarget(env.ext.context, "service_worker", `chrome-extension://${env.ext.extensionId}/`);
  const heap = async () => (await worker.send<{ usedSize: number; totalSize: number }>("Runtime.getHeapUsage"));
  const base: DriveArgs = {
    origin: env.server.origin, pageUrl: `${env.server.origin}/bench.html`, maxBatchEvents: 2000, inflight: 1,
    streamChunks: 10, startTime: 0, spacingMs: 20,
  };
  try {
    const heapBefore = await heap();
    let peak = heapBefore.usedSize;
    let peakTotal = heapBefore.totalSize;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const h = await heap().catch(() => undefined);
        if (h) {
          peak = Math.max(peak, h.usedSize);
          peakTotal = Math.max(peakTotal, h.totalSize);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const panelBefore = await taskTime(panelCdp);
    const clock = new TraceClock();
    const run = await storedRun(env, worlds, { ...base, durationMs: seconds * 1000 }, clock);
    const panelAfter = await taskTime(panelCdp);
    sampling = false;
    await sampler;
    const panelStatus = await panels[0]!.locator(".status").textContent().catch(() => "");
    const failures = run.runs.reduce((a, r) => a + r.failures, 0);
    // Assembly runs behind ingest under this load: how long until the first tab's traces settle.
    const settleStart = performance.now();
    let settled = panelStatus ?? "";
    for (let last = ""; performance.now() - settleStart < 60_000 && settled !== last; ) {
      last = settled;
      await new Promise((r) => setTimeout(r, 1000));
      settled = (await panels[0]!.locator(".status").textContent().catch(() => "")) ?? "";
    }
    const settleMs = performance.now() - settleStart - 1000;
    env.log(`  sustained, ${TABS} tabs: ${run.stored} exchange spans stored in ${(run.elapsedMs / 1000).toFixed(1)} s (${(run.stored / run.elapsedMs * 1000).toFixed(0)}/s; ${run.acked} acknowledged), per ${WINDOW_MS / 1000} s window ${run.rates.map((x) => x.toFixed(0)).join(" ")}; ${failures} failed sends; heap peak ${(peak / MB).toFixed(1)} MB; first panel: ${panelStatus}, ${(settleMs / 1000).toFixed(0)} s later: ${settled}`);

    // Where the worker's time goes under this load (a separate, shorter run: the profiler costs time).
    // IndexedDB requests are counted and transactions timed in the same run.
    await env.ext.worker.evaluate(instrumentIdb);
    await startProfiler(worker, 250);
    const profiled = await storedRun(env, worlds, { ...base, durationMs: (env.quick ? 3 : 6) * 1000 }, clock);
    const profile = await stopProfiler(worker);
    const transactions = await env.ext.worker.evaluate(idbStats);
    const top = topSelfTime(profile, 20);
    const busy = top.length ? top[0]!.ms / top[0]!.share : 0;
    env.log(`  worker profile (${profiled.stored} spans, worker busy ${(busy / profiled.elapsedMs * 100).toFixed(0)}%): ${top.slice(0, 6).map((t) => `${t.fn} ${(t.share * 100).toFixed(0)}%`).join(", ")}`);
    for (const t of transactions.slice(0, 6)) env.log(`    idb ${t.scope}: ${t.count} tx, ${t.puts} puts, ${t.reads} reads, ${t.deletes} deletes, median ${t.medianMs} ms (waiting ${t.medianWaitMs} ms), total ${t.totalMs} ms`);
    const raw = await env.ext.worker.evaluate(rawIdbPuts, { n: 10_000, size: 600 });
    env.log(`  raw IndexedDB in the worker: ${raw.putsPerSecond.toFixed(0)} puts/s (10,000 x ~0.7 KB in one transaction)`);

    // The same load with 4 messages in flight per tab (the relay sends one at a time).
    const piped = await storedRun(env, worlds, { ...base, inflight: 4, durationMs: (env.quick ? 4 : 10) * 1000 }, clock);
    env.log(`  4 in flight: ${(piped.stored / piped.elapsedMs * 1000).toFixed(0)} spans/s`);
    await env.ext.worker.evaluate(instrumentIdb);

    const capacity = await capacityRun(env, capacityTabs, base, env.quick ? 5 : 7);
    const capacityAcks = capacity.runs.flatMap((r) => r.ackMs);
    env.log(`  capacity, ${CAPACITY_TABS} tabs sending as fast as acknowledged: ${capacity.stored} exchange spans stored in ${(capacity.elapsedMs / 1000).toFixed(1)} s (${(capacity.stored / capacity.elapsedMs * 1000).toFixed(0)}/s with the last messages' drain; ${capacity.acked} acknowledged), acknowledged per ${CAPACITY_WINDOW_MS / 1000} s window while sending ${capacity.rates.map((x) => x.toFixed(0)).join(" ")}; the guard admits up to ${capacity.bound}/s; puts per span ${capacity.putsPerSpan.toFixed(2)}`);

    const messages = run.runs.reduce((a, r) => a + r.messages - r.failures, 0);
    const events = run.runs.reduce((a, r) => a + r.events, 0);
    const ackMs = run.runs.flatMap((r) => r.ackMs);
    const rows: Row[] = [
      judge(single("bg.spansPerSecond", "Background", `spans/s stored over ${seconds} s from ${TABS} tabs, a panel open on each (${WINDOW_MS / 1000} s windows)`, "spans/s", run.rates,
        { note: `the per-tab flood guard (core/capture/rate-limit.ts: 300 new exchanges/s, 3,000 at once) admits at most ${TABS * GUARD_RATE}/s sustained, ${guardBound(TABS, seconds)}/s over ${seconds} s from ${TABS} tabs; the capacity row below measures past it` }),
      { text: ">= 10,000", on: "value", kind: "min", limit: 10_000 }),
      single("bg.spansPerSecondOverall", "Background", "spans/s stored, whole run", "spans/s", (run.stored / run.elapsedMs) * 1000),
      single("bg.refused", "Background", "spans acknowledged but refused by the per-tab rate limit", "spans", run.acked - run.stored),
      single("bg.ack", "Background", `capture message round trip (${(run.acked / Math.max(1, messages)).toFixed(0)} spans, ${(events / Math.max(1, messages)).toFixed(0)} events each)`, "ms", ackMs),
      single("bg.heapPeak", "Background", "worker JS heap, peak used", "MB", peak / MB, { note: `before: ${(heapBefore.usedSize / MB).toFixed(1)} MB; peak allocated ${(peakTotal / MB).toFixed(1)} MB` }),
      single("bg.heapBefore", "Background", "worker JS heap before the run", "MB", heapBefore.usedSize / MB),
      single("bg.assemblySettled", "Background", "after the run: until the first tab's traces stopped changing (assembly catching up)", "s", settleMs / 1000, { note: settled }),
      single("bg.panelBusy", "Background", "a panel's main-thread busy while spans stream in", "%", ((panelAfter.task - panelBefore.task) / run.elapsedMs) * 100),
      single("bg.pipelined", "Background", "spans/s stored with 4 messages in flight per tab (relay sends 1)", "spans/s", piped.rates),
      single("bg.putsPerSpan", "Background", "IndexedDB puts per stored exchange span (ingest + assembly)", "puts", transactions.reduce((a, t) => a + t.puts, 0) / Math.max(1, profiled.stored),
        { note: `reads per span ${(transactions.reduce((a, t) => a + t.reads, 0) / Math.max(1, profiled.stored)).toFixed(2)}; ${transactions.slice(0, 3).map((t) => `${t.scope}: ${t.count} tx, median ${t.medianMs} ms`).join("; ")}` }),
      single("bg.ingestTx", "Background", "ingest transaction, creation to commit (median; waiting for locks in the note)", "ms", transactions.find((t) => t.scope.includes("exchanges"))?.medianMs ?? NaN,
        { note: `waiting ${transactions.find((t) => t.scope.includes("exchanges"))?.medianWaitMs ?? NaN} ms` }),
      single("bg.rawIdb", "Background", "reference: raw IndexedDB puts/s in the worker (one transaction)", "puts/s", raw.putsPerSecond),
      judge(single("bg.capacity", "Background", `ingest capacity: spans/s stored from ${CAPACITY_TABS} fresh tabs sending as fast as acknowledged, no panels (acknowledged while sending)`, "spans/s", capacity.sending,
        { note: `the flood guard admits up to ${capacity.bound}/s from ${CAPACITY_TABS} fresh tabs over this run, so the worker, not the guard, bounds it; per ${CAPACITY_WINDOW_MS / 1000} s window ${capacity.rates.map((x) => x.toFixed(0)).join(" ")}; ${capacity.acked - capacity.stored} acknowledged but not stored (refused); puts per span ${capacity.putsPerSpan.toFixed(2)}` }),
      { text: `>= ${CAPACITY_TARGET.toLocaleString("en")}`, on: "value", kind: "min", limit: CAPACITY_TARGET }),
      single("bg.capacityAck", "Background", `ingest capacity: capture message round trip, ${CAPACITY_TABS} tabs (the backlog each message waits behind)`, "ms", capacityAcks),
    ];
    return {
      rows,
      details: {
        windowRates: run.rates, acked: run.acked, stored: run.stored, failures, firstError: run.runs.find((r) => r.firstError)?.firstError,
        traces: run.runs.reduce((a, r) => a + r.traces, 0), events, messages, panelStatus, workerTopSelfTime: top,
        workerBusyShare: busy / profiled.elapsedMs, idbTransactions: transactions, pipelined: { windowRates: piped.rates, acked: piped.acked, stored: piped.stored },
        capacity: { tabs: CAPACITY_TABS, windowRates: capacity.rates, acked: capacity.acked, stored: capacity.stored, guardBound: capacity.bound, idbTransactions: capacity.transactions },
      },
    };
  } finally {
    await env.ext.worker.evaluate(() => chrome.storage.local.set({ settings: { captureEnabled: true } })).catch(() => {});
    for (const w of worlds) await w.close();
    await worker.detach();
    for (const p of panels) await p.close().catch(() => {});
    for (const t of [...tabs, ...capacityTabs]) await t.page.close().catch(() => {});
  }
}
