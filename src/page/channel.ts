/**
 * The hook's only line out: a MessagePort handed to the relay in a single window message
 * (which the relay swallows before any page listener can see it). Events are queued and sent
 * in batches, so a request costs the page an array push, not a postMessage.
 *
 * Events stay queued until the relay has answered over the port: the relay may start after
 * our hello went out (the first page of a fresh browser), and says so with RELAY_READY, upon
 * which the hello is offered again on a new port.
 */
import { DEFAULT_HOOK_CONFIG, type CaptureEvent, type HookConfig } from "../core/capture-events";
import { FLUSH_EVENT, HELLO_KEY, PROTOCOL_VERSION, RELAY_READY, hookEvents, isHookConfig } from "../shared/messages";
import { apply } from "./patch";

/** Long enough to batch a burst, short enough to feel live in the panel. */
const FLUSH_DELAY_MS = 20;

const setTimeoutNative = setTimeout;
const postPortMessage = MessagePort.prototype.postMessage;
const addListener = EventTarget.prototype.addEventListener;
const push = Array.prototype.push;
const dispatchEvent = EventTarget.prototype.dispatchEvent;
const CustomEventNative = CustomEvent;
const stringify = JSON.stringify;
const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
const MessageChannelNative = MessageChannel;
/** While no relay answers, keep at most this many events (oldest dropped). */
const MAX_WAITING = 5000;

export interface Channel {
  emit(event: CaptureEvent): void;
  readonly config: HookConfig;
}

export function openChannel(win: Window): Channel {
  let port: MessagePort | undefined;
  let connected = false;
  let queue: CaptureEvent[] = [];
  let scheduled = false;
  const channel: { emit: Channel["emit"]; config: HookConfig } = { emit, config: { ...DEFAULT_HOOK_CONFIG } };

  function hello(): void {
    const { port1, port2 } = new MessageChannelNative();
    port1.onmessage = (e: MessageEvent) => {
      if (!isHookConfig(e.data)) return;
      channel.config = { ...e.data.config };
      if (!connected) {
        // The port the relay answered on (of several hellos, it takes the first it sees).
        port = port1;
        connected = true;
        flush();
      }
    };
    win.postMessage({ [HELLO_KEY]: PROTOCOL_VERSION }, "*", [port2]);
  }

  function flush(): void {
    scheduled = false;
    if (!connected) {
      if (queue.length > MAX_WAITING) queue = queue.slice(-MAX_WAITING);
      return;
    }
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      apply(postPortMessage, port!, [hookEvents(batch)]);
    } catch {
      // Not clonable (should not happen: events are plain data). Never throw into the page.
    }
  }

  function emit(event: CaptureEvent): void {
    apply(push, queue, [event]);
    if (!scheduled) {
      scheduled = true;
      setTimeoutNative(flush, FLUSH_DELAY_MS);
    }
  }

  /** Leaving the page: hand the relay what is queued synchronously, in this very task. */
  function flushNow(): void {
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      apply(dispatchEvent, win, [new CustomEventNative(FLUSH_EVENT, { detail: stringify(hookEvents(batch)) })]);
    } catch {
      // never throw into the page
    }
  }

  apply(addListener, win, ["pagehide", flushNow, { capture: true }]);
  // A relay that started late asks for the hello again; the page never sees the request.
  apply(addListener, win, [RELAY_READY, (event: Event) => {
    apply(stopImmediatePropagation, event, []);
    if (!connected) hello();
  }, { capture: true }]);
  hello();
  return channel;
}
