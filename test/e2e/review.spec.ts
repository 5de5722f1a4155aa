/**
 * Review (issue 19) in Chromium against the demo app's mock model: the support bot's trace
 * reviewed from the panel (thumbs down on the trace with `-`, thumbs up with `+`, a number, a
 * label and a note on its first model call), seen by a second panel at once, kept across a
 * reload, found by score:, label: and is:reviewed; exported as HAR and OTLP with
 * gen_ai.evaluation.result events, and the HAR imported back showing the same review, which can
 * be changed there too; and a trace the OTLP push had sent goes again with its review.
 * review-firefox.spec.ts is the Firefox copy. Screenshot with UPDATE_SCREENSHOTS=1.
 */
import { expect, test, type Page } from "@playwright/test";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { enableOtlpPush, launchWithExtension, openPanelTab, readStore, waitFor } from "./support/chromium";
import { REPO_ROOT } from "./support/paths";
import { harEvaluations, otlpEvaluations } from "./support/review-files";

const OUT = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "artifacts/screenshots");
const TRACE = "submit form#chat";
const NOTE = "Says the account is active without checking the second tool result";

let server: DemoServer;
let dir: string;

test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  server = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 10 });
  dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-review-"));
});
test.afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test.use({ actionTimeout: 15_000 });

const row = (panel: Page) => panel.locator(".trace-row", { hasText: TRACE });
const firstCall = (panel: Page) => panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).first();
const bar = (panel: Page) => panel.getByRole("group", { name: "Review" });

async function filterBy(panel: Page, query: string): Promise<string[]> {
  await panel.locator("input.filter").fill(query);
  return panel.locator(".trace-row .trace-name").allTextContents();
}

async function exported(panel: Page, item: RegExp): Promise<{ file: string; text: string }> {
  await panel.getByRole("button", { name: "Export" }).click();
  await panel.getByLabel(/All \(/).check();
  const download = panel.waitForEvent("download");
  await panel.getByRole("menuitem", { name: item }).click();
  const saved = await download;
  const file = path.join(dir, saved.suggestedFilename());
  await saved.saveAs(file);
  return { file, text: await readFile(file, "utf8") };
}

test("review spans from the panel: seen by another panel, kept across a reload, filtered, exported and imported", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(server.origin);
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Your account is active").first().waitFor();
    const stored = await waitFor(async () => {
      const d = await readStore(ext);
      return d.spans.some((s) => s.kind === "tool") && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
    }, "the support bot's trace");
    const tabId = stored.spans.find((s) => s.kind === "llm")!.tabId;
    await page.getByRole("button", { name: "Security tip (Gemini, via XHR)" }).click();

    const panel = await openPanelTab(ext, tabId);
    await panel.setViewportSize({ width: 1280, height: 800 });
    const other = await openPanelTab(ext, tabId);
    await expect(row(panel)).toBeVisible();
    await expect(panel.locator(".trace-row")).toHaveCount(2);

    // The trace: thumbs down from the keyboard on its root (the selected span once the row is picked).
    await row(panel).click();
    await expect(panel.locator(".dt-title")).toHaveText(TRACE);
    await panel.keyboard.press("-");
    await expect(bar(panel).getByRole("button", { name: "Thumbs down" })).toHaveAttribute("aria-pressed", "true");
    await expect(row(panel).locator(".badge-review.is-down")).toBeVisible();
    // The second panel of the tab is told.
    await expect(row(other).locator(".badge-review.is-down")).toBeVisible();

    // Its first model call: thumbs up, a number, a label, a note.
    await firstCall(panel).click();
    await panel.keyboard.press("+");
    await expect(bar(panel).getByRole("button", { name: "Thumbs up" })).toHaveAttribute("aria-pressed", "true");
    await bar(panel).getByLabel("Score").fill("2");
    await bar(panel).getByLabel("Score").press("Enter");
    await bar(panel).getByLabel("Add label").fill("hallucination");
    await bar(panel).getByLabel("Add label").press("Enter");
    await expect(bar(panel).locator(".review-label")).toHaveText(["hallucination×"]);
    await bar(panel).getByLabel("Note").fill(NOTE);
    await bar(panel).getByLabel("Note").press("Control+Enter");
    // Typing a minus in a field is text, not a review.
    await bar(panel).getByLabel("Add label").press("-");
    await expect(bar(panel).getByRole("button", { name: "Thumbs up" })).toHaveAttribute("aria-pressed", "true");
    await bar(panel).getByLabel("Add label").fill("");

    const reviews = await waitFor(async () => {
      const all = await ext.worker.evaluate(() => new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open("llm-trace");
        open.onsuccess = () => {
          const req = open.result.transaction("reviews").objectStore("reviews").getAll();
          req.onsuccess = () => { resolve(req.result); open.result.close(); };
          req.onerror = () => reject(req.error);
        };
      })) as { spanId: string; thumbs?: string; score?: number; labels: string[]; note?: string }[];
      return all.length === 2 && all.some((r) => r.note === NOTE) ? all : undefined;
    }, "both reviews stored");
    const callReview = reviews.find((r) => r.note === NOTE)!;
    expect(callReview).toMatchObject({ thumbs: "up", score: 2, labels: ["hallucination"], note: NOTE, tabId });
    const rootId = reviews.find((r) => r.thumbs === "down")!.spanId;

    // A reload shows them again.
    await panel.reload();
    await row(panel).click();
    await expect(bar(panel).getByRole("button", { name: "Thumbs down" })).toHaveAttribute("aria-pressed", "true");
    await firstCall(panel).click();
    await expect(bar(panel).getByLabel("Score")).toHaveValue("2");
    await expect(bar(panel).locator(".review-label")).toHaveText(["hallucination×"]);
    await expect(bar(panel).getByLabel("Note")).toHaveValue(NOTE);
    await expect(row(panel).locator(".badge-review")).toHaveAttribute("title", /thumbs down.*1 span in it reviewed/);

    // Filters.
    expect(await filterBy(panel, "label:hallucination")).toEqual([TRACE]);
    expect(await filterBy(panel, "score:down")).toEqual([TRACE]);
    expect(await filterBy(panel, "score:<3")).toEqual([TRACE]);
    expect(await filterBy(panel, "score:>3")).toEqual([]);
    expect(await filterBy(panel, "is:reviewed")).toEqual([TRACE]);
    expect(await filterBy(panel, "-is:reviewed")).toEqual([expect.stringContaining("Security tip")]);
    await expect(panel.locator(".filter-hint")).toHaveCount(0);
    await filterBy(panel, "");

    await row(panel).click();
    await firstCall(panel).click();
    await panel.screenshot({ path: path.join(OUT, "review.png") });
    await panel.emulateMedia({ colorScheme: "dark" });
    await panel.screenshot({ path: path.join(OUT, "review-dark.png") });
    await panel.emulateMedia({ colorScheme: "light" });

    // Exported: one evaluation event per thing said, on the right spans.
    const harFile = await exported(panel, /HAR/);
    const har = harEvaluations(harFile.text);
    expect(har.get(rootId)).toEqual([{ "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.value": 0, "gen_ai.evaluation.score.label": "down" }]);
    expect(har.get(callReview.spanId)).toEqual([
      { "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.value": 1, "gen_ai.evaluation.score.label": "up", "gen_ai.evaluation.explanation": NOTE },
      { "gen_ai.evaluation.name": "score", "gen_ai.evaluation.score.value": 2 },
      { "gen_ai.evaluation.name": "label", "gen_ai.evaluation.score.label": "hallucination" },
    ]);
    expect(har.size).toBe(2);
    const otlp = otlpEvaluations((await exported(panel, /OpenTelemetry/)).text);
    expect(otlp.get(callReview.spanId)).toEqual(har.get(callReview.spanId));
    expect(otlp.get(rootId)).toEqual(har.get(rootId));

    // Imported back: a session of its own, showing the same review; reviewed there, it keeps it.
    await panel.locator('input[type="file"]').setInputFiles(harFile.file);
    await expect(panel.getByRole("status").filter({ hasText: /Imported \d+ spans/ })).toBeVisible();
    await row(panel).click();
    await expect(bar(panel).getByRole("button", { name: "Thumbs down" })).toHaveAttribute("aria-pressed", "true");
    await firstCall(panel).click();
    await expect(bar(panel).locator(".review-label")).toHaveText(["hallucination×"]);
    await expect(bar(panel).getByLabel("Note")).toHaveValue(NOTE);
    expect(await filterBy(panel, "label:hallucination")).toEqual([TRACE]);
    await filterBy(panel, "");
    await bar(panel).getByLabel("Add label").fill("imported");
    await bar(panel).getByLabel("Add label").press("Enter");
    await expect(bar(panel).locator(".review-label")).toHaveText(["hallucination×", "imported×"]);
    // Stored with the session (kept across a reload), not with the live tab.
    await panel.reload();
    await expect(row(panel)).toBeVisible();
    await panel.getByRole("combobox", { name: "Session" }).selectOption({ index: 1 });
    await row(panel).click();
    await firstCall(panel).click();
    await expect(bar(panel).locator(".review-label")).toHaveText(["hallucination×", "imported×"]);
    await panel.getByRole("combobox", { name: "Session" }).selectOption("live");
    await row(panel).click();
    await firstCall(panel).click();
    await expect(bar(panel).locator(".review-label")).toHaveText(["hallucination×"]);
    // Labels used before are offered, those of the span left out.
    await expect(bar(panel).locator("datalist option")).toHaveCount(1);
    await expect(bar(panel).locator("datalist option")).toHaveAttribute("value", "imported");
  } finally {
    await ext.close();
  }
});

test("the OTLP push sends a trace reviewed after it went out again, with its evaluation events", async () => {
  const received: string[] = [];
  const collector = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
  const ext = await launchWithExtension();
  try {
    await enableOtlpPush(ext, `http://127.0.0.1:${(collector.address() as AddressInfo).port}`);

    const page = await ext.context.newPage();
    await page.goto(server.origin);
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Your account is active").first().waitFor();
    await waitFor(async () => received.some((body) => body.includes(TRACE)), "the trace pushed", 60_000);
    expect(received.some((body) => otlpEvaluations(body).size > 0)).toBe(false);
    const tabId = (await readStore(ext)).spans.find((s) => s.kind === "llm")!.tabId;

    const panel = await openPanelTab(ext, tabId);
    await row(panel).click();
    await panel.keyboard.press("-");
    await expect(row(panel).locator(".badge-review.is-down")).toBeVisible();
    const again = await waitFor(async () => received.map(otlpEvaluations).find((e) => e.size > 0), "the trace pushed again with its review", 60_000);
    expect([...again.values()]).toEqual([[{ "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.value": 0, "gen_ai.evaluation.score.label": "down" }]]);
  } finally {
    await ext.close();
    await new Promise((r) => collector.close(r));
  }
});
