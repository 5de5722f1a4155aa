/**
 * The tab's spans as signals: loaded over the connection, kept current by pushes, reloaded
 * whenever the connection reopens (the worker restarted and may have missed nothing, or not).
 */
import { batch, computed, effect, signal, type Signal } from "@preact/signals";
import type { SpanRecord } from "../../core/contract";
import type { Connection } from "../connection";

/** "loading": the newest spans are shown and the older ones are on their way. */
export type LoadState = "connecting" | "loading" | "live" | "error";

/**
 * What the first answer carries: enough traces to fill any list, small enough to paint at once
 * on a long session (all of it is ~1 KB per span of prompts and outputs to clone twice). The
 * older spans follow in pages, so that no one answer holds the worker for long.
 */
const PAGES = { first: 600, older: 4000 };

/** `session`: undefined for the live tab, else an imported session's id. */
export function createSpanStore(connection: Connection, session: Signal<number | undefined>, pages = PAGES) {
  const byId = signal<ReadonlyMap<string, SpanRecord>>(new Map());
  const loadState = signal<LoadState>("connecting");
  const loadError = signal<string | undefined>(undefined);
  /** Oldest first, as they happened. */
  const list = computed(() => [...byId.value.values()].sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId)));
  /** Spans removed while older pages were loading: a page read before the removal must not bring them back. */
  let removedWhileLoading = new Set<string>();
  let loading = false;
  let loads = 0;
  let settled: Promise<void> = Promise.resolve();

  function merge(spans: readonly SpanRecord[], removed: readonly string[] = []): void {
    const next = new Map(byId.value);
    for (const id of removed) {
      next.delete(id);
      if (loading) removedWhileLoading.add(id);
    }
    for (const span of spans) {
      if (removedWhileLoading.has(span.spanId)) continue;
      const known = next.get(span.spanId);
      if (!known || known.updatedAt <= span.updatedAt) next.set(span.spanId, span);
    }
    byId.value = next;
  }

  /** The newest page first, painted at once, then the older ones, newest first. */
  async function load(): Promise<void> {
    const viewing = session.value;
    const load = ++loads;
    const where = viewing === undefined ? {} : { session: viewing };
    const current = () => load === loads && viewing === session.value;
    removedWhileLoading = new Set();
    loading = true;
    try {
      const newest = await connection.call("listSpans", { ...where, newest: pages.first });
      if (!current()) return;
      const more = newest.length >= pages.first;
      batch(() => {
        byId.value = new Map(newest.filter((s) => !removedWhileLoading.has(s.spanId)).map((s) => [s.spanId, s]));
        loadState.value = more ? "loading" : "live";
        loadError.value = undefined;
      });
      // `until` is inclusive: each page repeats the spans that share its bound (merged once).
      for (let until = more ? newest[0]!.startTime : undefined; until !== undefined; ) {
        const older = await connection.call("listSpans", { ...where, newest: pages.older, until });
        if (!current()) return;
        merge(older);
        if (older.length < pages.older) break;
        const next = older[0]!.startTime;
        if (next === until) {
          // A whole page started at the same instant: take everything up to it at once.
          const rest = await connection.call("listSpans", { ...where, until });
          if (!current()) return;
          merge(rest);
          break;
        }
        until = next;
      }
      loadState.value = "live";
    } catch (error) {
      // "disconnected": the reconnect that follows reloads again.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== "disconnected" && current()) {
        loadState.value = "error";
        loadError.value = message;
      }
    } finally {
      if (load === loads) loading = false;
    }
  }

  function reload(): Promise<void> {
    settled = load();
    return settled;
  }

  /** Resolves once every span of the current view has arrived (e.g. before exporting them all). */
  async function loaded(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== settled; ) {
      seen = settled;
      await seen;
    }
  }

  // Live pushes are about the tab; an imported session changes only by a review.
  const unsubscribe = connection.subscribe((push) => {
    if (push === null) void reload();
    else if (push.type === "session-spans-changed") {
      if (push.session === session.value) merge(push.spans);
    } else if (session.value !== undefined) return;
    else if (push.type === "spans-changed") merge(push.spans, push.removed ?? []);
    else if (push.type === "tab-cleared") forget();
  });
  let first = true;
  const stopFollowing = effect(() => {
    void session.value;
    if (first) {
      first = false;
      return;
    }
    byId.value = new Map();
    void reload();
  });

  /** Everything goes, including pages still on their way. */
  function forget(): void {
    loads++;
    loading = false;
    batch(() => {
      byId.value = new Map();
      if (loadState.value !== "error") loadState.value = "live";
    });
  }

  async function clear(): Promise<void> {
    await connection.call("clearTab", {});
    forget();
  }

  /** Spans as the background just answered them (a review saved): newer copies win, as for pushes. */
  const put = (spans: readonly SpanRecord[]): void => merge(spans);

  return { byId, list, loadState, loadError, session, clear, reload, loaded, put, dispose: () => { unsubscribe(); stopFollowing(); } };
}

export type SpanStore = ReturnType<typeof createSpanStore>;
