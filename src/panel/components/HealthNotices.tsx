/**
 * Nothing lost silently: events this page sent that were dropped, and storage notices (oldest
 * traces evicted when storage ran out, a database that had to be reset), until dismissed.
 */
import { signal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { RpcResult } from "../../shared/messages";
import type { Connection } from "../connection";

const SEEN_KEY = "llm-traces.notices-seen";
const POLL_MS = 2000;

type Health = RpcResult<"getHealth">;

const health = signal<Health | undefined>(undefined);
const droppedSeen = signal(0);

const droppedTotal = (d: Health["dropped"]) => d.invalid + d.rateLimited + d.relayDropped;

function droppedText(d: Health["dropped"]): string {
  const parts = [
    d.invalid && `${d.invalid} malformed or oversized`,
    d.rateLimited && `${d.rateLimited} over the rate limit`,
    d.relayDropped && `${d.relayDropped} while the extension was unreachable`,
  ].filter(Boolean);
  return `${droppedTotal(d)} capture events from this page were dropped (${parts.join(", ")}).`;
}

export function HealthNotices({ connection }: { connection: Connection }) {
  useEffect(() => {
    const poll = () => void connection.call("getHealth", { since: Number(localStorage.getItem(SEEN_KEY) ?? 0) }).then((h) => {
      // Counts that went back were cleared with all data: drops from now on are news again.
      if (droppedTotal(h.dropped) < droppedSeen.value) droppedSeen.value = 0;
      health.value = h;
    }, () => {});
    // Asked again at once when the line (re)opens and when the tab is cleared, else every POLL_MS.
    const unsubscribe = connection.subscribe((push) => {
      if (push === null || push.type === "tab-cleared") poll();
    });
    const timer = setInterval(poll, POLL_MS);
    return () => {
      unsubscribe();
      clearInterval(timer);
    };
  }, []);
  const h = health.value;
  if (!h) return null;
  const d = h.dropped;
  const dropped = droppedTotal(d);
  const items: { key: string; text: string; dismiss(): void }[] = h.notices.map((n) => ({
    key: `n${n.at}`, text: n.message,
    dismiss: () => {
      localStorage.setItem(SEEN_KEY, String(n.at));
      health.value = { ...h, notices: h.notices.filter((x) => x.at > n.at) };
    },
  }));
  if (dropped > droppedSeen.value) items.push({ key: "dropped", text: droppedText(d), dismiss: () => (droppedSeen.value = dropped) });
  return (
    <>
      {items.map((item) => (
        <div key={item.key} class="notice notice-error" role="alert">
          <span>{item.text}</span>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={item.dismiss}>×</button>
        </div>
      ))}
    </>
  );
}
