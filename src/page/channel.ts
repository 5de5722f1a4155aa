/**
 * The hook's only line out: a MessagePort handed to the relay in a single window message
 * (which the relay swallows before any page listener can see it). Events are queued and sent
 * in batches, so a request costs the page a few property writes, not a postMessage; body bytes
 * of an exchange are gathered into one pieces event per batch and their buffers transferred,
 * never copied again (docs/DESIGN.md, "The page hook").
 *
 * Events stay queued until the relay has answered over the port: the relay may start after
 * our hello went out (the first page of a fresh browser), and says so with RELAY_READY, upon
 * which the hello is offered again on a new port.
 */
import { DEFAULT_HOOK_CONFIG, type CaptureEvent, type HookConfig, type Outcome } from "../core/contract";
import {
  FLUSH_EVENT, HELLO_KEY, PROTOCOL_VERSION, RELAY_READY, hookEvents, isHookConfig, isReplayCommand, replayAnswer, type HookEvent, type PiecesEvent,
  type ReplayCommand, type ReplayOutcome,
} from "../shared/messages";
import {
  CustomEventNative, MessageChannelNative, TextDecoderNative, addListener, arrayBufferLength, bufferOf, createObject, decode, dict, dispatchEvent,
  listOf, messageData, objectKeys, ownValue, port1Of, port2Of, postPortMessage, postWindowMessage, setOnMessage, setPrototypeOf,
  now, perf, setTimeoutNative, stopImmediatePropagation, stringify, timeOrigin,
} from "./natives";

/** How an exchange the page left before it was over ends. */
export const PAGE_LEFT: Outcome = { state: "abort", errorName: "page_left", errorMessage: "the page was left before the response ended" };

const clockNow = (): number => timeOrigin + now(perf);

/** Long enough to gather a burst into one message, short enough to feel live in the panel. */
const FLUSH_DELAY_MS = 20;
const CAPTURE = dict({ capture: true });
const STREAM = dict({ stream: true });
const LAST = dict({ stream: false });

/** While no relay answers, keep at most this many events (oldest dropped). */
const MAX_WAITING = 5000;

/** A body's pieces waiting for the next batch: appended to until the batch is sent. */
export interface PendingPieces {
  event: PiecesEvent;
  batch: number;
}

/** Every capture event but body pieces, which go through `piece`. */
export type ChannelEvent = Exclude<CaptureEvent, { t: "chunks" }>;

export interface Channel {
  emit(event: ChannelEvent): void;
  /** How to end exchange `id` properly (a body recorder flushes its pieces) if the page is left first. */
  onLeave(id: string, end: () => void): void;
  /** Runs a replay command the relay passed (set by the fetch hook; see replay.ts). Always a member: never looked up the prototype chain. */
  onReplay: ((command: ReplayCommand) => ReplayOutcome) | undefined;
  /**
   * Add a body piece (bytes the hook owns, or text) of exchange `id` to the batch being
   * gathered. `pending` is what the previous call returned for this exchange. `joinWithinMs`:
   * text that arrives this soon after the batch's last text piece is appended to it instead of
   * being a piece of its own (a WebSocket's burst of small messages: fewer pieces to post, decode
   * and store, at the cost of that much time resolution); the next piece's seq is then the
   * returned event's seq plus its number of parts.
   */
  piece(id: string, seq: number, time: number, part: Uint8Array | string, charset: string, pending: PendingPieces | undefined, joinWithinMs?: number): PendingPieces;
  config: HookConfig;
}

function safeReplay(run: (command: ReplayCommand) => ReplayOutcome, command: ReplayCommand): ReplayOutcome {
  try {
    return run(command);
  } catch {
    return { ok: false, reason: "refused", message: "The page could not start the call." };
  }
}

/**
 * `post` sends the hello (a window message transferring the port); the unit tests, which have
 * no window, pass their own.
 */
export function openChannel(win: Window, post = postWindowMessage): Channel {
  let port: MessagePort | undefined;
  let connected = false;
  let queue: HookEvent[] = [];
  let transfer: ArrayBuffer[] = [];
  let batch = 0;
  let scheduled = false;
  /** Shared with the relay over the private port; proves a flush event is ours. */
  let token = "";
  const channel: Channel = { emit, onLeave, piece, config: DEFAULT_HOOK_CONFIG, onReplay: undefined };

  function hello(): void {
    const ports = new MessageChannelNative();
    const port1 = port1Of(ports);
    setOnMessage(port1, (e: MessageEvent) => {
      const data = messageData(e);
      // Only on the line the relay answered: a port that is not the relay's starts nothing.
      if (isReplayCommand(data)) {
        if (connected && port === port1 && channel.onReplay) postPortMessage(port1, replayAnswer(data.requestId, safeReplay(channel.onReplay, data)));
        return;
      }
      if (!isHookConfig(data)) return;
      channel.config = data.config;
      token = data.token;
      if (!connected) {
        // The port the relay answered on (of several hellos, it takes the first it sees).
        port = port1;
        connected = true;
        flush();
      }
    });
    const message = createObject(null) as Record<string, number>;
    message[HELLO_KEY] = PROTOCOL_VERSION;
    post(win, message, "*", listOf([port2Of(ports)]));
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setTimeoutNative(flush, FLUSH_DELAY_MS);
  }

  function take(): { events: HookEvent[]; buffers: ArrayBuffer[] } {
    const events = queue;
    const buffers = transfer;
    queue = [];
    transfer = [];
    batch++;
    return { events, buffers };
  }

  function flush(): void {
    scheduled = false;
    if (!connected) {
      if (queue.length > MAX_WAITING) dropOldest(queue.length - MAX_WAITING);
      return;
    }
    if (queue.length === 0) return;
    const { events, buffers } = take();
    try {
      postPortMessage(port!, hookEvents(events), listOf(buffers));
    } catch {
      // Not clonable (should not happen: events are plain data). Never throw into the page.
    }
  }

  /** Keep the newest events while nobody listens; their buffers go with them. */
  function dropOldest(n: number): void {
    const kept: HookEvent[] = [];
    for (let i = n; i < queue.length; i++) kept[kept.length] = queue[i]!;
    const buffers: ArrayBuffer[] = [];
    for (let i = 0; i < kept.length; i++) {
      const e = kept[i]!;
      if (e.t !== "pieces") continue;
      for (let j = 0; j < e.parts.length; j++) {
        const p = e.parts[j]!;
        if (typeof p !== "string") buffers[buffers.length] = bufferOf(p);
      }
    }
    queue = kept;
    transfer = buffers;
  }

  /**
   * Exchanges begun and not over: true, or how to end one. Left before they are over (the page
   * navigates mid-stream), they end then, as "page_left": the hook will never see more of them
   * (docs/DESIGN.md, "Leaving the page"). An exchange leaves the table when it ends, so it holds
   * what is in flight, not the page's history; false marks the rare end that came before its
   * (deferred) request, until that request arrives.
   */
  const open = createObject(null) as Record<string, boolean | (() => void)>;

  function emit(event: ChannelEvent): void {
    if (event.t === "request") {
      const known = open[event.id];
      if (known === false) delete open[event.id];
      else if (known === undefined) open[event.id] = true;
    } else if (event.t === "end") {
      if (open[event.id] === undefined) open[event.id] = false;
      else delete open[event.id];
    }
    queue[queue.length] = event;
    schedule();
  }

  function onLeave(id: string, end: () => void): void {
    if (open[id] !== false) open[id] = end;
  }

  function endOpen(): void {
    const ids = objectKeys(open);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const end = open[id];
      // Each end goes through emit, which takes the exchange out of the table.
      if (typeof end === "function") end();
      else if (end === true) emit({ t: "end", id, time: clockNow(), outcome: PAGE_LEFT, chunks: 0 });
      else delete open[id];
    }
  }

  function piece(id: string, seq: number, time: number, part: Uint8Array | string, charset: string, pending: PendingPieces | undefined, joinWithinMs = 0): PendingPieces {
    if (typeof part !== "string") transfer[transfer.length] = bufferOf(part);
    if (pending && pending.batch === batch) {
      const e = pending.event;
      const last = e.parts.length - 1;
      if (typeof part === "string" && typeof e.parts[last] === "string" && time - e.times[last]! < joinWithinMs) {
        e.parts[last] += part;
        return pending;
      }
      e.times[e.times.length] = time;
      e.parts[e.parts.length] = part;
      return pending;
    }
    const event: PiecesEvent = { t: "pieces", id, seq, times: [time], parts: [part], ...(charset !== "utf-8" ? { charset } : {}) };
    queue[queue.length] = event;
    schedule();
    return { event, batch };
  }

  /**
   * Leaving the page: hand the relay what is queued synchronously, in this very task (a port
   * message posted now would never be delivered). Buffers cannot ride in a JSON string: pieces
   * are decoded here, once.
   */
  function flushNow(): void {
    if (queue.length === 0 || token === "") return;
    const { events } = take();
    const out: unknown[] = [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      out[out.length] = e.t === "pieces" ? decodedPieces(e) : e;
    }
    try {
      const detail = stringify(bare({ token, events: out }));
      dispatchEvent(win, new CustomEventNative(FLUSH_EVENT, dict({ detail })));
    } catch {
      // never throw into the page
    }
  }

  addListener(win, "pagehide", () => {
    endOpen();
    flushNow();
  }, CAPTURE);
  // A relay that started late asks for the hello again; the page never sees the request.
  addListener(win, RELAY_READY, (event: Event) => {
    stopImmediatePropagation(event);
    if (!connected) hello();
  }, CAPTURE);
  hello();
  return channel;
}

/**
 * `value` and every object in it, ours, without a prototype, for JSON.stringify: it would call a
 * `toJSON` the page put on Object.prototype or Array.prototype (and hand it the token).
 */
function bare<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    setPrototypeOf(value, null);
    const keys = objectKeys(value);
    for (let i = 0; i < keys.length; i++) bare((value as Record<string, unknown>)[keys[i]!]);
  }
  return value;
}

/** A pieces event with its bytes decoded, for the synchronous flush at pagehide. */
function decodedPieces(e: PiecesEvent): PiecesEvent {
  let decoder: TextDecoder;
  try {
    // Read as an own property: an absent one would be looked up on Object.prototype.
    decoder = new TextDecoderNative((ownValue(e, "charset") as string | undefined) ?? "utf-8");
  } catch {
    decoder = new TextDecoderNative();
  }
  const parts: string[] = [];
  for (let i = 0; i < e.parts.length; i++) {
    const p = e.parts[i]!;
    parts[i] = typeof p === "string" ? p : arrayBufferLength(bufferOf(p)) === 0 ? "" : decode(decoder, p, i < e.parts.length - 1 ? STREAM : LAST);
  }
  return { t: "pieces", id: e.id, seq: e.seq, times: e.times, parts };
}
