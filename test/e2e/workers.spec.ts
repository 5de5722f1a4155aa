/**
 * Calls from a dedicated worker or a service worker, which the page hook cannot see, read from the
 * browser's network log while DevTools is open (docs/DESIGN.md, "Calls from workers"): stored once each, marked as such, with
 * what the worker read; the page's own calls are not stored twice.
 */
import { expect, test, type Page } from "@playwright/test";
import { launchWithExtension, readStore, waitFor, type WithExtension } from "./support/chromium";
import { openRealDevtoolsPanel, type NestedSession } from "./support/devtools";
import { startServer, type TestServer } from "./support/server";
import type { SpanRecord } from "../../src/core/contract";

let server: TestServer;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startServer();
  ext = await launchWithExtension(["--auto-open-devtools-for-tabs"]);
});
test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

/** The one tab, on `path`, with DevTools (and so the DevTools page that reads its network log) open on it. */
let panel: NestedSession | undefined;
async function devtoolsTab(path: string): Promise<{ page: Page; panel: NestedSession }> {
  const page = ext.context.pages()[0] ?? (await ext.context.newPage());
  await page.goto(`${server.origin}${path}`);
  panel ??= await openRealDevtoolsPanel(ext);
  return { page, panel };
}

const llmSpans = async (query: string): Promise<SpanRecord[]> =>
  (await readStore(ext)).spans.filter((s) => s.kind === "llm" && String(s.attributes["url.full"] ?? "").includes(query));

test("a dedicated worker's streamed chat completion is stored once, marked, with its text and usage; the page's own call is not stored twice", async () => {
  const { page, panel } = await devtoolsTab("/pages/workers/index.html");

  await page.evaluate(() => (window as unknown as { askWorker(p: string): void }).askWorker("/api/chat-sse?n=3&who=dedicated"));
  // And one from the page itself, which the hook records: it must not be stored a second time.
  await page.evaluate(() => fetch("/api/chat-sse?n=4&who=page", { method: "POST", body: JSON.stringify({ model: "gpt-e2e", stream: true, messages: [] }) }).then((r) => r.text()));
  const answers = await waitFor(() => page.evaluate(() => (window as unknown as { workerAnswers?: string[] }).workerAnswers), "the worker's answer");
  expect(answers).toEqual(["w0 w1 w2 "]);

  const [dedicated] = await waitFor(async () => { const s = await llmSpans("who=dedicated"); return s.length ? s : undefined; }, "the dedicated worker's span");
  expect(dedicated!.attributes["llm_trace.capture.source"]).toBe("network");
  expect(dedicated!.attributes["llm_trace.initiator.url"]).toBe(`${server.origin}/pages/workers/worker.js`);
  expect(dedicated!.status).toBe("ok");
  expect(dedicated!.attributes["gen_ai.usage.input_tokens"]).toBe(7);
  expect(dedicated!.attributes["gen_ai.usage.output_tokens"]).toBe(3);
  expect(String(dedicated!.attributes["gen_ai.output.messages"])).toContain("w0 w1 w2 ");
  // The body came whole at its end: no made-up time to first chunk.
  expect(dedicated!.attributes["gen_ai.response.time_to_first_chunk"]).toBeUndefined();

  const page3 = await waitFor(async () => { const s = await llmSpans("who=page"); return s.length ? s : undefined; }, "the page's own span");
  // Stored once, by the hook (which times the first chunk itself).
  expect(page3).toHaveLength(1);
  expect(page3[0]!.attributes["llm_trace.capture.source"]).toBeUndefined();
  expect(await llmSpans("who=dedicated")).toHaveLength(1);

  // No secret reached storage from the network log (it carries the Authorization header verbatim).
  const stored = JSON.stringify(await readStore(ext));
  expect(stored).not.toContain("sk-worker-secret");

  // The panel shows it, and says where it came from.
  const select = (selector: string, has: string) => panel.evaluate<boolean>(`(() => {
    const el = [...document.querySelectorAll(${JSON.stringify(selector)})].find((e) => e.textContent?.includes(${JSON.stringify(has)}));
    el?.click();
    return !!el;
  })()`);
  await waitFor(async () => { for (const r of await panel.evaluate<string[]>(`[...document.querySelectorAll(".trace-row")].map((r) => r.textContent)`)) if (r.includes("chat")) return true; return undefined; }, "trace rows");
  await waitFor(async () => {
    const rows = await panel.evaluate<number>(`document.querySelectorAll(".trace-row").length`);
    for (let i = 0; i < rows; i++) {
      await panel.evaluate(`document.querySelectorAll(".trace-row")[${i}].click()`);
      // The page's call and the worker's may share a trace (they run together): try each model row.
      const calls = await panel.evaluate<number>(`[...document.querySelectorAll(".wf-row")].filter((e) => e.textContent?.includes("chat gpt-e2e")).length`);
      for (let j = 0; j < calls; j++) {
        await panel.evaluate(`[...document.querySelectorAll(".wf-row")].filter((e) => e.textContent?.includes("chat gpt-e2e"))[${j}].click()`);
        if ((await panel.evaluate<string>(`document.querySelector(".dt-head")?.textContent ?? ""`)).includes("worker.js")) return true;
      }
    }
    return undefined;
  }, "the worker's span, with where it came from, in the detail");
  const head = await panel.evaluate<string>(`document.querySelector(".dt-head").textContent`);
  expect(head).toContain("read from the browser's network log");
});

test("a service worker's own call to the model, made while it answers the page, is stored beside the page's request, with its request", async () => {
  const { page } = await devtoolsTab("/pages/workers/sw-page.html");
  await page.evaluate(() => (window as unknown as { swReady: Promise<boolean> }).swReady);
  const body = await page.evaluate(() => (window as unknown as { askProxy(who: string): Promise<string> }).askProxy("one"));
  expect(body).toContain("[DONE]");
  // The page's request, recorded by the hook, and the worker's upstream call, from the network log.
  const upstream = await waitFor(async () => { const s = await llmSpans("who=sw-one"); return s.length ? s : undefined; }, "the service worker's call");
  expect(upstream).toHaveLength(1);
  expect(upstream[0]!.attributes["llm_trace.capture.source"]).toBe("network");
  expect(upstream[0]!.attributes["llm_trace.initiator.url"]).toBe(`${server.origin}/pages/workers/sw.js`);
  // Its request, as the worker sent it; Chromium's log keeps no body of a response the worker
  // streamed on to the page, so the answer is on the page's own request (the hook's) only.
  expect(String(upstream[0]!.attributes["gen_ai.input.messages"])).toContain("from a service worker");
  expect(upstream[0]!.endTime).toBeGreaterThan(upstream[0]!.startTime);
  const own = await waitFor(async () => { const s = await llmSpans("proxy/chat?who=one"); return s.length ? s : undefined; }, "the page's own request");
  expect(own[0]!.attributes["llm_trace.capture.source"]).toBeUndefined();
  expect(own[0]!.attributes["gen_ai.usage.output_tokens"]).toBe(2);
});
