/**
 * Isolated-world relay between the page hook and the background. It takes the hook's
 * MessagePort from the one hello message (hidden from page listeners), tells the hook the
 * user's settings, and forwards captured events in order, holding each batch until the
 * background acknowledges it was committed, retrying with backoff across worker restarts.
 */
import browser from "webextension-polyfill";
import type { CaptureEvent, HookConfig } from "../core/capture-events";
import { SETTINGS_KEY } from "../core/settings";
import {
  FLUSH_EVENT, HELLO_KEY, PROTOCOL_VERSION, captureMessage, configRequest, hookConfig, isCaptureAck, isHookConfigValue, isHookEvents,
  isScopeChanged,
} from "../shared/messages";

/** Per message to the background; Chrome serialises runtime messages as JSON. */
const MAX_BATCH_EVENTS = 2000;
const MAX_BATCH_CHARS = 4 * 1024 * 1024;
/** What a tab may hold while the background is unreachable; beyond it events are counted, not kept. */
const MAX_QUEUE_CHARS = 64 * 1024 * 1024;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;

let port: MessagePort | undefined;
/** Unknown until the background answers: events wait, neither sent nor dropped. */
let config: HookConfig | undefined;
const queue: CaptureEvent[] = [];
let queuedChars = 0;
let dropped = 0;
let sending = false;
let retryDelay = 0;

const sizeOf = (e: CaptureEvent): number =>
  200 + (e.t === "chunk" ? e.text.length : e.t === "request" ? (e.body?.text?.length ?? 0) + e.url.length : 0);

function onHello(event: MessageEvent): void {
  const data = event.data as Record<string, unknown> | null;
  if (event.source !== window || typeof data !== "object" || data === null || data[HELLO_KEY] !== PROTOCOL_VERSION) return;
  // The page never sees our hello, and only the first one (ours: the hook runs first) counts.
  event.stopImmediatePropagation();
  window.removeEventListener("message", onHello, true);
  const received = event.ports[0];
  if (!received) return;
  port = received;
  port.onmessage = (e) => {
    if (isHookEvents(e.data)) enqueue(e.data.events);
  };
  if (config) port.postMessage(hookConfig(config));
}

/** Ask the background whether (and how) to capture in this frame, and tell the hook. */
async function refreshConfig(): Promise<void> {
  let answer: unknown;
  for (let delay = RETRY_MIN_MS; ; delay = Math.min(RETRY_MAX_MS, delay * 2)) {
    answer = await browser.runtime.sendMessage(configRequest(location.origin)).catch(() => undefined);
    if (isHookConfigValue(answer)) break;
    await new Promise((r) => setTimeout(r, delay));
  }
  config = answer;
  port?.postMessage(hookConfig(config));
  if (!config.enabled) {
    // What the hook recorded before it knew is not ours to keep.
    queue.length = 0;
    queuedChars = 0;
  }
  void pump();
}

function enqueue(events: CaptureEvent[]): void {
  if (config && !config.enabled) return;
  for (const event of events) {
    const size = sizeOf(event);
    if (queuedChars + size > MAX_QUEUE_CHARS) {
      dropped++;
      continue;
    }
    queuedChars += size;
    queue.push(event);
  }
  void pump();
}

function takeBatch(): { events: CaptureEvent[]; chars: number } {
  let chars = 0;
  let n = 0;
  while (n < queue.length && n < MAX_BATCH_EVENTS) {
    const size = sizeOf(queue[n]!);
    if (n > 0 && chars + size > MAX_BATCH_CHARS) break;
    chars += size;
    n++;
  }
  return { events: queue.slice(0, n), chars };
}

async function pump(): Promise<void> {
  if (sending || !config?.enabled) return;
  sending = true;
  try {
    while (queue.length > 0) {
      const batch = takeBatch();
      const reportedDrops = dropped;
      let ack: unknown;
      try {
        ack = await browser.runtime.sendMessage(captureMessage(batch.events, reportedDrops, location.origin));
      } catch {
        ack = undefined;
      }
      // The polyfill resolves undefined when the worker went away before answering:
      // not delivered, so the same batch goes again (storage is idempotent).
      if (isCaptureAck(ack)) {
        queue.splice(0, batch.events.length);
        queuedChars -= batch.chars;
        dropped -= reportedDrops;
        retryDelay = 0;
      } else {
        retryDelay = Math.min(RETRY_MAX_MS, retryDelay ? retryDelay * 2 : RETRY_MIN_MS);
        await new Promise((r) => setTimeout(r, retryDelay));
      }
    }
  } finally {
    sending = false;
  }
}

browser.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SETTINGS_KEY in changes) void refreshConfig();
});
browser.runtime.onMessage.addListener((message: unknown) => {
  if (isScopeChanged(message)) void refreshConfig();
  return undefined;
});

/** Leaving the page: what is queued goes out now, even while a batch is in flight (a duplicate is harmless, a loss is not). */
function sendAllNow(): void {
  if (queue.length > 0 && config?.enabled) browser.runtime.sendMessage(captureMessage(queue.slice(), dropped, location.origin)).catch(() => {});
}

// The hook's last batch arrives synchronously as the page is left (see FLUSH_EVENT).
window.addEventListener(FLUSH_EVENT, (event) => {
  event.stopImmediatePropagation();
  let message: unknown;
  try {
    message = JSON.parse(String((event as CustomEvent).detail));
  } catch {
    return;
  }
  if (!isHookEvents(message)) return;
  enqueue(message.events);
  sendAllNow();
}, true);
window.addEventListener("pagehide", sendAllNow, true);

window.addEventListener("message", onHello, true);
void refreshConfig();
