/**
 * Settings → Clear all data (issue 15, item 7): with data everywhere the extension keeps it —
 * live spans, a stream in flight whose last text the redactor still holds back, an imported
 * file, the database an import that failed midway left unlisted, storage notices, push state,
 * a paused tab, dropped events counted — clearing leaves nothing of it: no database but what is
 * captured afterwards, nothing in storage.local or storage.session, open panels emptied and
 * their notices gone, the settings page's push status gone, the paused tab recording again, and
 * the stream's earlier text never written back when it goes on. In Chromium, and in Firefox
 * (whose event page lists databases too).
 */
import { expect, test } from "@playwright/test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Page as PuppeteerPage } from "puppeteer-core";
import { plantedHar } from "../fixtures/planted-secrets";
import { startServer, type TestServer } from "./support/server";
import { enableOtlpPush, launchWithExtension, openContentWorld, openPanelTab, tabIdOf, waitFor, type WithExtension } from "./support/chromium";
import { dumpExtensionStorage, type ExtensionStorage } from "./support/extension-storage";
import { launchFirefox, openExtensionPage } from "./support/firefox";

let server: TestServer;
let dir: string;
/** The stream of /api/phased-stream waits for this to go on after the clear. */
let resume: () => void = () => {};
let resumed = new Promise<void>((r) => (resume = r));

test.beforeAll(async () => {
  server = await startServer({
    /** Ten events before the clear, then (once resumed) ten after it. */
    "/api/phased-stream": async (_req, res) => {
      res.setHeader("content-type", "text/event-stream");
      res.flushHeaders();
      for (let i = 0; i < 10; i++) {
        res.write(`data: {"text":"before-clear-${i} ${"b".repeat(40)}"}\n\n`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await resumed;
      for (let i = 0; i < 10; i++) res.write(`data: {"text":"after-clear-${i}"}\n\n`);
      res.end("data: [DONE]\n\n");
    },
  });
  dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-clear-"));
});
test.afterAll(async () => {
  resume();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** What must be gone: text of every kind of data stored before the clear. */
const BEFORE = ["before-clear", "leftover-of-a-failed-import", "notice-before-clear", "pushed-before-clear", "execute_tool login", "planted.har"];

function expectNothingFromBefore(stored: ExtensionStorage): void {
  const text = JSON.stringify(stored);
  for (const s of BEFORE) expect(text, `"${s}" must be gone`).not.toContain(s);
  expect(Object.keys(stored.databases).filter((n) => n !== "llm-trace"), "no database but the live one").toEqual([]);
  expect(stored.local).toEqual({});
  expect(stored.session).toEqual({});
}

/** A database as a failed import leaves it: made, written, never listed. */
async function leaveFailedImportDb(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const req = indexedDB.open("llm-trace-import-1700000000000", 2);
    req.onupgradeneeded = () => req.result.createObjectStore("spans", { keyPath: "spanId" });
    req.onsuccess = () => {
      const tx = req.result.transaction("spans", "readwrite");
      tx.objectStore("spans").put({ spanId: "0123456789abcdef", name: "leftover-of-a-failed-import" });
      tx.oncomplete = () => {
        req.result.close();
        resolve();
      };
    };
    req.onerror = () => reject(req.error);
  });
}

async function leaveStateBehind(): Promise<void> {
  const g = globalThis as unknown as { chrome?: { storage?: unknown }; browser?: unknown };
  const api = (g.chrome?.storage ? g.chrome : g.browser) as { storage: { local: { set(v: object): Promise<void> } } };
  await api.storage.local.set({
    "storage-notices": [{ at: Date.now(), message: "notice-before-clear" }],
    "otlp-pushed": ["pushed-before-clear"],
    "otlp-status": { pushedTraces: 1, pending: 0, lastError: { at: 1, message: "pushed-before-clear" } },
  });
}

test("Clear all data leaves nothing stored before it, in Chromium", async () => {
  test.setTimeout(120_000);
  const ext: WithExtension = await launchWithExtension();
  const dump = () => ext.worker.evaluate(dumpExtensionStorage);
  try {
    // Live spans and a stream in flight.
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    const tabId = await tabIdOf(ext, page);
    await page.evaluate(async () => {
      await fetch("/api/echo?before-clear", { method: "POST", body: "before-clear body" }).then((r) => r.text());
      (window as unknown as { streamed: Promise<string> }).streamed = fetch("/api/phased-stream").then((r) => r.text());
    });
    // A paused tab.
    const paused = await ext.context.newPage();
    await paused.goto(`${server.origin}/pages/app.html`);
    const pausedTab = await tabIdOf(ext, paused);
    const pausedPanel = await openPanelTab(ext, pausedTab);
    await pausedPanel.getByRole("button", { name: "Stop recording" }).click();
    await expect(pausedPanel.getByRole("button", { name: "Record", exact: true })).toBeVisible();
    // An imported file, a failed import's database, notices and push state.
    const har = path.join(dir, "planted.har");
    await writeFile(har, JSON.stringify(plantedHar()));
    const importer = await openPanelTab(ext, 0);
    await importer.locator('input[type="file"]').setInputFiles(har);
    await expect(importer.getByRole("status").filter({ hasText: /Imported 5 spans/ })).toBeVisible();
    await ext.worker.evaluate(leaveFailedImportDb);
    await ext.worker.evaluate(leaveStateBehind);

    // Everything is there, and the stream's last events are held back by the redactor.
    await waitFor(async () => {
      const d = await dump();
      const text = JSON.stringify(d.databases["llm-trace"]);
      const held = JSON.stringify(d.session);
      return text.includes("before-clear-0") && held.includes("before-clear-9") && Object.keys(d.databases).length === 3;
    }, "data everywhere, and the stream's tail in storage.session");
    // Events the tab's relay had to drop, counted for its panel (as a relay reports them).
    const world = await openContentWorld(ext, page);
    await world.evaluate(`chrome.runtime.sendMessage({ source: "llm-trace", v: 1, type: "capture", events: [], dropped: 7, origin: location.origin }).then(() => undefined)`);
    await world.close();
    const panel = await openPanelTab(ext, tabId);
    await expect(panel.locator(".trace-row").first()).toBeVisible();
    const droppedAlert = panel.getByRole("alert").filter({ hasText: "7 capture events from this page were dropped" });
    const noticeAlert = panel.getByRole("alert").filter({ hasText: "notice-before-clear" });
    await expect(droppedAlert).toBeVisible();
    await expect(noticeAlert).toBeVisible();

    const options = await ext.context.newPage();
    await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
    const pushStatus = options.getByRole("status").filter({ hasText: "pushed-before-clear" });
    await expect(pushStatus).toBeVisible();
    await options.getByRole("button", { name: "Clear all data" }).click();
    await expect(options.getByRole("status").filter({ hasText: "Removed all traces and imported files" })).toBeVisible();
    await expect(panel.locator(".trace-row"), "an open panel forgets what it showed").toHaveCount(0);
    await expect(droppedAlert, "and the drops it counted").toHaveCount(0);
    await expect(noticeAlert, "and the storage notices").toHaveCount(0);
    await expect(pushStatus, "the settings page forgets the push status").toHaveCount(0);
    await expect(pausedPanel.getByRole("button", { name: "Stop recording" }), "the paused tab's open panel says it records again").toBeVisible();
    expectNothingFromBefore(await dump());

    // The stream goes on and ends; the paused tab records again.
    resume();
    await page.evaluate(() => (window as unknown as { streamed: Promise<string> }).streamed);
    await paused.evaluate(() => fetch("/api/json?after-clear-paused-tab").then((r) => r.text()));
    const after = await waitFor(async () => {
      const d = await dump();
      const text = JSON.stringify(d.databases["llm-trace"] ?? {});
      return text.includes("after-clear-9") && text.includes("after-clear-paused-tab") && Object.keys(d.session).length === 0 ? d : undefined;
    }, "what came after the clear stored");
    expectNothingFromBefore(after);
  } finally {
    resume();
    await ext.close();
  }
});

test("a push to the collector under way when data is cleared records nothing afterwards", async () => {
  test.setTimeout(120_000);
  // A collector that answers only when told to.
  const requests: ((status: number) => void)[] = [];
  const collector = createServer((req, res) => {
    req.resume();
    requests.push((status) => res.writeHead(status, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  const ext = await launchWithExtension();
  try {
    const options = await enableOtlpPush(ext, `http://127.0.0.1:${(collector.address() as AddressInfo).port}`);
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    await page.evaluate(() => fetch("/api/json?first").then((r) => r.text()));
    await waitFor(async () => requests.length === 1 || undefined, "the first push to reach the collector", 30_000);

    await options.getByRole("button", { name: "Clear all data" }).click();
    await expect(options.getByRole("status").filter({ hasText: "Removed all traces" })).toBeVisible();
    requests[0]!(200);
    // Pushes run one at a time: once the next one arrives, the first is fully handled.
    await page.evaluate(() => fetch("/api/json?second").then((r) => r.text()));
    await waitFor(async () => requests.length === 2 || undefined, "the next push", 30_000);
    const local = (await ext.worker.evaluate(dumpExtensionStorage)).local;
    expect(Object.keys(local)).toEqual(["settings"]);
    requests[1]!(200);
  } finally {
    await ext.close();
    collector.closeAllConnections();
    await new Promise((r) => collector.close(r));
  }
});

test("Clear all data removes unlisted import databases in Firefox's event page too", async () => {
  test.setTimeout(90_000);
  const ff = await launchFirefox({ extension: true });
  try {
    const page = await ff.browser.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    const options: PuppeteerPage = await openExtensionPage(ff, "options.html");
    await page.evaluate(() => fetch("/api/echo?before-clear", { method: "POST", body: "before-clear body" }).then((r) => r.text()));
    await options.evaluate(leaveFailedImportDb);
    await options.evaluate(leaveStateBehind);
    await waitFor(async () => {
      const d = await options.evaluate(dumpExtensionStorage);
      return JSON.stringify(d.databases["llm-trace"] ?? {}).includes("before-clear") && Object.keys(d.databases).length === 2;
    }, "the live and the leftover database");

    await options.evaluate(() => {
      const button = [...document.querySelectorAll("button")].find((b) => b.textContent === "Clear all data")!;
      button.click();
    });
    await waitFor(async () => (await options.evaluate(() => document.body.textContent ?? "")).includes("Removed all traces") || undefined, "the clear to be done");
    const stored = await options.evaluate(dumpExtensionStorage);
    expectNothingFromBefore(stored);
  } finally {
    await ff.close();
  }
});
