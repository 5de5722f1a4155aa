/**
 * Debian's Chromium driven by playwright-core, with or without the built extension, following
 * ../shared/BROWSER-TESTING.md. Also the ways into the extension a test needs: its worker,
 * its IndexedDB, a tab's id, and its panel opened as a page.
 */
import { chromium, expect, type BrowserContext, type Page, type Worker } from "@playwright/test";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./paths";
import { dumpTraceDb, fromDump, type StoredData } from "./idb-dump";

export const DIST = path.join(REPO_ROOT, "dist", "chrome");
export const CHROMIUM = process.env.CHROMIUM_PATH ??
  ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/Applications/Chromium.app/Contents/MacOS/Chromium"].find(existsSync) ??
  "/usr/bin/chromium";

export const BASE_ARGS = [
  "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-default-apps",
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
  // WebRTC host candidates as plain addresses: an mDNS name would meet the rule above and fail,
  // and the WebRTC tests connect two peers of one page.
  "--disable-features=WebRtcHideLocalIpsWithMdns",
];

export interface Launched {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface WithExtension extends Launched {
  worker: Worker;
  extensionId: string;
}

async function launch(extraArgs: string[], headless = true, prepare?: (profileDir: string) => Promise<void>): Promise<Launched> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-profile-"));
  await prepare?.(dir);
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless,
    viewport: headless ? { width: 1280, height: 720 } : null,
    args: [...BASE_ARGS, ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function launchPlain(): Promise<Launched> {
  return launch([]);
}

export async function launchWithExtension(
  extraArgs: string[] = [],
  options: { headless?: boolean; prepareProfile?: (profileDir: string) => Promise<void> } = {},
): Promise<WithExtension> {
  const launched = await launch([`--disable-extensions-except=${DIST}`, `--load-extension=${DIST}`, ...extraArgs], options.headless ?? true, options.prepareProfile);
  const worker = launched.context.serviceWorkers()[0] ?? (await launched.context.waitForEvent("serviceworker"));
  const extensionId = new URL(worker.url()).host;
  return { ...launched, worker, extensionId };
}

/**
 * The tab id Chrome gave a page. The extension has no "tabs" permission (it needs none), so
 * tab URLs are hidden from it; instead the page makes a uniquely marked request and the test
 * reads which tab the stored exchange came from.
 */
export async function tabIdOf(ext: WithExtension, page: Page): Promise<number> {
  const marker = `tab-marker-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((m) => fetch(`/api/json?${m}`).then((r) => r.text()), marker);
  return waitFor(async () => {
    const { exchanges } = await readStore(ext);
    return exchanges.find((e) => e.request.url.includes(marker))?.tabId;
  }, `the tab of ${page.url()}`);
}

export type { StoredData } from "./idb-dump";

/** Everything in the extension's IndexedDB, read inside its worker. */
export function readStore(ext: WithExtension): Promise<StoredData> {
  return ext.worker.evaluate(dumpTraceDb).then(fromDump);
}

/** Poll until `check` returns a value (not undefined/false), or fail after `timeout` ms. */
export async function waitFor<T>(check: () => Promise<T | undefined | false>, what: string, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function openPanelTab(ext: WithExtension, tabId: number): Promise<Page> {
  const panel = await ext.context.newPage();
  await panel.goto(`chrome-extension://${ext.extensionId}/panel.html?tabId=${tabId}`);
  return panel;
}

/** Turn the OTLP push on from the settings page, to the collector at `url`; the settings page stays open. */
export async function enableOtlpPush(ext: WithExtension, url: string): Promise<Page> {
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
  await options.getByLabel("Collector URL").fill(url);
  await options.getByLabel("Collector URL").press("Tab");
  await options.getByLabel("Push finished traces").check();
  await expect(options.getByLabel("Push finished traces")).toBeChecked();
  return options;
}

/** Stop the MV3 service worker, as Chrome does when it idles (Playwright otherwise keeps it alive). */
export async function stopServiceWorker(ext: WithExtension, page: Page): Promise<void> {
  const cdp = await ext.context.newCDPSession(page);
  await cdp.send("ServiceWorker.enable");
  await cdp.send("ServiceWorker.stopAllWorkers");
  await cdp.detach();
}

export interface ContentWorld {
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * The extension's content-script (isolated) world in `page`, through CDP: what a relay can send
 * the background, sent from where the relay runs. The background's own checks are tested this
 * way, since a page can no longer reach the relay with made-up events.
 */
export async function openContentWorld(ext: WithExtension, page: Page): Promise<ContentWorld> {
  const cdp = await ext.context.newCDPSession(page);
  const contexts: { id: number; origin: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
  cdp.on("Runtime.executionContextCreated", (e: { context: (typeof contexts)[number] }) => contexts.push(e.context));
  await cdp.send("Runtime.enable");
  const world = contexts.find((c) => c.origin === `chrome-extension://${ext.extensionId}` && c.auxData?.type === "isolated");
  if (!world) throw new Error("the extension's content-script world was not found in the page");
  return {
    async evaluate<T>(expression: string): Promise<T> {
      const r = (await cdp.send("Runtime.evaluate", { expression, contextId: world.id, awaitPromise: true, returnByValue: true })) as {
        result: { value?: T };
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value as T;
    },
    close: () => cdp.detach().catch(() => {}),
  };
}
