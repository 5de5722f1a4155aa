/**
 * Nothing lost silently: events the page sent that were dropped, and storage notices (oldest
 * traces evicted when storage ran out, a database that had to be reset), until dismissed. A
 * dismissed notice stays dismissed across panels (localStorage); dropped counts until the panel closes.
 */
import { signal } from "@preact/signals";
import type { RpcResult } from "../../shared/messages";
import type { Connection } from "../connection";

const SEEN_KEY = "llm-traces.notices-seen";
const POLL_MS = 2000;

export type Health = RpcResult<"getHealth">;

export const droppedTotal = (d: Health["dropped"]) => d.invalid + d.rateLimited + d.relayDropped;

export function createHealthStore(connection: Connection) {
  const health = signal<Health | undefined>(undefined);
  /** The dropped count the user dismissed. */
  const droppedSeen = signal(0);

  function poll(): void {
    void connection.call("getHealth", { since: Number(localStorage.getItem(SEEN_KEY) ?? 0) }).then((h) => {
      // Counts that went back were cleared with all data: drops from now on are news again.
      if (droppedTotal(h.dropped) < droppedSeen.value) droppedSeen.value = 0;
      health.value = h;
    }, () => {});
  }

  /** Asks at once when the line (re)opens and when the tab is cleared, else every POLL_MS; returns the stop. */
  function watch(): () => void {
    const unsubscribe = connection.subscribe((push) => {
      if (push === null || push.type === "tab-cleared") poll();
    });
    const timer = setInterval(poll, POLL_MS);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }

  /** Dismiss the storage notice of `at` and every older one. */
  function dismissNotice(at: number): void {
    const h = health.value;
    localStorage.setItem(SEEN_KEY, String(at));
    if (h) health.value = { ...h, notices: h.notices.filter((x) => x.at > at) };
  }

  function dismissDropped(total: number): void {
    droppedSeen.value = total;
  }

  return { health, droppedSeen, watch, dismissNotice, dismissDropped };
}

export type HealthStore = ReturnType<typeof createHealthStore>;
