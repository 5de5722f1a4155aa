/**
 * The tab's spans as signals: loaded over the connection, kept current by pushes, reloaded
 * whenever the connection reopens (the worker restarted and may have missed nothing, or not).
 */
import { batch, computed, effect, signal, type Signal } from "@preact/signals";
import type { SpanRecord } from "../../core/records";
import type { Connection } from "../connection";

export type LoadState = "connecting" | "live" | "error";

/** `session`: undefined for the live tab, else an imported session's id. */
export function createSpanStore(connection: Connection, session: Signal<number | undefined>) {
  const byId = signal<ReadonlyMap<string, SpanRecord>>(new Map());
  const loadState = signal<LoadState>("connecting");
  const loadError = signal<string | undefined>(undefined);
  /** Oldest first, as they happened. */
  const list = computed(() => [...byId.value.values()].sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId)));

  function merge(spans: readonly SpanRecord[], removed: readonly string[] = []): void {
    const next = new Map(byId.value);
    for (const id of removed) next.delete(id);
    for (const span of spans) {
      const known = next.get(span.spanId);
      if (!known || known.updatedAt <= span.updatedAt) next.set(span.spanId, span);
    }
    byId.value = next;
  }

  async function reload(): Promise<void> {
    const viewing = session.value;
    try {
      const spans = await connection.call("listSpans", viewing === undefined ? {} : { session: viewing });
      if (viewing !== session.value) return;
      batch(() => {
        byId.value = new Map(spans.map((s) => [s.spanId, s]));
        loadState.value = "live";
        loadError.value = undefined;
      });
    } catch (error) {
      // "disconnected": the reconnect that follows reloads again.
      const message = error instanceof Error ? error.message : String(error);
      if (message !== "disconnected") {
        loadState.value = "error";
        loadError.value = message;
      }
    }
  }

  // Live pushes are about the tab; an imported session does not change.
  const unsubscribe = connection.subscribe((push) => {
    if (push === null) void reload();
    else if (session.value !== undefined) return;
    else if (push.type === "spans-changed") merge(push.spans, push.removed ?? []);
    else if (push.type === "tab-cleared") byId.value = new Map();
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

  async function clear(): Promise<void> {
    await connection.call("clearTab", {});
    byId.value = new Map();
  }

  return { byId, list, loadState, loadError, session, clear, reload, dispose: () => { unsubscribe(); stopFollowing(); } };
}

export type SpanStore = ReturnType<typeof createSpanStore>;
