/**
 * The official SDKs and frameworks in a real page, in Firefox ESR: the page, mock and checks of
 * sdk.spec.ts (test/e2e/support/sdk-expect.ts). Firefox reaches the SDKs' hosts through a local
 * CONNECT proxy that tunnels them to the mock's HTTPS server, and accepts its self-signed
 * certificate through WebDriver BiDi's acceptInsecureCerts (test/e2e/support/sdk-bundle.ts).
 */
import { test } from "@playwright/test";
import type { Page } from "puppeteer-core";
import type { SdkCall } from "./pages/sdk/page";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { firefoxPrefsFor, startHostProxy, startSdkSite, type HostProxy, type SdkServer } from "./support/sdk-bundle";
import { checkSdkSpans, MOCK_OPTIONS, SDK_CONFIG } from "./support/sdk-expect";

let server: SdkServer;
let proxy: HostProxy;
let ff: FirefoxLaunched;
let store: Page;
let calls: SdkCall[];

test.beforeAll(async () => {
  server = await startSdkSite(MOCK_OPTIONS);
  proxy = await startHostProxy(server);
  ff = await launchFirefox({ extension: true, prefs: firefoxPrefsFor(proxy), acceptInsecureCerts: true });
  const page = await ff.browser.newPage();
  await page.goto(`${server.origin}/sdk/index.html`);
  calls = await page.evaluate((config) => window.sdk.run(config), SDK_CONFIG);
  store = await openExtensionPage(ff, "options.html");
});

test.afterAll(async () => {
  await ff?.close();
  await proxy?.close();
  await server?.close();
});

test("Firefox: spans of calls made through the SDKs equal what the SDKs returned", async () => {
  await checkSdkSpans(calls, () => readFirefoxStore(store));
});
