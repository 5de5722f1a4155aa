/**
 * The EventSource hook (src/page/event-source.ts; docs/DESIGN.md, "Other transports"), run in
 * Node on a window whose EventSource is a stand-in EventTarget: each message is written back as
 * the server-sent event it came as, each connection is an exchange, close() ends it; events with
 * an `event:` name are recorded once the page listens for that name (the wrapped
 * addEventListener), in the order they came, and the page's arguments are the native's alone.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { asSse, hookEventSource } from "../../../src/page/event-source";
import { recordingChannel } from "./recording-channel";

class BaseSource extends EventTarget {
  state = 0;
  get readyState(): number {
    return this.state;
  }
  serverOpens(): void {
    this.state = 1;
    this.dispatchEvent(new Event("open"));
  }
  serverSends(data: string, lastEventId = "", event = "message"): void {
    this.dispatchEvent(new MessageEvent(event, { data, lastEventId }));
  }
  serverDrops(): void {
    this.state = 0;
    this.dispatchEvent(new Event("error"));
  }
}

function hooked() {
  const { channel, events, pieces } = recordingChannel();
  // close is its own, as EventSource.prototype.close is; a class of its own per window.
  const win = {
    EventSource: class EventSource extends BaseSource {
      close(): void {
        this.state = 2;
      }
    },
  } as unknown as Window & typeof globalThis;
  hookEventSource(win, channel);
  return { Source: win.EventSource as unknown as new (url: string) => BaseSource & { close(): void }, events, pieces };
}

describe("EventSource hook", () => {
  it("writes each message back as its server-sent event; a reconnection is a new exchange; close() ends it", () => {
    const { Source, events, pieces } = hooked();
    const es = new Source("https://app.example/api/stream");
    assert.equal(es.constructor, Source);
    es.serverOpens();
    es.serverSends('{"delta":"Hel"}', "1");
    es.serverSends("two\nlines");
    es.serverDrops();
    es.serverOpens();
    es.serverSends("[DONE]");
    es.close();
    assert.deepEqual(pieces, ['id: 1\ndata: {"delta":"Hel"}\n\n', "data: two\ndata: lines\n\n", "data: [DONE]\n\n"]);
    const requests = events.filter((e) => e.t === "request");
    assert.equal(requests.length, 2);
    assert.deepEqual(events.map((e) => e.t), ["request", "response", "end", "request", "response", "end"]);
    assert.deepEqual(events.filter((e) => e.t === "end").map((e) => (e as { chunks: number }).chunks), [2, 1]);
    assert.equal((events[1] as { headers: [string, string][] }).headers[0]![1], "text/event-stream");
  });

  it("writes a named event with its name, an id, and a data line per line", () => {
    assert.equal(asSse("delta", "a\nb", "7"), "event: delta\nid: 7\ndata: a\ndata: b\n\n");
    assert.equal(asSse("message", "", ""), "data: \n\n");
    assert.equal(asSse("done", "[DONE]", ""), "event: done\ndata: [DONE]\n\n");
  });

  it("records a named event once the page listens for its name, in wire order with the messages", () => {
    const { Source, events, pieces } = hooked();
    const es = new Source("https://app.example/api/stream");
    es.serverOpens();
    es.serverSends("early", "", "delta"); // nobody listens yet: the browser dispatches it to no one
    const seen: string[] = [];
    const page = (e: Event) => seen.push(`${e.type}:${(e as MessageEvent).data}`);
    es.addEventListener("delta", page);
    es.addEventListener("delta", page, { capture: true });
    es.addEventListener("done", () => {
      seen.push("done");
      es.close();
    });
    es.addEventListener("tool", (e) => e.stopImmediatePropagation());
    es.serverSends("a", "1", "delta");
    es.serverSends("m", "1");
    es.serverSends("t", "1", "tool");
    es.serverSends("unheard", "1", "ping");
    es.serverSends("b\nc", "2", "delta");
    es.serverSends("{}", "2", "error"); // a server-sent event named "error" is an event, not the connection failing
    es.serverSends("[DONE]", "2", "done");
    assert.deepEqual(pieces, [
      "event: delta\nid: 1\ndata: a\n\n", "id: 1\ndata: m\n\n", "event: tool\nid: 1\ndata: t\n\n",
      "event: delta\nid: 2\ndata: b\ndata: c\n\n", "event: error\nid: 2\ndata: {}\n\n", "event: done\nid: 2\ndata: [DONE]\n\n",
    ]);
    // The page's listeners ran as natively: each registration once, the closing one after the record.
    assert.deepEqual(seen, ["delta:a", "delta:a", "delta:b\nc", "delta:b\nc", "done"]);
    assert.deepEqual(events.map((e) => e.t), ["request", "response", "end"]);
    assert.equal((events[2] as { chunks: number }).chunks, 6);
  });

  it("never reads the page's options or converts a name that is not a string; other targets pass straight through", () => {
    const { Source, pieces } = hooked();
    const es = new Source("https://app.example/api/stream");
    es.serverOpens();
    const reads = (target: EventTarget) => {
      const log: string[] = [];
      const options = new Proxy({ once: true }, {
        get: (t, k, r) => (log.push(`get ${String(k)}`), Reflect.get(t, k, r)),
        has: (t, k) => (log.push(`has ${String(k)}`), Reflect.has(t, k)),
      });
      const name = { toString: () => (log.push("toString"), "delta") };
      target.addEventListener("delta", () => {}, options);
      target.addEventListener(name as unknown as string, () => {});
      let thrown = "";
      try {
        target.addEventListener("delta", 5 as unknown as EventListener);
      } catch (e) {
        thrown = (e as Error).name;
      }
      return { log, thrown };
    };
    const native = reads(new EventTarget());
    assert.ok(native.log.includes("toString") && native.log.some((l) => l.startsWith("get ")));
    assert.deepEqual(reads(es), native);
    // The string name was heard (the object one, converted by the native alone, was not needed).
    es.serverSends("x", "", "delta");
    assert.deepEqual(pieces, ["event: delta\ndata: x\n\n"]);
  });

  it("keeps addEventListener's own shape and its `this`", () => {
    const plain = EventTarget.prototype.addEventListener;
    const shape = (f: Function) => ({ name: f.name, length: f.length, keys: Reflect.ownKeys(f), proto: Object.getPrototypeOf(f) });
    const before = shape(plain);
    hooked();
    const wrapped = EventTarget.prototype.addEventListener;
    assert.notEqual(wrapped, plain);
    assert.deepEqual(shape(wrapped), before);
    const target = new EventTarget();
    let self: unknown;
    wrapped.call(target, "x", function (this: unknown) {
      self = this;
    });
    target.dispatchEvent(new Event("x"));
    assert.equal(self, target);
  });
});
