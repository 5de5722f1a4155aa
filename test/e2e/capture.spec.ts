/**
 * The capture pipeline end to end in Chromium: page hook -> relay -> worker -> IndexedDB ->
 * panel, for fetch and XHR, plain and streamed, successful and failing.
 */
import { expect, test } from "@playwright/test";
import { responseText } from "../../src/core/contract";
import { assembleExchange } from "../../src/core/capture";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, openPanelTab, readStore, tabIdOf, waitFor, type WithExtension } from "./support/chromium";

let server: TestServer;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.close();
});
test.beforeEach(async () => {
  ext = await launchWithExtension();
});
test.afterEach(async () => {
  await ext.close();
});

const SECRETS = ["SECRET_URL_KEY_123", "SECRET_BEARER_123", "SECRET_X_API_KEY_123", "SECRET_AZURE_KEY_123", "SECRET_COOKIE_123", "SECRET_GOOG_KEY_123"];

test("fetch and XHR exchanges reach IndexedDB with status, timings and bodies; secrets never do", async () => {
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/pages/app.html`);
  const json = await page.evaluate(() => window.calls.json());
  const echoed = await page.evaluate(() => window.calls.postJson());
  const sse = await page.evaluate(() => window.calls.sse(6));
  const xhr = await page.evaluate(() => window.calls.xhr());
  const xhrSse = await page.evaluate(() => window.calls.xhrSse());
  const limited = await page.evaluate(() => window.calls.status(429));
  const failed = await page.evaluate(() => window.calls.failing());
  expect(json.ok).toBe(true);
  expect(failed).toBe("TypeError: TypeError");

  const data = await waitFor(async () => {
    const d = await readStore(ext);
    const ended = d.exchanges.filter((e) => e.outcome);
    // ...and the trace roots assembled around them closed too.
    return ended.length >= 7 && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
  }, "7 finished exchanges");

  const byUrl = (part: string, method = "GET") => {
    const record = data.exchanges.find((e) => e.request.url.includes(part) && e.request.method === method && e.transport === "fetch");
    expect(record, `exchange for ${method} ${part}`).toBeTruthy();
    const chunks = data.chunks.filter((c) => c.exchangeId === record!.id).sort((a, b) => a.seq - b.seq);
    return assembleExchange(record!, chunks);
  };

  // A plain GET takes the hook's fast path: metadata only, no body.
  const get = byUrl("/api/json");
  expect(get.transport).toBe("fetch");
  expect(get.response?.status).toBe(200);
  expect(get.response?.body?.omitted).toBe("fast-path");
  expect(get.chunks).toEqual([]);
  expect(json.ok).toBe(true);
  expect(get.timing.start).toBeLessThanOrEqual(get.timing.headers!);
  expect(get.timing.headers!).toBeLessThanOrEqual(get.timing.end!);
  expect(get.request.url).toContain("key=%5BREDACTED%3Aapi-key%5D");

  // A request that looks like a model call takes the recorded path: bodies and chunk times.
  const post = byUrl("/api/echo", "POST");
  expect(post.timing.headers!).toBeLessThanOrEqual(post.timing.firstByte!);
  expect(post.timing.firstByte!).toBeLessThanOrEqual(post.timing.end!);
  expect(post.request.body?.text).toBe(JSON.stringify({ model: "test-model", messages: [{ role: "user", content: "hello" }] }));
  expect(JSON.parse(responseText(post)).body).toBe(echoed.body);
  expect(post.request.headers).toContainEqual(["api-key", "[REDACTED:api-key]"]);

  const stream = byUrl("/api/sse");
  expect(responseText(stream)).toBe(sse.text);
  expect(stream.chunks.length).toBeGreaterThanOrEqual(6);
  expect(stream.response?.headers.find(([k]) => k === "content-type")?.[1]).toContain("text/event-stream");
  // Arrival times are in order and inside the exchange.
  const times = stream.chunks.map((c) => c.time);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(times[0]!).toBeGreaterThanOrEqual(stream.timing.headers!);
  expect(times.at(-1)!).toBeLessThanOrEqual(stream.timing.end!);

  const viaXhr = data.exchanges.filter((e) => e.transport === "xhr");
  expect(viaXhr).toHaveLength(2);
  const chunksOf = (id: string) => data.chunks.filter((c) => c.exchangeId === id).sort((a, b) => a.seq - b.seq);
  const xhrPostRecord = viaXhr.find((e) => e.request.method === "POST")!;
  const xhrPost = assembleExchange(xhrPostRecord, chunksOf(xhrPostRecord.id));
  // The echo names the credential header it received: a secret-named JSON field, so its value goes.
  expect(responseText(xhrPost)).toBe(xhr.response.replace('"x-goog-api-key":"<present>"', '"x-goog-api-key":"[REDACTED:api-key]"'));
  expect(xhrPost.request.headers).toContainEqual(["x-goog-api-key", "[REDACTED:api-key]"]);
  const xhrStream = viaXhr.find((e) => e.request.method === "GET")!;
  expect(chunksOf(xhrStream.id).map((c) => c.text).join("")).toBe(xhrSse);

  // An HTTP error is recorded in full even on the fast path: it is what a failing call says.
  const error = byUrl("/api/status");
  expect(error.response?.status).toBe(429);
  expect(responseText(error)).toBe(limited.body);
  const span429 = data.spans.find((s) => s.spanId === error.id)!;
  expect(span429.status).toBe("error");

  const unreachable = byUrl("127.0.0.1:1/unreachable");
  expect(unreachable.outcome?.state).toBe("error");
  expect(unreachable.response).toBeUndefined();

  for (const span of data.spans) {
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(span.endTime).toBeGreaterThanOrEqual(span.startTime);
  }
  const dump = JSON.stringify(data);
  for (const secret of SECRETS) expect(dump, `${secret} must be redacted`).not.toContain(secret);
});

test("the panel lists the tab's calls live, with status and detail, and only this tab's", async () => {
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/pages/app.html`);
  const tabId = await tabIdOf(ext, page);
  const panel = await openPanelTab(ext, tabId);
  const filter = panel.getByRole("searchbox", { name: "Filter" });
  // Plain requests close together form one "page requests" trace, named after its calls.
  const rows = (name: string) => panel.locator(".wf-row", { hasText: name });
  await expect(panel.locator(".trace-row", { hasText: "GET /api/json" })).toBeVisible();

  await page.evaluate(() => window.calls.json());
  await page.evaluate(() => window.calls.status(503));
  await page.evaluate(() => window.calls.sse(4));
  await panel.locator(".trace-row", { hasText: "GET /api/json" }).first().click();
  await expect(rows("GET /api/json")).toHaveCount(2);
  await expect(panel.locator(".wf-row.is-error", { hasText: "GET /api/status" })).toBeVisible();
  await filter.fill("status:error");
  await expect(panel.locator(".trace-row.has-error")).toHaveCount(1);
  await filter.fill("");

  await rows("GET /api/sse").click();
  await panel.getByRole("tab", { name: "Response" }).click();
  const detail = panel.locator(".detail-pane");
  await expect(detail).toContainText("text/event-stream");
  await expect(detail).toContainText("tök€n 3");
  await expect(detail).toContainText("[DONE]");

  // Another tab's traffic never shows here.
  const other = await ext.context.newPage();
  await other.goto(`${server.origin}/pages/app.html?other`);
  await other.evaluate(() => fetch("/api/no-content"));
  await page.evaluate(() => fetch("/api/binary"));
  await filter.fill("binary");
  await expect(panel.locator(".trace-row")).toHaveCount(1);
  await filter.fill("no-content");
  await expect(panel.getByText("No trace matches the filter.")).toBeVisible();
  await filter.fill("");

  await panel.getByRole("button", { name: "Clear" }).click();
  await expect(panel.getByText("Recording this page's model calls")).toBeVisible();
  const data = await readStore(ext);
  expect(data.spans.filter((s) => s.tabId === tabId)).toHaveLength(0);
  expect(data.spans.length).toBeGreaterThan(0);
});
