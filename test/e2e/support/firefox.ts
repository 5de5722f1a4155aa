/**
 * Firefox ESR driven by puppeteer-core over WebDriver BiDi, with the built extension installed
 * as a temporary add-on (../shared/BROWSER-TESTING.md). Playwright's own Firefox does not
 * work with ESR, and no geckodriver exists here.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import path from "node:path";
import { REPO_ROOT } from "./paths";
import { dumpTraceDb, fromDump, type StoredData } from "./idb-dump";
import { waitFor } from "./chromium";

export const FIREFOX_DIST = path.join(REPO_ROOT, "dist", "firefox");
export const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
const GECKO_ID = "llm-traces@llm-trace-devtools";
/** Fixed so tests know the extension's origin. */
export const FIREFOX_EXTENSION_UUID = "6b1c0f6e-3d4a-4b8e-9c55-2f0a1b7d9e31";
export const EXTENSION_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

export interface FirefoxLaunched {
  browser: Browser;
  close(): Promise<void>;
}

/** `acceptInsecureCerts`: accept any TLS certificate (the tests' self-signed ones). */
export async function launchFirefox(options: { extension: boolean; prefs?: Record<string, unknown>; acceptInsecureCerts?: boolean }): Promise<FirefoxLaunched> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: options.acceptInsecureCerts ?? false,
    args: ["-remote-allow-system-access"],
    env: { ...process.env, MOZ_DISABLE_NONLOCAL_CONNECTIONS: "1" },
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
      "services.settings.server": "data:,#remote-settings-dummy/v1",
      ...options.prefs,
    },
  });
  if (options.extension) await browser.installExtension(FIREFOX_DIST);
  return { browser, close: () => browser.close() };
}

/**
 * An extension page (moz-extension://...). `goto` to such a URL loads but never resolves
 * over BiDi, so navigate without awaiting and wait for the page to be usable.
 */
export async function openExtensionPage(ff: FirefoxLaunched, pathAndQuery: string): Promise<Page> {
  const page = await ff.browser.newPage();
  void page.goto(`${EXTENSION_ORIGIN}/${pathAndQuery}`).catch(() => {});
  await waitFor(async () => (await page.evaluate(() => document.readyState === "complete" && location.protocol === "moz-extension:")) || undefined, "the extension page");
  return page;
}

/** Everything in the extension's IndexedDB, read from one of its pages. */
export function readFirefoxStore(extensionPage: Page): Promise<StoredData> {
  return extensionPage.evaluate(dumpTraceDb).then(fromDump);
}

/**
 * Grant the add-on "Run in Private Windows", as a user can in about:addons, through Firefox's
 * own privileged API (BiDi chrome scope, allowed by -remote-allow-system-access), then reload it.
 */
export async function allowInPrivateWindows(ff: FirefoxLaunched): Promise<void> {
  const connection = (ff.browser as unknown as { connection: { send(method: string, params: object): Promise<{ result: Record<string, unknown> }> } }).connection;
  const tree = await connection.send("browsingContext.getTree", { "moz:scope": "chrome" });
  const context = (tree.result.contexts as { context: string }[])[0]!.context;
  await connection.send("script.evaluate", {
    expression: `(async () => {
      const { ExtensionPermissions } = ChromeUtils.importESModule("resource://gre/modules/ExtensionPermissions.sys.mjs");
      await ExtensionPermissions.add(${JSON.stringify(GECKO_ID)}, { permissions: ["internal:privateBrowsingAllowed"], origins: [] });
      const { AddonManager } = ChromeUtils.importESModule("resource://gre/modules/AddonManager.sys.mjs");
      await (await AddonManager.getAddonByID(${JSON.stringify(GECKO_ID)})).reload();
    })()`,
    target: { context },
    awaitPromise: true,
  });
}

/** An expression evaluated in the browser window's privileged scope (BiDi chrome scope, allowed by -remote-allow-system-access); its JSON value. */
async function evaluateInChrome<T>(ff: FirefoxLaunched, expression: string): Promise<T> {
  const connection = (ff.browser as unknown as { connection: { send(method: string, params: object): Promise<{ result: Record<string, unknown> }> } }).connection;
  const tree = await connection.send("browsingContext.getTree", { "moz:scope": "chrome" });
  const context = (tree.result.contexts as { context: string }[])[0]!.context;
  const answer = await connection.send("script.evaluate", { expression: `(async () => JSON.stringify(await ${expression}))()`, target: { context }, awaitPromise: true });
  const result = answer.result as { type: string; result?: { value?: string }; exceptionDetails?: { text: string } };
  if (result.type !== "success") throw new Error(`chrome-scope evaluation failed: ${result.exceptionDetails?.text ?? "unknown"}`);
  return (result.result?.value === undefined ? undefined : JSON.parse(result.result.value)) as T;
}

/**
 * Open Firefox's toolbox (DevTools) on the tab showing `url`, as a user does with F12, through
 * the toolbox's own privileged API (fragile internals, kept in this one helper), and wait until
 * the extension's DevTools page runs in it.
 */
export async function openToolbox(ff: FirefoxLaunched, url: string): Promise<void> {
  await evaluateInChrome(ff, `(async () => {
    const { require } = ChromeUtils.importESModule("resource://devtools/shared/loader/Loader.sys.mjs");
    const { gDevTools } = require("devtools/client/framework/devtools");
    const tab = gBrowser.tabs.find((t) => t.linkedBrowser.currentURI.spec === ${JSON.stringify(url)});
    if (!tab) throw new Error("no tab shows the page");
    gBrowser.selectedTab = tab;
    await gDevTools.showToolboxForTab(tab, { toolId: "webconsole" });
    return true;
  })()`);
  await waitFor(() => evaluateInChrome<boolean>(ff, `(async () => {
    const { ExtensionParent } = ChromeUtils.importESModule("resource://gre/modules/ExtensionParent.sys.mjs");
    const extension = ExtensionParent.GlobalManager.getExtension(${JSON.stringify(GECKO_ID)});
    return [...extension.views].some((view) => view.viewType === "devtools_page") || undefined;
  })()`), "the extension's DevTools page in the toolbox");
}
