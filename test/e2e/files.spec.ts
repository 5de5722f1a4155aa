/**
 * Trace files end to end: Export downloads a HAR whose spans are exactly what IndexedDB holds;
 * importing it in a fresh profile shows the same traces; a HAR recorded by the browser itself
 * (no spans in it) is re-derived into model spans; a broken file gets a clear message.
 */
import { expect, test, type Page } from "@playwright/test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { CHROMIUM, launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";

let server: DemoServer;
let dir: string;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 5, firstTokenDelayMs: 30 });
  dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-files-"));
});
test.afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function askSupportBot(page: Page): Promise<void> {
  await page.goto(server.origin);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Your account is active").first().waitFor();
}

async function traceNames(panel: Page): Promise<string[]> {
  return panel.locator(".trace-row .trace-name").allTextContents();
}

test("Export downloads a HAR matching IndexedDB; importing it in a fresh profile shows the same traces", async () => {
  const ext = await launchWithExtension();
  let file: string;
  let names: string[];
  try {
    const page = await ext.context.newPage();
    await askSupportBot(page);
    const stored = await waitFor(async () => {
      const d = await readStore(ext);
      return d.spans.some((s) => s.kind === "tool") && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
    }, "the assembled support-bot trace");
    const tabId = stored.spans.find((s) => s.kind === "llm")!.tabId;
    const panel = await openPanelTab(ext, tabId);
    await expect(panel.locator(".trace-row", { hasText: "submit form#chat" })).toBeVisible();
    names = await traceNames(panel);

    await panel.getByRole("button", { name: "Export" }).click();
    await panel.getByLabel(/All \(/).check();
    const download = panel.waitForEvent("download");
    await panel.getByRole("menuitem", { name: /HAR/ }).click();
    const saved = await download;
    // Named after the page's host and port, in a form every file system takes (no colon).
    const port = new URL(server.origin).port;
    const stem = new RegExp(`^127\\.0\\.0\\.1_${port}-\\d{8}-\\d{6}`);
    expect(saved.suggestedFilename()).toMatch(new RegExp(`${stem.source}\\.har$`));
    file = path.join(dir, saved.suggestedFilename());
    await saved.saveAs(file);

    const har = JSON.parse(await readFile(file, "utf8"));
    expect(har.log.version).toBe("1.2");
    const fileSpans = [...har.log.entries.map((e: { _span: unknown }) => e._span), ...har.log._spans] as { spanId: string; traceId: string; parentSpanId?: string }[];
    const mine = (await readStore(ext)).spans.filter((s) => s.tabId === tabId);
    expect(fileSpans.map((s) => s.spanId).sort()).toEqual(mine.map((s) => s.spanId).sort());
    for (const s of mine) {
      const f = fileSpans.find((x) => x.spanId === s.spanId)!;
      expect([f.traceId, f.parentSpanId]).toEqual([s.traceId, s.parentSpanId]);
    }
    expect(await readFile(file, "utf8")).not.toContain("sk-demo-not-a-real-key");

    // The other kinds are named the same way; OTLP names the traced app, the page host, as service.name.
    for (const [item, suffix] of [[/OpenTelemetry/, ".otlp.json"], [/JSONL/, ".jsonl"]] as const) {
      await panel.getByRole("button", { name: "Export" }).click();
      const next = panel.waitForEvent("download");
      await panel.getByRole("menuitem", { name: item }).click();
      const other = await next;
      expect(other.suggestedFilename()).toMatch(new RegExp(`${stem.source}${suffix.replaceAll(".", "\\.")}$`));
      if (suffix === ".otlp.json") {
        const otlp = JSON.parse(await readFile((await other.path())!, "utf8")) as { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] } }[] };
        const attributes = Object.fromEntries(otlp.resourceSpans[0]!.resource.attributes.map((a) => [a.key, a.value.stringValue]));
        expect(attributes["service.name"]).toBe(`127.0.0.1:${port}`);
        expect(attributes["telemetry.sdk.name"]).toBe("llm-trace-devtools");
      }
    }
  } finally {
    await ext.close();
  }

  const fresh = await launchWithExtension();
  try {
    const page = await fresh.context.newPage();
    await page.goto(`${server.origin}/app.css`);
    const panel = await openPanelTab(fresh, 0);
    await panel.locator('input[type="file"]').setInputFiles(file);
    await expect(panel.getByRole("status").filter({ hasText: /Imported \d+ spans/ })).toBeVisible();
    await expect(panel.locator(".trace-row", { hasText: "submit form#chat" })).toBeVisible();
    expect((await traceNames(panel)).sort()).toEqual(names.sort());
    await panel.locator(".trace-row", { hasText: "submit form#chat" }).click();
    await expect(panel.locator(".wf-row", { hasText: "execute_tool check_account_status" })).toBeVisible();
  } finally {
    await fresh.close();
  }
});

test("a HAR the browser recorded itself is re-derived into model spans; a broken file gets a clear message", async () => {
  // A plain browser recording its own HAR, as the Network panel's export would.
  const harPath = path.join(dir, "network.har");
  const recordDir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-har-"));
  const recorder = await chromium.launchPersistentContext(recordDir, {
    executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"],
    recordHar: { path: harPath, content: "embed" },
  });
  await askSupportBot(await recorder.newPage());
  await recorder.close();
  await rm(recordDir, { recursive: true, force: true });

  const ext = await launchWithExtension();
  try {
    await (await ext.context.newPage()).goto(`${server.origin}/app.css`);
    const panel = await openPanelTab(ext, 0);
    await panel.locator('input[type="file"]').setInputFiles(harPath);
    await expect(panel.getByRole("status").filter({ hasText: /Imported \d+ spans from network.har/ })).toBeVisible();
    // No interactions in a Network HAR: the calls form a page-activity trace of model steps.
    const trace = panel.locator(".trace-row", { hasText: "gpt-4o-mini" }).first();
    await expect(trace).toContainText("2 model calls · 1 tool · 1 retrieval");
    await trace.click();
    await expect(panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" })).toHaveCount(2);
    await expect(panel.locator(".wf-row", { hasText: "execute_tool check_account_status" })).toBeVisible();

    const broken = path.join(dir, "broken.har");
    await writeFile(broken, (await readFile(harPath, "utf8")).slice(0, 5000));
    await panel.locator('input[type="file"]').setInputFiles(broken);
    await expect(panel.getByRole("alert")).toContainText("broken.har");
    // The panel keeps working, and what was imported is untouched.
    await expect(panel.locator(".trace-row").first()).toBeVisible();
  } finally {
    await ext.close();
  }
});
