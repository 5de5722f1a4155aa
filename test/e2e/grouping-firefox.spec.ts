/**
 * Issue 16 in Firefox ESR: the grouping page and cases of grouping.spec.ts (the official openai
 * SDK in a real page, a person clicking, the page's own scripts), driven over WebDriver BiDi.
 * Firefox reaches the SDK's host through the local CONNECT proxy of the SDK tests
 * (support/sdk-bundle.ts). Every case must give the traces a person would draw
 * (support/grouping-expect.ts), and the panel must group the chat by conversation and step
 * through its turns.
 */
import { expect, test } from "@playwright/test";
import path from "node:path";
import type { Page } from "puppeteer-core";
import { waitFor } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { checkTraces, EXPECTED, otherCases, QUESTIONS, supportThenScripts, type Person } from "./support/grouping-expect";
import { REPO_ROOT } from "./support/paths";
import { firefoxPrefsFor, startHostProxy, startSdkSite, type HostProxy, type SdkServer } from "./support/sdk-bundle";

const PAGE_DIR = path.join(REPO_ROOT, "test", "e2e", "pages", "grouping");

let server: SdkServer;
let proxy: HostProxy;
let ff: FirefoxLaunched;

test.beforeAll(async () => {
  server = await startSdkSite({ firstTokenDelayMs: 200, tokenDelayMs: 12 }, PAGE_DIR);
  proxy = await startHostProxy(server);
  ff = await launchFirefox({ extension: true, prefs: firefoxPrefsFor(proxy), acceptInsecureCerts: true });
});

test.afterAll(async () => {
  await ff?.close();
  await proxy?.close();
  await server?.close();
});

const person = (page: Page): Person => ({
  click: (selector) => page.click(selector),
  async send(selector, text) {
    await page.type(selector, text);
    await page.keyboard.press("Enter");
  },
  async waitDone(name) {
    await page.waitForFunction((n: string) => (document.body.dataset.done ?? "").split(" ").includes(n), { timeout: 30_000 }, name);
  },
});

/** The panel's text of what matches `selector`. */
const texts = (panel: Page, selector: string): Promise<string[]> => panel.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent ?? ""), selector);

test("Firefox: each case gives the traces a person would draw; the panel groups the chat by conversation and steps through its turns", async () => {
  const page = await ff.browser.newPage();
  await page.goto(`${server.origin}/sdk/index.html`);
  await supportThenScripts(person(page));
  await otherCases(person(page));

  const store = await openExtensionPage(ff, "options.html");
  const spans = await waitFor(async () => checkTraces((await readFirefoxStore(store)).spans), "the traces a person would draw", 30_000);

  const panel = await openExtensionPage(ff, `panel.html?tabId=${spans[0]!.tabId}`);
  // The question's trace, its steps as drawn.
  await waitFor(async () => (await panel.evaluate(() => {
    [...document.querySelectorAll<HTMLElement>(".trace-row")].find((r) => r.textContent?.includes("submit form#chat"))?.click();
    return document.querySelectorAll(".wf-row").length;
  })) === EXPECTED["submit form#chat"]!.length || undefined, "the support bot's trace in the panel");
  expect((await texts(panel, ".trace-row")).filter((t) => t.includes("(no user action)")).length).toBeGreaterThan(0);

  // Grouped by conversation: a header, the three turns named by what they asked.
  await panel.evaluate(() => [...document.querySelectorAll<HTMLLabelElement>("label.check")].find((l) => l.textContent?.includes("Group by conversation"))?.click());
  const turns = await waitFor(async () => {
    const rows = await texts(panel, ".trace-row.is-turn");
    return rows.length === 3 ? rows : undefined;
  }, "the chat's turns grouped");
  QUESTIONS.forEach((q, i) => expect(turns[i]).toContain(q));
  expect((await texts(panel, ".conv-row"))[0]).toContain("3 turns");

  // Step through them.
  await panel.evaluate(() => document.querySelector<HTMLElement>(".trace-row.is-turn")?.click());
  const position = () => panel.evaluate(() => document.querySelector(".turn-position")?.textContent ?? "");
  await waitFor(async () => (await position()) === "Turn 1 of 3" || undefined, "turn 1");
  await panel.evaluate(() => document.querySelector<HTMLElement>('button[aria-label="Next turn"]')?.click());
  await waitFor(async () => (await position()) === "Turn 2 of 3" || undefined, "turn 2");
  const selected = await panel.evaluate(() => document.querySelector(".trace-row.is-turn.is-selected")?.textContent ?? "");
  expect(selected).toContain(QUESTIONS[1]);
  await panel.bringToFront();
  await panel.focus(".wf-rows");
  await panel.keyboard.press("]");
  await waitFor(async () => (await position()) === "Turn 3 of 3" || undefined, "turn 3 by keyboard");
  expect(await panel.evaluate(() => (document.querySelector('button[aria-label="Next turn"]') as HTMLButtonElement | null)?.disabled)).toBe(true);
});
