/**
 * The WebSocket hook (src/page/websocket.ts; docs/DESIGN.md, "Other transports"), run in Node
 * on a window whose WebSocket is a stand-in EventTarget: the page's class keeps its identity,
 * every message both ways becomes one line of the session's body in the page's order (a Blob
 * read before the messages after it), and the session ends when the socket closes.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { wsMessages, type Chunk } from "../../../src/core/contract";
import { hookWebSocket } from "../../../src/page/websocket";
import { maskToString } from "../../../src/page/patch";
import { recordingChannel } from "./recording-channel";

const tick = () => new Promise((r) => setImmediate(r));

class BaseSocket extends EventTarget {
  static readonly OPEN = 1;
  static sent: unknown[] = [];
  #state = 0;
  constructor(readonly where: string) {
    super();
  }
  get readyState(): number {
    return this.#state;
  }
  send(data: unknown): void {
    if (this.#state === 0) throw new DOMException("Still in CONNECTING state.", "InvalidStateError");
    BaseSocket.sent.push(data);
  }
  /** The server side of the test. */
  serverOpens(): void {
    this.#state = 1;
    this.dispatchEvent(new Event("open"));
  }
  serverSends(data: unknown): void {
    this.dispatchEvent(new MessageEvent("message", { data }));
  }
  serverCloses(): void {
    this.#state = 3;
    this.dispatchEvent(new Event("close"));
  }
}

function hooked() {
  const { channel, events, pieces } = recordingChannel();
  // A class of its own for each window: the hook points the prototype's constructor at its wrapper.
  // send is its own, as WebSocket.prototype.send is.
  const win = {
    WebSocket: class FakeSocket extends BaseSocket {
      override send(data: unknown): void {
        super.send(data);
      }
    },
  } as unknown as Window & typeof globalThis;
  const original = win.WebSocket;
  maskToString();
  hookWebSocket(win, channel);
  return { win, original, events, pieces };
}

const messagesOf = (pieces: string[]) => wsMessages(pieces.map((text, i): Chunk => ({ time: i, text })));

describe("WebSocket hook", () => {
  it("keeps the page's class as it was: name, prototype, instanceof, statics, toString, new only", () => {
    const { win, original } = hooked();
    const Ws = win.WebSocket as unknown as typeof BaseSocket;
    assert.notEqual(Ws, original);
    const ws = new Ws("wss://x");
    assert.equal(Ws.name, "FakeSocket");
    assert.equal(Ws.prototype, original.prototype);
    assert.equal(Ws.prototype.constructor, Ws);
    assert.equal(ws.constructor, Ws);
    assert.ok(ws instanceof Ws && ws instanceof original);
    assert.equal(Ws.OPEN, 1);
    assert.equal(Function.prototype.toString.call(Ws), Function.prototype.toString.call(original));
    assert.throws(() => (Ws as unknown as () => void)(), TypeError);
    class Sub extends Ws {}
    assert.equal(Object.getPrototypeOf(new Sub("wss://y")), Sub.prototype);
  });

  it("records each message both ways as a line, in the page's order, a Blob read before what follows it", async () => {
    const { win, events, pieces } = hooked();
    const ws = new (win.WebSocket as unknown as typeof BaseSocket)("wss://api.example/v1/realtime");
    assert.throws(() => ws.send("too early"), { name: "InvalidStateError" });
    ws.serverOpens();
    ws.send('{"type":"response.create"}');
    ws.serverSends(new Blob(['{"binary":"json"}']));
    ws.serverSends("after the blob");
    ws.serverSends(new Uint8Array([104, 105]).buffer);
    ws.serverSends(new Uint8Array([0, 1, 2]).buffer);
    await tick();
    await tick();
    ws.serverCloses();
    assert.deepEqual(messagesOf(pieces).map((m) => [m.type, m.opcode, m.data]), [
      ["send", 1, '{"type":"response.create"}'],
      ["receive", 2, '{"binary":"json"}'],
      ["receive", 1, "after the blob"],
      ["receive", 2, "hi"],
      // Bytes that are not text (audio): the message is kept, its data is not.
      ["receive", 2, ""],
    ]);
    assert.deepEqual(events.map((e) => e.t), ["request", "response", "end"]);
    const end = events[2] as Extract<(typeof events)[number], { t: "end" }>;
    // Messages of one burst share a piece (their lines apart): the end counts pieces.
    assert.equal(end.chunks, pieces.length);
    assert.equal((events[0] as { transport?: string }).transport, "websocket");
  });

  it("a message cut at the cap says so; a socket that is no model's keeps fewer messages", () => {
    const { win, events, pieces } = hooked();
    const ws = new (win.WebSocket as unknown as typeof BaseSocket)("wss://example.com/feed");
    ws.serverOpens();
    ws.serverSends("x".repeat(70_000));
    for (let i = 0; i < 1100; i++) ws.serverSends(`tick ${i}`);
    ws.serverCloses();
    const messages = messagesOf(pieces);
    assert.equal(messages[0]!.truncated, true);
    assert.equal(messages[0]!.data.length, 64 * 1024);
    assert.equal(messages.length, 1000);
    assert.equal((events.find((e) => e.t === "end") as { truncated?: boolean }).truncated, true);
  });
});
