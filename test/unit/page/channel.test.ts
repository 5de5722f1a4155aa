/**
 * The hook's line to the relay (src/page/channel.ts): events wait until the relay answers, go
 * out in batches, one pieces event per exchange per batch with its buffers transferred, and the
 * last batch leaves synchronously at pagehide. Run in Node with a real MessageChannel; the
 * window is an EventTarget and the hello is handed to the test instead of window.postMessage.
 */
import assert from "node:assert/strict";
import path from "node:path";
import { afterEach, describe, it } from "node:test";
import { openChannel, type Channel, type ChannelEvent } from "../../../src/page/channel";
import { FLUSH_EVENT, hookConfig, type FlushDetail, type HookEventsMessage } from "../../../src/shared/messages";
import type { HookConfig } from "../../../src/core/contract";

const CONFIG: HookConfig = { enabled: true, bodyCap: 1000, bodies: true, capture: ["https://rules.example/*"] };
const encode = (s: string) => new TextEncoder().encode(s);
const end = (id: string) => ({ t: "end", id, time: 1, outcome: { state: "ok" }, chunks: 0 }) as const;

interface Relay {
  win: EventTarget;
  channel: Channel;
  /** The relay's end of the port, once the hook said hello. */
  port: MessagePort;
  batches: HookEventsMessage[];
  /** Answers the hello with a config, as the relay does. */
  answer(config?: unknown, token?: string): void;
  /** The next batch the hook posts. */
  next(): Promise<HookEventsMessage>;
}

const open: MessagePort[] = [];
afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

function connect(): Relay {
  const win = new EventTarget();
  let port: MessagePort | undefined;
  const channel = openChannel(win as Window, (_win, message, _origin, transfer) => {
    assert.equal((message as Record<string, unknown>).__llmTraceHello, 1);
    for (const p of transfer as Iterable<MessagePort>) port = p;
  });
  assert.ok(port, "the hello carries a port");
  open.push(port);
  const batches: HookEventsMessage[] = [];
  let waiting: ((m: HookEventsMessage) => void) | undefined;
  port.onmessage = (e: MessageEvent) => {
    batches.push(e.data);
    waiting?.(e.data);
    waiting = undefined;
  };
  return {
    win, channel, port, batches,
    answer: (config = CONFIG, token = "tok") => port!.postMessage(hookConfig(config as HookConfig, token)),
    next: () => new Promise((resolve) => (waiting = resolve)),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 60));

describe("the channel", () => {
  it("keeps events until the relay answers, then sends them in one batch and takes its config", async () => {
    const relay = connect();
    relay.channel.emit(end("a"));
    relay.channel.emit(end("b"));
    await settle();
    assert.equal(relay.batches.length, 0);
    const batch = relay.next();
    relay.answer();
    const { events } = await batch;
    assert.deepEqual(events.map((e) => e.id), ["a", "b"]);
    assert.deepEqual(relay.channel.config, CONFIG);
  });

  it("sends what one task emitted as one message, later events in the next", async () => {
    const relay = connect();
    relay.answer();
    await settle();
    const first = relay.next();
    for (let i = 0; i < 5; i++) relay.channel.emit(end(`e${i}`));
    assert.equal((await first).events.length, 5);
    const second = relay.next();
    relay.channel.emit(end("later"));
    assert.deepEqual((await second).events.map((e) => e.id), ["later"]);
    assert.equal(relay.batches.length, 2);
  });

  it("gathers one exchange's pieces into one event per batch, and transfers their buffers", async () => {
    const relay = connect();
    relay.answer();
    await settle();
    const a = encode("data: 1\n\n");
    const b = encode("data: 2\n\n");
    const batch = relay.next();
    let pending = relay.channel.piece("x", 0, 10, a, "utf-8", undefined);
    pending = relay.channel.piece("x", 1, 11, b, "utf-8", pending);
    relay.channel.piece("y", 0, 12, "text", "utf-8", undefined);
    const { events } = await batch;
    assert.equal(events.length, 2);
    const x = events[0]!;
    assert.ok(x.t === "pieces");
    assert.deepEqual({ id: x.id, seq: x.seq, times: x.times }, { id: "x", seq: 0, times: [10, 11] });
    assert.deepEqual(x.parts.map((p) => (typeof p === "string" ? p : new TextDecoder().decode(p))), ["data: 1\n\n", "data: 2\n\n"]);
    // Transferred, not copied: the hook's copies are gone from this side.
    assert.equal(a.byteLength, 0);
    assert.equal(b.byteLength, 0);
    // The next piece of x starts a new event in the next batch, at its own seq.
    const next = relay.next();
    relay.channel.piece("x", 2, 13, encode("data: 3\n\n"), "windows-1252", pending);
    const [later] = (await next).events;
    assert.ok(later?.t === "pieces");
    assert.deepEqual({ seq: later.seq, times: later.times, charset: later.charset }, { seq: 2, times: [13], charset: "windows-1252" });
  });

  it("while no relay answers, keeps the newest 5000 events", async () => {
    const relay = connect();
    for (let i = 0; i < 5003; i++) relay.channel.emit(end(`e${i}`));
    await settle();
    const batch = relay.next();
    relay.answer();
    const { events } = await batch;
    assert.equal(events.length, 5000);
    assert.equal(events[0]!.id, "e3");
    assert.equal(events.at(-1)!.id, "e5002");
  });

  it("ignores a config that is not one", async () => {
    const relay = connect();
    relay.answer({ enabled: "yes", bodyCap: 1, bodies: true, capture: [] });
    relay.answer({ ...CONFIG, capture: ["ok", 3] });
    await settle();
    assert.notDeepEqual(relay.channel.config, CONFIG);
    relay.channel.emit(end("a"));
    await settle();
    assert.equal(relay.batches.length, 0, "not connected by a bad config");
  });

  it("ends what is still open when the page is left: a recorder its own way, any other exchange as page_left, an ended one not again", async () => {
    const relay = connect();
    relay.answer(CONFIG, "secret-token");
    await settle();
    let detail: FlushDetail | undefined;
    relay.win.addEventListener(FLUSH_EVENT, (e) => (detail = JSON.parse((e as CustomEvent).detail)));
    const request = (id: string): ChannelEvent => ({ t: "request", id, transport: "fetch", time: 1, method: "POST", url: "https://api.example/v1/chat/completions", headers: [], pageUrl: "https://app.example/" });
    relay.channel.emit(request("open"));
    relay.channel.emit(request("recorded"));
    relay.channel.emit(request("done"));
    relay.channel.emit(end("done"));
    let recorderEnded = 0;
    relay.channel.onLeave("recorded", () => {
      recorderEnded++;
      relay.channel.emit({ t: "end", id: "recorded", time: 2, outcome: { state: "abort", errorName: "page_left" }, chunks: 3 });
    });
    // An end that came before a deferred request: over, not reopened.
    relay.channel.emit(end("early"));
    relay.channel.emit(request("early"));
    relay.win.dispatchEvent(new Event("pagehide"));
    assert.ok(detail, "dispatched during pagehide");
    const ends = detail.events.filter((e) => e.t === "end") as { id: string; outcome: { state: string; errorName?: string }; chunks: number }[];
    assert.equal(recorderEnded, 1);
    assert.deepEqual(ends.map((e) => [e.id, e.outcome.errorName ?? e.outcome.state, e.chunks]), [["done", "ok", 0], ["early", "ok", 0], ["open", "page_left", 0], ["recorded", "page_left", 3]]);
    // A second pagehide (back from the cache and left again) ends nothing twice.
    detail = undefined;
    relay.win.dispatchEvent(new Event("pagehide"));
    assert.equal(detail, undefined);
  });

  it("hands the last batch over synchronously at pagehide, bytes decoded, with the token", async () => {
    const relay = connect();
    relay.answer(CONFIG, "secret-token");
    await settle();
    let detail: FlushDetail | undefined;
    relay.win.addEventListener(FLUSH_EVENT, (e) => (detail = JSON.parse((e as CustomEvent).detail)));
    const euro = encode("€ done");
    // A character split across two pieces is decoded whole.
    const pending = relay.channel.piece("x", 0, 1, euro.subarray(0, 1).slice(), "utf-8", undefined);
    relay.channel.piece("x", 1, 2, euro.subarray(1).slice(), "utf-8", pending);
    relay.channel.emit(end("x"));
    relay.win.dispatchEvent(new Event("pagehide"));
    assert.ok(detail, "dispatched during pagehide");
    assert.equal(detail.token, "secret-token");
    assert.deepEqual(detail.events, [{ t: "pieces", id: "x", seq: 0, times: [1, 2], parts: ["", "€ done"] }, end("x")]);
    await settle();
    assert.equal(relay.batches.length, 0, "nothing is left for the port");
  });
});

describe("the channel, in a page that replaced built-ins after the hook started", () => {
  /** Replace `owner[key]` with a function that records the call and throws; returns the undo. */
  function trap(owner: object, key: PropertyKey, calls: string[]): () => void {
    const desc = Object.getOwnPropertyDescriptor(owner, key)!;
    Object.defineProperty(owner, key, { ...desc, value: () => { calls.push(String(key)); throw new Error(`page's ${String(key)}`); } });
    return () => Object.defineProperty(owner, key, desc);
  }
  // The test's own code uses index loops where these are trapped.
  const undoAll = (undo: (() => void)[]) => {
    for (let i = 0; i < undo.length; i++) undo[i]!();
  };

  it("checks the relay's config without them", async () => {
    const relay = connect();
    const calls: string[] = [];
    const undo = [trap(Array.prototype, "every", calls), trap(Array, "isArray", calls)];
    try {
      relay.answer(CONFIG, "tok");
      await settle();
    } finally {
      undoAll(undo);
    }
    assert.deepEqual(calls, []);
    assert.deepEqual(relay.channel.config, CONFIG);
  });

  /**
   * Like `trap`, but only calls made from the hook's code (src/page/) are counted and refused;
   * anyone else gets the built-in. Node itself iterates arrays while it builds the relay's
   * MessageEvent, at a time no timer can predict on a busy machine.
   */
  function trapFromHook(owner: object, key: PropertyKey, calls: string[]): () => void {
    const desc = Object.getOwnPropertyDescriptor(owner, key)!;
    const original = desc.value as (...args: unknown[]) => unknown;
    Object.defineProperty(owner, key, {
      ...desc,
      value(this: unknown, ...args: unknown[]) {
        if (String(new Error().stack).includes(`${path.sep}src${path.sep}page${path.sep}`)) {
          calls.push(String(key));
          throw new Error(`page's ${String(key)}`);
        }
        return Reflect.apply(original, this, args);
      },
    });
    return () => Object.defineProperty(owner, key, desc);
  }

  it("transfers a batch's buffers without the page's array iterator seeing them", async () => {
    const relay = connect();
    relay.answer();
    await settle();
    const calls: string[] = [];
    const bytes = encode("data: x\n\n");
    const batch = relay.next();
    relay.channel.piece("x", 0, 1, bytes, "utf-8", undefined);
    const arrayIterators = Object.getPrototypeOf([][Symbol.iterator]());
    const undo = [trapFromHook(arrayIterators, "next", calls), trapFromHook(Array.prototype, Symbol.iterator, calls)];
    try {
      await batch;
    } finally {
      undoAll(undo);
    }
    assert.deepEqual(calls, []);
    assert.equal(bytes.byteLength, 0, "transferred, not copied");
  });

  it("hands over the last batch without JSON.stringify or a toJSON of the page's", async () => {
    const relay = connect();
    relay.answer(CONFIG, "secret-token");
    await settle();
    const calls: string[] = [];
    let detail = "";
    relay.win.addEventListener(FLUSH_EVENT, (e) => (detail = (e as CustomEvent).detail));
    relay.channel.emit(end("y"));
    const undo = [trap(JSON, "stringify", calls)];
    // A toJSON on Object.prototype or Array.prototype would be handed the token and could change the batch.
    let toJSON = 0;
    const protos = [Object.prototype, Array.prototype];
    for (let i = 0; i < protos.length; i++) Object.defineProperty(protos[i], "toJSON", { configurable: true, get: () => { toJSON++; return () => "page's"; } });
    try {
      relay.win.dispatchEvent(new Event("pagehide"));
    } finally {
      undoAll(undo);
      delete (Object.prototype as Record<string, unknown>).toJSON;
      delete (Array.prototype as unknown as Record<string, unknown>).toJSON;
    }
    assert.deepEqual(calls, []);
    assert.equal(toJSON, 0);
    assert.deepEqual(JSON.parse(detail), { token: "secret-token", events: [end("y")] });
  });
});
