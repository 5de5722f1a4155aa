/**
 * Live sessions over WebSockets and a native EventSource, in Firefox ESR: the page, mock and
 * checks of transports.spec.ts. Firefox reaches the APIs' hosts through the local CONNECT proxy
 * (WebSockets too: wss goes through the same tunnel) and accepts the mock's certificate through
 * WebDriver BiDi's acceptInsecureCerts (test/e2e/support/sdk-bundle.ts).
 */
import { test } from "@playwright/test";
import type { Page } from "puppeteer-core";
import type { LiveResult } from "./pages/live/page";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { checkLiveSpans, liveSpans } from "./support/live-expect";
import { createLiveMock } from "./support/live-mock";
import { LIVE_PAGE_DIR } from "./support/paths";
import { firefoxPrefsFor, startHostProxy, startSdkSite, type HostProxy, type SdkServer } from "./support/sdk-bundle";
import { MOCK_OPTIONS } from "./support/sdk-expect";

let server: SdkServer;
let proxy: HostProxy;
let ff: FirefoxLaunched;
let store: Page;
let result: LiveResult;

test.beforeAll(async () => {
  server = await startSdkSite(MOCK_OPTIONS, LIVE_PAGE_DIR, createLiveMock());
  proxy = await startHostProxy(server);
  ff = await launchFirefox({ extension: true, prefs: firefoxPrefsFor(proxy), acceptInsecureCerts: true });
  const page = await ff.browser.newPage();
  await page.goto(`${server.origin}/sdk/index.html`);
  result = await page.evaluate(() => window.live.run());
  store = await openExtensionPage(ff, "options.html");
});

test.afterAll(async () => {
  await ff?.close();
  await proxy?.close();
  await server?.close();
});

test("Firefox: every live response is a span of its session's trace, as the official clients saw it", async () => {
  checkLiveSpans(await liveSpans(() => readFirefoxStore(store), result), result);
});
