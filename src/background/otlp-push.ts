/**
 * Opt-in push of finished traces to an OpenTelemetry collector (OTLP/HTTP JSON). A trace is
 * pushed once every span in it has ended and it has been quiet for a moment; each is pushed
 * once. Failures are recorded for the settings page, which is told of every change, and
 * retried with backoff. Capture never waits for any of this.
 */
import browser from "webextension-polyfill";
import { otlpRequest } from "../core/files";
import type { SpanRecord } from "../core/contract";
import { pushStatusChanged, type PushStatus } from "../shared/messages";
import { pushToAll } from "./ports";
import { listSpans } from "./store";
import { withStoredReviews } from "./reviews";
import { getSettings } from "./current-settings";

const PUSHED_KEY = "otlp-pushed";
const STATUS_KEY = "otlp-status";
/** A trace is final once it has been this quiet (late spans: a tool result, assembly). */
const SETTLE_MS = 2000;
const MAX_REMEMBERED = 5000;
const RETRY_MIN_MS = 2000;
const RETRY_MAX_MS = 5 * 60 * 1000;

let retryDelay = 0;
const timers = new Map<number, ReturnType<typeof setTimeout>>();
let running = false;
/** Bumped when all data is cleared: a push under way then records nothing afterwards. */
let generation = 0;

/** All data was cleared: no push is pending, and one under way leaves no state behind. */
export function forgetAll(): void {
  generation++;
  for (const timer of timers.values()) clearTimeout(timer);
  timers.clear();
  retryDelay = 0;
}

async function pushedSet(): Promise<string[]> {
  const stored = (await browser.storage.local.get(PUSHED_KEY))[PUSHED_KEY];
  return Array.isArray(stored) ? (stored as string[]) : [];
}

/** The status so far, kept in storage (the worker may stop at any moment); null before the first push. */
export async function getPushStatus(): Promise<PushStatus | null> {
  const stored = (await browser.storage.local.get(STATUS_KEY))[STATUS_KEY] as PushStatus | undefined;
  return stored ?? null;
}

async function setStatus(update: Partial<PushStatus>): Promise<void> {
  const status = { pushedTraces: 0, pending: 0, ...(await getPushStatus()), ...update };
  await browser.storage.local.set({ [STATUS_KEY]: status });
  pushToAll(pushStatusChanged(status));
}

/** Traces ready to push, and whether others are still settling (to look again later). */
function finishedTraces(spans: readonly SpanRecord[], now: number): { ready: Map<string, SpanRecord[]>; settling: boolean } {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  let settling = false;
  for (const [id, list] of byTrace) {
    const open = list.some((s) => s.endTime === undefined);
    const quietSince = Math.max(...list.map((s) => Math.max(s.endTime ?? now, s.updatedAt)));
    if (open || now - quietSince < SETTLE_MS) {
      byTrace.delete(id);
      settling = true;
    }
  }
  return { ready: byTrace, settling };
}

/** Push what is finished in this tab and not pushed yet. */
export async function pushTab(tabId: number): Promise<void> {
  const settings = await getSettings();
  if (!settings.otlp.enabled || !settings.otlp.url) return;
  if (running) return schedulePush(tabId);
  running = true;
  const started = generation;
  try {
    const done = new Set(await pushedSet());
    // With their reviews as evaluation events, as in an exported file (docs/DESIGN.md, "Review").
    const found = finishedTraces(await withStoredReviews(await listSpans(tabId), { tabId }), Date.now());
    const ready = [...found.ready].filter(([id]) => !done.has(id));
    if (found.settling) schedulePush(tabId);
    if (ready.length === 0) return;
    const spans = ready.flatMap(([, list]) => list);
    // service.name is each trace's page host, as in an exported file (core/otlp.ts, toOtlpByPage).
    const { url, init } = otlpRequest(spans, { url: settings.otlp.url, headers: Object.fromEntries(settings.otlp.headers) }, browser.runtime.getManifest().version);
    try {
      const response = await fetch(url, init as RequestInit);
      if (started !== generation) return;
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}: ${(await response.text().catch(() => "")).slice(0, 300)}`);
      const remembered = [...done, ...ready.map(([id]) => id)].slice(-MAX_REMEMBERED);
      await browser.storage.local.set({ [PUSHED_KEY]: remembered });
      const pushed = (await getPushStatus())?.pushedTraces ?? 0;
      await setStatus({ lastSuccess: Date.now(), pushedTraces: pushed + ready.length, pending: 0 });
      retryDelay = 0;
    } catch (error) {
      if (started !== generation) return;
      retryDelay = Math.min(RETRY_MAX_MS, retryDelay ? retryDelay * 2 : RETRY_MIN_MS);
      await setStatus({ lastError: { at: Date.now(), message: error instanceof Error ? error.message : String(error) }, pending: ready.length });
      schedulePush(tabId, retryDelay);
    }
  } finally {
    running = false;
  }
}

/**
 * A trace was reviewed: if it was pushed already, push it again, so the collector (which keys
 * spans by id) gets the review; if not yet, it goes with it anyway.
 */
export async function pushAgain(tabId: number, traceId: string): Promise<void> {
  const settings = await getSettings();
  if (!settings.otlp.enabled || !settings.otlp.url) return;
  const done = await pushedSet();
  if (done.includes(traceId)) await browser.storage.local.set({ [PUSHED_KEY]: done.filter((id) => id !== traceId) });
  schedulePush(tabId);
}

/** Look again after `delay` (by default once traces have had time to settle). */
export function schedulePush(tabId: number, delay = SETTLE_MS + 100): void {
  clearTimeout(timers.get(tabId));
  timers.set(tabId, setTimeout(() => {
    timers.delete(tabId);
    void pushTab(tabId).catch(() => {});
  }, delay));
}
