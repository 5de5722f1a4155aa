/**
 * The page must never notice the extension. Every probe in pages/semantics.js observes one
 * behaviour of fetch or XMLHttpRequest; each runs in a fresh page of a Chromium without the
 * extension and of one with it, and the observations must be equal: the probe's result and what
 * went wrong in the page outside it (uncaught errors, unhandled rejections). Each probe runs
 * twice: as written (most requests take the hook's metadata-only fast path) and with every URL
 * made to look like a model call (the hook's recorded path, with its forwarding Response).
 */
import { expect, test } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { probeNames } from "./support/probes";
import { launchPlain, launchWithExtension, readStore, type Launched, type WithExtension } from "./support/chromium";
import { expectRecordedDespiteReplacedBuiltins, replacedBuiltinsPage, type ReplacedBuiltinsResult } from "./support/replaced-builtins";

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

async function observe(browser: Launched, probe: string, mode: string): Promise<unknown> {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${server.origin}/pages/semantics.html?mode=${mode}`);
    const result = await page.evaluate((name) => window.probes[name](), probe);
    // Errors the hook could cause come from its timers and stream callbacks: let them run.
    const trouble = await page.evaluate(() => new Promise((r) => setTimeout(() => setTimeout(() => r(window.pageTrouble()), 50), 0)));
    return { result, trouble };
  } finally {
    await page.close();
  }
}

const names = await probeNames();

for (const mode of ["plain", "model"]) {
  for (const probe of names) {
    test(`same behaviour with and without the extension (${mode}): ${probe}`, async () => {
      const without = await observe(plain, probe, mode);
      const withExtension = await observe(ext, probe, mode);
      expect(withExtension).toEqual(without);
    });
  }
}

test("a simple cross-origin XHR POST stays simple (no preflight) with the extension", async () => {
  const { result } = (await observe(ext, "xhrSimpleCorsPostNoPreflight", "plain")) as { result: { id: string; status: number } };
  expect(result.status).toBe(200);
  expect(server.received.filter((r) => r.method === "POST" && r.url.includes(result.id)).length).toBeGreaterThan(0);
  const preflights = server.received.filter((r) => r.method === "OPTIONS" && r.url.includes(result.id));
  expect(preflights).toHaveLength(0);
});

test("stack traces taken inside fetch() do not name the extension", async () => {
  const page = await ext.context.newPage();
  try {
    await page.goto(`${server.origin}/pages/semantics.html?mode=model`);
    const stack = await page.evaluate(async () => {
      let seen = "";
      const init = { method: "POST", get body() { seen = new Error("probe").stack ?? ""; return JSON.stringify({ model: "m" }); } };
      await (await fetch("/model/chat/completions/api/echo", init)).text();
      return seen;
    });
    expect(stack).toContain("probe");
    expect(stack).not.toMatch(/chrome-extension:|moz-extension:/);
  } finally {
    await page.close();
  }
});

test("a page that replaced the built-ins after the hook started still has its model calls recorded whole", async () => {
  const tag = `replaced-${Math.random().toString(36).slice(2)}`;
  const page = await ext.context.newPage();
  try {
    await page.goto(replacedBuiltinsPage(server.origin, tag));
    const result = (await page.evaluate(() => window.probes.builtinsReplacedByPage())) as ReplacedBuiltinsResult;
    await expectRecordedDespiteReplacedBuiltins(() => readStore(ext), tag, result);
  } finally {
    await page.close();
  }
});

test("the probe list was read from the page", () => {
  expect(names).toContain("cancelReachesNetwork");
  expect(names).toContain("builtinsCalledByFetch");
  expect(names.length).toBeGreaterThan(60);
});
