/**
 * Nothing lost silently: events this page sent that were dropped, and storage notices (oldest
 * traces evicted when storage ran out, a database that had to be reset), until dismissed.
 */
import { useEffect } from "preact/hooks";
import { droppedTotal, type Health, type HealthStore } from "../state/health";

function droppedText(d: Health["dropped"]): string {
  const parts = [
    d.invalid && `${d.invalid} malformed or oversized`,
    d.rateLimited && `${d.rateLimited} over the rate limit`,
    d.relayDropped && `${d.relayDropped} while the extension was unreachable`,
  ].filter(Boolean);
  return `${droppedTotal(d)} capture events from this page were dropped (${parts.join(", ")}).`;
}

export function HealthNotices({ health: store }: { health: HealthStore }) {
  useEffect(() => store.watch(), []);
  const h = store.health.value;
  if (!h) return null;
  const d = h.dropped;
  const dropped = droppedTotal(d);
  const items: { key: string; text: string; dismiss(): void }[] = h.notices.map((n) => ({
    key: `n${n.at}`, text: n.message,
    dismiss: () => store.dismissNotice(n.at),
  }));
  if (dropped > store.droppedSeen.value) items.push({ key: "dropped", text: droppedText(d), dismiss: () => store.dismissDropped(dropped) });
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
