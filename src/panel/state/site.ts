/** The inspected site's capture policy, and whether to offer a reload to record the page from its start. */
import { signal } from "@preact/signals";
import type { SiteState } from "../../shared/messages";
import type { Connection } from "../connection";

export function createSiteStore(connection: Connection) {
  const site = signal<SiteState | undefined>(undefined);
  const offerReload = signal(false);

  /** `recordingBeganLate`: given the site's state, whether earlier calls of this page went unrecorded. */
  function load(recordingBeganLate: (s: SiteState) => boolean): void {
    void connection.call("getSiteState", {}).then((s) => {
      site.value = s;
      offerReload.value = recordingBeganLate(s);
    }, () => {});
  }

  /** true: always record the site; false: never; null: as by default. */
  function setCapture(capture: boolean | null): void {
    void connection.call("setSiteCapture", { capture }).then((r) => (site.value = r));
  }

  return { site, offerReload, load, setCapture };
}

export type SiteStore = ReturnType<typeof createSiteStore>;
