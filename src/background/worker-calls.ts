/**
 * Firefox's network log names no initiator: its entries wait here until they are told apart
 * from the page's own calls by the hook's (core/files/network-match.ts), and only the workers'
 * go on to be stored (docs/DESIGN.md, "Calls from workers"). Log entries come only while DevTools
 * is open on the tab, so the hook's calls are remembered only then: every other batch of every
 * tab passes by untouched. Entries that started before DevTools opened are not judged.
 */
import { WorkerCallMatcher } from "../core/files";
import type { CaptureEvent } from "../core/contract";
import type { NetworkEntryMessage } from "../shared/messages";
import { isDevtoolsOpen, siteState } from "./scope";

/** After DevTools opens on a site recorded only then, the page's frames start recording within this. */
const RECORDING_STARTS_MS = 1000;

export interface WorkerCalls {
  /** A relay's batch of the tab: the calls the hook saw. */
  hookEvents(tabId: number, events: readonly CaptureEvent[]): void;
  /** An entry that names no initiator, stored by `store` if it turns out to be a worker's. */
  offer(tabId: number, message: NetworkEntryMessage): void;
  /** DevTools opened on the tab. */
  devtoolsOpened(tabId: number): void;
  /** DevTools closed on the tab (its last port went). */
  devtoolsClosed(tabId: number): void;
  forget(tabId: number): void;
}

export function workerCalls(store: (tabId: number, message: NetworkEntryMessage) => Promise<void>): WorkerCalls {
  const matcher = new WorkerCallMatcher<NetworkEntryMessage>(Date.now());
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerDue = Infinity;

  function schedule(): void {
    const due = matcher.nextDue();
    if (due === undefined || due >= timerDue) return;
    if (timer !== undefined) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = Infinity;
      for (const { tabId, payload } of matcher.settle(Date.now())) void store(tabId, payload).catch(() => {});
      schedule();
    }, Math.max(0, due - Date.now()));
  }

  return {
    hookEvents(tabId, events) {
      if (isDevtoolsOpen(tabId)) matcher.hookEvents(tabId, events);
    },
    offer(tabId, message) {
      matcher.offer(tabId, message.entry, message, Date.now(), message.content?.length ?? 0);
      schedule();
    },
    devtoolsOpened(tabId) {
      if (!Number.isInteger(tabId)) return;
      // The hook's calls are remembered from now; on a site recorded only with DevTools open, the
      // page's frames start recording a moment later.
      const opened = Date.now();
      matcher.recordingFrom(tabId, opened);
      void siteState(tabId).then((state) => {
        if (state.policy !== "always") matcher.recordingFrom(tabId, opened + RECORDING_STARTS_MS);
      }, () => matcher.recordingFrom(tabId, opened + RECORDING_STARTS_MS));
    },
    devtoolsClosed(tabId) {
      if (!isDevtoolsOpen(tabId)) matcher.forget(tabId);
    },
    forget: (tabId) => matcher.forget(tabId),
  };
}
