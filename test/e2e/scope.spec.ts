/**
 * Capture scope: development hosts always; other sites only while DevTools is open on the tab;
 * allow and deny rules; metadata-only. Chromium and Firefox. "example.test" is mapped to the
 * local server, so it stands for any public site.
 */
import { expect, test, type Page } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, readStore, waitFor, type WithExtension } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore } from "./support/firefox";

let server: TestServer;
const PUBLIC = "example.test";
const RESOLVE = `--host-resolver-rules=MAP ${PUBLIC} 127.0.0.1, MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost`;

test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.close();
});

const port = () => new URL(server.origin).port;
const mark = () => `scope-${Math.random().toString(36).slice(2)}`;

async function call(page: Page, marker: string): Promise<void> {
  await page.evaluate((m) => fetch(`/api/echo?${m}`, { method: "POST", body: JSON.stringify({ secret: "prompt text" }) }).then((r) => r.text()), marker);
}

async function stored(ext: WithExtension, marker: string) {
  return (await readStore(ext)).exchanges.find((e) => e.request.url.includes(marker));
}

/** A development host's call, made after: once it is stored, an earlier recorded call would be too. */
async function settle(ext: WithExtension): Promise<void> {
  const flag = mark();
  await call(await localPage(ext), flag);
  await waitFor(async () => (await stored(ext, flag)) !== undefined, "a local call to be stored");
}

let local: Page | undefined;
async function localPage(ext: WithExtension): Promise<Page> {
  if (!local || local.isClosed()) {
    local = await ext.context.newPage();
    await local.goto(`${server.origin}/pages/app.html?local`);
  }
  return local;
}

async function setSettings(ext: WithExtension, settings: object): Promise<void> {
  await ext.worker.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
}

test.describe("Chromium", () => {
  let ext: WithExtension;
  test.afterEach(async () => {
    local = undefined;
    await ext?.close();
  });

  test("a public site is recorded only when allowed or while DevTools is open; denied sites never", async () => {
    ext = await launchWithExtension([RESOLVE]);
    const page = await ext.context.newPage();
    await page.goto(`http://${PUBLIC}:${port()}/pages/app.html`);

    const closed = mark();
    await call(page, closed);
    await settle(ext);
    expect(await stored(ext, closed), "public site, DevTools closed").toBeUndefined();

    await setSettings(ext, { siteRules: [{ host: PUBLIC, capture: true }] });
    const allowed = mark();
    await waitFor(async () => {
      await call(page, allowed);
      return (await stored(ext, allowed)) !== undefined;
    }, "the allowed site to be recorded");

    await setSettings(ext, { siteRules: [{ host: "127.0.0.1", capture: false }] });
    const denied = mark();
    const localTab = await localPage(ext);
    await page.reload();
    await localTab.reload();
    await call(localTab, denied);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await stored(ext, denied), "denied development host").toBeUndefined();

    await setSettings(ext, { metadataOnly: true });
    await localTab.reload();
    const meta = mark();
    await call(localTab, meta);
    const ex = await waitFor(() => stored(ext, meta).then((e) => e?.outcome ? e : undefined), "the metadata-only call");
    expect(ex.request.body).toBeUndefined();
    expect(ex.response?.status).toBe(200);
    expect((await readStore(ext)).chunks.filter((c) => c.exchangeId === ex.id)).toHaveLength(0);
  });

  test("with DevTools open, a public site is recorded", async () => {
    ext = await launchWithExtension([RESOLVE, "--auto-open-devtools-for-tabs"]);
    const page = ext.context.pages()[0] ?? (await ext.context.newPage());
    await page.goto(`http://${PUBLIC}:${port()}/pages/app.html`);
    const open = mark();
    await waitFor(async () => {
      await call(page, open);
      return (await stored(ext, open)) !== undefined;
    }, "the public site to be recorded while DevTools is open");
  });
});

test("Firefox: a public site is not recorded with DevTools closed, and is once allowed", async () => {
  const ff = await launchFirefox({ extension: true, prefs: { "network.dns.forceResolve": "127.0.0.1" } });
  try {
    const page = await ff.browser.newPage();
    await page.goto(`http://${PUBLIC}:${port()}/pages/app.html`);
    const store = await openExtensionPage(ff, "options.html");
    const find = async (m: string) => (await readFirefoxStore(store)).exchanges.find((e) => e.request.url.includes(m));
    const closed = mark();
    await page.evaluate((m) => fetch(`/api/json?${m}`).then((r) => r.text()), closed);
    // A local page's call, made after, is stored: by then the public one would have been too.
    const local = await ff.browser.newPage();
    await local.goto(`${server.origin}/pages/app.html`);
    const flag = mark();
    await local.evaluate((m) => fetch(`/api/json?${m}`).then((r) => r.text()), flag);
    await waitFor(async () => (await find(flag)) !== undefined, "the local call");
    expect(await find(closed)).toBeUndefined();

    await store.evaluate((h) => (globalThis as unknown as { browser: typeof chrome }).browser.storage.local.set({ settings: { siteRules: [{ host: h, capture: true }] } }), PUBLIC);
    const allowed = mark();
    await waitFor(async () => {
      await page.evaluate((m) => fetch(`/api/json?${m}`).then((r) => r.text()), allowed);
      return (await find(allowed)) !== undefined;
    }, "the allowed public site in Firefox");
  } finally {
    await ff.close();
  }
});
