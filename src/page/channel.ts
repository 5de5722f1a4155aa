/**
 * The hook's only line out: a MessagePort handed to the relay in a single window message
 * (which the relay swallows before any page listener can see it). Events are queued and sent
 * in batches, so a request costs the page an array push, not a postMessage.
 */
import { DEFAULT_HOOK_CONFIG, type CaptureEvent, type HookConfig } from "../core/capture-events";
import { FLUSH_EVENT, HELLO_KEY, PROTOCOL_VERSION, hookEvents, isHookConfig } from "../shared/messages";
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

export interface Channel {
  emit(event: CaptureEvent): void;
  readonly config: HookConfig;
}

export function openChannel(win: Window): Channel {
  const { port1, port2 } = new MessageChannel();
  let queue: CaptureEvent[] = [];
  let scheduled = false;
  const channel: { emit: Channel["emit"]; config: HookConfig } = { emit, config: { ...DEFAULT_HOOK_CONFIG } };

  function flush(): void {
    scheduled = false;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    try {
      apply(postPortMessage, port1, [hookEvents(batch)]);
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

  port1.onmessage = (e: MessageEvent) => {
    if (isHookConfig(e.data)) channel.config = { ...e.data.config };
  };
  apply(addListener, win, ["pagehide", flushNow, { capture: true }]);
  win.postMessage({ [HELLO_KEY]: PROTOCOL_VERSION }, "*", [port2]);
  return channel;
}
