/**
 * Which of a tab's network-log entries that name no initiator (Firefox's) are the page's own,
 * already recorded by the hook, and which a worker's (docs/DESIGN.md, "Calls from workers").
 *
 * Every fetch and XHR a page makes goes through the hook, which reports at least its method, URL
 * and start (the fast path too), and the body the page handed over on the recorded path. So an
 * entry is the page's when a hook call of the same tab has its method and URL, a body that can be
 * the same, and a start within a small window of the entry's; an entry that matches none is a
 * worker's. Each hook call matches one entry (N identical calls, N entries).
 *
 * The hook's events reach the background in batches (every 20 to 50 ms, later when the background
 * is busy), sometimes after the entry: an entry is decided `waitMs` after it arrived. Wherever the
 * answer is unsure, the entry is dropped, never stored: a worker's call missed is better than a
 * page's call stored twice. Unsure means: it started before this background knew the tab's calls
 * (a restart, recording switched on when DevTools opened, hook calls forgotten), or a hook call
 * it fits about as well as the entry that took it exists. A redirect's later hops follow the
 * decision taken for the first (the hook reports the call once, with the URL the page asked for).
 *
 * Pure: the caller gives the times (epoch ms) and runs `settle` when `nextDue` says.
 */
import type { CaptureEvent, CapturedBody } from "../contract";
import { isObj } from "../providers";
import { objOr } from "./har-read";
import { utf8Length } from "./json-error";

export interface MatchOptions {
  /** How long an entry waits for the hook's events after it arrived. */
  waitMs: number;
  /** How much earlier than the hook's start an entry of the same call may say it started (two clocks). */
  earlyMs: number;
  /** How much later: the browser opens the request a moment after the page called. */
  lateMs: number;
  /** An unmatched entry that fits a taken hook call within this of how its taker fits it is unsure. */
  marginMs: number;
  /** Hook calls are kept this long for entries to come (a stream's entry comes at its end). */
  keepMs: number;
  /** Hook calls kept per tab; entries waiting per tab, and their weight (their bodies' characters). */
  maxCalls: number;
  maxPending: number;
  maxPendingWeight: number;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = {
  waitMs: 2000, earlyMs: 250, lateMs: 3000, marginMs: 50, keepMs: 10 * 60_000, maxCalls: 5000, maxPending: 500, maxPendingWeight: 64 * 1024 * 1024,
};

/** What can be told of a request body without keeping it: its size, its start, a hash of all of it. */
interface BodySig {
  bytes?: number;
  complete: boolean;
  head: string;
  hash: number;
}

interface HookCall {
  /** The hook's exchange id. */
  id: string;
  start: number;
  body?: BodySig;
  /** How far the entry that took it started from it (ms), once taken. */
  takenGap?: number;
}

interface Pending<T> {
  key: string;
  url: string;
  start: number;
  body?: BodySig;
  /** Where a redirect sends the request next (resolved), if the entry is a redirect. */
  next?: string;
  due: number;
  payload: T;
  weight: number;
}

/** The next hop of a decided redirect: an entry for `url` after `start` takes `page`'s decision. */
interface Hop {
  url: string;
  start: number;
  worker: boolean;
}

interface TabState<T> {
  calls: Map<string, HookCall[]>;
  count: number;
  pending: Pending<T>[];
  pendingWeight: number;
  hops: Hop[];
  /** Entries that started before this are unsure. */
  horizon: number;
}

const HEAD_CHARS = 256;

/** The URL as the network sees it: no fragment. */
function networkUrl(url: string): string {
  const hash = url.indexOf("#");
  return hash >= 0 ? url.slice(0, hash) : url;
}

/** Longer URLs are kept by their start, length and hash: a page's 5,000 calls must not hold megabytes each. */
const KEY_CHARS = 1024;

function keyOf(method: string, url: string): string {
  const u = networkUrl(url);
  return `${method.toUpperCase()} ${u.length > KEY_CHARS ? `${u.slice(0, KEY_CHARS)}…${u.length}:${hashOf(u)}` : u}`;
}

/** FNV-1a over UTF-16 units. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function sig(text: string, bytes: number | undefined, complete: boolean): BodySig {
  return { ...(bytes !== undefined ? { bytes } : {}), complete, head: text.slice(0, HEAD_CHARS), hash: hashOf(text) };
}

/** The hook's body, where its text is the bytes sent (not a FormData's description, not omitted). */
function hookBodySig(body: CapturedBody | undefined): BodySig | undefined {
  if (!body || typeof body.text !== "string" || body.omitted || body.mimeType === "multipart/form-data") return undefined;
  if (body.truncated) return sig(body.text, typeof body.size === "number" ? body.size : undefined, false);
  return sig(body.text, utf8Length(body.text), true);
}

/** The entry's request body: complete when its text has the size the log says was sent. */
function entryBodySig(request: Record<string, unknown>): BodySig | undefined {
  const text = objOr(request.postData).text;
  if (typeof text !== "string") return undefined;
  const size = typeof request.bodySize === "number" && request.bodySize > 0 ? request.bodySize : undefined;
  return sig(text, size, size !== undefined && utf8Length(text) === size);
}

/** Whether two bodies can be the same bytes; unknown ones can. */
function sameBody(a: BodySig | undefined, b: BodySig | undefined): boolean {
  if (!a || !b) return true;
  if (a.bytes !== undefined && b.bytes !== undefined && a.bytes !== b.bytes) return false;
  if (a.complete && b.complete) return a.hash === b.hash;
  const n = Math.min(a.head.length, b.head.length);
  return a.head.slice(0, n) === b.head.slice(0, n);
}

export interface MatchedEntry<T> {
  tabId: number;
  payload: T;
}

export class WorkerCallMatcher<T> {
  private readonly tabs = new Map<number, TabState<T>>();
  private readonly options: MatchOptions;

  /** `since`: when this background started; it knows no call before. */
  constructor(private readonly since: number, options: Partial<MatchOptions> = {}) {
    this.options = { ...DEFAULT_MATCH_OPTIONS, ...options };
  }

  private tab(tabId: number): TabState<T> {
    let state = this.tabs.get(tabId);
    if (!state) this.tabs.set(tabId, (state = { calls: new Map(), count: 0, pending: [], pendingWeight: 0, hops: [], horizon: this.since }));
    return state;
  }

  /** The hook's events of a tab (a relay's batch): its calls are remembered. */
  hookEvents(tabId: number, events: readonly CaptureEvent[]): void {
    for (const e of events) {
      if (e.t !== "request" || e.network || (e.transport !== "fetch" && e.transport !== "xhr" && e.transport !== "eventsource")) continue;
      const state = this.tab(tabId);
      const key = keyOf(e.method, e.url);
      const body = hookBodySig(e.body);
      const list = state.calls.get(key) ?? [];
      // A relay sends a batch again when it was not acknowledged: the same call, once.
      if (list.some((c) => c.id === e.id)) continue;
      list.push({ id: e.id, start: e.time, ...(body ? { body } : {}) });
      state.calls.set(key, list);
      if (++state.count > this.options.maxCalls) this.dropOldest(state);
    }
  }

  /**
   * The tab's calls before `time` may have gone unseen by the hook (it records from when
   * DevTools opened, on a site recorded only then): entries that started before are not judged.
   */
  recordingFrom(tabId: number, time: number): void {
    const state = this.tab(tabId);
    state.horizon = Math.max(state.horizon, time);
  }

  /**
   * An entry of the tab's network log that names no initiator, to be decided later (see
   * `nextDue`); `weight` is what holding its payload costs (its body's characters). Beyond the
   * tab's limits it is dropped: a worker's call missed.
   */
  offer(tabId: number, entry: unknown, payload: T, now: number, weight = 0): void {
    if (!isObj(entry)) return;
    const request = objOr(entry.request);
    const start = typeof entry.startedDateTime === "string" ? Date.parse(entry.startedDateTime) : NaN;
    if (typeof request.url !== "string" || typeof request.method !== "string" || !Number.isFinite(start)) return;
    const state = this.tab(tabId);
    if (state.pending.length >= this.options.maxPending || state.pendingWeight + weight > this.options.maxPendingWeight) return;
    state.pendingWeight += weight;
    const url = networkUrl(request.url);
    const body = entryBodySig(request);
    const response = objOr(entry.response);
    const status = typeof response.status === "number" ? response.status : 0;
    const next = status >= 300 && status < 400 && typeof response.redirectURL === "string" && response.redirectURL ? resolved(response.redirectURL, url) : undefined;
    state.pending.push({
      key: keyOf(request.method, url), url, start, ...(body ? { body } : {}), ...(next ? { next } : {}), due: now + this.options.waitMs, payload, weight,
    });
  }

  /** When `settle` has something to decide, if ever. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const state of this.tabs.values()) for (const p of state.pending) if (due === undefined || p.due < due) due = p.due;
    return due;
  }

  /** Decide the entries whose wait is over: the workers' are returned, the rest dropped. */
  settle(now: number): MatchedEntry<T>[] {
    const out: MatchedEntry<T>[] = [];
    for (const [tabId, state] of this.tabs) {
      this.forgetOld(state, now);
      const due = state.pending.filter((p) => p.due <= now).sort((a, b) => a.due - b.due || a.start - b.start);
      if (!due.length) continue;
      state.pending = state.pending.filter((p) => p.due > now);
      for (const entry of due) state.pendingWeight -= entry.weight;
      for (const entry of due) {
        const worker = this.decide(state, entry);
        if (entry.next) state.hops.push({ url: entry.next, start: entry.start, worker });
        if (worker) out.push({ tabId, payload: entry.payload });
      }
    }
    return out;
  }

  forget(tabId: number): void {
    this.tabs.delete(tabId);
  }

  /** True: a worker's call, to be stored. */
  private decide(state: TabState<T>, entry: Pending<T>): boolean {
    const { earlyMs, lateMs, marginMs } = this.options;
    // A later hop of a redirect already decided.
    const hop = state.hops.findIndex((h) => h.url === entry.url && entry.start >= h.start - earlyMs);
    if (hop >= 0) return state.hops.splice(hop, 1)[0]!.worker;
    if (entry.start < state.horizon) return false;
    let best: HookCall | undefined;
    let unsure = false;
    for (const call of state.calls.get(entry.key) ?? []) {
      const gap = entry.start - call.start;
      if (gap < -earlyMs || gap > lateMs || !sameBody(call.body, entry.body)) continue;
      if (call.takenGap === undefined) {
        if (!best || Math.abs(gap) < Math.abs(entry.start - best.start)) best = call;
      } else if (Math.abs(gap) <= call.takenGap + marginMs) unsure = true;
    }
    if (best) {
      best.takenGap = Math.abs(entry.start - best.start);
      return false;
    }
    return !unsure;
  }

  /** Hook calls older than `keepMs` go; entries of an untaken one could no longer be judged. */
  private forgetOld(state: TabState<T>, now: number): void {
    const before = now - this.options.keepMs;
    for (const [key, list] of state.calls) {
      const kept = list.filter((c) => c.start >= before);
      for (const c of list) if (c.start < before && c.takenGap === undefined) state.horizon = Math.max(state.horizon, c.start + this.options.lateMs);
      state.count -= list.length - kept.length;
      if (kept.length) state.calls.set(key, kept);
      else state.calls.delete(key);
    }
    state.hops = state.hops.filter((h) => h.start >= before);
  }

  private dropOldest(state: TabState<T>): void {
    let oldestKey: string | undefined;
    let oldestIndex = 0;
    let oldestStart = Infinity;
    for (const [key, list] of state.calls) {
      for (let i = 0; i < list.length; i++) {
        if (list[i]!.start < oldestStart) [oldestKey, oldestIndex, oldestStart] = [key, i, list[i]!.start];
      }
    }
    if (oldestKey === undefined) return;
    const list = state.calls.get(oldestKey)!;
    const [gone] = list.splice(oldestIndex, 1);
    if (!list.length) state.calls.delete(oldestKey);
    state.count--;
    if (gone!.takenGap === undefined) state.horizon = Math.max(state.horizon, gone!.start + this.options.lateMs);
  }
}

function resolved(location: string, base: string): string | undefined {
  try {
    return networkUrl(new URL(location, base).href);
  } catch {
    return undefined;
  }
}
