/**
 * Firefox's network-log entries name no initiator: which are the page's own calls (the hook saw
 * them) and which a worker's, told by matching them with the hook's calls. The entries are real
 * ones, dumped from Firefox ESR's devtools.network.onRequestFinished (trimmed headers):
 * test/fixtures/files/firefox-network-entries.json.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { DEFAULT_EVENT_LIMITS, isCaptureEvent } from "../../../src/core/capture";
import type { CapturedBody, RequestEvent } from "../../../src/core/contract";
import { WorkerCallMatcher, entrySource, isUnhookedCall, networkEntryEvents } from "../../../src/core/files";

type Entry = Record<string, any>;
interface Fixture {
  worker: Entry;
  page: Entry;
  xhr: Entry;
  pageRedirect: Entry;
  pageRedirectTarget: Entry;
  workerRedirect: Entry;
  workerRedirectTarget: Entry;
  /** The worker's call and the page's, to one URL at the same moment, with different bodies. */
  sameUrl: [Entry, Entry];
  /** The body of the worker's streamed response, as getContent gave it. */
  sse: string;
}
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/files/firefox-network-entries.json", import.meta.url), "utf8")) as Fixture;
const entries = (): Fixture => structuredClone(fixture);
const startOf = (e: Entry): number => Date.parse(e.startedDateTime);
const TAB = 7;

let nextId = 0;
/** The hook's request event for the call an entry records, as the page made it `before` ms earlier. */
function hookCall(e: Entry, options: { before?: number; body?: CapturedBody | null; id?: string; url?: string } = {}): RequestEvent {
  const text = e.request.postData?.text;
  const body = options.body === null ? undefined : options.body ?? (typeof text === "string" ? { text } : undefined);
  return {
    t: "request", id: options.id ?? (nextId++).toString(16).padStart(16, "0"), transport: "fetch", time: startOf(e) - (options.before ?? 5),
    method: e.request.method, url: options.url ?? e.request.url, headers: [], pageUrl: "http://127.0.0.1:47123/", ...(body ? { body } : {}),
  };
}

/** A matcher born before the fixture's calls; `run` offers entries at `now` and settles after the wait. */
function harness(options: { since?: number } = {}) {
  const first = startOf(entries().worker);
  const matcher = new WorkerCallMatcher<string>(options.since ?? first - 60_000);
  let now = first + 500;
  return {
    matcher,
    offer(name: string, e: Entry) {
      matcher.offer(TAB, e, name, now);
    },
    hook(...events: RequestEvent[]) {
      matcher.hookEvents(TAB, events);
    },
    /** Advance until every entry is decided: the names stored as workers' calls. */
    settle(): string[] {
      const stored: string[] = [];
      for (let due = matcher.nextDue(); due !== undefined; due = matcher.nextDue()) {
        now = Math.max(now, due);
        stored.push(...matcher.settle(now).map((m) => m.payload));
      }
      return stored;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

/** The same entry, started `ms` later. */
const movedBy = (e: Entry, ms: number): Entry => ({ ...e, startedDateTime: new Date(startOf(e) + ms).toISOString() });

/** The hook's calls, then the entries arriving 10 ms apart in this order: the names stored as workers' calls. */
function decided(calls: RequestEvent[], ...arriving: [string, Entry][]): string[] {
  const h = harness();
  for (const call of calls) h.hook(call);
  for (const [name, e] of arriving) {
    h.offer(name, e);
    h.advance(10);
  }
  return h.settle();
}

describe("Firefox entries, told apart from the page's calls", () => {
  it("are unattributed when they can be a fetch or XHR; documents, images, preflights and sockets are skipped", () => {
    const { worker, page, xhr } = entries();
    for (const e of [worker, page, xhr]) assert.equal(entrySource(e), "unattributed");
    assert.ok(isUnhookedCall(worker));
    const withDest = (dest: string) => ({ ...worker, request: { ...worker.request, headers: [...worker.request.headers.filter((h: Entry) => h.name !== "Sec-Fetch-Dest"), { name: "Sec-Fetch-Dest", value: dest }] } });
    assert.equal(entrySource(withDest("image")), "skip");
    assert.equal(entrySource(withDest("document")), "skip");
    assert.equal(entrySource(withDest("websocket")), "skip");
    const preflight = { ...worker, request: { ...worker.request, method: "OPTIONS", headers: [{ name: "Access-Control-Request-Method", value: "POST" }] } };
    assert.equal(entrySource(preflight), "skip");
    // Plain http to another host sends no Sec-Fetch-*: the response's type says what was loaded.
    const noFetchHeaders = (mimeType: string) => ({
      ...worker, request: { ...worker.request, headers: [] }, response: { ...worker.response, content: { ...worker.response.content, mimeType } },
    });
    assert.equal(entrySource(noFetchHeaders("image/png")), "skip");
    assert.equal(entrySource(noFetchHeaders("text/html; charset=utf-8")), "skip");
    assert.equal(entrySource(noFetchHeaders("text/event-stream")), "unattributed");
  });

  it("a worker's entry becomes valid capture events, its initiator the Referer Firefox sent (the worker's script)", () => {
    const { worker, sse } = entries();
    const read = networkEntryEvents(worker, sse, undefined, 1e6);
    assert.ok("events" in read);
    for (const e of read.events) assert.ok(isCaptureEvent(e, DEFAULT_EVENT_LIMITS), `valid ${e.t}`);
    const request = read.events[0]!;
    assert.equal(request.t === "request" && request.network?.initiator, "http://127.0.0.1:47123/w.js");
  });

  it("stores the worker's call and drops the page's, whichever of the entry and the hook's events comes first", () => {
    const { worker, page, xhr } = entries();
    const h = harness();
    h.hook(hookCall(page, { body: null }), hookCall(xhr, { body: null }));
    h.offer("page", page);
    h.offer("worker", worker);
    // The XHR's entry arrives before the hook's batch that reports it (batched every 20 ms or more).
    h.offer("xhr", xhr);
    h.advance(100);
    h.hook(hookCall(xhr, { body: null }));
    assert.deepEqual(h.settle(), ["worker"]);
    assert.equal(h.matcher.nextDue(), undefined);
  });

  it("a page's call to the same URL at the same time is the page's, by its body; the worker's is stored", () => {
    for (const order of [[0, 1], [1, 0]]) {
      const [workerSame, pageSame] = entries().sameUrl;
      assert.equal(workerSame.request.url, pageSame.request.url);
      const h = harness();
      h.hook(hookCall(pageSame));
      for (const i of order) h.offer(i === 0 ? "worker" : "page", i === 0 ? workerSame : pageSame);
      assert.deepEqual(h.settle(), ["worker"]);
    }
  });

  it("matches N identical calls one to one: N entries of the page's N calls are all the page's", () => {
    const { page } = entries();
    const h = harness();
    h.hook(...[0, 1, 2].map(() => hookCall(page, { body: null })));
    for (const name of ["a", "b", "c"]) h.offer(name, page);
    assert.deepEqual(h.settle(), []);
  });

  it("when an entry fits a taken hook call as well as the entry that took it, it is dropped: a worker's call missed, never a page's stored twice", () => {
    const { page } = entries();
    // The page called once and a worker made the identical call at the same moment: which entry is which cannot be told.
    assert.deepEqual(decided([hookCall(page, { body: null })], ["first", page], ["second", page]), []);
  });

  it("an identical call a second later is a worker's only when the page's own entry took the page's call first", () => {
    const { page } = entries();
    const later = movedBy(page, 1000);
    assert.deepEqual(decided([hookCall(page, { body: null })], ["page", page], ["worker", later]), ["worker"]);
    // The worker's entry came first and took the page's call; the page's own then fits it better: both dropped.
    assert.deepEqual(decided([hookCall(page, { body: null })], ["worker", later], ["page", page]), []);
  });

  it("a relay's batch sent twice (not acknowledged) is one call, not two", () => {
    const { page } = entries();
    const call = hookCall(page, { body: null });
    assert.deepEqual(decided([call, call], ["page", page], ["worker", movedBy(page, 1000)]), ["worker"]);
  });

  it("a redirect's hops follow the first: the page's are dropped, the worker's stored", () => {
    const { pageRedirect, pageRedirectTarget, workerRedirect, workerRedirectTarget } = entries();
    const h = harness();
    // The hook reports the page's call once, with the URL the page asked for.
    h.hook(hookCall(pageRedirect));
    h.offer("page hop", pageRedirect);
    h.offer("worker hop", workerRedirect);
    assert.deepEqual(h.settle(), ["worker hop"]);
    h.advance(50);
    h.offer("page target", pageRedirectTarget);
    h.offer("worker target", workerRedirectTarget);
    assert.deepEqual(h.settle(), ["worker target"]);
  });

  it("a body the hook cut at its cap, or the page's form data, can be the entry's", () => {
    const [workerSame, pageSame] = entries().sameUrl;
    const text = pageSame.request.postData.text as string;
    const cut = harness();
    cut.hook(hookCall(pageSame, { body: { text: text.slice(0, 10), truncated: true, size: text.length } }));
    cut.offer("page", pageSame);
    cut.offer("worker", workerSame);
    assert.deepEqual(cut.settle(), ["worker"]);
    const form = harness();
    form.hook(hookCall(pageSame, { body: { text: "model=m\n", mimeType: "multipart/form-data" } }));
    form.offer("page", pageSame);
    assert.deepEqual(form.settle(), []);
  });

  it("drops entries that started before it knew the tab's calls: before the background started, before recording started", () => {
    const { worker } = entries();
    const restarted = harness({ since: startOf(worker) + 1 });
    restarted.offer("worker", worker);
    assert.deepEqual(restarted.settle(), []);
    const opened = harness();
    opened.matcher.recordingFrom(TAB, startOf(worker) + 1);
    opened.offer("worker", worker);
    assert.deepEqual(opened.settle(), []);
  });

  it("hook calls forgotten for their age or number take the entries they could be with them", () => {
    const { worker, page } = entries();
    const later = movedBy(worker, 60_000);
    const matcher = new WorkerCallMatcher<string>(0, { keepMs: 10_000, maxCalls: 1 });
    matcher.hookEvents(TAB, [hookCall(page, { body: null }), hookCall(worker, { body: null, url: "http://127.0.0.1:47123/other" })]);
    // Two calls over a limit of one: the older (the page's) is forgotten, and its entry is not judged.
    matcher.offer(TAB, page, "page", startOf(page) + 200);
    assert.deepEqual(matcher.settle(matcher.nextDue()!), []);
    // A minute later, everything older than 10 s is forgotten; an entry after that is judged again.
    matcher.offer(TAB, later, "later", startOf(later) + 200);
    assert.deepEqual(matcher.settle(matcher.nextDue()!).map((m) => m.payload), ["later"]);
  });

  it("tells long URLs apart past their first kilobyte", () => {
    const { page } = entries();
    const long = (tail: string) => ({ ...page, request: { ...page.request, url: `${page.request.url}&q=${"x".repeat(5000)}${tail}` } });
    assert.deepEqual(decided([hookCall(long("a"), { body: null })], ["page", long("a")], ["worker", long("b")]), ["worker"]);
  });

  it("holds a bounded number and weight of entries per tab: beyond, a worker's call is missed", () => {
    const { worker, xhr } = entries();
    const matcher = new WorkerCallMatcher<string>(0, { maxPending: 2, maxPendingWeight: 100 });
    matcher.offer(TAB, worker, "heavy", startOf(worker) + 200, 101);
    matcher.offer(TAB, worker, "first", startOf(worker) + 200, 60);
    matcher.offer(TAB, xhr, "over the weight", startOf(xhr) + 200, 60);
    matcher.offer(TAB, xhr, "second", startOf(xhr) + 200, 10);
    matcher.offer(TAB, xhr, "over the number", startOf(xhr) + 200, 0);
    assert.deepEqual(matcher.settle(startOf(xhr) + 10_000).map((m) => m.payload), ["first", "second"]);
    // Decided entries free their room.
    matcher.offer(TAB, xhr, "after", startOf(xhr) + 10_000, 100);
    assert.deepEqual(matcher.settle(startOf(xhr) + 20_000).map((m) => m.payload), ["after"]);
  });

  it("keeps each tab's calls apart", () => {
    const { page } = entries();
    const matcher = new WorkerCallMatcher<string>(0);
    matcher.hookEvents(TAB + 1, [hookCall(page, { body: null })]);
    matcher.offer(TAB, page, "other tab's", startOf(page) + 200);
    assert.deepEqual(matcher.settle(matcher.nextDue()!).map((m) => [m.tabId, m.payload]), [[TAB, "other tab's"]]);
  });
});
