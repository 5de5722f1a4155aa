/**
 * Secrets and personal data planted everywhere a page can put them (headers, URL parameters,
 * request bodies, response bodies, SSE chunks that split them in two) never reach IndexedDB or
 * any exported file, searched byte for byte.
 */
import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, openPanelTab, readStore, waitFor } from "./support/chromium";

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.close();
});

const PLANTED = {
  openai: "sk-proj-Q3vT9xLm2NpR7wKs4YbZ8cDe",
  anthropic: "sk-ant-api03-Hk7Lm9Np2Qr4St6Uv8Wx0Yz",
  google: "AIzaSyD4nK8pLq2Xw9Rt5Vb7Mc3Zs1Hy6Je0Abc",
  jwt: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyNDIiLCJyb2xlIjoiYWRtaW4ifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU",
  email: "ada.lovelace@example.org",
  card: "4242 4242 4242 4242",
  phone: "+44 20 7946 0958",
  custom: "ACME-CUSTOMER-778812",
};

test("planted secrets and personal data appear in no stored record and no export", async () => {
  test.setTimeout(120_000);
  const ext = await launchWithExtension();
  try {
    // Personal-data detectors on, and a pattern of the user's own.
    await ext.worker.evaluate(() => chrome.storage.local.set({
      settings: {
        redaction: {
          detectors: { email: true, phone: true, card: true },
          patterns: [{ pattern: "ACME-CUSTOMER-\\d{6}", kind: "regex", label: "customer" }],
        },
      },
    }));
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/app.html`);
    const all = Object.values(PLANTED);
    await page.evaluate(async (p) => {
      // Headers and URL parameters.
      await fetch(`/api/json?api_key=${p.openai}&q=${encodeURIComponent(p.email)}`, { headers: { "x-api-key": p.anthropic, authorization: `Bearer ${p.jwt}` } }).then((r) => r.text());
      // A request body (a model call) and its echo in the response body.
      await fetch("/api/echo", {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: `my key ${p.google}, card ${p.card}, call ${p.phone}, id ${p.custom}` }] }),
      }).then((r) => r.text());
      // An SSE response whose chunks split each secret in two.
      const r = await fetch(`/api/sse-secrets?s=${encodeURIComponent([p.openai, p.anthropic, p.google, p.email, p.custom].join(","))}`);
      await r.text();
      // And over XHR.
      await new Promise((resolve) => {
        const x = new XMLHttpRequest();
        x.open("POST", "/api/echo");
        x.setRequestHeader("x-goog-api-key", p.google);
        x.onloadend = resolve;
        x.send(`token=${p.jwt}&mail=${p.email}`);
      });
    }, PLANTED);

    const data = await waitFor(async () => {
      const d = await readStore(ext);
      return d.exchanges.filter((e) => e.outcome).length >= 4 && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
    }, "all calls stored");
    const dump = JSON.stringify(data);
    for (const secret of all) {
      expect(dump, `IndexedDB must not hold ${secret}`).not.toContain(secret);
      // Not even half of one: a split secret must not survive in pieces.
      expect(dump, `IndexedDB must not hold the second half of ${secret}`).not.toContain(secret.slice(Math.floor(secret.length / 2)).replace(/ /g, ""));
    }
    expect(dump).toContain("[REDACTED:");

    // Every export of the tab.
    const panel = await openPanelTab(ext, data.spans.find((s) => s.exchangeId)!.tabId);
    await expect(panel.locator(".trace-row").first()).toBeVisible();
    for (const format of [/HAR/, /OTLP/, /JSONL/]) {
      await panel.getByRole("button", { name: "Export" }).click();
      await panel.getByLabel(/All \(/).check();
      const download = panel.waitForEvent("download");
      await panel.getByRole("menuitem", { name: format }).click();
      const text = await readFile((await (await download).path())!, "utf8");
      // (JSONL lists model calls only; this page makes none the parsers recognise, so it may be empty.)
      if (String(format) !== String(/JSONL/)) expect(text.length).toBeGreaterThan(100);
      for (const secret of all) expect(text, `${format} export must not hold ${secret}`).not.toContain(secret);
    }
  } finally {
    await ext.close();
  }
});
