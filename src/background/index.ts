/**
 * Background entry, the same code as Chrome's service worker and Firefox's event page. All
 * listeners are registered synchronously at the top level so that a worker woken by a
 * message finds them; nothing it needs lives only in memory.
 */
import browser, { type Runtime } from "webextension-polyfill";
import { eventLimits, isCaptureEvent } from "../core/capture";
import { scheduleAssembly, type AssemblyResult } from "./assembly";
import { serially } from "./serial";
import { isCaptureMessage, isConfigRequest, isNetworkEntryMessage, type CaptureAck, type NetworkEntryMessage } from "../shared/messages";
import { DEVTOOLS_PORT_PREFIX, acceptDevtools, configForSender, forgetTabScope, isDevtoolsOpen, isTabCaptured } from "./scope";
import { entrySource, networkEntryEvents, requesterHost } from "../core/files";
import { capturePolicy } from "../core/settings";
import { workerCalls } from "./worker-calls";
import { schedulePush } from "./otlp-push";
import { getSettings } from "./current-settings";
import { QUIET_RELEASE_MS, ingestBatch, type IngestOptions, type IngestResult } from "./ingest";
import type { CaptureEvent } from "../core/contract";
import { onStoreReset, onStoreUnavailable } from "./store";
import { acceptPage, notifySpans } from "./ports";
import { handlersFor } from "./rpc";
import { isRecording } from "./recording";
import { describeEviction, enforceRetention, forgetLiveTabs, forgetTab, isQuotaError, spansStored } from "./retention";
import { evictFraction } from "./eviction";
import { addStorageNotice, admit, countDropped, forgetHealth } from "./health";
import { clampToTabLifetime, forgetTabLifetime, tabFirstSeen } from "./tab-lifetime";

async function onCapture(message: unknown, sender: Runtime.MessageSender): Promise<CaptureAck> {
  const tabId = sender.tab?.id;
  // Capture comes from our content scripts in a tab, never from another extension or page.
  if (sender.id !== browser.runtime.id || tabId === undefined || tabId < 0 || !isCaptureMessage(message)) {
    return { ok: false, error: "rejected" };
  }
  countDropped(tabId, "relayDropped", typeof message.dropped === "number" ? message.dropped : 0);
  try {
    // Each event is judged alone: an invalid one is counted and dropped, never retried, and the
    // rest of its batch is stored and acknowledged.
    const limits = eventLimits((await getSettings()).bodyCapBytes);
    // Only the network log (onNetworkEntry) may say a call was read from it, never a page.
    const valid = message.events.filter((e) => isCaptureEvent(e, limits) && !(e.t === "request" && e.network));
    countDropped(tabId, "invalid", message.events.length - valid.length);
    unattributed.hookEvents(tabId, valid);
    // Paused from the panel, or outside the capture scope (a private window, DevTools closed on
    // a site recorded only then): acknowledged, so the relay may forget it, but not kept.
    if (!(await isRecording(tabId)) || !(await configForSender(sender, String(message.origin ?? ""))).enabled) return { ok: true };
    const timed = await clampToTabLifetime(tabId, valid);
    const events = admit(tabId, timed.events, limits.eventBytes);
    await afterIngest(tabId, await ingestWithRoom(tabId, sender.frameId, events, { clamped: timed.clamped }));
    void enforceRetention();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * A call of the tab that the hook could not see (a worker's), read from the network log by the
 * DevTools page: stored like live capture, under the same scope (docs/DESIGN.md, "Calls from workers").
 * Firefox's entries name no initiator: they wait to be told apart from the page's (worker-calls.ts).
 */
async function onNetworkEntry(tabId: number, message: unknown): Promise<void> {
  if (!isNetworkEntryMessage(message) || !isTabCaptured(tabId) || !(await isRecording(tabId))) return;
  if (entrySource(message.entry) === "unattributed") unattributed.offer(tabId, message);
  else await storeNetworkEntry(tabId, message);
}

const unattributed = workerCalls(storeNetworkEntry);

async function storeNetworkEntry(tabId: number, message: NetworkEntryMessage): Promise<void> {
  if (!isTabCaptured(tabId) || !(await isRecording(tabId))) return;
  const settings = await getSettings();
  // A frame of a site never recorded (its hook is off) is not recorded through the log either.
  const requester = requesterHost(message.entry);
  if (requester && capturePolicy(settings, requester) === "never") return;
  const limits = eventLimits(settings.bodyCapBytes);
  const read = networkEntryEvents(message.entry, message.content, message.encoding, limits.bodyChars);
  if (!("events" in read)) return;
  const valid = read.events.filter((e) => isCaptureEvent(e, limits));
  if (valid.length !== read.events.length) return countDropped(tabId, "invalid", read.events.length);
  const timed = await clampToTabLifetime(tabId, valid);
  const events = admit(tabId, timed.events, limits.eventBytes);
  await afterIngest(tabId, await ingestWithRoom(tabId, undefined, events, { clamped: timed.clamped }));
  void enforceRetention();
}

/**
 * Panels see what changed; spans stored before their traces were known (a small batch soon after
 * the last placement) get them from a run soon; exchanges left underived are derived a moment later.
 */
async function afterIngest(tabId: number, result: IngestResult): Promise<void> {
  countDropped(tabId, "invalid", result.rejected);
  spansStored(result.added);
  notifySpans(tabId, result.spans, result.removed);
  if (result.deferred.length) deriveLater(tabId, result.deferred);
  if (result.unplacedFrom !== undefined) scheduleAssembly(tabId, onAssembled, result.unplacedFrom);
  if (result.spans.length && (await getSettings()).otlp.enabled) schedulePush(tabId);
}

function onAssembled(tabId: number, assembled: AssemblyResult): void {
  spansStored(assembled.added);
  notifySpans(tabId, assembled.changed, assembled.removed);
}

/** The live throttle's trailing edge, and the release of quiet streams (see IngestResult.deferred). */
const DERIVE_LATER_MS = QUIET_RELEASE_MS;
const deriveLaterTimers = new Map<number, { timer: ReturnType<typeof setTimeout>; ids: Set<string> }>();

function deriveLater(tabId: number, ids: readonly string[]): void {
  let pending = deriveLaterTimers.get(tabId);
  if (!pending) {
    const entry = { ids: new Set<string>(), timer: setTimeout(() => {
      deriveLaterTimers.delete(tabId);
      void ingestWithRoom(tabId, undefined, [], { rederive: [...entry.ids] }).then((result) => afterIngest(tabId, result)).catch(() => {});
    }, DERIVE_LATER_MS) };
    deriveLaterTimers.set(tabId, (pending = entry));
  }
  for (const id of ids) pending.ids.add(id);
}

/**
 * One ingest at a time per tab (and never beside one of its assembly runs): a stream's
 * redaction state is read before a batch and written after it, so two batches of one exchange
 * (a capture message and a deferred re-derive) must not interleave, or one overwrites the
 * other's state and a piece of the body is lost; and a batch places its spans in the window
 * the previous one left.
 */
function ingestWithRoom(tabId: number, frameId: number | undefined, events: readonly CaptureEvent[], options: IngestOptions): Promise<IngestResult> {
  return serially(tabId, () => ingestNow(tabId, frameId, events, options));
}

/** Store the batch; when the storage quota is exhausted, evict the oldest traces and try once more. */
async function ingestNow(tabId: number, frameId: number | undefined, events: readonly CaptureEvent[], options: IngestOptions): Promise<IngestResult> {
  try {
    return await ingestBatch(tabId, frameId, events, options);
  } catch (error) {
    if (!isQuotaError(error)) throw error;
    const evicted = await evictFraction(0.25);
    await addStorageNotice(`Storage was full: ${describeEviction(evicted)} to keep recording.`);
    return ingestBatch(tabId, frameId, events, options);
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id) return undefined;
  if (isCaptureMessage(message)) return onCapture(message, sender);
  if (isConfigRequest(message) && sender.tab?.id !== undefined) {
    // A frame's first word: the start of the times its tab's events may claim.
    if (sender.tab.id >= 0) void tabFirstSeen(sender.tab.id);
    return configForSender(sender, String(message.origin ?? ""));
  }
  return undefined;
});

// The extension's pages (panels, settings) call and are told over ports; DevTools keeps one open.
browser.runtime.onConnect.addListener((port) => {
  if (acceptPage(port, handlersFor)) return;
  if (!acceptDevtools(port, (tabId, message) => void onNetworkEntry(tabId, message).catch(() => {}))) return port.disconnect();
  const tabId = Number(port.name.slice(DEVTOOLS_PORT_PREFIX.length));
  if (!isDevtoolsOpen(tabId)) return; // a port acceptDevtools refused
  unattributed.devtoolsOpened(tabId);
  port.onDisconnect.addListener(() => unattributed.devtoolsClosed(tabId));
});

onStoreReset(({ name, reason, kept, total }) => void addStorageNotice(
  `The trace database (${name}) could not be opened (${reason}) and was reset: ${kept} of its ${total} records were kept.`,
));
onStoreUnavailable((name, reason) => void addStorageNotice(`The trace database (${name}) could not be opened (${reason}); nothing was deleted, and it is tried again.`));

// A closed tab's capture goes with it, as the Network panel's does; and tab ids restart with
// the browser, so a new session must not show an old one's spans under a reused id.
browser.tabs.onRemoved.addListener((tabId) => {
  forgetTabScope(tabId);
  forgetHealth(tabId);
  forgetTabLifetime(tabId);
  unattributed.forget(tabId);
  void forgetTab(tabId);
});
browser.runtime.onStartup.addListener(() => void forgetLiveTabs());
