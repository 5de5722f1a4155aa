/**
 * The fetch hook's classification (src/page/fetch.ts, request-info.ts; docs/DESIGN.md, "Fast
 * path and recorded path"): what it records of each call, which Response the page gets, and
 * that the page's promise settles as the native one. Run in Node on a window whose native fetch
 * is the test's.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HookConfig } from "../../../src/core/contract";
import type { ChannelEvent } from "../../../src/page/channel";
import { hookFetch } from "../../../src/page/fetch";
import { recordingChannel } from "./recording-channel";

const tick = () => new Promise((r) => setImmediate(r));

type Native = (input: unknown, init?: unknown) => Promise<Response>;

/** A window whose fetch answers with `native`, hooked; what the hook recorded. */
function hooked(native: Native, config: Partial<HookConfig> = {}) {
  const { channel, events, pieces } = recordingChannel(config);
  const calls: { self: unknown; args: unknown[] }[] = [];

  const win = {
    fetch(this: unknown, ...args: unknown[]) {
      calls.push({ self: this, args });
      return native(args[0], args[1]);
    },
  };
  assert.ok(hookFetch(win as unknown as Window & typeof globalThis, channel));
  const of = <T extends ChannelEvent["t"]>(t: T) => events.filter((e): e is Extract<ChannelEvent, { t: T }> => e.t === t);
  return { fetch: win.fetch as (input: unknown, init?: unknown) => Promise<Response>, win, events, pieces, calls, of };
}

const json = (status = 200, body = '{"ok":true}') => new Response(body, { status, headers: { "content-type": "application/json", "content-length": `${body.length}` } });
const answer = (response: () => Response): Native => async () => response();

describe("the fetch hook's paths", () => {
  it("takes an ordinary call down the fast path: metadata only, and the page keeps its own Response", async () => {
    const original = json();
    const h = hooked(async () => original);
    const res = await h.fetch("https://app.example/api/user/42", { headers: { "x-thing": "1" } });
    assert.equal(res, original);
    const [request] = h.of("request");
    assert.deepEqual({ method: request!.method, url: request!.url, headers: request!.headers, body: request!.body }, {
      method: "GET", url: "https://app.example/api/user/42", headers: [["x-thing", "1"]], body: undefined,
    });
    const [response] = h.of("response");
    assert.deepEqual(response!.body, { omitted: "fast-path", mimeType: "application/json", size: 11 });
    assert.deepEqual(h.of("end").map((e) => ({ outcome: e.outcome, size: e.size })), [{ outcome: { state: "ok" }, size: 11 }]);
    assert.deepEqual(h.pieces, []);
  });

  it("records a model call: its request body, and its response as the page reads it", async () => {
    const h = hooked(answer(() => json(200, '{"choices":[]}')));
    const body = JSON.stringify({ model: "m", messages: [] });
    const res = await h.fetch("https://api.openai.com/v1/chat/completions", { method: "post", body, headers: [["content-type", "application/json"]] });
    assert.equal(h.of("request")[0]!.method, "POST");
    assert.deepEqual(h.of("request")[0]!.body, { text: body });
    assert.equal(h.of("response")[0]!.body, undefined, "not omitted");
    assert.equal(await res.text(), '{"choices":[]}');
    assert.deepEqual(h.pieces, ['{"choices":[]}']);
    assert.deepEqual(h.of("end").map((e) => e.outcome), [{ state: "ok" }]);
  });

  for (const [what, response] of [
    ["an event stream", () => new Response("data: 1\n\n", { headers: { "content-type": "text/event-stream" } })],
    ["an AI SDK stream", () => new Response('0:"hi"\n', { headers: { "content-type": "text/plain", "x-vercel-ai-data-stream": "v1" } })],
    ["an HTTP error", () => json(503, '{"error":"busy"}')],
  ] as const) {
    it(`records ${what} whatever the call-time guess was`, async () => {
      const h = hooked(answer(response));
      const res = await h.fetch("https://app.example/api/user/42");
      assert.equal(h.of("response")[0]!.body, undefined);
      const text = await res.text();
      assert.deepEqual(h.pieces, [text]);
    });
  }

  it("records what the user's rules name", async () => {
    const h = hooked(answer(() => json()), { capture: ["https://internal.example/*"] });
    await (await h.fetch("https://internal.example/thing?id=3")).text();
    assert.equal(h.of("response")[0]!.body, undefined);
    assert.deepEqual(h.pieces, ['{"ok":true}']);
  });

  it("says why a body was left out: binary, or bodies off", async () => {
    const png = () => new Response(new Uint8Array([137, 80, 78, 71]), { headers: { "content-type": "image/png" } });
    const binary = hooked(answer(png));
    const kept = await binary.fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: "{}" });
    assert.equal(binary.of("response")[0]!.body?.omitted, "binary");
    assert.equal(kept.headers.get("content-type"), "image/png");
    const off = hooked(answer(() => json()), { bodies: false });
    await off.fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: "{}" });
    assert.equal(off.of("response")[0]!.body?.omitted, "policy");
    assert.equal(off.of("request")[0]!.body, undefined);
  });

  it("when capture is off, calls the native fetch as the page did and records nothing", async () => {
    const original = json();
    const h = hooked(async () => original, { enabled: false });
    const init = { method: "POST" };
    assert.equal(await h.fetch.call(h.win, "https://api.openai.com/v1/chat/completions", init), original);
    assert.deepEqual(h.calls, [{ self: h.win, args: ["https://api.openai.com/v1/chat/completions", init] }]);
    assert.deepEqual(h.events, []);
  });
});

describe("the page's promise", () => {
  it("rejects with the native error itself, recorded as the call's end", async () => {
    const error = new TypeError("Failed to fetch");
    const h = hooked(() => Promise.reject(error));
    await assert.rejects(h.fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: "{}" }), (e) => e === error);
    assert.deepEqual(h.of("end").map((e) => e.outcome), [{ state: "error", errorName: "TypeError", errorMessage: "Failed to fetch" }]);
  });

  it("an aborted call is an abort, and its reason (the page's value) is not read", async () => {
    const controller = new AbortController();
    let touched = 0;
    const reason = new Proxy({}, { get: () => void touched++, getPrototypeOf: () => (touched++, null), getOwnPropertyDescriptor: () => void touched++ });
    controller.abort(reason);
    const h = hooked(() => Promise.reject(reason));
    let rejected: unknown;
    try {
      await h.fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: "{}", signal: controller.signal });
    } catch (e) {
      rejected = e;
    }
    assert.equal(touched, 0);
    assert.ok(rejected === reason);
    assert.deepEqual(h.of("end").map((e) => e.outcome), [{ state: "abort", errorName: "AbortError", errorMessage: "" }]);
  });

  it("a synchronous throw reaches the page as it was, before anything is recorded", () => {
    const error = new TypeError("Illegal invocation");
    const h = hooked(() => {
      throw error;
    });
    assert.throws(() => h.fetch("https://api.openai.com/v1/chat/completions"), (e) => e === error);
    assert.deepEqual(h.events, []);
  });
});

describe("what the hook reads of the page's arguments", () => {
  it("reads data properties only, never a getter, nor what the page put on Object.prototype", async () => {
    let pageCode = 0;
    const init = {
      method: "POST",
      get body() {
        pageCode++;
        return "from a getter";
      },
      headers: { "content-type": "application/json" },
    };
    // An accessor's descriptor has no `value`: reading one would find this.
    const names = ["value", "deferred", "mimeType"];
    for (const name of names) {
      // (A descriptor without a prototype: "value" is one of them.)
      Object.defineProperty(Object.prototype, name, { __proto__: null, configurable: true, get: () => void pageCode++, set: () => void pageCode++ } as PropertyDescriptor);
    }
    let h;
    try {
      h = hooked(answer(() => json()));
      const blob = new Blob(['{"model":"m"}'], { type: "application/json" });
      await (await h.fetch("https://api.openai.com/v1/chat/completions", init)).text();
      await (await h.fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: blob })).text();
      await (await h.fetch("https://api.openai.com/v1/chat/completions", { method: "POST", body: '{"model":"m"}' })).text();
      for (let i = 0; i < 5; i++) await tick();
    } finally {
      for (const name of names) delete (Object.prototype as Record<string, unknown>)[name];
    }
    assert.equal(pageCode, 0);
    // The getter's body is not seen (only fetch itself reads it); the Blob's is, read from the Blob.
    assert.deepEqual(h.of("request").map((e) => e.body), [undefined, { text: '{"model":"m"}', size: 13, mimeType: "application/json" }, { text: '{"model":"m"}' }]);
  });
});
