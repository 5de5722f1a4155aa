/**
 * Issue 16 in Chromium, as a new user would try it: the official openai SDK in a real page
 * (test/e2e/pages/grouping/), a person clicking, the page's own scripts starting calls between
 * clicks. Every case must produce the traces a person would draw (support/grouping-expect.ts):
 * the support bot's question without the calls the page made 300 ms after it, a quick answer
 * without the script's failing call after it, a slow tool, a retry after a 429, two clicks
 * whose work overlaps, and a chat's turns, one trace each in one conversation. Then the panel:
 * the question's trace beside the page's own activity (a picture, docs/screenshots/
 * grouping-scripts.png with UPDATE_SCREENSHOTS=1), and the chat grouped by conversation,
 * stepped through turn by turn (conversations.png). The Firefox twin: grouping-firefox.spec.ts.
 */
import { expect, test, type Page } from "@playwright/test";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { SpanRecord } from "../../src/core/contract";
import { launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";
import { checkSupportThenScripts, checkTraces, EXPECTED, otherCases, QUESTIONS, supportThenScripts, type Person } from "./support/grouping-expect";
import { REPO_ROOT } from "./support/paths";
import { chromiumArgsFor, startSdkSite, type SdkServer } from "./support/sdk-bundle";

const OUT = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "artifacts/screenshots");
const PAGE_DIR = path.join(REPO_ROOT, "test", "e2e", "pages", "grouping");

let server: SdkServer;
let ext: WithExtension;
let app: Page;

test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  server = await startSdkSite({ firstTokenDelayMs: 200, tokenDelayMs: 12 }, PAGE_DIR);
  ext = await launchWithExtension(chromiumArgsFor(server));
  app = await ext.context.newPage();
  await app.goto(`${server.origin}/sdk/index.html`);
});

test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

const person = (page: Page): Person => ({
  click: (selector) => page.click(selector),
  async send(selector, text) {
    await page.fill(selector, text);
    await page.press(selector, "Enter");
  },
  async waitDone(name) {
    await page.waitForFunction((n) => (document.body.dataset.done ?? "").split(" ").includes(n), name, { timeout: 30_000 });
  },
});

/** The stored spans once `check` passes on them (assembly places spans a moment after they are stored). */
function settled(check: (spans: SpanRecord[]) => SpanRecord[]): Promise<SpanRecord[]> {
  return waitFor(async () => check((await readStore(ext)).spans), "the traces a person would draw", 30_000);
}

test("Chromium: each case gives the traces a person would draw; the panel shows the question apart from the page's own calls, and steps through a chat's turns", async () => {
  await supportThenScripts(person(app));
  const early = await settled(checkSupportThenScripts);

  const panel = await openPanelTab(ext, early[0]!.tabId);
  await panel.setViewportSize({ width: 1280, height: 800 });
  await test.step("the support bot's question beside the page's own activity", async () => {
    await expect(panel.locator(".trace-row", { hasText: "(no user action)" }).first()).toBeVisible();
    await panel.locator(".trace-row", { hasText: "submit form#chat" }).click();
    await expect(panel.locator(".wf-row")).toHaveCount(EXPECTED["submit form#chat"]!.length);
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).last().click();
    await panel.getByRole("tab", { name: "Messages" }).click();
    await expect(panel.locator(".detail-pane")).toContainText("How do I reset my account password?");
    await panel.screenshot({ path: path.join(OUT, "grouping-scripts.png") });
  });

  await app.bringToFront();
  await otherCases(person(app));
  await settled(checkTraces);

  await test.step("grouped by conversation, turn by turn", async () => {
    await panel.bringToFront();
    await panel.getByLabel("Group by conversation").check();
    const header = panel.locator(".conv-row", { hasText: QUESTIONS[0]! });
    await expect(header).toContainText("3 turns");
    const turns = panel.locator(".trace-row.is-turn");
    await expect(turns).toHaveCount(3);
    // Each turn named by what it asked.
    for (const [i, question] of QUESTIONS.entries()) await expect(turns.nth(i)).toContainText(question);
    await turns.first().click();
    const nav = panel.locator(".turn-nav");
    await expect(nav).toContainText("Turn 1 of 3");
    await panel.getByRole("button", { name: "Next turn" }).click();
    await expect(nav).toContainText("Turn 2 of 3");
    await expect(turns.nth(1)).toHaveAttribute("aria-selected", "true");
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).click();
    await panel.getByRole("tab", { name: "Messages" }).click();
    await expect(panel.locator(".detail-pane")).toContainText(QUESTIONS[1]!);
    await panel.locator(".wf-rows").focus();
    await panel.keyboard.press("]");
    await expect(nav).toContainText("Turn 3 of 3");
    await expect(panel.getByRole("button", { name: "Next turn" })).toBeDisabled();
    await panel.keyboard.press("[");
    await expect(nav).toContainText("Turn 2 of 3");
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).click();
    await panel.getByRole("tab", { name: "Messages" }).click();
    await panel.screenshot({ path: path.join(OUT, "conversations.png") });
    // The other traces stay listed as they are; unchecked, the list is as before.
    await expect(panel.locator(".trace-row", { hasText: 'click button "Translate"' })).toBeVisible();
    await panel.getByLabel("Group by conversation").uncheck();
    await expect(panel.locator(".conv-row")).toHaveCount(0);
  });
});
