/**
 * The same pipeline in Firefox ESR: capture -> event page -> IndexedDB -> panel, nothing lost
 * while the event page is suspended, and the core page-semantics probes unchanged.
 */
import { expect, test } from "@playwright/test";
import type { Page } from "puppeteer-core";
import { responseText } from "../../src/core/contract";
import { assembleExchange } from "../../src/core/capture";
import { startServer, type TestServer } from "./support/server";
import { waitFor } from "./support/chromium";
import { probeNames } from "./support/probes";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { expectRecordedDespiteReplacedBuiltins, replacedBuiltinsPage, type ReplacedBuiltinsResult } from "./support/replaced-builtins";

let server: TestServer;
// Every probe: engines differ most in streams, aborts and XHR, exactly what these observe.
const probes = await probeNames();

test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.close();
});

async function tabIdOf(page: Page, extensionPage: Page): Promise<number> {
  const marker = `tab-marker-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((m) => fetch(`/api/json?${m}`).then((r) => r.text()), marker);
  return waitFor(async () => (await readFirefoxStore(extensionPage)).exchanges.find((e) => e.request.url.includes(marker))?.tabId, "the page's tab id");
}

test.describe("Firefox ESR", () => {
  let ff: FirefoxLaunched;
  test.beforeEach(async () => {
    // A 1 s idle timeout makes the event page suspend between bursts of requests.
    ff = await launchFirefox({ extension: true, prefs: { "extensions.background.idle.timeout": 1000 } });
  });
  test.afterEach(async () => {
    await ff?.close();
  });

  test("fetch, streamed fetch and XHR reach IndexedDB and the panel", async () => {
    const page = await ff.browser.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    const store = await openExtensionPage(ff, "options.html");
    const json = await page.evaluate(() => window.calls.json());
    const sse = await page.evaluate(() => window.calls.sse(5));
    const xhr = await page.evaluate(() => window.calls.xhr());
    expect(json.ok).toBe(true);

    const data = await waitFor(async () => {
      const d = await readFirefoxStore(store);
      return d.exchanges.filter((e) => e.outcome).length >= 3 ? d : undefined;
    }, "3 finished exchanges");
    const find = (part: string, transport: string) => {
      const record = data.exchanges.find((e) => e.request.url.includes(part) && e.transport === transport)!;
      expect(record, part).toBeTruthy();
      return assembleExchange(record, data.chunks.filter((c) => c.exchangeId === record.id).sort((a, b) => a.seq - b.seq));
    };
    // A plain GET takes the fast path (metadata only); the model-looking POSTs are recorded.
    expect(find("/api/json", "fetch").response?.body?.omitted).toBe("fast-path");
    expect(responseText(find("/api/sse", "fetch"))).toBe(sse.text);
    expect(sse.url).toContain("/api/sse");
    // The echo names the credential header it received: a secret-named JSON field, so its value goes.
    expect(responseText(find("/api/echo", "xhr"))).toBe(xhr.response.replace('"x-goog-api-key":"<present>"', '"x-goog-api-key":"[REDACTED:api-key]"'));
    expect(find("/api/json", "fetch").request.url).not.toContain("SECRET_URL_KEY_123");
    expect(JSON.stringify(data)).not.toContain("SECRET_");

    const tabId = await tabIdOf(page, store);
    const panel = await openExtensionPage(ff, `panel.html?tabId=${tabId}`);
    await page.evaluate(() => window.calls.status(503));
    // Plain requests close together form one trace: the 503 makes it an error, and its rows list every call.
    const rows = await waitFor(async () => {
      const texts = await panel.evaluate(() => {
        document.querySelector<HTMLElement>(".trace-row.has-error")?.click();
        return [...document.querySelectorAll(".wf-row")].map((r) => r.textContent ?? "");
      });
      return texts.some((t) => t.includes("GET /api/status")) ? texts : undefined;
    }, "the 503 call in the panel");
    expect(rows.some((r) => r.includes("GET /api/sse"))).toBe(true);
  });

  test("a page that replaced the built-ins after the hook started still has its model calls recorded whole", async () => {
    const tag = `replaced-${Math.random().toString(36).slice(2)}`;
    const page = await ff.browser.newPage();
    await page.goto(replacedBuiltinsPage(server.origin, tag));
    const store = await openExtensionPage(ff, "options.html");
    const result = (await page.evaluate(() => window.probes.builtinsReplacedByPage())) as ReplacedBuiltinsResult;
    await expectRecordedDespiteReplacedBuiltins(() => readFirefoxStore(store), tag, result);
  });

  test("nothing is lost while the event page suspends and wakes", async () => {
    const page = await ff.browser.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    const store = await openExtensionPage(ff, "options.html");
    await store.close();
    // Bursts separated by more than the idle timeout: each burst wakes a suspended event page.
    for (let burst = 0; burst < 4; burst++) {
      await page.evaluate((b) => Promise.all(Array.from({ length: 25 }, (_, i) => fetch(`/api/json?burst=${b}-${i}`).then((r) => r.text()))), burst);
      await new Promise((r) => setTimeout(r, 1800));
    }
    const reader = await openExtensionPage(ff, "options.html");
    const stored = await waitFor(async () => {
      const { exchanges } = await readFirefoxStore(reader);
      const got = exchanges.filter((e) => e.request.url.includes("burst=") && e.outcome);
      return got.length >= 100 ? got : undefined;
    }, "100 stored exchanges");
    expect(new Set(stored.map((e) => e.request.url)).size).toBe(100);
  });
});

test.describe("Firefox ESR page semantics", () => {
  let plain: FirefoxLaunched;
  let withExtension: FirefoxLaunched;
  test.beforeAll(async () => {
    plain = await launchFirefox({ extension: false });
    withExtension = await launchFirefox({ extension: true });
  });
  test.afterAll(async () => {
    await withExtension?.close();
    await plain?.close();
  });

  /** As semantics.spec.ts: the probe's result and what went wrong in the page outside it. */
  async function observe(ff: FirefoxLaunched, probe: string, mode: string): Promise<unknown> {
    const page = await ff.browser.newPage();
    try {
      await page.goto(`${server.origin}/pages/semantics.html?mode=${mode}`);
      const result = await page.evaluate((name) => window.probes[name](), probe);
      const trouble = await page.evaluate(() => new Promise((r) => setTimeout(() => setTimeout(() => r(window.pageTrouble()), 50), 0)));
      return { result, trouble };
    } finally {
      await page.close();
    }
  }

  /**
   * Known, accepted differences, each a field dropped from one probe's observation. Firefox
   * keeps bodyUsed false on a fetched Response whose body stream another Response consumed
   * (the spec, and Chrome, say true); our forwarded body is a script stream, so it says true.
   * And Firefox lists the own keys of the wrapped `createDataChannel` and `RTCDataChannel.send`
   * as name, length where the natives list length, name (every other wrapped native keeps its
   * order); the keys themselves and their values are the natives' (docs/DESIGN.md, "Other transports").
   */
  const KNOWN: Record<string, string[]> = { newResponseFromBody: ["originalUsed"], rtcLooksNative: ["ownOrder"] };
  const without = (observed: unknown, fields: string[] = []) => {
    const { result, trouble } = observed as { result: unknown; trouble: unknown };
    return { trouble, result: result && typeof result === "object" ? Object.fromEntries(Object.entries(result).filter(([k]) => !fields.includes(k))) : result };
  };

  for (const mode of ["plain", "model"]) {
    for (const probe of probes) {
      test(`same behaviour with and without the extension (${mode}): ${probe}`, async () => {
        const known = KNOWN[probe];
        expect(without(await observe(withExtension, probe, mode), known)).toEqual(without(await observe(plain, probe, mode), known));
      });
    }
  }
});
