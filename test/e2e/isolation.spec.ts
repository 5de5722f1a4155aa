/**
 * A hostile page gets nothing: it cannot write into another tab's traces, reach the
 * extension's pages or data, or break recording by flooding or malforming what it sends (all
 * of it dropped and counted). Storage safety: a full quota evicts the oldest traces with a
 * notice and keeps the newest; a database from a newer version is reset with a notice.
 */
import { expect, test, type Page } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";

let server: TestServer;

test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.close();
});

/** What a hostile page can do with the hook's unload channel: dispatch it itself. */
function forge(page: Page, detail: unknown, times = 1): Promise<void> {
  return page.evaluate(({ detail, times }) => {
    for (let i = 0; i < times; i++) window.dispatchEvent(new CustomEvent("llm-trace:flush", { detail }));
  }, { detail, times });
}

const envelope = (events: unknown[]) => JSON.stringify({ source: "llm-trace", v: 1, type: "events", events });

test("a hostile page cannot write into another tab, reach the extension, or stop recording", async () => {
  test.setTimeout(120_000);
  const ext = await launchWithExtension();
  try {
    const victim = await ext.context.newPage();
    await victim.goto(`${server.origin}/pages/app.html?victim`);
    await victim.evaluate(() => fetch("/api/json?victim-call").then((r) => r.text()));
    const victimEx = await waitFor(async () => (await readStore(ext)).exchanges.find((e) => e.request.url.includes("victim-call") && e.outcome), "the victim's call");

    const hostile = await ext.context.newPage();
    await hostile.goto(`${server.origin}/pages/app.html?hostile`);
    // 1. Events naming the victim's exchange id: rejected, the id belongs to another tab.
    const t = Date.now();
    await forge(hostile, envelope([
      { t: "response", id: victimEx.id, time: t, status: 500, statusText: "forged", headers: [] },
      { t: "chunks", id: victimEx.id, seq: 0, times: [t], texts: ["FORGED BODY"] },
      { t: "end", id: victimEx.id, time: t, outcome: { state: "error" }, chunks: 1 },
    ]));
    // 2. Malformed and oversized messages.
    await forge(hostile, "not json at all");
    await forge(hostile, envelope([{ t: "chunks", id: "zz", seq: -1, times: ["soon"], texts: [42] }, null, 7, { t: "request" }]));
    await forge(hostile, "x".repeat(20 * 1024 * 1024));
    await forge(hostile, { an: "object, not a string" });
    // 3. A flood: 100,000 well-formed events in 2,000 messages.
    await hostile.evaluate(() => {
      const now = Date.now();
      for (let m = 0; m < 2000; m++) {
        const events = [];
        for (let i = 0; i < 50; i++) {
          const id = (m * 50 + i + 1).toString(16).padStart(16, "0");
          events.push({ t: "request", id, transport: "fetch", time: now, method: "GET", url: `https://flood.example/${id}`, headers: [], pageUrl: location.href });
        }
        window.dispatchEvent(new CustomEvent("llm-trace:flush", { detail: JSON.stringify({ source: "llm-trace", v: 1, type: "events", events }) }));
      }
    });
    // 4. The extension's pages and APIs are out of reach.
    const reach = await hostile.evaluate(async (id) => {
      const out: Record<string, string> = {};
      out.runtime = typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime?.sendMessage;
      try {
        await fetch(`chrome-extension://${id}/panel.html`);
        out.fetch = "loaded";
      } catch (e) {
        out.fetch = (e as Error).name;
      }
      return out;
    }, ext.extensionId);
    expect(reach).toEqual({ runtime: "undefined", fetch: "TypeError" });

    // The page still works; once the flood has drained and the rate limit refilled, its real
    // calls are recorded again.
    let n = 0;
    const after = await waitFor(async () => {
      expect(await hostile.evaluate((i) => fetch(`/api/json?after-the-flood=${i}`).then((r) => r.status), n++)).toBe(200);
      return (await readStore(ext)).exchanges.find((e) => e.request.url.includes("after-the-flood") && e.outcome);
    }, "a real call recorded after the flood", 90_000);
    expect(after.response?.status).toBe(200);

    const data = await readStore(ext);
    const victimNow = data.exchanges.find((e) => e.id === victimEx.id)!;
    expect(victimNow.response?.status).toBe(200);
    expect(victimNow.tabId).toBe(victimEx.tabId);
    expect(JSON.stringify(data.chunks.filter((c) => c.exchangeId === victimEx.id))).not.toContain("FORGED");
    const flooded = data.exchanges.filter((e) => e.request.url.startsWith("https://flood.example/"));
    expect(flooded.every((e) => e.tabId === after.tabId)).toBe(true);

    // What was dropped is counted, and the hostile tab's panel says so.
    const panel = await openPanelTab(ext, after.tabId);
    await expect(panel.getByRole("alert").filter({ hasText: "capture events from this page were dropped" })).toBeVisible();
  } finally {
    await ext.close();
  }
});

test("storage pressure: over the budget the oldest traces are evicted with a notice, the newest kept", async () => {
  test.setTimeout(120_000);
  const ext = await launchWithExtension();
  try {
    // A 2 MB budget against 60 incompressible 100 KB bodies. (Chrome's own quota cannot be
    // lowered for an extension from a test; the budget goes through the same eviction.)
    await ext.worker.evaluate(() => chrome.storage.local.set({ settings: { maxStorageMB: 2 } }));
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    for (let i = 0; i < 60; i++) {
      await page.evaluate((n) => fetch(`/api/large?size=100000&random&n=${n}`).then((r) => r.text()), i);
    }
    const last = await waitFor(async () => (await readStore(ext)).exchanges.find((e) => e.request.url.endsWith("n=59") && e.outcome), "the newest call", 60_000);
    const panel = await openPanelTab(ext, last.tabId);
    await expect(panel.getByRole("alert").filter({ hasText: "Storage limit (2 MB) reached: the" })).toBeVisible();
    const stored = (await readStore(ext)).exchanges.filter((e) => e.request.url.includes("/api/large"));
    expect(stored.length).toBeLessThan(60);
    expect(stored.some((e) => e.request.url.endsWith("n=0"))).toBe(false);
    expect(stored.some((e) => e.request.url.endsWith("n=59"))).toBe(true);
  } finally {
    await ext.close();
  }
});

test("a database from a newer version is reset with a notice, and recording goes on", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    // As if a newer version of the extension had upgraded the database, then been replaced by us.
    await ext.worker.evaluate(async () => {
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase("llm-trace");
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      });
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.open("llm-trace", 99);
        req.onsuccess = () => { req.result.close(); resolve(); };
        req.onerror = () => reject(req.error);
      });
    });
    await page.evaluate(() => fetch("/api/json?after-reset").then((r) => r.text()));
    const ex = await waitFor(async () => (await readStore(ext)).exchanges.find((e) => e.request.url.includes("after-reset") && e.outcome), "a call after the reset");
    const panel = await openPanelTab(ext, ex.tabId);
    await expect(panel.getByRole("alert").filter({ hasText: "was reset" })).toBeVisible();
  } finally {
    await ext.close();
  }
});
