// Probes of what a page can observe of fetch and XMLHttpRequest. Each returns plain data;
// the semantics test runs every probe with and without the extension and requires equality.
// Nothing here may depend on timing: streams are driven in lock-step with the server.

const OTHER = `http://localhost:${location.port}`;
// ?mode=model: every request carries a path prefix that makes it look like a model call to the
// page hook, so each probe runs once on the hook's fast path and once on its recorded path.
const P = new URLSearchParams(location.search).get("mode") === "model" ? "/model/chat/completions" : "";
const pageErrors = [];
window.addEventListener("error", (e) => pageErrors.push(String(e.message)));
/** What the page saw go wrong outside any probe's own handling: uncaught errors, unhandled rejections. */
window.pageTrouble = () => ({ errors: pageErrors.slice(), unhandled: unhandled.slice() });
const messagesSeen = [];
window.addEventListener("message", (e) => messagesSeen.push(typeof e.data === "object" ? Object.keys(e.data ?? {}) : e.data));
const unhandled = [];
window.addEventListener("unhandledrejection", (e) => unhandled.push(String(e.reason?.name ?? e.reason)));

const uid = () => Math.random().toString(36).slice(2);
// ?tag=...: marks a probe's requests, for a spec that looks for them in the extension's store.
const TAG = new URLSearchParams(location.search).get("tag") ?? "";
const errorOf = (e) => (e === null || typeof e !== "object" ? { value: e } : { name: e.name, message: e.message, ctor: e.constructor?.name });
async function settle(promise) {
  try {
    return { resolved: await promise };
  } catch (e) {
    return { rejected: errorOf(e) };
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(check, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(25);
  }
  return false;
}
// A condition, not a timing: on a loaded 2-core machine a connection can take seconds to close.
const serverClosed = async (id) => until(async () => (await (await fetch(`${P}/api/closed?id=${id}`)).json()).closed === true, 20000);
// The Date header changes between the two runs; everything else must match.
const headersOf = (h) => [...h.entries()].filter(([k]) => k !== "date");
function describeResponse(r) {
  return {
    url: r.url, redirected: r.redirected, type: r.type, status: r.status, statusText: r.statusText, ok: r.ok,
    headers: headersOf(r.headers), bodyNull: r.body === null, bodyUsed: r.bodyUsed,
    isResponse: r instanceof Response, proto: Object.getPrototypeOf(r) === Response.prototype,
    ownKeys: Reflect.ownKeys(r).map(String),
    bodyIsStream: r.body instanceof ReadableStream, locked: r.body?.locked ?? null,
  };
}
function fnShape(fn) {
  return {
    toString: Function.prototype.toString.call(fn), str: String(fn), name: fn.name, length: fn.length,
    hasPrototype: "prototype" in fn, own: Reflect.ownKeys(fn).map(String),
    construct: (() => { try { new fn(); return "constructed"; } catch (e) { return errorOf(e); } })(),
  };
}
function xhrEvents(x, log) {
  for (const type of ["readystatechange", "loadstart", "progress", "load", "error", "abort", "timeout", "loadend"]) {
    x.addEventListener(type, () => {
      const entry = `${type}:${x.readyState}:${x.status}`;
      // Progress events come as often as the network delivers: keep one per run of them.
      if (type === "progress" && log.at(-1) === entry) return;
      if (type === "readystatechange" && x.readyState === 3 && log.at(-1) === entry) return;
      log.push(entry);
    });
  }
}
function xhrDone(x) {
  return new Promise((resolve) => x.addEventListener("loadend", () => resolve()));
}

window.probes = {
  // ---------- fetch: identity ----------
  fetchLooksNative: () => ({
    fetch: fnShape(fetch), fetchDescriptor: (({ value, ...flags }) => ({ ...flags, same: value === fetch }))(Object.getOwnPropertyDescriptor(window, "fetch")),
    toStringOfToString: Function.prototype.toString.toString(), toStringCallOnItself: Function.prototype.toString.call(Function.prototype.toString),
    responseUrlGetter: fnShape(Object.getOwnPropertyDescriptor(Response.prototype, "url").get),
    responseClone: fnShape(Response.prototype.clone), headersSet: fnShape(Headers.prototype.set),
    xhrOpen: fnShape(XMLHttpRequest.prototype.open), xhrSend: fnShape(XMLHttpRequest.prototype.send), xhrSetRequestHeader: fnShape(XMLHttpRequest.prototype.setRequestHeader),
    windowSymbols: Object.getOwnPropertySymbols(window).map(String),
  }),
  fetchBadThis: async () => settle((async () => fetch.call({}, `${P}/api/json`))()),
  fetchNoArgs: async () => settle(fetch()),
  fetchBadUrl: async () => settle(fetch("http://[bad")),
  fetchBadMethod: async () => settle(fetch(`${P}/api/json`, { method: "CONNECT" })),
  windowMessagesDuringLoad: async () => { await sleep(50); return messagesSeen; },

  // ---------- fetch: responses ----------
  plainResponse: async () => {
    const r = await fetch(`${P}/api/json`);
    const shape = describeResponse(r);
    const text = await r.text();
    return { shape, text, usedAfter: r.bodyUsed, again: await settle(r.text()) };
  },
  jsonMethods: async () => {
    const r1 = await fetch(`${P}/api/json`);
    const r2 = await fetch(`${P}/api/json`);
    const r3 = await fetch(`${P}/api/json`);
    const r4 = await fetch(`${P}/api/binary`);
    return {
      json: await r1.json(), blob: await r2.blob().then((b) => ({ size: b.size, type: b.type })),
      buffer: [...new Uint8Array(await r3.arrayBuffer())].length,
      binary: [...new Uint8Array(await r4.arrayBuffer())], binaryShape: describeResponse(r4),
      bytes: typeof Response.prototype.bytes === "function" ? [...(await (await fetch(`${P}/api/binary`)).bytes())] : "n/a",
    };
  },
  badJson: async () => settle((await fetch(`${P}/api/sse?n=1&delay=0`)).json()),
  redirected: async () => {
    const r = await fetch(`${P}/api/redirect`);
    return { ...describeResponse(r), text: await r.text() };
  },
  manualRedirect: async () => describeResponse(await fetch(`${P}/api/redirect`, { redirect: "manual" })),
  errorRedirect: async () => settle(fetch(`${P}/api/redirect`, { redirect: "error" })),
  crossOrigin: async () => {
    const r = await fetch(`${OTHER}${P}/api/json`);
    return { ...describeResponse(r), text: await r.text() };
  },
  opaque: async () => describeResponse(await fetch(`${OTHER}${P}/api/json`, { mode: "no-cors" })),
  corsFailure: async () => settle(fetch(`${OTHER}${P}/api/redirect`)),
  noContent: async () => describeResponse(await fetch(`${P}/api/no-content`)),
  head: async () => describeResponse(await fetch(`${P}/api/json`, { method: "HEAD" })),
  utf8Split: async () => (await fetch(`${P}/api/utf8-split`)).text(),
  largeBody: async () => (await (await fetch(`${P}/api/large?size=3000000`)).text()).length,
  clone: async () => {
    const r = await fetch(`${P}/api/sse?n=3&delay=1`);
    const c = r.clone();
    const [a, b] = await Promise.all([r.text(), c.text()]);
    return { same: a === b, length: a.length, cloneShape: describeResponse(c), cloneOfUsed: await settle((async () => r.clone())()) };
  },
  headersImmutable: async () => {
    const r = await fetch(`${P}/api/json`);
    const attempts = {};
    for (const op of ["set", "append", "delete"]) {
      try {
        r.headers[op]("x-a", "b");
        attempts[op] = "allowed";
      } catch (e) {
        attempts[op] = errorOf(e);
      }
    }
    const c = r.clone();
    try {
      c.headers.set("x-a", "b");
      attempts.clone = "allowed";
    } catch (e) {
      attempts.clone = errorOf(e);
    }
    const own = new Response("x", { headers: { a: "b" } });
    own.headers.set("c", "d");
    return { attempts, ownStillMutable: headersOf(own.headers) };
  },
  newResponseFromBody: async () => {
    const r = await fetch(`${P}/api/json`);
    const wrapped = new Response(r.body, { headers: { "content-type": "text/plain" } });
    return { shape: describeResponse(wrapped), text: await wrapped.text(), originalUsed: r.bodyUsed, originalLocked: r.body.locked };
  },

  // ---------- fetch: streams ----------
  streamUrlKept: async () => {
    const r = await fetch(`${P}/api/sse?n=2&delay=1`);
    const shape = describeResponse(r);
    await r.text();
    return shape;
  },
  lockstepReader: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/lockstep?id=${id}&n=4`);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    const got = [];
    for (let k = 0; ; k++) {
      const { done, value } = await reader.read();
      if (done) break;
      got.push(decoder.decode(value));
      await fetch(`${P}/api/lockstep-ack?id=${id}&k=${k}`);
    }
    return got;
  },
  lockstepAsyncIterator: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/lockstep?id=${id}&n=3`);
    const got = [];
    let k = 0;
    for await (const chunk of r.body.pipeThrough(new TextDecoderStream())) {
      got.push(chunk);
      await fetch(`${P}/api/lockstep-ack?id=${id}&k=${k++}`);
    }
    return got;
  },
  byobReader: async () => {
    const r = await fetch(`${P}/api/json`);
    const reader = r.body.getReader({ mode: "byob" });
    let total = 0;
    let buf = new ArrayBuffer(8);
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(buf));
      if (done) break;
      total += value.byteLength;
      buf = value.buffer;
    }
    return total;
  },
  cancelReachesNetwork: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/endless?id=${id}`);
    const reader = r.body.getReader();
    await reader.read();
    const cancelled = await Promise.race([reader.cancel("stop").then(() => "resolved"), sleep(3000).then(() => "hung")]);
    return { cancelled, serverSawClose: await serverClosed(id), usedAfter: r.bodyUsed, unhandled: unhandled.slice() };
  },
  bodyCancelDirect: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/endless?id=${id}`);
    const cancelled = await Promise.race([r.body.cancel().then(() => "resolved"), sleep(3000).then(() => "hung")]);
    return { cancelled, serverSawClose: await serverClosed(id), usedAfter: r.bodyUsed };
  },
  breakOutOfForAwait: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/endless?id=${id}`);
    for await (const _ of r.body) break;
    return { serverSawClose: await serverClosed(id), locked: r.body.locked };
  },
  // What SDKs do at the end of a stream: openai 7 cancels after [DONE]; others break out of
  // their loop (which cancels) or simply stop reading; a body the page never reads is cancelled.
  cancelAfterDone: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/done-open?id=${id}`);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("[DONE]")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return { text, serverSawClose: await serverClosed(id), used: r.bodyUsed };
  },
  breakAfterDone: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/done-open?id=${id}`);
    let text = "";
    for await (const chunk of r.body.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      if (text.includes("[DONE]")) break;
    }
    return { text, serverSawClose: await serverClosed(id), locked: r.body.locked };
  },
  stopReadingAfterDone: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/done-open?id=${id}`);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("[DONE]")) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    // The reader is simply dropped, as the ollama package does after `"done": true`.
    await sleep(100);
    return { text, used: r.bodyUsed, locked: r.body.locked };
  },
  bodyCancelUnread: async () => {
    const r = await fetch(`${P}/api/sse?n=3&delay=1`);
    const cancelled = await settle(r.body.cancel());
    // The hook's own follow-up work runs in later tasks: give it the chance to misbehave.
    await sleep(50);
    return { cancelled, used: r.bodyUsed, again: await settle(r.text()) };
  },
  readerReleasedMidStream: async () => {
    const id = uid();
    const r = await fetch(`${P}/api/lockstep?id=${id}&n=4`);
    const decoder = new TextDecoder();
    const got = [];
    let reader = r.body.getReader();
    for (let k = 0; ; k++) {
      const { done, value } = await reader.read();
      if (done) break;
      got.push(decoder.decode(value));
      if (k === 1) {
        reader.releaseLock();
        got.push(`locked after release: ${r.body.locked}`);
        reader = r.body.getReader();
      }
      await fetch(`${P}/api/lockstep-ack?id=${id}&k=${k}`);
    }
    return got;
  },
  abortBeforeFetch: async () => {
    const c = new AbortController();
    c.abort();
    return settle(fetch(`${P}/api/json`, { signal: c.signal }));
  },
  abortWithReason: async () => {
    const c = new AbortController();
    const reason = { custom: true };
    c.abort(reason);
    try {
      await fetch(`${P}/api/json`, { signal: c.signal });
      return "resolved";
    } catch (e) {
      return { same: e === reason };
    }
  },
  abortDuringStream: async () => {
    const id = uid();
    const c = new AbortController();
    const r = await fetch(`${P}/api/endless?id=${id}`, { signal: c.signal });
    const reader = r.body.getReader();
    await reader.read();
    c.abort();
    const read = await settle(reader.read());
    const closed = await serverClosed(id);
    await sleep(100);
    return { read, closed, unhandled: unhandled.slice() };
  },
  abortWhileReadPending: async () => {
    const id = uid();
    const c = new AbortController();
    const r = await fetch(`${P}/api/endless?id=${id}`, { signal: c.signal });
    const textPromise = r.text();
    setTimeout(() => c.abort(new DOMException("stop now", "AbortError")), 100);
    return { text: await settle(textPromise), closed: await serverClosed(id) };
  },
  timeoutSignal: async () => settle(fetch(`${P}/api/hang`, { signal: AbortSignal.timeout(100) })),
  networkError: async () => settle(fetch("http://127.0.0.1:1/")),
  brokenMidBody: async () => {
    const r = await fetch(`${P}/api/broken`);
    return { shape: describeResponse(r), text: await settle(r.text()) };
  },
  unhandledAfterAborts: async () => {
    await sleep(200);
    return unhandled;
  },

  // ---------- fetch: requests ----------
  requestObject: async () => {
    const req = new Request(`${P}/api/echo`, { method: "POST", body: "from a Request", headers: { "x-thing": "1" } });
    const r = await fetch(req);
    const echoed = await r.json();
    return { body: echoed.body, thing: echoed.headers["x-thing"], usedAfter: req.bodyUsed, again: await settle(fetch(req)) };
  },
  requestWithInitOverride: async () => {
    const req = new Request(`${P}/api/echo`, { method: "POST", body: "original" });
    const echoed = await (await fetch(req, { body: "override", method: "PUT" })).json();
    return { method: echoed.method, body: echoed.body, used: req.bodyUsed };
  },
  bodyKinds: async () => {
    const form = new FormData();
    form.append("a", "1");
    form.append("f", new Blob(["file body"], { type: "text/plain" }), "f.txt");
    const kinds = {
      string: "plain", params: new URLSearchParams({ a: "1", b: "two" }), blob: new Blob(["blob body"], { type: "application/json" }),
      buffer: new TextEncoder().encode("bytes body").buffer, view: new TextEncoder().encode("view body"), form,
    };
    const out = {};
    for (const [name, body] of Object.entries(kinds)) {
      const echoed = await (await fetch(`${P}/api/echo`, { method: "POST", body })).json();
      // A multipart body's length depends on its random boundary: compare its fields instead.
      out[name] = { ct: (echoed.headers["content-type"] ?? "").replace(/boundary=.*/, "boundary"), len: name === "form" ? echoed.body.split("\r\n").filter((l) => !l.startsWith("--")).join("|").length : echoed.body.length };
    }
    return out;
  },
  streamedUpload: async () => {
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("streamed")); c.close(); } });
    return settle(fetch(`${P}/api/echo`, { method: "POST", body: stream, duplex: "half" }).then((r) => r.json()).then((j) => j.body));
  },
  headerForms: async () => {
    const forms = [new Headers({ "x-a": "1" }), [["x-a", "2"]], { "x-a": "3" }];
    const out = [];
    for (const headers of forms) out.push((await (await fetch(`${P}/api/echo`, { headers })).json()).headers["x-a"]);
    return out;
  },
  urlObjectInput: async () => (await fetch(new URL(`${P}/api/json`, location.href))).url,
  objectWithToString: async () => {
    let calls = 0;
    const input = { toString() { calls++; return `${P}/api/json`; } };
    const r = await fetch(input);
    return { url: r.url, calls };
  },
  initGetters: async () => {
    let reads = 0;
    const init = { get method() { reads++; return "GET"; } };
    await (await fetch(`${P}/api/json`, init)).text();
    return reads;
  },

  // ---------- page replacing or freezing fetch ----------
  wrappedByPage: async () => {
    const original = window.fetch;
    let seen = 0;
    window.fetch = function (...args) { seen++; return original.apply(this, args); };
    try {
      return { status: (await fetch(`${P}/api/json`)).status, seen };
    } finally {
      window.fetch = original;
    }
  },
  frozenFetch: async () => {
    Object.freeze(window.fetch);
    return { frozen: Object.isFrozen(fetch), status: (await fetch(`${P}/api/json`)).status };
  },
  lockedFetchProperty: async () => {
    const f = window.fetch;
    Object.defineProperty(window, "fetch", { value: f, writable: false, configurable: false });
    return { status: (await fetch(`${P}/api/json`)).status, desc: (({ value, ...d }) => d)(Object.getOwnPropertyDescriptor(window, "fetch")) };
  },

  // ---------- what a fetch() makes the page's own built-ins do ----------
  // Every patchable built-in the hook could call is counted while fetch runs: the counts must be
  // the browser's own (with the extension: the same), or a page could tell the hook is there.
  builtinsCalledByFetch: async () => {
    const counts = {};
    const restore = [];
    const watch = (owner, key, label) => {
      const desc = Object.getOwnPropertyDescriptor(owner, key);
      if (!desc || typeof desc.value !== "function") return;
      const original = desc.value;
      counts[label] = 0;
      Object.defineProperty(owner, key, { ...desc, value: function (...args) { counts[label]++; return Reflect.apply(original, this, args); } });
      restore.push(() => Object.defineProperty(owner, key, desc));
    };
    const watchGetter = (owner, key, label) => {
      const desc = Object.getOwnPropertyDescriptor(owner, key);
      if (!desc || !desc.get) return;
      counts[label] = 0;
      Object.defineProperty(owner, key, { ...desc, get() { counts[label]++; return Reflect.apply(desc.get, this, []); } });
      restore.push(() => Object.defineProperty(owner, key, desc));
    };
    watch(Array.prototype, "push", "push");
    watch(Array.prototype, "slice", "slice");
    watch(Array.prototype, "map", "map");
    watch(Array.prototype, Symbol.iterator, "arrayIterator");
    watch(Object.getPrototypeOf([][Symbol.iterator]()), "next", "arrayIteratorNext");
    watch(RegExp.prototype, "exec", "exec");
    watch(RegExp.prototype, "test", "test");
    watch(String.prototype, "toLowerCase", "toLowerCase");
    watch(String.prototype, "slice", "stringSlice");
    watch(String.prototype, "indexOf", "indexOf");
    watch(String.prototype, "split", "split");
    watch(Map.prototype, "get", "mapGet");
    watch(Map.prototype, "set", "mapSet");
    watch(WeakMap.prototype, "get", "weakMapGet");
    watch(WeakMap.prototype, "set", "weakMapSet");
    watch(Promise.prototype, "then", "then");
    watch(Function.prototype, "call", "call");
    watch(Function.prototype, "apply", "apply");
    watch(JSON, "stringify", "stringify");
    watch(Headers.prototype, "forEach", "headersForEach");
    watch(Headers.prototype, Symbol.iterator, "headersIterator");
    watchGetter(Response.prototype, "status", "status");
    watchGetter(Response.prototype, "headers", "headers");
    watchGetter(Response.prototype, "body", "body");
    watchGetter(AbortSignal.prototype, "aborted", "aborted");
    let accessorReads = 0;
    // Members that dictionaries and proxy handlers look up, inherited if missing. (Not "get"/"set",
    // which would break every property descriptor, nor "then", read on any value a promise takes.)
    const traps = ["has", "apply", "construct", "defineProperty", "capture", "passive", "once", "signal", "highWaterMark", "size", "start", "pull", "cancel", "type", "autoAllocateChunkSize", "status", "statusText", "headers", "detail"];
    for (const name of traps) {
      Object.defineProperty(Object.prototype, name, { configurable: true, get() { accessorReads++; return undefined; } });
      restore.push(() => delete Object.prototype[name]);
    }
    let text;
    let streamed = "";
    try {
      const r = await fetch(`${P}/api/json`, { method: "POST", body: JSON.stringify({ model: "m", messages: [] }), headers: [["content-type", "application/json"]] });
      text = await r.text();
      const s = await fetch(`${P}/api/sse?n=2&delay=1`);
      const reader = s.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        streamed += value.length;
      }
    } finally {
      for (const undo of restore.reverse()) undo();
    }
    return { counts, accessorReads, text, streamed: streamed.length > 0 };
  },
  speciesDuringFetch: async () => {
    let speciesCalls = 0;
    const desc = Object.getOwnPropertyDescriptor(Promise, Symbol.species);
    class Spy extends Promise {}
    Object.defineProperty(Promise, Symbol.species, { configurable: true, get() { speciesCalls++; return Spy; } });
    let result;
    try {
      const p = fetch(`${P}/api/json`);
      const r = await p;
      result = { isSpy: p instanceof Spy, ctor: p.constructor === Promise, status: r.status, text: await r.text() };
    } finally {
      Object.defineProperty(Promise, Symbol.species, desc);
    }
    return { ...result, speciesCalls };
  },
  // A page that replaces the built-ins after the hook started, and keeps them replaced while its
  // model calls run and the hook's batches go out: every method and accessor a hook could call
  // counts its calls (and still works), and Object.prototype gets accessors for members a hook's
  // own objects might leave out. The page's own code calls the originals it kept, so a count is
  // a call by someone else: the same with and without the extension (none). Its results are the
  // same too; support/replaced-builtins.ts checks that the calls were still recorded whole.
  builtinsReplacedByPage: async () => {
    const { apply } = Reflect;
    const { defineProperty, getOwnPropertyDescriptor, getPrototypeOf } = Object;
    const keptSetTimeout = window.setTimeout;
    const text = Response.prototype.text;
    const bodyOf = getOwnPropertyDescriptor(Response.prototype, "body").get;
    const getReader = ReadableStream.prototype.getReader;
    const read = ReadableStreamDefaultReader.prototype.read;
    const decode = TextDecoder.prototype.decode;
    const listen = EventTarget.prototype.addEventListener;
    const responseTextOf = getOwnPropertyDescriptor(XMLHttpRequest.prototype, "responseText").get;
    const counts = {};
    const restore = [];
    // Index loops and index writes only from here on: the array iterator and push are replaced too.
    const replace = (owner, label, keys) => {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const desc = getOwnPropertyDescriptor(owner, key);
        if (!desc) continue;
        const name = `${label}.${String(key)}`;
        counts[name] = 0;
        if (typeof desc.value === "function") {
          const original = desc.value;
          defineProperty(owner, key, { ...desc, value: function (...args) { counts[name]++; return apply(original, this, args); } });
        } else if (desc.get) {
          const replaced = { ...desc, get() { counts[name]++; return apply(desc.get, this, []); } };
          if (desc.set) replaced.set = function (v) { counts[name]++; apply(desc.set, this, [v]); };
          defineProperty(owner, key, replaced);
        } else {
          continue;
        }
        restore[restore.length] = () => defineProperty(owner, key, desc);
      }
    };
    const absent = ["tap", "source", "recorder", "ending", "current", "onEvent", "deferred", "charset", "mimeType", "value", "toJSON", "timing"];
    // Prepared before anything is replaced.
    const body = JSON.stringify({ model: "gpt-e2e", messages: [{ role: "user", content: "replaced built-ins" }] });
    const blob = new Blob([body], { type: "application/json" });
    const decoder = new TextDecoder();
    const q = `tag=${TAG}`;
    // Model calls in every mode: the hook's recorded path (a Blob body says nothing by itself).
    const M = "/model/chat/completions";
    const arrayIteratorProto = getPrototypeOf([][Symbol.iterator]());

    replace(Array.prototype, "Array", ["push", "pop", "slice", "splice", "map", "forEach", "filter", "some", "every", "join", "indexOf", "includes", "concat", "at", Symbol.iterator]);
    replace(arrayIteratorProto, "ArrayIterator", ["next"]);
    replace(Array, "Array", ["isArray", "from"]);
    replace(String.prototype, "String", ["toLowerCase", "toUpperCase", "slice", "substring", "indexOf", "includes", "startsWith", "split", "trim", "replace", "charCodeAt", "match", Symbol.iterator]);
    replace(RegExp.prototype, "RegExp", ["exec", "test", Symbol.match, Symbol.replace, Symbol.split]);
    replace(Map.prototype, "Map", ["get", "set", "has", "delete"]);
    replace(Set.prototype, "Set", ["add", "has", "delete"]);
    replace(WeakMap.prototype, "WeakMap", ["get", "set", "has", "delete"]);
    replace(Promise.prototype, "Promise", ["then", "catch", "finally"]);
    replace(Promise, "Promise", ["resolve", "reject", "all"]);
    replace(Function.prototype, "Function", ["call", "apply", "bind"]);
    replace(JSON, "JSON", ["stringify", "parse"]);
    replace(Object, "Object", ["keys", "entries", "assign", "create", "defineProperty", "getOwnPropertyDescriptor", "getPrototypeOf", "setPrototypeOf", "hasOwn", "freeze"]);
    replace(Reflect, "Reflect", ["apply", "construct", "ownKeys"]);
    replace(Headers.prototype, "Headers", ["get", "has", "set", "append", "delete", "forEach", "entries", Symbol.iterator]);
    replace(Response.prototype, "Response", ["clone", "text", "json", "arrayBuffer", "blob", "status", "statusText", "headers", "body", "bodyUsed", "url", "type", "redirected", "ok"]);
    replace(Request.prototype, "Request", ["clone", "arrayBuffer", "text", "url", "method", "headers", "signal", "body", "bodyUsed"]);
    replace(ReadableStream.prototype, "ReadableStream", ["getReader", "cancel", "tee", "pipeTo", "pipeThrough", "locked"]);
    replace(ReadableStreamDefaultReader.prototype, "ReadableStreamDefaultReader", ["read", "cancel", "releaseLock"]);
    replace(ReadableByteStreamController.prototype, "ReadableByteStreamController", ["enqueue", "close", "error", "byobRequest"]);
    replace(TextDecoder.prototype, "TextDecoder", ["decode"]);
    replace(TextEncoder.prototype, "TextEncoder", ["encode"]);
    replace(getPrototypeOf(Uint8Array.prototype), "TypedArray", ["set", "slice", "subarray", "indexOf", "byteLength", "byteOffset", "buffer"]);
    replace(ArrayBuffer.prototype, "ArrayBuffer", ["slice", "byteLength"]);
    replace(Blob.prototype, "Blob", ["stream", "text", "arrayBuffer", "slice", "size", "type"]);
    replace(XMLHttpRequest.prototype, "XMLHttpRequest", ["getResponseHeader", "getAllResponseHeaders", "readyState", "status", "statusText", "responseURL", "responseType", "responseText", "response", "timeout"]);
    replace(EventTarget.prototype, "EventTarget", ["addEventListener", "removeEventListener", "dispatchEvent"]);
    replace(Event.prototype, "Event", ["type", "stopImmediatePropagation"]);
    replace(ProgressEvent.prototype, "ProgressEvent", ["loaded"]);
    replace(MessageEvent.prototype, "MessageEvent", ["data"]);
    replace(MessageChannel.prototype, "MessageChannel", ["port1", "port2"]);
    replace(MessagePort.prototype, "MessagePort", ["postMessage", "start", "onmessage"]);
    replace(AbortSignal.prototype, "AbortSignal", ["aborted"]);
    replace(URL.prototype, "URL", ["href", "pathname", "toString"]);
    replace(DOMException.prototype, "DOMException", ["name", "message"]);
    replace(Performance.prototype, "Performance", ["now"]);
    replace(Crypto.prototype, "Crypto", ["getRandomValues"]);
    replace(Object.prototype, "Object.prototype", ["toString", "valueOf", "hasOwnProperty"]);
    replace(window, "window", ["setTimeout", "clearTimeout", "postMessage", "queueMicrotask"]);
    for (let i = 0; i < absent.length; i++) {
      const name = absent[i];
      counts[`absent.${name}`] = 0;
      // Descriptors without a prototype: "value" is one of the members put on Object.prototype.
      defineProperty(Object.prototype, name, {
        __proto__: null,
        configurable: true,
        get() { counts[`absent.${name}`]++; return undefined; },
        set(v) { counts[`absent.${name}`]++; defineProperty(this, name, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true }); },
      });
    }

    let out;
    try {
      // JSON, and a Blob body (read by the hook from the Blob itself).
      const json = await apply(text, await fetch(`${M}/api/echo?${q}&kind=json`, { method: "POST", body, headers: { "content-type": "application/json" } }), []);
      const fromBlob = await apply(text, await fetch(`${M}/api/echo?${q}&kind=blob`, { method: "POST", body: blob }), []);
      // A streamed answer, read chunk by chunk through the hook's forwarding body.
      const r = await fetch(`${M}/api/chat-sse?${q}&n=3`, { method: "POST", body, headers: { accept: "text/event-stream" } });
      const reader = apply(getReader, apply(bodyOf, r, []), []);
      let streamed = "";
      for (;;) {
        const chunk = await apply(read, reader, []);
        if (chunk.done) break;
        streamed += apply(decode, decoder, [chunk.value, { stream: true }]);
      }
      // XHR, recorded from its events.
      const x = new XMLHttpRequest();
      x.open("POST", `${M}/api/echo?${q}&kind=xhr`);
      x.setRequestHeader("content-type", "application/json");
      const loaded = new Promise((resolve) => apply(listen, x, ["loadend", resolve]));
      x.send(body);
      await loaded;
      const xhr = apply(responseTextOf, x, []);
      // The hook's batches and timers go out while everything is still replaced.
      await new Promise((resolve) => keptSetTimeout(resolve, 150));
      out = { json, fromBlob, streamed, xhr };
    } finally {
      for (let i = 0; i < absent.length; i++) delete Object.prototype[absent[i]];
      for (let i = restore.length - 1; i >= 0; i--) restore[i]();
    }
    const called = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
    // What the server echoed, less the headers (the page's URL is in the referer).
    const echoed = (text) => ({ method: JSON.parse(text).method, body: JSON.parse(text).body });
    return { called, sent: body, json: echoed(out.json), blob: echoed(out.fromBlob), xhr: echoed(out.xhr), streamed: out.streamed };
  },
  hasInstanceDuringFetch: async () => {
    let checks = 0;
    const targets = [Response, Request, Headers, URL, Blob, FormData, ReadableStream, Promise, Error, DOMException, Uint8Array, ArrayBuffer];
    for (const C of targets) Object.defineProperty(C, Symbol.hasInstance, { configurable: true, value: (v) => { checks++; return Function.prototype[Symbol.hasInstance].call(C, v); } });
    try {
      const r = await fetch(new Request(`${P}/api/echo`, { method: "POST", body: JSON.stringify({ model: "m" }) }));
      return { status: r.status, body: (await r.json()).body, checks };
    } finally {
      for (const C of targets) delete C[Symbol.hasInstance];
    }
  },

  // ---------- XMLHttpRequest ----------
  xhrTextEvents: async () => {
    const log = [];
    const x = new XMLHttpRequest();
    xhrEvents(x, log);
    x.open("GET", `${P}/api/json`);
    x.send();
    await xhrDone(x);
    return { log, text: x.responseText, url: x.responseURL, headers: x.getAllResponseHeaders().split("\r\n").filter((l) => !/^date:/i.test(l)).sort() };
  },
  xhrResponseTypes: async () => {
    const out = {};
    for (const type of ["text", "json", "arraybuffer", "blob", "document"]) {
      const x = new XMLHttpRequest();
      x.open("GET", type === "document" ? "/pages/app.html" : `${P}/api/json`);
      x.responseType = type;
      x.send();
      await xhrDone(x);
      const v = x.response;
      out[type] = type === "json" ? v : type === "arraybuffer" ? v.byteLength : type === "blob" ? [v.size, v.type] : type === "document" ? v.title : v;
      out[`${type}Same`] = x.response === v;
    }
    return out;
  },
  xhrLockstep: async () => {
    const id = uid();
    const x = new XMLHttpRequest();
    const seen = [];
    let acked = -1;
    x.open("GET", `${P}/api/lockstep?id=${id}&n=3`);
    x.onprogress = () => {
      const parts = x.responseText.split("\n\n").filter(Boolean);
      while (acked < parts.length - 1) {
        acked++;
        seen.push(parts[acked]);
        fetch(`${P}/api/lockstep-ack?id=${id}&k=${acked}`);
      }
    };
    x.send();
    await xhrDone(x);
    return { seen, final: x.responseText };
  },
  xhrAbort: async () => {
    const log = [];
    const id = uid();
    const x = new XMLHttpRequest();
    xhrEvents(x, log);
    x.open("GET", `${P}/api/endless?id=${id}`);
    x.send();
    await new Promise((r) => x.addEventListener("progress", r, { once: true }));
    x.abort();
    return { log, state: x.readyState, status: x.status, closed: await serverClosed(id) };
  },
  xhrTimeout: async () => {
    const log = [];
    const x = new XMLHttpRequest();
    xhrEvents(x, log);
    x.open("GET", `${P}/api/hang`);
    x.timeout = 150;
    x.send();
    await xhrDone(x);
    return { log, status: x.status };
  },
  xhrNetworkError: async () => {
    const log = [];
    const x = new XMLHttpRequest();
    xhrEvents(x, log);
    x.open("GET", "http://127.0.0.1:1/");
    x.send();
    await xhrDone(x);
    return { log, status: x.status };
  },
  xhrSync: () => {
    const log = [];
    const x = new XMLHttpRequest();
    xhrEvents(x, log);
    x.open("POST", `${P}/api/echo`, false);
    x.send("sync body");
    const out = { log, status: x.status, body: JSON.parse(x.responseText).body };
    const bad = new XMLHttpRequest();
    bad.open("GET", "http://127.0.0.1:1/", false);
    try {
      bad.send();
      out.badSync = "sent";
    } catch (e) {
      out.badSync = errorOf(e);
    }
    return out;
  },
  xhrInvalidState: () => {
    const x = new XMLHttpRequest();
    const out = {};
    try { x.send(); } catch (e) { out.sendBeforeOpen = errorOf(e); }
    try { x.setRequestHeader("a", "b"); } catch (e) { out.headerBeforeOpen = errorOf(e); }
    try { x.open("BAD METHOD", "/"); } catch (e) { out.badMethod = errorOf(e); }
    return out;
  },
  xhrReopen: async () => {
    const log = [];
    const x = new XMLHttpRequest();
    xhrEvents(x, log);
    x.open("GET", `${P}/api/hang`);
    x.send();
    x.open("GET", `${P}/api/json`);
    x.send();
    await xhrDone(x);
    return { log, text: x.responseText };
  },
  xhrWithCredentials: async () => {
    document.cookie = "probe=1; path=/";
    const x = new XMLHttpRequest();
    x.open("GET", `${OTHER}${P}/api/echo`);
    x.withCredentials = true;
    x.send();
    await xhrDone(x);
    const echoed = JSON.parse(x.responseText);
    return { status: x.status, withCredentials: x.withCredentials, sentOrigin: echoed.headers.origin === location.origin };
  },
  xhrSimpleCorsPostNoPreflight: async () => {
    const id = "simple-cors";
    const x = new XMLHttpRequest();
    x.open("POST", `${OTHER}${P}/api/echo?probe=${id}`);
    x.setRequestHeader("content-type", "text/plain");
    x.send("simple");
    await xhrDone(x);
    return { status: x.status, id };
  },
  xhrStopImmediatePropagation: async () => {
    const x = new XMLHttpRequest();
    let later = 0;
    x.addEventListener("load", (e) => e.stopImmediatePropagation());
    x.addEventListener("load", () => later++);
    x.open("GET", `${P}/api/json`);
    x.send();
    await xhrDone(x);
    return { later, text: x.responseText.length };
  },
};

// ---------- WebSocket and EventSource (docs/DESIGN.md, "Other transports") ----------
const WS = `ws://${location.host}${P}/ws/echo`;
/** Own properties of a class or prototype, each as its flags and what its value or accessor looks like. */
function shapeOf(o) {
  const out = {};
  for (const k of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, k);
    out[String(k)] = {
      c: d.configurable, e: d.enumerable, w: d.writable,
      v: typeof d.value === "function" ? fnShape(d.value) : typeof d.value === "object" ? typeof d.value : d.value,
      get: d.get ? fnShape(d.get) : undefined, set: d.set ? fnShape(d.set) : undefined,
    };
  }
  return out;
}
/** What a page sees of a socket's events, in order: type, data as the page gets it, readyState then. */
function socketLog(ws, log) {
  for (const type of ["open", "message", "error", "close"]) {
    ws.addEventListener(type, (e) => {
      const data = e.data;
      log.push({
        type, ctor: e.constructor.name, trusted: e.isTrusted, readyState: ws.readyState,
        data: typeof data === "string" ? data : data instanceof ArrayBuffer ? `ab:${[...new Uint8Array(data)]}` : data instanceof Blob ? `blob:${data.size}:${data.type}` : undefined,
        code: e.code, reason: e.reason, wasClean: e.wasClean,
      });
    });
  }
}
const closedOf = (ws) => new Promise((r) => ws.addEventListener("close", r, { once: true }));
const openOf = (ws) => new Promise((r) => ws.addEventListener("open", r, { once: true }));

Object.assign(window.probes, {
  webSocketLooksNative: () => {
    const ws = new WebSocket(WS);
    ws.close();
    class Sub extends WebSocket {}
    const sub = new Sub(WS);
    sub.close();
    return {
      ctor: fnShape(WebSocket), statics: shapeOf(WebSocket), proto: shapeOf(WebSocket.prototype),
      global: (({ value, ...flags }) => ({ ...flags, same: value === WebSocket }))(Object.getOwnPropertyDescriptor(window, "WebSocket")),
      protoCtor: WebSocket.prototype.constructor === WebSocket, instCtor: ws.constructor === WebSocket, instanceOf: ws instanceof WebSocket,
      protoOf: Object.getPrototypeOf(ws) === WebSocket.prototype, ownKeys: Reflect.ownKeys(ws).map(String), tag: Object.prototype.toString.call(ws),
      sub: { instanceOf: sub instanceof Sub && sub instanceof WebSocket, protoOf: Object.getPrototypeOf(sub) === Sub.prototype, url: sub.url },
      constants: [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, ws.OPEN],
      binaryType: ws.binaryType, protocol: ws.protocol, extensions: ws.extensions, url: ws.url,
    };
  },
  webSocketConstructorErrors: () => {
    const attempt = (f) => { try { f(); return "no error"; } catch (e) { return errorOf(e); } };
    return {
      noNew: attempt(() => WebSocket(WS)), badUrl: attempt(() => new WebSocket("http://[bad")), badScheme: attempt(() => new WebSocket("ftp://example.com/")),
      fragment: attempt(() => new WebSocket(`${WS}#frag`).close()), noArgs: attempt(() => new WebSocket()),
      badProtocol: attempt(() => new WebSocket(WS, "a b")), dupProtocol: attempt(() => new WebSocket(WS, ["x", "x"])),
      reflect: attempt(() => Reflect.construct(WebSocket, [WS], Object).constructor.name),
      sendBadThis: attempt(() => WebSocket.prototype.send.call({}, "x")),
    };
  },
  webSocketEcho: async () => {
    const ws = new WebSocket(WS);
    const log = [];
    socketLog(ws, log);
    let onmessageCalls = 0;
    ws.onmessage = () => onmessageCalls++;
    const sendEarly = (() => { try { ws.send("too early"); return "sent"; } catch (e) { return errorOf(e); } })();
    await openOf(ws);
    ws.send("hello");
    ws.send(new Uint8Array([1, 2, 3]));
    ws.send(new Blob(["blob text"]));
    ws.binaryType = "arraybuffer";
    ws.send(new Uint8Array([4, 5]).buffer);
    await until(() => log.filter((l) => l.type === "message").length >= 4);
    ws.send("close 4001 done here");
    await closedOf(ws);
    const afterClose = (() => { try { ws.send("late"); return { sent: true, buffered: ws.bufferedAmount }; } catch (e) { return errorOf(e); } })();
    return { sendEarly, log, onmessageCalls, afterClose, readyState: ws.readyState, binaryType: ws.binaryType };
  },
  webSocketListenersAndSyntheticEvents: async () => {
    const ws = new WebSocket(WS);
    const seen = [];
    ws.addEventListener("message", (e) => { seen.push(`first ${e.data}`); e.stopImmediatePropagation(); });
    ws.addEventListener("message", (e) => seen.push(`second ${e.data}`));
    ws.dispatchEvent(new MessageEvent("message", { data: "synthetic" }));
    await openOf(ws);
    ws.send("real");
    await until(() => seen.length >= 2);
    const closed = closedOf(ws);
    ws.close(1000, "bye");
    const close = await closed;
    return { seen, code: close.code, reason: close.reason, wasClean: close.wasClean };
  },
  webSocketFailedConnection: async () => {
    const ws = new WebSocket(`ws://${location.host}/ws/nowhere`);
    const log = [];
    socketLog(ws, log);
    await closedOf(ws);
    return { log, readyState: ws.readyState };
  },
  eventSourceLooksNative: () => {
    const es = new EventSource(`${P}/api/sse?n=1&delay=0`);
    es.close();
    return {
      ctor: fnShape(EventSource), statics: shapeOf(EventSource), proto: shapeOf(EventSource.prototype),
      global: (({ value, ...flags }) => ({ ...flags, same: value === EventSource }))(Object.getOwnPropertyDescriptor(window, "EventSource")),
      protoCtor: EventSource.prototype.constructor === EventSource, instCtor: es.constructor === EventSource, instanceOf: es instanceof EventSource,
      ownKeys: Reflect.ownKeys(es).map(String), withCredentials: es.withCredentials, readyState: es.readyState, url: es.url.endsWith("/api/sse?n=1&delay=0"),
      errors: [() => EventSource(`${P}/api/sse`), () => new EventSource("http://[bad"), () => new EventSource()].map((f) => { try { f(); return "no error"; } catch (e) { return errorOf(e); } }),
    };
  },
  eventSourceStream: async () => {
    const es = new EventSource(`${P}/api/sse?n=4&delay=5`);
    const log = [];
    for (const type of ["open", "message", "error"]) es.addEventListener(type, (e) => log.push({ type, data: e.data, lastEventId: e.lastEventId, readyState: es.readyState, trusted: e.isTrusted }));
    await new Promise((resolve) => {
      es.onmessage = (e) => {
        if (e.data === "[DONE]") {
          es.close();
          resolve();
        }
      };
    });
    return { log, readyState: es.readyState };
  },
  // ---------- addEventListener, wrapped to hear the names a page listens for on an EventSource ----------
  addEventListenerLooksNative: () => {
    const f = EventTarget.prototype.addEventListener;
    // Before anything reads name or length: Firefox resolves them lazily, in the order they are read.
    const keysFirst = Reflect.ownKeys(f).map(String);
    const attempt = (g) => { try { const v = g(); return typeof v === "function" ? "function" : v; } catch (e) { return errorOf(e); } };
    const es = new EventSource(`${P}/api/sse-named`);
    es.close();
    return {
      keysFirst, shape: fnShape(f), proto: shapeOf(EventTarget.prototype), esProto: Reflect.ownKeys(EventSource.prototype).map(String),
      same: [window.addEventListener, document.addEventListener, EventSource.prototype.addEventListener, es.addEventListener, new EventTarget().addEventListener].map((g) => g === f),
      protoOf: Object.getPrototypeOf(f) === Function.prototype, tag: Object.prototype.toString.call(f), type: typeof f,
      caller: attempt(() => f.caller), args: attempt(() => f.arguments), bound: attempt(() => f.bind(window).name),
      toStrings: [f.toString(), `${f}`, Function.prototype.toString.call(f.bind(null))],
    };
  },
  addEventListenerArguments: () => {
    const attempt = (g) => { try { const v = g(); return v === undefined ? "undefined" : typeof v; } catch (e) { return errorOf(e); } };
    const targets = { eventSource: () => new EventSource(`${P}/api/sse-named`), eventTarget: () => new EventTarget(), window: () => window, element: () => document.createElement("div") };
    const out = {};
    for (const [kind, make] of Object.entries(targets)) {
      const t = make();
      const log = [];
      const fn = () => log.push("called");
      // The options object, a listener object and a name object say when they are read.
      const options = new Proxy({ capture: false, once: false, passive: true }, {
        get: (o, k, r) => (log.push(`get ${String(k)}`), Reflect.get(o, k, r)),
        has: (o, k) => (log.push(`has ${String(k)}`), Reflect.has(o, k)),
        getOwnPropertyDescriptor: (o, k) => (log.push(`gopd ${String(k)}`), Reflect.getOwnPropertyDescriptor(o, k)),
        ownKeys: (o) => (log.push("ownKeys"), Reflect.ownKeys(o)),
      });
      const handler = new Proxy({ handleEvent: fn }, { get: (o, k, r) => (log.push(`handler ${String(k)}`), Reflect.get(o, k, r)) });
      const name = { toString() { log.push("toString"); return `named-${kind}`; }, valueOf() { log.push("valueOf"); return 1; } };
      out[kind] = {
        withOptions: attempt(() => t.addEventListener("delta", fn, options)),
        handlerObject: attempt(() => t.addEventListener("tool", handler)),
        objectName: attempt(() => t.addEventListener(name, fn)),
        numberName: attempt(() => t.addEventListener(42, fn)),
        boolOptions: attempt(() => t.addEventListener("delta", fn, "yes")),
        noArgs: attempt(() => t.addEventListener()),
        oneArg: attempt(() => t.addEventListener("delta")),
        nullListener: attempt(() => t.addEventListener("delta", null)),
        symbolName: attempt(() => t.addEventListener(Symbol("s"), fn)),
        badListener: attempt(() => t.addEventListener("delta", 5)),
        throwingOption: attempt(() => t.addEventListener("delta", fn, { get once() { log.push("once getter"); throw new RangeError("from the page"); } })),
        badSignal: attempt(() => t.addEventListener("delta", fn, { signal: {} })),
        extraArgs: attempt(() => Reflect.apply(t.addEventListener, t, ["delta", fn, false, "extra", 5])),
        asConstructor: attempt(() => new t.addEventListener("delta", fn)),
        badThis: attempt(() => EventTarget.prototype.addEventListener.call({}, "delta", fn)),
        primitiveThis: attempt(() => EventTarget.prototype.addEventListener.call(1, "delta", fn)),
        log,
      };
      if (kind === "eventSource") t.close();
    }
    // No `this`: the window is the target, as natively.
    const seen = [];
    const noThis = attempt(() => EventTarget.prototype.addEventListener.call(undefined, "probe-no-this", (e) => seen.push(e.type)));
    window.dispatchEvent(new Event("probe-no-this"));
    return { out, noThis, seen };
  },
  eventSourceNamedListeners: async () => {
    const es = new EventSource(`${P}/api/sse-named`);
    const log = [];
    const entry = (tag) => (e) => log.push(`${tag} ${e.type} ${e.data} ${e.lastEventId} ${e.eventPhase} ${e.constructor.name} ${e.isTrusted} ${es.readyState}`);
    const a = entry("a");
    es.addEventListener("delta", a);
    es.addEventListener("delta", a); // a duplicate: ignored
    es.addEventListener("delta", a, true); // capturing: a registration of its own, run first at the target
    // The page's own events reach its listeners as ever (and are no server's).
    es.dispatchEvent(new MessageEvent("delta", { data: "synthetic" }));
    es.addEventListener("delta", entry("once"), { once: true });
    const controller = new AbortController();
    es.addEventListener("delta", (e) => { entry("signal")(e); controller.abort(); }, { signal: controller.signal });
    es.addEventListener("delta", entry("aborted"), { signal: AbortSignal.abort() });
    const removed = entry("removed");
    es.addEventListener("delta", removed);
    es.removeEventListener("delta", removed);
    es.addEventListener("tool", { handleEvent: entry("handler") });
    es.addEventListener("tool", (e) => { log.push("stop"); e.stopImmediatePropagation(); });
    es.addEventListener("tool", entry("never"));
    es.addEventListener("message", (e) => {
      entry("message")(e);
      if (e.data === "m1") es.addEventListener("later", entry("later"));
    });
    es.onmessage = entry("onmessage");
    es.addEventListener("open", entry("open"));
    es.addEventListener("error", entry("error"));
    es.onerror = entry("onerror");
    await new Promise((resolve) => {
      es.addEventListener("done", (e) => {
        entry("done")(e);
        es.close();
        resolve();
      });
    });
    return { log, readyState: es.readyState };
  },
});

// ---------- WebRTC data channels (docs/DESIGN.md, "Other transports") ----------
/** Two peers in this page, the first opening `label`; resolves once both ends are open (or says why not). */
async function rtcPair(label, options) {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate).catch(() => {});
  b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate).catch(() => {});
  const mine = a.createDataChannel(label, options);
  const theirs = new Promise((r) => (b.ondatachannel = (e) => r(e.channel)));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const other = await theirs;
  const opened = (ch) => (ch.readyState === "open" ? Promise.resolve() : new Promise((r) => ch.addEventListener("open", r, { once: true })));
  await Promise.all([opened(mine), opened(other)]);
  return { a, b, mine, other };
}
/** A probe that must not hang the matrix: its result, or "timeout" after 8 s (the same with and without us, or a difference). */
const withinTime = (p) => Promise.race([p, new Promise((r) => setTimeout(() => r("timeout"), 8000))]);

Object.assign(window.probes, {
  rtcLooksNative: () => {
    const pc = new RTCPeerConnection();
    const ch = pc.createDataChannel("shape");
    const pcProto = shapeOf(RTCPeerConnection.prototype);
    const chProto = shapeOf(RTCDataChannel.prototype);
    // The order of the wrapped methods' own keys, apart: the one difference Firefox shows (firefox.spec.ts, KNOWN).
    const ownOrder = { createDataChannel: pcProto.createDataChannel.v.own, send: chProto.send.v.own };
    pcProto.createDataChannel.v.own = [...ownOrder.createDataChannel].sort();
    chProto.send.v.own = [...ownOrder.send].sort();
    const out = {
      pc: fnShape(RTCPeerConnection), pcProto, chProto, ownOrder,
      createDataChannel: fnShape(pc.createDataChannel).name, send: fnShape(ch.send).name,
      instanceOf: ch instanceof RTCDataChannel, protoOf: Object.getPrototypeOf(ch) === RTCDataChannel.prototype,
      ownKeys: Reflect.ownKeys(ch).map(String), tag: Object.prototype.toString.call(ch),
      label: ch.label, readyState: ch.readyState, binaryType: ch.binaryType, ordered: ch.ordered, id: ch.id, negotiated: ch.negotiated,
    };
    pc.close();
    return out;
  },
  rtcChannelErrors: () => {
    const attempt = (f) => { try { const v = f(); return v instanceof RTCDataChannel ? `channel ${v.label}` : "no error"; } catch (e) { return errorOf(e); } };
    const pc = new RTCPeerConnection();
    const ch = pc.createDataChannel("early");
    const out = {
      noArgs: attempt(() => pc.createDataChannel()),
      longLabel: attempt(() => pc.createDataChannel("x".repeat(70_000))),
      badThis: attempt(() => RTCPeerConnection.prototype.createDataChannel.call({}, "x")),
      bothLimits: attempt(() => pc.createDataChannel("x", { maxRetransmits: 1, maxPacketLifeTime: 1 })),
      negotiatedNoId: attempt(() => pc.createDataChannel("x", { negotiated: true })),
      sendConnecting: attempt(() => ch.send("too early")),
      sendBadThis: attempt(() => RTCDataChannel.prototype.send.call({}, "x")),
      sendNoArgs: attempt(() => ch.send()),
    };
    pc.close();
    out.afterClose = attempt(() => pc.createDataChannel("late"));
    out.sendClosed = attempt(() => ch.send("late"));
    return out;
  },
  rtcMessagesBothWays: () => withinTime((async () => {
    const { a, b, mine, other } = await rtcPair("oai-events");
    const log = [];
    const listen = (ch, side) => {
      for (const type of ["message", "close", "closing", "error"]) {
        ch.addEventListener(type, (e) => {
          const d = e.data;
          log.push(`${side} ${type} ${typeof d === "string" ? d : d instanceof ArrayBuffer ? `ab:${[...new Uint8Array(d)]}` : d instanceof Blob ? `blob:${d.size}` : ""} ${ch.readyState}`);
        });
      }
    };
    listen(mine, "a");
    listen(other, "b");
    let onmessage = 0;
    mine.onmessage = () => onmessage++;
    other.binaryType = "arraybuffer";
    mine.send(JSON.stringify({ type: "response.create" }));
    mine.send(new Uint8Array([1, 2, 3]));
    mine.send(new Blob(["blob"]));
    await until(() => log.filter((l) => l.startsWith("b message")).length >= 3);
    other.send(JSON.stringify({ type: "response.done" }));
    other.send(new Uint8Array([9]).buffer);
    await until(() => log.filter((l) => l.startsWith("a message")).length >= 2);
    const buffered = mine.bufferedAmount;
    const closed = new Promise((r) => other.addEventListener("close", r, { once: true }));
    mine.close();
    await closed;
    a.close();
    b.close();
    return { log: log.filter((l) => !l.includes(" close") && !l.includes(" closing")), onmessage, buffered, binaryType: [mine.binaryType, other.binaryType], states: [mine.readyState, other.readyState] };
  })()),
});
