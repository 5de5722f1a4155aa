/**
 * Live span updates for a tab's panels, sent at most once per interval: a panel re-derives its
 * whole trace list for each message it gets, so a busy tab's many small updates (each batch,
 * each assembly run) go out together, with only the newest version of each span. The first
 * update after a quiet interval goes out at once.
 */
import type { SpanRecord } from "../core/contract";

export type Send = (tabId: number, spans: SpanRecord[], removed: string[]) => void;
export type Schedule = (run: () => void, ms: number) => { cancel(): void };

interface Pending {
  spans: Map<string, SpanRecord>;
  removed: Set<string>;
  timer?: { cancel(): void };
}

export interface Coalescer {
  add(tabId: number, spans: readonly SpanRecord[], removed: readonly string[]): void;
  /** The tab's data was cleared: what is waiting must not be sent after it. */
  drop(tabId: number): void;
}

const timeout: Schedule = (run, ms) => {
  const id = setTimeout(run, ms);
  return { cancel: () => clearTimeout(id) };
};

export function coalescer(send: Send, intervalMs: number, schedule: Schedule = timeout, now: () => number = Date.now): Coalescer {
  const pending = new Map<number, Pending>();
  const sentAt = new Map<number, number>();

  function flush(tabId: number): void {
    const p = pending.get(tabId);
    pending.delete(tabId);
    sentAt.set(tabId, now());
    if (p && (p.spans.size || p.removed.size)) send(tabId, [...p.spans.values()], [...p.removed]);
  }

  return {
    add(tabId, spans, removed) {
      if (spans.length === 0 && removed.length === 0) return;
      let p = pending.get(tabId);
      if (!p) pending.set(tabId, (p = { spans: new Map(), removed: new Set() }));
      // In the order they happened: a span removed and then stored again is sent, one stored and then removed is not.
      for (const id of removed) {
        p.spans.delete(id);
        p.removed.add(id);
      }
      for (const s of spans) {
        const known = p.spans.get(s.spanId);
        if (!known || known.updatedAt <= s.updatedAt) p.spans.set(s.spanId, s);
        p.removed.delete(s.spanId);
      }
      if (p.timer) return;
      const wait = (sentAt.get(tabId) ?? -Infinity) + intervalMs - now();
      if (wait <= 0) flush(tabId);
      else p.timer = schedule(() => flush(tabId), wait);
    },
    drop(tabId) {
      pending.get(tabId)?.timer?.cancel();
      pending.delete(tabId);
    },
  };
}
