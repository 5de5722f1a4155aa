/**
 * Nothing captured is lost when Chrome stops the extension's service worker: the relay holds
 * every batch until the worker acknowledges its commit, and storage is idempotent.
 */
import { expect, test } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, readStore, stopServiceWorker, waitFor, type WithExtension } from "./support/chromium";

let server: TestServer;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startServer();
  ext = await launchWithExtension();
});
test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

test("2,000 requests while the service worker is stopped 10+ times: all 2,000 stored, once each", async () => {
  test.setTimeout(240_000);
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/pages/app.html`);
  const workerStart = () => ext.worker.evaluate(() => performance.timeOrigin);
  const firstWorkerStart = await workerStart();
  const run = page.evaluate(async () => {
    // 20 at a time, so requests are in flight (and streaming) whenever the worker dies.
    const next = { i: 0 };
    const worker = async () => {
      while (next.i < 2000) {
        const i = next.i++;
        const r = await fetch(i % 10 === 0 ? `/api/sse?n=3&delay=1&stress=${i}` : `/api/json?stress=${i}`);
        await r.text();
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
  });
  let stops = 0;
  let done = false;
  void run.finally(() => (done = true));
  while (!done || stops < 10) {
    await new Promise((r) => setTimeout(r, 150));
    await stopServiceWorker(ext, page);
    stops++;
  }
  await run;
  expect(stops).toBeGreaterThanOrEqual(10);

  const stored = await waitFor(async () => {
    const { exchanges, spans } = await readStore(ext);
    const ended = exchanges.filter((e) => e.request.url.includes("stress=") && e.outcome);
    return ended.length >= 2000 ? { exchanges, spans } : undefined;
  }, "2,000 finished exchanges", 60_000);

  const stress = stored.exchanges.filter((e) => e.request.url.includes("stress="));
  const numbers = new Set(stress.map((e) => Number(new URL(e.request.url).searchParams.get("stress"))));
  expect(stress).toHaveLength(2000);
  expect(numbers.size).toBe(2000);
  // The worker really was replaced (a stopped worker restarts with a new time origin).
  expect(await workerStart()).toBeGreaterThan(firstWorkerStart);
  expect(stored.spans.filter((s) => String(s.attributes["url.full"]).includes("stress="))).toHaveLength(2000);
  // Streams came through whole: each SSE exchange's stored body is exactly what was sent.
  const { chunks } = await readStore(ext);
  const sent = [0, 1, 2].map((i) => `data: {"i":${i},"text":"tök€n ${i}"}\n\n`).join("") + "data: [DONE]\n\n";
  for (const e of stress.filter((x) => x.request.url.includes("/api/sse"))) {
    const body = chunks.filter((c) => c.exchangeId === e.id).sort((a, b) => a.seq - b.seq).map((c) => c.text).join("");
    expect(body, `body of ${e.request.url}`).toBe(sent);
  }
});
