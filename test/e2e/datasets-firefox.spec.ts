/**
 * Datasets and regression runs (issue 19) in Firefox, the same as datasets.spec.ts: five calls of
 * the page added to a dataset from the panel, both JSONL shapes exported and checked line by
 * line, a run with a changed system prompt (3 passed, 2 failed with the diff), and a malformed
 * file refused naming its line with nothing stored changed. The panel is the extension page
 * driven through the DOM (puppeteer over WebDriver BiDi); downloads are read from the blobs the
 * panel hands the browser.
 */
import { expect, test } from "@playwright/test";
import { waitFor } from "./support/chromium";
import { PAGE_KEY, PIRATE_PROMPT, QUESTIONS, datasetRoutes } from "./support/dataset-mock";
import { MALFORMED, dumpDatasetItems, expectGenericJsonl, expectOpenAiJsonl } from "./support/dataset-expect";
import { launchFirefox, openExtensionPage, readFirefoxStore } from "./support/firefox";
import { startServer, type TestServer } from "./support/server";

type FirefoxPage = Awaited<ReturnType<typeof openExtensionPage>>;

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer(datasetRoutes);
});
test.afterAll(async () => {
  await server.close();
});

/** Click the first button whose text (or label) starts with `text`, once it is there. */
async function clickButton(panel: FirefoxPage, text: string): Promise<void> {
  await waitFor(async () => (await panel.evaluate((t) => {
    const b = [...document.querySelectorAll<HTMLButtonElement>("button")].find((x) => !x.disabled && ((x.textContent ?? "").trim().startsWith(t) || x.getAttribute("aria-label") === t));
    b?.click();
    return b !== undefined;
  }, text)) || undefined, `the button "${text}" in Firefox`);
}

async function fill(panel: FirefoxPage, label: string, value: string): Promise<void> {
  await waitFor(async () => (await panel.evaluate((l, v) => {
    const el = document.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[aria-label="${l}"]`);
    if (!el) return false;
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    return true;
  }, label, value)) || undefined, `the field "${label}" in Firefox`);
}

const text = (panel: FirefoxPage, selector: string) => panel.evaluate((s) => document.querySelector(s)?.textContent ?? "", selector);

test("Firefox: five calls into a dataset, exported in both JSONL shapes, run with a changed system prompt: 3 passed, 2 failed with the diff; a malformed file changes nothing", async () => {
  const ff = await launchFirefox({ extension: true });
  try {
    const app = await ff.browser.newPage();
    await app.goto(`${server.origin}/pages/dataset.html`);
    await app.click("#ask-all");
    await app.waitForSelector("body[data-done='1']");
    const store = await openExtensionPage(ff, "options.html");
    const calls = await waitFor(async () => {
      const { spans } = await readFirefoxStore(store);
      const llm = spans.filter((s) => s.kind === "llm" && s.endTime !== undefined);
      return llm.length === 5 && spans.every((s) => s.endTime !== undefined) ? llm : undefined;
    }, "the five model calls stored in Firefox");
    const panel = await openExtensionPage(ff, `panel.html?tabId=${calls[0]!.tabId}`);

    // Add to dataset: the filtered traces' model calls, from a call's detail.
    await waitFor(async () => (await panel.evaluate(() => {
      document.querySelector<HTMLElement>(".trace-row")?.click();
      const row = [...document.querySelectorAll<HTMLElement>(".wf-row")].find((r) => r.textContent?.includes("chat gpt-4o-mini"));
      row?.click();
      return row !== undefined;
    })) || undefined, "a model call selected in Firefox");
    await clickButton(panel, "Add to dataset");
    await fill(panel, "Dataset name", "Support FAQ");
    await clickButton(panel, "Filtered (5)");
    await clickButton(panel, "Datasets");
    await waitFor(async () => (await text(panel, ".ds-status")).includes("Added 5 calls to Support FAQ") || undefined, "the calls added in Firefox");
    await waitFor(async () => (await panel.evaluate(() => document.querySelectorAll(".ds-items tbody tr").length)) === 5 || undefined, "five items listed in Firefox");
    const expected = await panel.evaluate(() => [...document.querySelectorAll<HTMLTextAreaElement>(".ds-expected textarea")].map((t) => t.value));
    expect(expected).toEqual(QUESTIONS.map((q) => q.answer));
    const stored = await store.evaluate(dumpDatasetItems);
    expect(stored).toHaveLength(5);
    expect(JSON.stringify(stored)).not.toContain(PAGE_KEY);

    // Export both shapes: the files' text, from the blobs the panel downloads.
    await panel.evaluate(() => {
      const w = window as unknown as { downloads: Blob[] };
      w.downloads = [];
      const create = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob: Blob | MediaSource) => {
        if (blob instanceof Blob) w.downloads.push(blob);
        return create(blob);
      };
      HTMLAnchorElement.prototype.click = function () {};
    });
    await clickButton(panel, "Export OpenAI JSONL");
    await clickButton(panel, "Export generic JSONL");
    const files = await waitFor(async () => {
      const list = await panel.evaluate(() => Promise.all((window as unknown as { downloads: Blob[] }).downloads.map((b) => b.text())));
      return list.length === 2 ? list : undefined;
    }, "both files exported in Firefox");
    expectOpenAiJsonl(files[0]!);
    expectGenericJsonl(files[1]!);

    // Run with the pirate system prompt.
    await waitFor(async () => (await text(panel, '[aria-label="Cost estimate"]')).includes("for 5 of 5 items") || undefined, "the cost estimate in Firefox");
    await panel.evaluate(() => [...document.querySelectorAll<HTMLLabelElement>(".run-form label")].find((l) => l.textContent?.includes("Replace the system prompt"))?.querySelector("input")?.click());
    await fill(panel, "New system prompt", PIRATE_PROMPT);
    await clickButton(panel, "Run dataset");
    await waitFor(async () => (await text(panel, '[aria-label="Run summary"]')).includes("3 passed · 2 failed · 0 errors") || undefined, "the run's summary in Firefox", 60_000)
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}; the panel shows: ${await text(panel, ".ds-main")}`);
      });
    const rows = await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>("tr.run-row")].map((r) => ({
      status: [...r.classList].find((c) => c.startsWith("is-")),
      text: r.textContent ?? "",
      ins: [...r.querySelectorAll("ins.cmp-ins")].map((e) => e.textContent),
      del: r.querySelectorAll("del.cmp-del").length,
    })));
    expect(rows.map((r) => r.status)).toEqual(["is-passed", "is-failed", "is-passed", "is-failed", "is-passed"]);
    expect(rows[1]!.ins[0]).toBe("Arr, the ");
    expect(rows[1]!.del).toBeGreaterThan(0);
    expect(rows[3]!.ins.join("")).toContain("Aye");
    expect(rows[1]!.text).toContain("exact: the text differs");
    const runCalls = await waitFor(async () => {
      const s = await readFirefoxStore(store);
      const list = s.spans.filter((x) => x.kind === "llm" && x.attributes["llm_trace.replay.of"] !== undefined && x.endTime !== undefined);
      return list.length === 5 ? { s, list } : undefined;
    }, "the run's five calls stored in Firefox");
    for (const r of runCalls.list) expect(String(r.attributes["gen_ai.input.messages"])).toContain("like a pirate");
    expect(JSON.stringify(runCalls.s)).not.toContain(PAGE_KEY);

    // A malformed file: the message names the line; nothing stored changes.
    const before = JSON.stringify(await store.evaluate(dumpDatasetItems));
    await panel.evaluate((content) => {
      const input = document.querySelector<HTMLInputElement>('input[aria-label="Dataset file"]')!;
      const dt = new DataTransfer();
      dt.items.add(new File([content], "broken.jsonl", { type: "application/jsonl" }));
      input.files = dt.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }, MALFORMED);
    await waitFor(async () => (await text(panel, ".ds-status.is-error")).includes("broken.jsonl: Line 3: not JSON") || undefined, "the import refused in Firefox");
    expect(await text(panel, ".ds-status.is-error")).toContain("Nothing was imported.");
    expect(await panel.evaluate(() => document.querySelectorAll(".ds-items tbody tr").length)).toBe(5);
    expect(JSON.stringify(await store.evaluate(dumpDatasetItems))).toBe(before);
  } finally {
    await ff.close();
  }
});
