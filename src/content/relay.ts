/**
 * Isolated-world relay between the page hook and the background. It takes the hook's
 * MessagePort from the one hello message (hidden from page listeners), asks the background
 * whether to capture in this frame and tells the hook, decodes the body bytes the hook hands
 * over, and forwards captured events in order, holding each batch until the background
 * acknowledges it was committed, retrying with backoff across worker restarts.
 *
 * It runs on the page's thread in every frame, so it stays small: the extension API directly
 * (promise-based in both browsers under MV3), no polyfill; and it sends few messages, since
 * each costs the page a serialisation.
 */
import type Browser from "webextension-polyfill";
import { newEventId } from "./ids";
import { watchInteractions } from "./interactions";
import type { CaptureEvent, ChunksEvent, HookConfig } from "../core/contract";
import { SETTINGS_KEY } from "../core/settings";
import {
  FLUSH_EVENT, HELLO_KEY, PROTOCOL_VERSION, RELAY_READY, captureMessage, configRequest, hookConfig, isCaptureAck, isHookConfigValue, isHookEvents,
  isReplayAnswer, isReplayCommand, replayAnswer, type ReplayAnswer, type ReplayCommand,
  isScopeChanged, type HookEvent, type PiecesEvent,
} from "../shared/messages";

const api = (globalThis as unknown as { browser?: typeof Browser }).browser ?? (globalThis as unknown as { chrome: typeof Browser }).chrome;

/** Per message to the background; Chrome serialises runtime messages as JSON. */
const MAX_BATCH_EVENTS = 2000;
const MAX_BATCH_CHARS = 4 * 1024 * 1024;
/** What a tab may hold while the background is unreachable; beyond it events are counted, not kept. */
const MAX_QUEUE_CHARS = 64 * 1024 * 1024;
/** At most one message this often (unless a batch is full): fewer, larger messages cost the page less. */
const SEND_INTERVAL_MS = 50;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;
/** Streams decoded at once; a stream whose end never comes is forgotten after this many others. */
const MAX_DECODERS = 500;

let port: MessagePort | undefined;
/** Unknown until the background answers: events wait, neither sent nor dropped. */
let config: HookConfig | undefined;
/** Proves that a flush event came from the hook: only the hook learns it, over the private port. */
const token = randomToken();
const queue: { event: CaptureEvent; size: number }[] = [];
let queuedChars = 0;
let dropped = 0;
let sending = false;
let lastSend = 0;
let retryDelay = 0;

function randomToken(): string {
  return newEventId() + newEventId();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const str = (v: unknown): number => (typeof v === "string" ? v.length : 0);

/**
 * What an event weighs in a message, roughly as JSON: its strings (URLs, headers, body text),
 * plus a little for everything else. Read field by field: this runs for every event the page
 * makes, on the page's thread.
 */
function sizeOf(event: CaptureEvent): number {
  const e = event as unknown as Record<string, unknown>;
  let size = 200 + str(e.url) + str(e.pageUrl) + str(e.target) + str(e.name);
  const headers = e.headers;
  if (Array.isArray(headers)) for (const h of headers) size += 8 + str(h?.[0]) + str(h?.[1]);
  const texts = e.texts;
  if (Array.isArray(texts)) for (const t of texts) size += 24 + str(t);
  const body = e.body as Record<string, unknown> | undefined;
  if (body && typeof body === "object") size += str(body.text) + str(body.mimeType);
  const outcome = e.outcome as Record<string, unknown> | undefined;
  if (outcome && typeof outcome === "object") size += str(outcome.errorMessage) + str(outcome.errorName);
  const attributes = e.attributes;
  if (attributes && typeof attributes === "object") for (const [k, v] of Object.entries(attributes)) size += 8 + k.length + str(v);
  return size;
}

// ---- body bytes -> text, per stream ----

interface Decoding {
  decoder: TextDecoder;
  /** seq the next piece of this exchange gets */
  next: number;
}
const decodings = new Map<string, Decoding>();

function decoderFor(id: string, charset: string | undefined): Decoding {
  let d = decodings.get(id);
  if (!d) {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(charset ?? "utf-8");
    } catch {
      decoder = new TextDecoder();
    }
    d = { decoder, next: 0 };
    decodings.set(id, d);
    if (decodings.size > MAX_DECODERS) decodings.delete(decodings.keys().next().value!);
  }
  return d;
}

function chunksOf(e: PiecesEvent): ChunksEvent {
  const d = decoderFor(e.id, e.charset);
  const texts = e.parts.map((p) => (typeof p === "string" ? p : d.decoder.decode(p, { stream: true })));
  d.next = e.seq + texts.length;
  return { t: "chunks", id: e.id, seq: e.seq, times: e.times, texts };
}

/** Events as the background takes them: pieces decoded, a stream's undecoded tail before its end. */
function toCaptureEvents(events: readonly HookEvent[]): CaptureEvent[] {
  const out: CaptureEvent[] = [];
  for (const e of events) {
    if (typeof e !== "object" || e === null) continue;
    if (e.t === "pieces") {
      if (Array.isArray(e.parts) && Array.isArray(e.times)) out.push(chunksOf(e));
      continue;
    }
    if (e.t === "end") {
      const d = decodings.get(e.id);
      if (d) {
        decodings.delete(e.id);
        const tail = d.decoder.decode();
        if (tail !== "") {
          out.push({ t: "chunks", id: e.id, seq: d.next, times: [e.time], texts: [tail] });
          out.push({ ...e, chunks: Math.max(e.chunks, d.next + 1) });
          continue;
        }
      }
    }
    out.push(e);
  }
  return out;
}

// ---- the hook's port ----

function onHello(event: MessageEvent): void {
  const data = event.data as Record<string, unknown> | null;
  if (event.source !== window || typeof data !== "object" || data === null || data[HELLO_KEY] !== PROTOCOL_VERSION) return;
  // The page never sees a hello (the hook may send two), and only the first one counts.
  event.stopImmediatePropagation();
  const received = event.ports[0];
  if (port || !received) return;
  port = received;
  port.onmessage = (e) => {
    if (isHookEvents(e.data)) enqueue(toCaptureEvents(e.data.events));
    else if (isReplayAnswer(e.data)) replies.get(e.data.requestId)?.(e.data);
  };
  if (config) port.postMessage(hookConfig(config, token));
}

/** Ask the background whether (and how) to capture in this frame, and tell the hook. */
async function refreshConfig(): Promise<void> {
  let answer: unknown;
  for (let delay = RETRY_MIN_MS; ; delay = Math.min(RETRY_MAX_MS, delay * 2)) {
    answer = await api.runtime.sendMessage(configRequest(location.origin)).catch(() => undefined);
    if (isHookConfigValue(answer)) break;
    await sleep(delay);
  }
  config = answer;
  port?.postMessage(hookConfig(config, token));
  if (!config.enabled) {
    // What the hook recorded before it knew is not ours to keep.
    queue.length = 0;
    queuedChars = 0;
    decodings.clear();
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
    queue.push({ event, size });
  }
  void pump();
}

/** The next batch from `from`: up to the event and size limits. */
function batchAt(from: number): { events: CaptureEvent[]; chars: number } {
  let chars = 0;
  let n = from;
  while (n < queue.length && n - from < MAX_BATCH_EVENTS) {
    const size = queue[n]!.size;
    if (n > from && chars + size > MAX_BATCH_CHARS) break;
    chars += size;
    n++;
  }
  return { events: queue.slice(from, n).map((q) => q.event), chars };
}

async function pump(): Promise<void> {
  if (sending || !config?.enabled) return;
  sending = true;
  try {
    while (queue.length > 0) {
      // Let a burst gather into one message, unless there is a full batch already.
      const wait = lastSend + SEND_INTERVAL_MS - Date.now();
      if (wait > 0 && queue.length < MAX_BATCH_EVENTS && queuedChars < MAX_BATCH_CHARS) await sleep(wait);
      lastSend = Date.now();
      const batch = batchAt(0);
      const reportedDrops = dropped;
      const ack = await api.runtime.sendMessage(captureMessage(batch.events, reportedDrops, location.origin)).catch(() => undefined);
      // Undefined: the worker went away before answering, so not delivered; the same batch goes
      // again (storage is idempotent).
      if (isCaptureAck(ack)) {
        queue.splice(0, batch.events.length);
        queuedChars -= batch.chars;
        dropped -= reportedDrops;
        retryDelay = 0;
      } else {
        retryDelay = Math.min(RETRY_MAX_MS, retryDelay ? retryDelay * 2 : RETRY_MIN_MS);
        await sleep(retryDelay);
      }
    }
  } finally {
    sending = false;
  }
}

api.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SETTINGS_KEY in changes) void refreshConfig();
});
// ---- replay: the background asks, the hook sends (docs/DESIGN.md, "Compare and replay") ----

/** Answers awaited from the hook, by request id. */
const replies = new Map<string, (answer: ReplayAnswer) => void>();
const REPLAY_ANSWER_MS = 10_000;

/** Pass a replay command to the hook and its answer back; nothing of it is kept here. */
function replay(command: ReplayCommand): Promise<ReplayAnswer> {
  const refuse = (message: string): ReplayAnswer => replayAnswer(command.requestId, { ok: false, reason: "refused", message });
  if (!port || config?.enabled === false) return Promise.resolve(refuse("This page is not recorded: reload it with recording on."));
  const hook = port;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      replies.delete(command.requestId);
      resolve(refuse("The page did not start the call."));
    }, REPLAY_ANSWER_MS);
    replies.set(command.requestId, (answer) => {
      clearTimeout(timer);
      replies.delete(command.requestId);
      resolve(answer);
    });
    hook.postMessage(command);
  });
}

api.runtime.onMessage.addListener(((message: unknown, sender: Browser.Runtime.MessageSender, sendResponse: (answer: unknown) => void) => {
  if (isScopeChanged(message)) void refreshConfig();
  // Only the extension itself reaches a content script's runtime listener; the id says so twice.
  // The answer goes by sendResponse (Chrome's own API, unlike the polyfill, takes no promise).
  else if (isReplayCommand(message) && sender.id === api.runtime.id) {
    void replay(message).then(sendResponse);
    return true;
  }
  return undefined;
}) as Browser.Runtime.OnMessageListenerCallback);

/**
 * Leaving the page: what is queued goes out now, in batches, even while a batch is in flight
 * (a duplicate is harmless, a loss is not). Runtime messages are sent synchronously here.
 */
function sendAllNow(): void {
  // Not known yet (a page left within moments of loading): send anyway; the background applies
  // the same scope to what it receives and keeps nothing outside it.
  if (config && !config.enabled) return;
  for (let from = 0; from < queue.length;) {
    const batch = batchAt(from);
    api.runtime.sendMessage(captureMessage(batch.events, dropped, location.origin)).catch(() => {});
    from += batch.events.length;
  }
}

/** Bound what parsing one flush event may cost. */
const MAX_FLUSH_CHARS = 16 * 1024 * 1024;

/** Set by the browser's own pagehide: the page is being left (a page cannot fake a trusted event). */
let leaving = false;

// The hook's last batch arrives synchronously as the page is left (see FLUSH_EVENT), before or
// after our own pagehide listener runs. It carries the token the hook got over the private port:
// the same event dispatched by the page itself lacks it and is dropped.
window.addEventListener(FLUSH_EVENT, (event) => {
  event.stopImmediatePropagation();
  const detail = (event as CustomEvent).detail;
  let message: { token?: unknown; events?: unknown } | undefined;
  try {
    message = typeof detail === "string" && detail.length <= MAX_FLUSH_CHARS ? JSON.parse(detail) : undefined;
  } catch {
    message = undefined;
  }
  if (typeof message !== "object" || message === null || message.token !== token || !Array.isArray(message.events)) {
    dropped++;
    return;
  }
  enqueue(toCaptureEvents(message.events as HookEvent[]));
  if (leaving) sendAllNow();
}, true);
window.addEventListener("pagehide", (event) => {
  if (!event.isTrusted) return;
  leaving = true;
  sendAllNow();
}, true);
// Back from the back/forward cache: an ordinary page again.
window.addEventListener("pageshow", (event) => {
  if (event.isTrusted) leaving = false;
}, true);

window.addEventListener("message", onHello, true);
watchInteractions((event) => {
  if (config?.enabled !== false) enqueue([event]);
});
// If the hook's hello went out before we were here, it sends another.
window.dispatchEvent(new CustomEvent(RELAY_READY));
void refreshConfig();
