/**
 * The inspected site's capture policy, changed in one click: development hosts and allowed
 * sites are recorded always, other sites while DevTools is open, denied sites never. When
 * recording only began as DevTools opened, offer a reload to record the page from its start.
 */
import { useEffect } from "preact/hooks";
import type { CapturePolicy as Policy } from "../../core/settings";
import type { PanelHost } from "../host";
import type { SiteStore } from "../state/site";

const LABEL: Record<Policy, string> = { always: "always recorded", never: "not recorded", devtools: "recorded while DevTools is open" };
/** What one click does from each policy. */
const NEXT: Record<Policy, { capture: boolean | null; label: (host: string) => string }> = {
  devtools: { capture: true, label: (h) => `Always record ${h}` },
  always: { capture: false, label: (h) => `Never record ${h}` },
  never: { capture: null, label: (h) => `Record ${h} as by default` },
};

export function SiteToggle({ site: store, host, hasSpans }: { site: SiteStore; host: PanelHost; hasSpans: boolean }) {
  const { site, offerReload } = store;
  useEffect(() => {
    // Recording began with DevTools: earlier calls of this page were not recorded.
    store.load((s) => host.inDevtools && s.policy === "devtools" && !hasSpans);
  }, []);
  const s = site.value;
  if (!s?.host) return null;
  const next = NEXT[s.policy];
  return (
    <>
      <button type="button" class={`site-toggle site-${s.policy}`} title={`${s.host} is ${LABEL[s.policy]}. Click: ${next.label(s.host)}.`}
        aria-label={next.label(s.host)}
        onClick={() => store.setCapture(next.capture)}>
        <span class="site-dot" />{s.host}
      </button>
      {offerReload.value && (
        <span class="reload-offer" role="status">
          Recording started when DevTools opened.
          <button type="button" class="link" onClick={() => { offerReload.value = false; host.reload(); }}>Reload to record from the start</button>
          <button type="button" class="icon-button" aria-label="Dismiss" onClick={() => (offerReload.value = false)}>×</button>
        </span>
      )}
    </>
  );
}
