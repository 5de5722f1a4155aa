/**
 * The EventSource hook (docs/DESIGN.md, "Other transports"). The constructor and close() are
 * wrapped so that what the page sees stays native (patch.ts); a listener the hook adds to each
 * EventSource when it is made writes each message back as the server-sent event it came as,
 * so the background parses it as it parses an SSE fetch. Each connection (an EventSource
 * reconnects by itself) is one exchange.
 *
 * What the hook cannot see: events with an `event:` name other than "message" reach only the
 * listeners added for that name, and the hook does not know the names a page listens for
 * without wrapping addEventListener for every object of the page. It records "message" events.
 */
import type { Channel, PendingPieces } from "./channel";
import { PAGE_LEFT } from "./channel";
import { clock } from "./body";
import { newExchangeId } from "./ids";
import {
  addListener, eventSourceUrl, eventType, getter, isTrusted, lastEventId, messageData, pageUrl, safeWeakMap, stringIndexOf, stringSlice,
} from "./natives";
import { watchClass } from "./patch";
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
}

const sources = safeWeakMap<object, Source>();

export function hookEventSource(win: Window & typeof globalThis, channel: Channel): void {
  if (typeof win.EventSource !== "function") return;
  const readyState = getter<number>(win.EventSource.prototype, "readyState");
  watchClass(win, "EventSource", (es) => watch(channel, es as EventSource, readyState), "close", (self) => {
    const source = sources.get(self as object);
    if (source?.current) end(channel, source.current, { state: "ok" });
  });
}

function watch(channel: Channel, es: EventSource, readyState: (self: unknown) => number): void {
  if (!channel.config.enabled) return;
  const source: Source = { url: eventSourceUrl(es), current: undefined };
  sources.set(es, source);
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
  start();
  const onEvent = (e: Event): void => {
    try {
      if (!isTrusted(e)) return;
      const type = eventType(e);
      let c = source.current;
      if (type === "open") {
        if (!c || c.ended) c = start();
        channel.emit({ t: "response", id: c.id, time: clock(), status: 200, statusText: "OK", headers: [["content-type", "text/event-stream"]] });
      } else if (type === "message" && c && !c.ended) {
        const data = messageData(e);
        if (typeof data === "string") keep(channel, c, asSse(data, lastEventId(e)));
      } else if (type === "error" && c && !c.ended) {
        // Closed by the server (the browser reconnects: the next open is a new exchange) or failed.
        const closed = readyState(es) === 2;
        end(channel, c, c.seq > 0 || !closed ? { state: "ok" } : { state: "error", errorName: "error", errorMessage: "EventSource failed to connect" });
      }
    } catch {
      // never throw into the page's event dispatch
    }
  };
  addListener(es, "open", onEvent);
  addListener(es, "message", onEvent);
  addListener(es, "error", onEvent);
}

/** A message as the server-sent event that carried it: each line of its data a `data:` field. */
function asSse(data: string, id: string): string {
  let out = id ? `id: ${id}\n` : "";
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
