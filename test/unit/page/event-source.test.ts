/**
 * The EventSource hook (src/page/event-source.ts; docs/DESIGN.md, "Other transports"), run in
 * Node on a window whose EventSource is a stand-in EventTarget: each message is written back as
 * the server-sent event it came as, each connection is an exchange, close() ends it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hookEventSource } from "../../../src/page/event-source";
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
  serverSends(data: string, lastEventId = ""): void {
    this.dispatchEvent(new MessageEvent("message", { data, lastEventId }));
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
});
