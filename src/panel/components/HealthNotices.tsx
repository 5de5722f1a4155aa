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

function droppedText(d: Health["dropped"]): string {
  const parts = [
    d.invalid && `${d.invalid} malformed or oversized`,
    d.rateLimited && `${d.rateLimited} over the rate limit`,
    d.relayDropped && `${d.relayDropped} while the extension was unreachable`,
  ].filter(Boolean);
  return `${d.invalid + d.rateLimited + d.relayDropped} capture events from this page were dropped (${parts.join(", ")}).`;
}

export function HealthNotices({ connection }: { connection: Connection }) {
  useEffect(() => {
    const poll = () => void connection.call("getHealth", { since: Number(localStorage.getItem(SEEN_KEY) ?? 0) }).then((h) => (health.value = h), () => {});
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const h = health.value;
  if (!h) return null;
  const d = h.dropped;
  const dropped = d.invalid + d.rateLimited + d.relayDropped;
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
