/** The HAR we write: what each standard field holds, our extension fields, and Chrome's importer. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Exchange } from "../../../src/core/contract";
import { harFileName, harText, toHar, type LlmTraceEntry } from "../../../src/core/files";
import { makeExchange, T0 } from "../../fixtures/providers/make-exchange";
import { chatStream } from "../../fixtures/providers/openai-chat";
import { captured, fullSession, META, oddBodies, supportBotTrace } from "../../fixtures/files/session";
import { chromeHar } from "../../fixtures/files/chrome-har";
import { firefoxHar } from "../../fixtures/files/firefox-har";
import { chromeImporterProblems } from "./chrome-importer";

const fileOf = (session = fullSession()) => JSON.parse(harText(toHar(session, META))) as ReturnType<typeof toHar>;
const entryOf = (ex: Exchange): LlmTraceEntry => {
  const har = toHar({ spans: [], exchanges: [ex] }, META);
  return har.log.entries[0]!;
};

describe("Chrome-importer check", () => {
  it("our export has every field Chrome DevTools' HAR importer requires, with the right type", () => {
    assert.deepEqual(chromeImporterProblems(fileOf()), []);
  });

  it("an empty session is still an importable HAR", () => {
    assert.deepEqual(chromeImporterProblems(fileOf({ spans: [], exchanges: [] })), []);
  });

  it("the checker itself accepts Chrome's and Firefox's own exports and catches a NaN field", () => {
    assert.deepEqual(chromeImporterProblems(chromeHar()), []);
    assert.deepEqual(chromeImporterProblems(firefoxHar()), []);
    const broken = fileOf(supportBotTrace());
    (broken.log.entries[0]!.timings as { wait?: unknown }).wait = undefined;
    delete (broken.log.entries[1]!.response.content as { size?: number }).size;
    assert.equal(chromeImporterProblems(broken).length, 2);
  });
});

describe("toHar", () => {
  it("writes HAR 1.2 with our creator, a version marker and the export time", () => {
    const har = fileOf(supportBotTrace());
    assert.equal(har.log.version, "1.2");
    assert.deepEqual(har.log.creator, { name: "llm-trace-devtools", version: "0.1.0" });
    assert.deepEqual(har.log._llmTrace, { version: 1, exportedAt: new Date(META.exportedAt).toISOString() });
  });

  it("puts HTTP-backed spans in entries[]._span and the others in log._spans, without tabId/updatedAt", () => {
    const har = fileOf(supportBotTrace());
    assert.deepEqual(har.log.entries.map((e) => e._span?.kind).sort(), ["http", "llm", "llm", "retrieval"]);
    assert.deepEqual(har.log._spans.map((s) => s.kind).sort(), ["agent", "interaction", "tool"]);
    for (const s of [...har.log._spans, ...har.log.entries.map((e) => e._span!)]) {
      assert.equal("tabId" in s, false);
      assert.equal("updatedAt" in s, false);
    }
  });

  it("sorts entries by start time and gives one page per document URL, titled by the page title for the latest", () => {
    const har = fileOf();
    const starts = har.log.entries.map((e) => Date.parse(e.startedDateTime));
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    const urls = new Set(fullSession().exchanges.map((e) => e.pageUrl));
    assert.equal(har.log.pages!.length, urls.size);
    for (const e of har.log.entries) assert.ok(har.log.pages!.some((p) => p.id === e.pageref));
    assert.deepEqual(har.log.pages!.map((p) => p.pageTimings), har.log.pages!.map(() => ({ onContentLoad: -1, onLoad: -1 })));
    assert.ok(har.log.pages!.some((p) => p.title === "Support bot"));
  });

  it("maps the request: method, URL, headers, query string, body, sizes", () => {
    const e = entryOf(makeExchange({ url: "https://x.test/a?b=1&c=%C3%A9+f&flag", requestText: "{\"q\":1}", status: 200 }));
    assert.equal(e.request.method, "POST");
    assert.deepEqual(e.request.queryString, [{ name: "b", value: "1" }, { name: "c", value: "é f" }, { name: "flag", value: "" }]);
    assert.deepEqual(e.request.postData, { mimeType: "application/json", text: "{\"q\":1}" });
    assert.equal(e.request.bodySize, 7);
    assert.equal(e.request.headersSize, -1);
    assert.deepEqual(e.request.cookies, []);
    const get = entryOf(makeExchange({ url: "https://x.test/", method: "GET", status: 200 }));
    assert.equal(get.request.postData, undefined);
    assert.equal(get.request.bodySize, 0);
  });

  it("keeps a streamed body as its raw SSE text, with chunk times in _chunkTimes", () => {
    const ex = makeExchange(chatStream);
    const e = entryOf(ex);
    assert.equal(e.response.content.text, ex.chunks.map((c) => c.text).join(""));
    assert.equal(e.response.content.mimeType, "text/event-stream; charset=utf-8");
    assert.equal(e._chunkTimes, ex.chunks.map((c) => `${c.time - T0}:${c.text.length}`).join(" "));
  });

  it("derives timings from what the page saw: -1 for network phases, wait to the headers, receive to the end", () => {
    const e = entryOf(makeExchange(chatStream));
    assert.deepEqual(e.timings, { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 300, receive: 601 });
    assert.equal(e.time, 901);
    assert.equal(e.startedDateTime, new Date(T0).toISOString());
  });

  it("gives an in-flight exchange finite timings and no _error", () => {
    const e = entryOf(makeExchange({ url: "https://x.test/", status: 200, chunks: [{ dt: 10, text: "a" }], outcome: "inflight" }));
    assert.deepEqual(e.timings, { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: 10, receive: 0 });
    assert.equal((e.response as { _error?: string })._error, undefined);
  });

  it("marks a failed request the way Chrome does: status 0 and _error", () => {
    const e = entryOf(makeExchange({ url: "https://x.test/", outcome: { state: "error", errorName: "TypeError", errorMessage: "Failed to fetch" } }));
    assert.equal(e.response.status, 0);
    assert.equal((e.response as { _error?: string })._error, "Failed to fetch");
    assert.equal(e.response.content.mimeType, "x-unknown");
  });

  it("writes binary bodies by size and type only, with a note", () => {
    const e = toHar(oddBodies(), META).log.entries.find((x) => x.request.url.endsWith("avatar.png"))!;
    assert.equal(e.response.content.text, undefined);
    assert.equal(e.response.content.encoding, undefined);
    assert.equal(e.response.content.size, 48213);
    assert.equal((e.response.content as { _omitted?: string })._omitted, "binary");
    assert.match(e.response.content.comment!, /binary/);
  });

  it("notes a truncated body with its full size", () => {
    const e = toHar(oddBodies(), META).log.entries.find((x) => (x.response.content as { _truncated?: boolean })._truncated)!;
    assert.equal(e.response.content.size, 9_000_000);
    assert.match(e.response.content.comment!, /truncated.*9000000/);
  });

  it("redacts secrets even if the session was not (defense in depth)", () => {
    const ex = makeExchange({ url: "https://generativelanguage.googleapis.com/v1beta/models/g:generateContent?key=AIzaSECRET", requestHeaders: { Authorization: "Bearer sk-secret", "x-api-key": "k" }, status: 200 });
    const text = harText(toHar({ spans: [], exchanges: [ex] }, META));
    assert.doesNotMatch(text, /AIzaSECRET|sk-secret|"k"/);
    assert.match(text, /Bearer \[REDACTED:authorization\]/);
  });

  it("frameId and fractional times survive in _span and _exchange", () => {
    const c = captured(makeExchange({ url: "https://x.test/", status: 200, chunks: [{ dt: 1.234, text: "x" }] }), {}, 5);
    const e = toHar({ spans: [c.span], exchanges: [c.exchange] }, META).log.entries[0]!;
    assert.equal(e._span!.frameId, 5);
    assert.equal(e._exchange.timing.firstByte, T0 + 1.234);
  });
});

describe("harFileName", () => {
  const d = new Date(2025, 0, 2, 3, 4, 5);
  it("is <host>-<yyyymmdd-hhmmss>.har in local time", () => {
    assert.equal(harFileName("https://chat.example.com/c/123?x=1", d), "chat.example.com-20250102-030405.har");
    assert.equal(harFileName("chat.example.com", d), "chat.example.com-20250102-030405.har");
  });
  it("keeps the name safe for any file system", () => {
    assert.equal(harFileName("http://localhost:5173/", d), "localhost_5173-20250102-030405.har");
    // A host with its port, as URL.host gives it, is no URL with a "localhost:" scheme.
    assert.equal(harFileName("localhost:5173", d), "localhost_5173-20250102-030405.har");
    assert.equal(harFileName("127.0.0.1:8080", d), "127.0.0.1_8080-20250102-030405.har");
    assert.equal(harFileName("", d), "trace-20250102-030405.har");
    assert.equal(harFileName("a/b\\c:d", d), "a-b-c-d-20250102-030405.har");
  });
});
