/**
 * Review (issue 19) in Firefox ESR (review.spec.ts is the Chromium copy), driven over WebDriver
 * BiDi against the demo app's mock model: the support bot's trace reviewed from the panel
 * (thumbs down on the trace with `-`, thumbs up with `+`, a number, a label and a note on its
 * first model call), seen by a second panel, kept in a panel opened afresh, found by score:,
 * label: and is:reviewed, exported as HAR and OTLP with gen_ai.evaluation.result events, and the
 * HAR imported back with the same review.
 */
import { expect, test } from "@playwright/test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "puppeteer-core";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { waitFor } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { harEvaluations, otlpEvaluations } from "./support/review-files";
import { catchDownloads, exportAll, reviewFacts, selectSpan, setFilter } from "./support/review-page";

const TRACE = "submit form#chat";
const CALL = "chat gpt-4o-mini";
const NOTE = "Says the account is active without checking the second tool result";

let server: DemoServer;
let ff: FirefoxLaunched;
let dir: string;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 10 });
  ff = await launchFirefox({ extension: true });
  dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-review-ff-"));
});
test.afterAll(async () => {
  await ff?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

type Facts = ReturnType<typeof reviewFacts>;
const select = (panel: Page, span?: string) => waitFor(() => panel.evaluate(selectSpan, { trace: TRACE, ...(span ? { span } : {}) }).then((ok) => ok || undefined), `${span ?? TRACE} selected`);
const factsWhen = (panel: Page, what: string, ok: (f: Facts) => boolean) =>
  waitFor(async () => { const f = await panel.evaluate(reviewFacts); return ok(f) ? f : undefined; }, what);
const shownBy = async (panel: Page, query: string) => {
  await panel.evaluate(setFilter, query);
  return (await panel.evaluate(reviewFacts)).rows.map((r) => r.name);
};

test("Firefox: review spans from the panel, kept, filtered, exported and imported", async () => {
  const page = await ff.browser.newPage();
  await page.goto(server.origin);
  await page.click("#send");
  await page.waitForFunction(() => document.body.textContent?.includes("Your account is active"), { timeout: 30_000 });
  const store = await openExtensionPage(ff, "options.html");
  const spans = await waitFor(async () => {
    const d = await readFirefoxStore(store);
    return d.spans.some((s) => s.kind === "tool") && d.spans.every((s) => s.endTime !== undefined) ? d.spans : undefined;
  }, "the support bot's trace", 30_000);
  const tabId = spans.find((s) => s.kind === "llm")!.tabId;
  await page.click("#tip");

  const panel = await openExtensionPage(ff, `panel.html?tabId=${tabId}`);
  const other = await openExtensionPage(ff, `panel.html?tabId=${tabId}`);
  await factsWhen(panel, "two traces", (f) => f.rows.length === 2);

  // The trace: thumbs down from the keyboard; the other panel hears of it.
  await panel.bringToFront();
  await select(panel);
  await panel.keyboard.press("-");
  await factsWhen(panel, "thumbs down", (f) => f.down && f.rows.some((r) => r.name === TRACE && r.mark?.includes("is-down")));
  await factsWhen(other, "the mark in the second panel", (f) => f.rows.some((r) => r.name === TRACE && r.mark?.includes("is-down")));

  // Its first model call: +, a number, a label, a note.
  await select(panel, CALL);
  await panel.keyboard.press("+");
  await factsWhen(panel, "thumbs up", (f) => f.up);
  await panel.type(".review-score", "2");
  await panel.keyboard.press("Enter");
  await panel.type(".review-label-input", "hallucination");
  await panel.keyboard.press("Enter");
  await panel.type(".review-note", NOTE);
  await panel.keyboard.down("Control");
  await panel.keyboard.press("Enter");
  await panel.keyboard.up("Control");
  await factsWhen(panel, "the whole review", (f) => f.labels.join() === "hallucination" && f.score === "2");
  await waitFor(async () => (await readFirefoxStore(store)).spans.length > 0 && (await store.evaluate(() => new Promise<boolean>((resolve) => {
    const open = indexedDB.open("llm-trace");
    open.onsuccess = () => {
      const req = open.result.transaction("reviews").objectStore("reviews").getAll();
      req.onsuccess = () => { resolve((req.result as { note?: string }[]).some((r) => r.note !== undefined)); open.result.close(); };
    };
  }))) || undefined, "the note stored");

  // A panel opened afresh shows it all (stored, not only in the first panel's memory).
  const again = await openExtensionPage(ff, `panel.html?tabId=${tabId}`);
  await again.bringToFront();
  await again.evaluate(catchDownloads);
  await select(again);
  await factsWhen(again, "the trace's thumbs down", (f) => f.down);
  await select(again, CALL);
  const shown = await factsWhen(again, "the call's review", (f) => f.up && f.note === NOTE);
  expect(shown).toMatchObject({ score: "2", labels: ["hallucination"] });
  expect(shown.rows.find((r) => r.name === TRACE)?.title).toMatch(/thumbs down.*1 span in it reviewed/);

  expect(await shownBy(again, "label:hallucination")).toEqual([TRACE]);
  expect(await shownBy(again, "score:down")).toEqual([TRACE]);
  expect(await shownBy(again, "score:>3")).toEqual([]);
  expect(await shownBy(again, "is:reviewed")).toEqual([TRACE]);
  expect(await shownBy(again, "-is:reviewed")).toEqual([expect.stringContaining("Security tip")]);
  await again.evaluate(setFilter, "");

  // Exported with one evaluation event per thing said.
  const harFile = (await again.evaluate(exportAll, "HAR"))!;
  expect(harFile.name).toMatch(/\.har$/);
  const har = harEvaluations(harFile.text);
  const call = [...har.entries()].find(([, e]) => e.length === 3);
  expect(call?.[1]).toEqual([
    { "gen_ai.evaluation.name": "thumbs", "gen_ai.evaluation.score.value": 1, "gen_ai.evaluation.score.label": "up", "gen_ai.evaluation.explanation": NOTE },
    { "gen_ai.evaluation.name": "score", "gen_ai.evaluation.score.value": 2 },
    { "gen_ai.evaluation.name": "label", "gen_ai.evaluation.score.label": "hallucination" },
  ]);
  expect(har.size).toBe(2);
  const otlpFile = (await again.evaluate(exportAll, "OpenTelemetry"))!;
  const otlp = otlpEvaluations(otlpFile.text);
  expect(otlp.get(call![0])).toEqual(call![1]);
  expect(otlp.size).toBe(2);

  // Imported back: the same review in the session.
  const file = path.join(dir, harFile.name);
  await writeFile(file, harFile.text);
  const input = await again.$('input[type="file"]');
  await input!.uploadFile(file);
  await waitFor(() => again.evaluate(() => document.body.textContent?.includes("Imported ") || undefined), "the import");
  await select(again);
  await factsWhen(again, "the imported trace's thumbs down", (f) => f.down);
  await select(again, CALL);
  await factsWhen(again, "the imported call's review", (f) => f.up && f.note === NOTE && f.labels.join() === "hallucination");
});
