/**
 * Datasets and regression runs (issue 19) in Chromium, against the test mock: five model calls
 * of a page added to a dataset from the panel, exported as OpenAI chat lines and as
 * {input, expected_output, metadata} lines (each line parses, with the documented fields, no
 * key), then run again from the page with a changed system prompt, for which the mock answers
 * two of the five differently: the results table shows 3 passed and 2 failed, with the diff.
 * After a reload the run asks for a header (the page forgot its key) and stores it nowhere. A
 * malformed dataset file gets a message naming its line and stores nothing. Screenshots
 * docs/screenshots/dataset.png and dataset-run.png with UPDATE_SCREENSHOTS=1.
 */
import { expect, test } from "@playwright/test";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";
import { PAGE_KEY, PIRATE_PROMPT, QUESTIONS, datasetRoutes } from "./support/dataset-mock";
import { MALFORMED, dumpDatasetItems, expectGenericJsonl, expectOpenAiJsonl } from "./support/dataset-expect";
import { REPO_ROOT } from "./support/paths";
import { startServer, type TestServer } from "./support/server";

const TYPED_KEY = "sk-typed-for-one-run-0123456789";
const OUT = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "artifacts/screenshots");

let server: TestServer;
test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  server = await startServer(datasetRoutes);
});
test.afterAll(async () => {
  await server.close();
});

test("Chromium: five calls into a dataset, exported in both JSONL shapes, run with a changed system prompt: 3 passed, 2 failed with the diff; a malformed file changes nothing", async () => {
  const ext: WithExtension = await launchWithExtension();
  try {
    const app = await ext.context.newPage();
    await app.goto(`${server.origin}/pages/dataset.html`);
    await app.click("#ask-all");
    await app.waitForSelector("body[data-done='1']");
    const calls = await waitFor(async () => {
      const { spans } = await readStore(ext);
      const llm = spans.filter((s) => s.kind === "llm" && s.endTime !== undefined);
      return llm.length === 5 && spans.every((s) => s.endTime !== undefined) ? llm : undefined;
    }, "the five model calls stored");

    const panel = await openPanelTab(ext, calls[0]!.tabId);
    await panel.setViewportSize({ width: 1280, height: 860 });

    // Add to dataset: every filtered trace's model calls, from a call's detail.
    await panel.locator(".trace-row").first().click();
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).first().click();
    await panel.getByRole("button", { name: "Add to dataset" }).click();
    await panel.getByLabel("Dataset name").fill("Support FAQ");
    await panel.screenshot({ path: path.join(REPO_ROOT, "artifacts/screenshots/add-to-dataset.png") });
    await panel.getByRole("button", { name: "Filtered (5)" }).click();
    await panel.getByRole("button", { name: "Datasets", exact: true }).click();
    await expect(panel.getByRole("status")).toContainText("Added 5 calls to Support FAQ");
    const items = panel.getByRole("table", { name: "Items" }).locator("tbody tr");
    await expect(items).toHaveCount(5);
    for (const [i, q] of QUESTIONS.entries()) await expect(panel.getByLabel(`Expected output ${i + 1}`, { exact: true })).toHaveValue(q.answer);
    const stored = await ext.worker.evaluate(dumpDatasetItems);
    expect(stored).toHaveLength(5);
    expect(JSON.stringify(stored)).not.toContain(PAGE_KEY);
    await panel.screenshot({ path: path.join(OUT, "dataset.png") });

    // Export both shapes.
    const exported = async (name: string) => {
      const [download] = await Promise.all([panel.waitForEvent("download"), panel.getByRole("button", { name }).click()]);
      return readFile((await download.path())!, "utf8");
    };
    expectOpenAiJsonl(await exported("Export OpenAI JSONL"));
    expectGenericJsonl(await exported("Export generic JSONL"));

    // Run with the pirate system prompt: two of the five answers change.
    const runPanel = panel.getByRole("region", { name: "Run dataset" });
    await expect(runPanel.getByLabel("Cost estimate")).toContainText("for 5 of 5 items");
    await expect(runPanel.getByLabel("Concurrency")).toHaveValue("2");
    await runPanel.getByLabel("Replace the system prompt").check();
    await runPanel.getByLabel("New system prompt").fill(PIRATE_PROMPT);
    await runPanel.getByRole("button", { name: "Run dataset" }).click();
    const results = panel.getByRole("region", { name: "Run results" });
    await expect(results.getByLabel("Run summary")).toContainText("3 passed · 2 failed · 0 errors");
    await expect(results.locator("tr.run-row.is-passed")).toHaveCount(3);
    const failed = results.locator("tr.run-row.is-failed");
    await expect(failed).toHaveCount(2);
    await expect(failed.nth(0)).toContainText(QUESTIONS[1]!.question);
    await expect(failed.nth(0).locator("del.cmp-del")).not.toHaveCount(0);
    await expect(failed.nth(0).locator("ins.cmp-ins").first()).toHaveText("Arr, the ");
    await expect(failed.nth(1).locator("ins.cmp-ins").first()).toContainText("Aye");
    await expect(failed.nth(0)).toContainText("exact: the text differs");
    // The sends went from the page with its key (the mock refuses calls without one); the run
    // made five new calls, each with the new system prompt, and no key was stored.
    const after = await waitFor(async () => {
      const s = await readStore(ext);
      const runs = s.spans.filter((x) => x.kind === "llm" && x.attributes["llm_trace.replay.of"] !== undefined && x.endTime !== undefined);
      return runs.length === 5 ? { s, runs } : undefined;
    }, "the run's five calls stored");
    for (const r of after.runs) {
      expect(r.status).toBe("ok");
      expect(String(r.attributes["gen_ai.input.messages"])).toContain("like a pirate");
    }
    expect(JSON.stringify(after.s)).not.toContain(PAGE_KEY);
    await expect(panel.getByRole("list", { name: "Runs" }).locator("li")).toHaveCount(1);
    await panel.screenshot({ path: path.join(OUT, "dataset-run.png"), fullPage: true });
    await panel.emulateMedia({ colorScheme: "dark" });
    await panel.screenshot({ path: path.join(REPO_ROOT, "artifacts/screenshots/dataset-run-dark.png") });
    await panel.emulateMedia({ colorScheme: "light" });

    // After a reload the page has forgotten its key: the run stops and asks for a header, used
    // for that run only (the mock refuses calls without one), and stored nowhere.
    await app.reload();
    await runPanel.getByLabel("Replace the system prompt").uncheck();
    await runPanel.getByRole("button", { name: "Run dataset" }).click();
    await expect(runPanel.getByRole("alert")).toContainText("its headers (API keys) are gone");
    await runPanel.getByLabel("Header value").fill(`Bearer ${TYPED_KEY}`);
    await runPanel.getByRole("button", { name: "Run with this header" }).click();
    await expect(results.getByLabel("Run summary")).toContainText("5 passed · 0 failed · 0 errors");
    await expect(panel.getByRole("list", { name: "Runs" }).locator("li")).toHaveCount(3);
    const everything = JSON.stringify(await readStore(ext)) + JSON.stringify(await ext.worker.evaluate(dumpDatasetItems));
    expect(everything).not.toContain(TYPED_KEY);
    expect(everything).not.toContain(PAGE_KEY);

    // A malformed file: the message names the line; nothing stored changes.
    const before = JSON.stringify(await ext.worker.evaluate(dumpDatasetItems));
    await panel.getByLabel("Dataset file").setInputFiles({ name: "broken.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(MALFORMED) });
    await expect(panel.getByRole("alert")).toContainText("broken.jsonl: Line 3: not JSON");
    await expect(panel.getByRole("alert")).toContainText("Nothing was imported.");
    await expect(items).toHaveCount(5);
    expect(JSON.stringify(await ext.worker.evaluate(dumpDatasetItems))).toBe(before);
  } finally {
    await ext.close();
  }
});
