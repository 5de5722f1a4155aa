/**
 * A hostile page gets nothing: it cannot write into another tab's traces, reach the
 * extension's pages or data, or break recording by flooding or malforming what it sends (all
 * of it dropped and counted, one bad event at a time, never its whole batch). What it forges
 * stays within its own tab's share: times are held to the tab's lifetime, eviction takes a
 * flooding tab's own traces first, and a cross-origin frame's marks group only its own work.
 * Storage safety: a full quota evicts the oldest traces with a notice and keeps the newest; a
 * database from a newer version is reset with a notice.
 */
import { expect, test, type Page } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, openContentWorld, openPanelTab, readStore, tabIdOf, waitFor, type WithExtension } from "./support/chromium";

let server: TestServer;

test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.close();
});

/**
 * Made-up capture messages, sent to the background from the page's content-script world, as a
 * relay sends them: the background's checks must hold even against a compromised relay (a page
 * itself can no longer reach the relay with made-up events: see the flush-event test).
 */
async function forge(ext: WithExtension, page: Page, events: unknown): Promise<void> {
  const world = await openContentWorld(ext, page);
  try {
    await world.evaluate(`chrome.runtime.sendMessage(${JSON.stringify({ source: "llm-trace", v: 1, type: "capture", events, dropped: 0, origin: new URL(page.url()).origin })}).then(() => undefined)`);
  } finally {
    await world.close();
  }
}

const envelope = (events: unknown[]) => events;

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
    await forge(ext, hostile, envelope([
      { t: "response", id: victimEx.id, time: t, status: 500, statusText: "forged", headers: [] },
      { t: "chunks", id: victimEx.id, seq: 0, times: [t], texts: ["FORGED BODY"] },
      { t: "end", id: victimEx.id, time: t, outcome: { state: "error" }, chunks: 1 },
    ]));
    // 2. Malformed and oversized messages.
    await forge(ext, hostile, "not a list of events");
    await forge(ext, hostile, envelope([{ t: "chunks", id: "zz", seq: -1, times: ["soon"], texts: [42] }, null, 7, { t: "request" }]));
    await forge(ext, hostile, ["x".repeat(20 * 1024 * 1024)]);
    await forge(ext, hostile, { an: "object, not a list" });
    // 3. A flood: 100,000 well-formed events in 2,000 messages.
    const world = await openContentWorld(ext, hostile);
    await world.evaluate(`(() => {
      const now = Date.now();
      for (let m = 0; m < 2000; m++) {
        const events = [];
        for (let i = 0; i < 50; i++) {
          const id = (m * 50 + i + 1).toString(16).padStart(16, "0");
          events.push({ t: "request", id, transport: "fetch", time: now, method: "GET", url: "https://flood.example/" + id, headers: [], pageUrl: location.href });
        }
        chrome.runtime.sendMessage({ source: "llm-trace", v: 1, type: "capture", events, dropped: 0, origin: location.origin }).catch(() => {});
      }
    })()`);
    await world.close();
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
      // Model-looking requests: their bodies are recorded (plain GETs keep metadata only).
      await page.evaluate((n) => fetch(`/api/large?size=100000&random&n=${n}`, { method: "POST", body: JSON.stringify({ model: "m", prompt: "p" }) }).then((r) => r.text()), i);
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

/** A span id the hook could have made, unique in the run. */
const forgedId = (n: number) => (0xf00000 + n).toString(16).padStart(16, "0");
const forgedRequest = (id: string, time: number, url: string, body?: string) =>
  ({ t: "request", id, transport: "fetch", time, method: "POST", url, headers: [], pageUrl: "http://127.0.0.1/", ...(body !== undefined ? { body: { text: body } } : {}) });
const forgedEnd = (id: string, time: number) => ({ t: "end", id, time, outcome: { state: "ok" }, chunks: 0 });

test("a page dispatching the hook's flush event itself gets nothing stored, and the drop is counted", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html?flush-forgery`);
    const t = Date.now();
    const events = [forgedRequest(forgedId(7), t, "https://forged.example/via-flush"), forgedEnd(forgedId(7), t + 1)];
    await page.evaluate((events) => {
      // The old shape, and the new one with a guessed token.
      window.dispatchEvent(new CustomEvent("llm-trace:flush", { detail: JSON.stringify({ source: "llm-trace", v: 1, type: "events", events }) }));
      window.dispatchEvent(new CustomEvent("llm-trace:flush", { detail: JSON.stringify({ token: "0".repeat(32), events }) }));
    }, events);
    await page.evaluate(() => fetch("/api/json?after-flush-forgery").then((r) => r.text()));
    const real = await waitFor(async () => (await readStore(ext)).exchanges.find((e) => e.request.url.includes("after-flush-forgery") && e.outcome), "the real call");
    expect((await readStore(ext)).exchanges.map((e) => e.request.url)).not.toContain("https://forged.example/via-flush");
    const panel = await openPanelTab(ext, real.tabId);
    await expect(panel.getByRole("alert").filter({ hasText: "dropped" })).toBeVisible();
  } finally {
    await ext.close();
  }
});

test("a bad event is rejected alone: the rest of its batch is stored, and capture goes on", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html?bad-events`);
    const t = Date.now();
    // An event over the capture cap (2 MB by default) between two good ones.
    await forge(ext, page, envelope([
      forgedRequest(forgedId(1), t, "https://forged.example/before"), forgedEnd(forgedId(1), t + 1),
      forgedRequest(forgedId(2), t, "https://forged.example/oversized", "x".repeat(3 * 1024 * 1024)),
      forgedRequest(forgedId(3), t, "https://forged.example/after"), forgedEnd(forgedId(3), t + 1),
    ]));
    // A response whose URL is an object, for an exchange never requested: it used to pass the
    // check and make storing its batch fail on every retry. The relay resends its head batch,
    // and a batch holds at most 2,000 events: what is queued behind a full one never went.
    const clicks = Array.from({ length: 2100 }, (_, i) => ({ t: "interaction", id: forgedId(1000 + i), time: t, action: "click", target: "button", pageUrl: "http://127.0.0.1/" }));
    await forge(ext, page, envelope([
      forgedRequest(forgedId(4), t, "https://forged.example/with-the-bad-one"), forgedEnd(forgedId(4), t + 1),
      { t: "response", id: forgedId(5), time: t, status: 200, statusText: "", headers: [], url: {} },
      ...clicks,
    ]));
    await page.evaluate(() => fetch("/api/json?later-real-call").then((r) => r.text()));
    const later = await waitFor(async () => (await readStore(ext)).exchanges.find((e) => e.request.url.includes("later-real-call") && e.outcome), "a real call after the bad events");
    const urls = (await readStore(ext)).exchanges.map((e) => e.request.url);
    expect(urls).toEqual(expect.arrayContaining(["https://forged.example/before", "https://forged.example/after", "https://forged.example/with-the-bad-one"]));
    expect(urls).not.toContain("https://forged.example/oversized");
    expect(urls.filter((u) => u === "" || u.includes("[object"))).toEqual([]);

    const panel = await openPanelTab(ext, later.tabId);
    await expect(panel.getByRole("alert").filter({ hasText: "2 malformed or oversized" })).toBeVisible();
  } finally {
    await ext.close();
  }
});

test("a tab's forgeries stay its own: a span dated 2100 is clamped, and its flood evicts its own traces only", async () => {
  test.setTimeout(90_000);
  const ext = await launchWithExtension();
  try {
    await ext.worker.evaluate(() => chrome.storage.local.set({ settings: { maxSpans: 100 } }));
    const victim = await ext.context.newPage();
    await victim.goto(`${server.origin}/pages/app.html?victim`);
    for (let i = 0; i < 5; i++) await victim.evaluate((n) => fetch(`/api/json?victim-call=${n}`).then((r) => r.text()), i);
    const victimTab = await tabIdOf(ext, victim);
    const victimIds = (await readStore(ext)).exchanges.filter((e) => e.request.url.includes("victim-call")).map((e) => e.id);
    expect(victimIds).toHaveLength(5);

    // Newer than the victim's calls: by age alone, the victim's traces would be evicted first.
    const hostile = await ext.context.newPage();
    await hostile.goto(`${server.origin}/pages/app.html?hostile`);
    const t = Date.now();
    const year2100 = Date.UTC(2100, 0, 1);
    const events = [forgedRequest(forgedId(100), year2100, "https://forged.example/from-2100"), forgedEnd(forgedId(100), year2100 + 1)];
    for (let i = 0; i < 150; i++) events.push(forgedRequest(forgedId(200 + i), t + i, `https://forged.example/flood/${i}`), forgedEnd(forgedId(200 + i), t + i + 1));
    await forge(ext, hostile, envelope(events));

    // The flood and the dated span come in one batch, one transaction: once the dated span is
    // there, so was the flood, and a count within the limit means eviction has run.
    const data = await waitFor(async () => {
      const d = await readStore(ext);
      return d.spans.length <= 100 && d.exchanges.some((e) => e.id === forgedId(100)) && d;
    }, "the span limit enforced", 60_000);
    expect(data.exchanges.filter((e) => victimIds.includes(e.id)).map((e) => e.tabId)).toEqual([victimTab, victimTab, victimTab, victimTab, victimTab]);
    expect(data.spans.filter((s) => victimIds.includes(s.spanId))).toHaveLength(5);
    // The flood went whole traces at a time: all 150 requests were one "page requests" trace.
    expect(data.exchanges.filter((e) => e.request.url.includes("/flood/")).length).toBeLessThan(150);

    const future = data.spans.find((s) => s.spanId === forgedId(100))!;
    expect(future.startTime).toBeLessThanOrEqual(Date.now() + 10_000);
    expect(future.startTime).toBeGreaterThanOrEqual(t - 1000);
    expect(future.attributes["llm_trace.unverified"]).toEqual(["time"]);
    // The panel says so in the span's detail.
    const panel = await openPanelTab(ext, future.tabId);
    await panel.locator(".trace-row", { hasText: "/from-2100" }).first().click();
    await panel.locator(".wf-row", { hasText: "/from-2100" }).first().click();
    await expect(panel.locator(".detail-pane")).toContainText("Unverified: the page gave times outside the tab's lifetime (clamped).");
  } finally {
    await ext.close();
  }
});

test("a byte flood is rate-limited, and the drop is counted and shown in the panel", async () => {
  test.setTimeout(120_000);
  const ext = await launchWithExtension();
  try {
    const hostile = await ext.context.newPage();
    await hostile.goto(`${server.origin}/pages/app.html?byte-flood`);
    const panel = await openPanelTab(ext, await tabIdOf(ext, hostile));
    const limited = panel.getByRole("alert").filter({ hasText: "over the rate limit" });
    // Few events (far under the event-count limit), each carrying a megabyte: only their bytes
    // are over the limit. Rounds go on until the background has seen enough of them.
    let round = 0;
    const world = await openContentWorld(ext, hostile);
    await waitFor(async () => {
      await world.evaluate(`(() => {
        const r = ${round++};
        const mb = "lorem ipsum dolor sit amet ".repeat(40000).slice(0, 1024 * 1024);
        for (let m = 0; m < 2; m++) {
          const events = [];
          for (let i = 0; i < 12; i++) {
            const id = (0xb00000 + r * 100 + m * 20 + i).toString(16).padStart(16, "0");
            events.push({ t: "request", id, transport: "fetch", time: Date.now(), method: "POST", url: "https://flood.example/" + id, headers: [], pageUrl: location.href, body: { text: mb } });
          }
          chrome.runtime.sendMessage({ source: "llm-trace", v: 1, type: "capture", events, dropped: 0, origin: location.origin }).catch(() => {});
        }
      })()`);
      return (await limited.count()) > 0;
    }, "a rate-limit drop shown in the panel", 100_000);
    await expect(limited).toBeVisible();
  } finally {
    await ext.close();
  }
});

test("a cross-origin frame's marks group only its own work, not the page's", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/cross-origin-frame.html`);
    const widget = await waitFor(async () => {
      const f = page.frames().find((fr) => fr.url().includes("app.html?widget"));
      return f && (await f.evaluate(() => document.readyState === "complete")) && f;
    }, "the cross-origin frame");
    expect(new URL(widget.url()).origin).not.toBe(server.origin);
    await widget.evaluate(() => performance.mark("llm-trace:start", { detail: { name: "widget" } }));
    await widget.evaluate(() => fetch("/api/json?from=widget").then((r) => r.text()));
    // The page's own call, made while the frame's mark is open.
    await page.evaluate(() => fetch("/api/json?from=page").then((r) => r.text()));
    await widget.evaluate(() => performance.mark("llm-trace:end"));

    const { mark, own, pages } = await waitFor(async () => {
      const { spans } = await readStore(ext);
      const mark = spans.find((s) => s.name === "invoke_agent widget");
      const own = spans.find((s) => String(s.attributes["url.full"]).includes("from=widget"));
      const pages = spans.find((s) => String(s.attributes["url.full"]).includes("from=page"));
      return mark && own?.parentSpanId === mark.spanId && pages?.parentSpanId !== undefined && { mark, own, pages };
    }, "the frame's mark assembled");
    expect(own.frameId).not.toBe(0);
    expect(pages.frameId).toBe(0);
    expect(pages.parentSpanId).not.toBe(mark.spanId);
    expect(pages.traceId).not.toBe(mark.traceId);
  } finally {
    await ext.close();
  }
});
