/**
 * A dedicated worker's calls in Firefox ESR, read from the toolbox's network log
 * (docs/DESIGN.md, "Calls from workers"). Firefox's log names no initiator: the background tells
 * the worker's calls from the page's own (recorded by the hook) by matching them with the hook's,
 * so a page call to the very same URL at the same moment must not be stored a second time.
 */
import { expect, test } from "@playwright/test";
import type { Page } from "puppeteer-core";
import { launchFirefox, openExtensionPage, openToolbox, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { waitFor } from "./support/chromium";
import { startServer, type TestServer } from "./support/server";
import type { SpanRecord } from "../../src/core/contract";

let server: TestServer;
let ff: FirefoxLaunched;
let page: Page;
let store: Page;

test.beforeAll(async () => {
  server = await startServer();
  ff = await launchFirefox({ extension: true });
  store = await openExtensionPage(ff, "options.html");
  page = await ff.browser.newPage();
  const url = `${server.origin}/pages/workers/index.html`;
  await page.goto(url);
  await openToolbox(ff, url);
});
test.afterAll(async () => {
  await ff?.close();
  await server?.close();
});

const llmSpans = async (query: string): Promise<SpanRecord[]> =>
  (await readFirefoxStore(store)).spans.filter((s) => s.kind === "llm" && String(s.attributes["url.full"] ?? "").endsWith(query));

const someSpans = (query: string, what: string) => waitFor(async () => { const s = await llmSpans(query); return s.length ? s : undefined; }, what);

test("Firefox: a dedicated worker's streamed chat completion is stored once, marked, with its text and usage; the page's own calls at the same time, one to the same URL, are not stored twice", async () => {
  const same = "/api/chat-sse?n=3&delay=50&who=dedicated";
  await page.evaluate(async (same) => {
    const w = window as unknown as { askWorker(p: string): void };
    const chat = (path: string, content: string) => fetch(path, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-e2e", stream: true, messages: [{ role: "user", content }] }),
    }).then((r) => r.text());
    // The worker's call, and at the same moment the page's own to the same URL and to another.
    w.askWorker(same);
    await Promise.all([chat(same, "from the page"), chat("/api/chat-sse?n=4&who=page", "from the page too")]);
  }, same);
  const answers = await waitFor(() => page.evaluate(() => (window as unknown as { workerAnswers?: string[] }).workerAnswers), "the worker's answer");
  expect(answers).toEqual(["w0 w1 w2 "]);

  await waitFor(async () => {
    const spans = await llmSpans("who=dedicated");
    return spans.some((s) => s.attributes["llm_trace.capture.source"] === "network") || undefined;
  }, "the dedicated worker's span");
  // Entries are decided and stored in the order they finished: once a later call of the worker
  // is stored, every earlier entry has been decided.
  await page.evaluate(() => (window as unknown as { askWorker(p: string): void }).askWorker("/api/chat-sse?n=1&who=sentinel"));
  await someSpans("who=sentinel", "the worker's later call");

  const fromWorker = (await llmSpans("who=dedicated")).filter((s) => s.attributes["llm_trace.capture.source"] === "network");
  expect(fromWorker).toHaveLength(1);
  const [worker] = fromWorker;
  expect(String(worker!.attributes["gen_ai.input.messages"])).toContain("from a worker");
  expect(String(worker!.attributes["gen_ai.output.messages"])).toContain("w0 w1 w2 ");
  expect(worker!.attributes["gen_ai.usage.input_tokens"]).toBe(7);
  expect(worker!.attributes["gen_ai.usage.output_tokens"]).toBe(3);
  expect(worker!.status).toBe("ok");
  // Firefox names no initiator; the Referer it sent is the worker's script.
  expect(worker!.attributes["llm_trace.initiator.url"]).toBe(`${server.origin}/pages/workers/worker.js`);
  expect(worker!.attributes["gen_ai.response.time_to_first_chunk"]).toBeUndefined();

  // The page's call to the same URL: once, by the hook.
  const pageSame = (await llmSpans("who=dedicated")).filter((s) => s.attributes["llm_trace.capture.source"] === undefined);
  expect(pageSame).toHaveLength(1);
  expect(String(pageSame[0]!.attributes["gen_ai.input.messages"])).toContain("from the page");
  expect(await llmSpans("who=dedicated")).toHaveLength(2);
  // And its other call: once, by the hook.
  const own = await llmSpans("who=page");
  expect(own).toHaveLength(1);
  expect(own[0]!.attributes["llm_trace.capture.source"]).toBeUndefined();

  // No secret reached storage from the network log (it carries the Authorization header verbatim).
  expect(JSON.stringify(await readFirefoxStore(store))).not.toContain("sk-worker-secret");
});
