/**
 * The page must never notice the extension. Every probe in pages/semantics.js observes one
 * behaviour of fetch or XMLHttpRequest; each runs in a fresh page of a Chromium without the
 * extension and of one with it, and the observations must be equal.
 */
import { expect, test } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { probeNames } from "./support/probes";
import { launchPlain, launchWithExtension, type Launched, type WithExtension } from "./support/chromium";

let server: TestServer;
let plain: Launched;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startServer();
  plain = await launchPlain();
  ext = await launchWithExtension();
});
test.afterAll(async () => {
  await ext?.close();
  await plain?.close();
  await server?.close();
});

async function observe(browser: Launched, probe: string): Promise<unknown> {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${server.origin}/pages/semantics.html`);
    return await page.evaluate((name) => window.probes[name](), probe);
  } finally {
    await page.close();
  }
}

const names = await probeNames();

for (const probe of names) {
  test(`same behaviour with and without the extension: ${probe}`, async () => {
    const without = await observe(plain, probe);
    const withExtension = await observe(ext, probe);
    expect(withExtension).toEqual(without);
  });
}

test("a simple cross-origin XHR POST stays simple (no preflight) with the extension", async () => {
  const result = (await observe(ext, "xhrSimpleCorsPostNoPreflight")) as { id: string; status: number };
  expect(result.status).toBe(200);
  expect(server.received.filter((r) => r.method === "POST" && r.url.includes(result.id)).length).toBeGreaterThan(0);
  const preflights = server.received.filter((r) => r.method === "OPTIONS" && r.url.includes(result.id));
  expect(preflights).toHaveLength(0);
});

test("the probe list was read from the page", () => {
  expect(names).toContain("cancelReachesNetwork");
  expect(names.length).toBeGreaterThan(50);
});
