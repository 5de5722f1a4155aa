/**
 * Private windows: with the extension allowed in them (as a user can allow it), nothing from a
 * private window is kept unless "Record in private windows" is on. Chromium and Firefox.
 */
import { expect, test } from "@playwright/test";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, readStore, waitFor } from "./support/chromium";
import { attach, targets } from "./support/devtools";
import { allowInPrivateWindows, launchFirefox, openExtensionPage, readFirefoxStore } from "./support/firefox";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.close();
});

/** The profile as after the user ticked "Allow in Incognito" for the extension (fixed id). */
async function allowIncognito(profileDir: string): Promise<void> {
  await mkdir(path.join(profileDir, "Default"), { recursive: true });
  await writeFile(path.join(profileDir, "Default", "Preferences"), JSON.stringify({
    extensions: { settings: { badadnmkfdjfgepgoilhkkgjihjepeim: { incognito: true } } },
  }));
}

test("Chromium: a private window's calls are kept only when the user allows it", async () => {
  const ext = await launchWithExtension([], { prepareProfile: allowIncognito });
  try {
    expect(await ext.worker.evaluate(() => chrome.extension.isAllowedIncognitoAccess())).toBe(true);
    const url = `${server.origin}/pages/app.html?private`;
    const window = await ext.worker.evaluate((u) => chrome.windows.create({ incognito: true, url: u }), url);
    expect(window?.incognito).toBe(true);
    // The private window's page lives outside Playwright's context: drive it over CDP.
    const browser = await ext.context.browser()!.newBrowserCDPSession();
    const target = await waitFor(async () => (await targets(browser)).find((t) => t.url === url && t.type === "page"), "the private page");
    const privatePage = await attach(browser, target.targetId);
    const call = (marker: string) => privatePage.evaluate<number>(`fetch("/api/json?${marker}").then((r) => r.status)`);

    expect(await call("private-off")).toBe(200);
    // A normal tab's call made after: once it is stored, the private one would have been too.
    const normal = await ext.context.newPage();
    await normal.goto(`${server.origin}/pages/app.html`);
    await normal.evaluate(() => fetch("/api/json?normal-after").then((r) => r.text()));
    await waitFor(async () => (await readStore(ext)).exchanges.some((e) => e.request.url.includes("normal-after")) || undefined, "the normal call");
    expect((await readStore(ext)).exchanges.some((e) => e.request.url.includes("private-off"))).toBe(false);

    await ext.worker.evaluate(() => chrome.storage.local.set({ settings: { recordPrivate: true } }));
    await waitFor(async () => {
      await call("private-on");
      return (await readStore(ext)).exchanges.some((e) => e.request.url.includes("private-on")) || undefined;
    }, "the private call, now allowed");
  } finally {
    await ext.close();
  }
});

test("Firefox: a private window's calls are kept only when the user allows it", async () => {
  const ff = await launchFirefox({ extension: true });
  try {
    await allowInPrivateWindows(ff);
    // Opened first: a new page opens in the last focused window, which will be the private one.
    const normal = await ff.browser.newPage();
    await normal.goto(`${server.origin}/pages/app.html`);
    const ext = await openExtensionPage(ff, "options.html");
    const url = `${server.origin}/pages/app.html?private`;
    const incognito = await ext.evaluate((u) => (globalThis as unknown as { browser: typeof chrome }).browser.windows.create({ incognito: true, url: u }).then((w) => w?.incognito), url);
    expect(incognito).toBe(true);
    const privatePage = await waitFor(async () => (await ff.browser.pages()).find((p) => p.url() === url), "the private page");
    const call = (marker: string) => privatePage.evaluate((m) => fetch(`/api/json?${m}`).then((r) => r.status), marker);
    const stored = async (marker: string) => (await readFirefoxStore(ext)).exchanges.some((e) => e.request.url.includes(marker));

    expect(await call("private-off")).toBe(200);
    await normal.evaluate(() => fetch("/api/json?normal-after").then((r) => r.text()));
    await waitFor(async () => (await stored("normal-after")) || undefined, "the normal call");
    expect(await stored("private-off")).toBe(false);

    await ext.evaluate(() => (globalThis as unknown as { browser: typeof chrome }).browser.storage.local.set({ settings: { recordPrivate: true } }));
    await waitFor(async () => {
      await call("private-on");
      return (await stored("private-on")) || undefined;
    }, "the private call, now allowed");
  } finally {
    await ff.close();
  }
});
