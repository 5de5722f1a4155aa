/**
 * The EventSource hook (docs/DESIGN.md, "Other transports"). The constructor and close() are
 * wrapped so that what the page sees stays native (patch.ts); listeners the hook adds to each
 * EventSource write each event back as the server-sent event it came as, so the background
 * parses it as it parses an SSE fetch. Each connection (an EventSource reconnects by itself) is
 * one exchange.
 *
 * Named events. An event sent with an `event:` name other than "message" is dispatched only to
 * listeners of that name, and only when there is one: the hook listens for a name on a source
 * once the page does. EventTarget.prototype.addEventListener is wrapped (patch.ts: a Proxy, so
 * identity, `this`, arguments and errors are the native's) to see, before the native call,
 * which string names the page asks for on the sources the hook watches; the hook's own listener
 * for that name is added first, so it runs before any of the page's (it listens in the capture
 * phase: at the target, capturing listeners run first) and records the event even when a page
 * listener stops propagation or closes the source. The page's options are never read (the
 * native reads them, as often and in the order it always does), and a name given as anything
 * but a string is left alone (converting it would run the page's toString a second time).
 * Any other target costs one boolean test until the page makes its first EventSource, then
 * one WeakMap lookup. Once heard, a name stays heard for the source's life (across reconnections,
 * after a `once` listener fired or the page removed it): a later event of that name was sent all
 * the same.
 *
 * Not recorded: events of a name the page never listens for (the browser dispatches them to
 * nobody, so there is nothing to read), and those that came before the page's first listener
 * for their name.
 */
import type { Channel, PendingPieces } from "./channel";
import { PAGE_LEFT } from "./channel";
import { clock } from "./body";
import { newExchangeId } from "./ids";
import {
  addListener, apply, createObject, dict, eventSourceUrl, eventType, getter, isTrusted, lastEventId, messageData, ownerOf, pageUrl,
  safeWeakMap, stringIndexOf, stringSlice,
} from "./natives";
import { patchMethod, watchClass } from "./patch";
import type { Outcome } from "../core/contract";

interface Connection {
  id: string;
  seq: number;
  pending: PendingPieces | undefined;
  kept: number;
  truncated: boolean;
  ended: boolean;
}

interface Source {
  url: string;
  current: Connection | undefined;
  /** The hook's listener, for every name it listens for on this source. */
  onEvent: (e: Event) => void;
  /** The names it listens for (an object without a prototype: any string is a plain key). */
  names: Record<string, true>;
}

const sources = safeWeakMap<object, Source>();
/** Until the first EventSource is watched, the wrapped addEventListener looks no further. */
let watching = false;
/** The hook's listeners capture: at the target they run before the page's non-capturing ones. */
const CAPTURE = dict({ capture: true });

export function hookEventSource(win: Window & typeof globalThis, channel: Channel): void {
  if (typeof win.EventSource !== "function") return;
  const proto = win.EventSource.prototype;
  const readyState = getter<number>(proto, "readyState");
  watchClass(win, "EventSource", (es) => watch(channel, es as EventSource, readyState), "close", (self) => {
    const source = sources.get(self as object);
    if (source?.current) end(channel, source.current, { state: "ok" });
  });
  const owner = ownerOf(proto, "addEventListener");
  if (owner) {
    patchMethod<(...args: unknown[]) => unknown>(owner, "addEventListener", (original, self, args) => {
      if (watching) {
        const source = sources.get(self as object);
        if (source !== undefined && args.length > 0) listenFor(source, self as EventSource, args[0]);
      }
      return apply(original, self, args);
    });
  }
}

/** The page asked for `type` on a watched source: the hook listens for it too, once. */
function listenFor(source: Source, es: EventSource, type: unknown): void {
  try {
    if (typeof type !== "string" || type === "message" || type === "open" || type === "error") return;
    if (source.names[type] === true) return;
    source.names[type] = true;
    addListener(es, type, source.onEvent, CAPTURE);
  } catch {
    // recording is best effort; the page's call goes on as it would
  }
}

function watch(channel: Channel, es: EventSource, readyState: (self: unknown) => number): void {
  if (!channel.config.enabled) return;
  const start = (): Connection => {
    const c: Connection = { id: newExchangeId(), seq: 0, pending: undefined, kept: 0, truncated: false, ended: false };
    source.current = c;
    channel.emit({
      t: "request", id: c.id, transport: "eventsource", time: clock(), method: "GET", url: source.url,
      headers: [["accept", "text/event-stream"]], pageUrl: pageUrl(),
    });
    channel.onLeave(c.id, () => end(channel, c, PAGE_LEFT));
    return c;
  };
  const onEvent = (e: Event): void => {
    try {
      if (!isTrusted(e)) return;
      const type = eventType(e);
      let c = source.current;
      const data = dataOf(e);
      if (data !== undefined) {
        // A server-sent event: "message", or whatever its `event:` field named (even "open" or "error").
        if (c && !c.ended) keep(channel, c, asSse(type, data, lastEventId(e)));
      } else if (type === "open") {
        if (!c || c.ended) c = start();
        channel.emit({ t: "response", id: c.id, time: clock(), status: 200, statusText: "OK", headers: [["content-type", "text/event-stream"]] });
      } else if (type === "error" && c && !c.ended) {
        // Closed by the server (the browser reconnects: the next open is a new exchange) or failed.
        const closed = readyState(es) === 2;
        end(channel, c, c.seq > 0 || !closed ? { state: "ok" } : { state: "error", errorName: "error", errorMessage: "EventSource failed to connect" });
      }
    } catch {
      // never throw into the page's event dispatch
    }
  };
  const source: Source = { url: eventSourceUrl(es), current: undefined, onEvent, names: createObject(null) as Record<string, true> };
  sources.set(es, source);
  watching = true;
  start();
  addListener(es, "open", onEvent, CAPTURE);
  addListener(es, "message", onEvent, CAPTURE);
  addListener(es, "error", onEvent, CAPTURE);
}

/**
 * The data of a server-sent event, or undefined for the connection's own open and error events
 * (plain Events: MessageEvent's getter refuses them).
 */
function dataOf(e: Event): string | undefined {
  try {
    const data = messageData(e);
    return typeof data === "string" ? data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An event as the server-sent event that carried it: its name unless "message", its id, each
 * line of its data a `data:` field. A trusted event's name and id came from one line of the
 * stream, so neither holds a line break.
 */
export function asSse(type: string, data: string, id: string): string {
  let out = type === "message" ? "" : `event: ${type}\n`;
  if (id) out += `id: ${id}\n`;
  let from = 0;
  for (;;) {
    const nl = stringIndexOf(data, "\n", from);
    out += "data: " + (nl < 0 ? stringSlice(data, from) : stringSlice(data, from, nl)) + "\n";
    if (nl < 0) break;
    from = nl + 1;
  }
  return out + "\n";
}

function keep(channel: Channel, c: Connection, text: string): void {
  if (c.truncated) return;
  const room = channel.config.bodies ? channel.config.bodyCap - c.kept : 0;
  if (text.length > room) {
    c.truncated = true;
    text = stringSlice(text, 0, room > 0 ? room : 0);
    if (text === "") return;
  }
  c.kept += text.length;
  c.pending = channel.piece(c.id, c.seq++, clock(), text, "utf-8", c.pending);
}

function end(channel: Channel, c: Connection, outcome: Outcome): void {
  if (c.ended) return;
  c.ended = true;
  channel.emit({ t: "end", id: c.id, time: clock(), outcome, size: c.kept, chunks: c.seq, ...(c.truncated ? { truncated: true } : {}) });
}
