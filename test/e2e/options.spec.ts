/**
 * The settings page as a user meets it (issue 20): a change says "Saved" where the user is, the
 * push status is worded and timed as the panel words and times things, and classification rules
 * are a form that asks only for what applies to their kind, with a preview on a pasted sample.
 */
import { expect, test, type Page } from "@playwright/test";
import { launchWithExtension, type WithExtension } from "./support/chromium";

let ext: WithExtension;

test.beforeAll(async () => {
  ext = await launchWithExtension();
});
test.afterAll(async () => {
  await ext.close();
});

async function openOptions(size = { width: 900, height: 600 }): Promise<Page> {
  const page = await ext.context.newPage();
  await page.setViewportSize(size);
  await page.goto(`chrome-extension://${ext.extensionId}/options.html`);
  await page.getByRole("heading", { name: "LLM Traces settings" }).waitFor();
  return page;
}

test("a change says Saved beside the control that made it, in view, as a live status", async () => {
  const page = await openOptions();
  const box = page.getByLabel(/Email addresses/);
  await box.scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollBy(0, 150));
  await box.click();
  const saved = page.getByRole("status").filter({ hasText: "Saved" });
  await expect(saved).toBeVisible();
  await expect(saved).toHaveAttribute("aria-live", "polite");
  const status = (await saved.boundingBox())!;
  const control = (await box.boundingBox())!;
  // Inside the viewport, on the control's line (not up in the page title, scrolled away).
  expect(status.y).toBeGreaterThanOrEqual(0);
  expect(status.y + status.height).toBeLessThanOrEqual(600);
  expect(Math.abs(status.y + status.height / 2 - (control.y + control.height / 2))).toBeLessThan(20);
  await page.close();
});

test("the push status counts in words and tells time on a 24-hour clock, as the panel does", async () => {
  const page = await openOptions();
  const at = await page.evaluate(async () => {
    const t = new Date(2026, 0, 2, 17, 5, 9).getTime();
    await chrome.storage.local.set({ "otlp-status": { pushedTraces: 1, lastSuccess: t, lastError: { at: t, message: "503 Service Unavailable" }, pending: 1 } });
    return t;
  });
  expect(at).toBeGreaterThan(0);
  // The page asks for the status when it opens; later changes are pushed by the background, not read from storage.
  await page.reload();
  const status = page.getByRole("status").filter({ hasText: "pushed" });
  await expect(status).toContainText("1 trace pushed, last at 17:05:09.", { timeout: 5000 });
  await expect(status).toContainText("Last error (17:05:09): 503 Service Unavailable — 1 trace will be retried.");
  await page.close();
});

test("a rule asks only for what its kind reads, previews a pasted sample, and saves without what does not apply", async () => {
  const page = await openOptions({ width: 1000, height: 900 });
  // A rule saved before fields were checked per kind: its stray field is pointed out.
  await page.evaluate(async () => {
    const { settings } = await chrome.storage.local.get("settings");
    await chrome.storage.local.set({ settings: { ...(settings ?? {}), rules: [{ urlPattern: "*/api/old", kind: "llm", queryPath: "question" }] } });
  });
  await page.reload();
  const first = page.getByRole("group", { name: "Rule 1" });
  await expect(first).toContainText("queryPath does not apply to rules of kind llm");

  await page.getByRole("button", { name: "Add a classification rule" }).click();
  const rule = page.getByRole("group", { name: "Rule 2" });
  await expect(rule.getByLabel("Kind")).toHaveValue("llm");
  await expect(rule.getByLabel(/^Model:/)).toBeVisible();
  await expect(rule.getByLabel(/^Output:/)).toBeVisible();
  await expect(rule.getByLabel(/^Query:/)).toHaveCount(0);
  await rule.getByLabel("Kind").selectOption("retrieval");
  await expect(rule.getByLabel(/^Query:/)).toBeVisible();
  await expect(rule.getByLabel(/^Documents:/)).toBeVisible();
  await expect(rule.getByLabel(/^Model:/)).toHaveCount(0);
  await rule.getByLabel("Kind").selectOption("llm");

  await rule.getByLabel("URL pattern").fill("*/api/answer");
  await rule.getByLabel("Provider name (else the host's)").fill("support-bot");
  await rule.getByLabel(/^Output:/).fill("data.reply");
  await rule.getByText("Try it on a sample").click();
  await rule.getByLabel("Sample request body").fill('{"question":"How do I reset my password?","model":"gpt-4o-mini"}');
  await rule.getByLabel("Sample response body").fill('{"data":{"reply":"Open Settings, then Security."}}');
  const preview = rule.getByRole("definition");
  await expect(rule.locator(".rule-result")).toContainText("llm · chat gpt-4o-mini");
  await expect(rule.locator(".rule-result")).toContainText("user: How do I reset my password?");
  await expect(rule.locator(".rule-result")).toContainText("assistant: Open Settings, then Security.");
  await expect(rule.locator(".rule-result")).toContainText("none: not streamed");
  expect(await preview.count()).toBeGreaterThan(3);

  // A bad path is refused beside its field, and nothing is saved.
  await rule.getByLabel(/^Model:/).fill("a..b");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(rule).toContainText('modelPath: unexpected "." at position 3');
  await expect(page.getByText("Not saved: 1 problem above.")).toBeVisible();
  await rule.getByLabel(/^Model:/).fill("");
  await page.getByRole("button", { name: "Save rules" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  const stored = await page.evaluate(async () => ((await chrome.storage.local.get("settings")).settings as { rules: unknown }).rules);
  expect(stored).toEqual([
    { urlPattern: "*/api/old", kind: "llm" },
    { urlPattern: "*/api/answer", kind: "llm", name: "support-bot", outputPath: "data.reply" },
  ]);
  await page.close();
});
