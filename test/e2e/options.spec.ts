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
  const status = page.getByRole("status").filter({ hasText: "pushed" });
  await expect(status).toContainText("1 trace pushed, last at 17:05:09.", { timeout: 5000 });
  await expect(status).toContainText("Last error (17:05:09): 503 Service Unavailable — 1 trace will be retried.");
  await page.close();
});
