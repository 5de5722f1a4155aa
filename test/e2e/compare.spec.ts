/**
 * Compare (issue 18) in Chromium and Firefox: the demo's support-bot question asked twice, the
 * second time under a system prompt with three words changed (?system=). The selected trace
 * and a Ctrl/Cmd-clicked second one open the compare view: its steps matched by structure,
 * the system instructions' diff holding exactly the changed words, and the input-token delta
 * equal to what the stored spans say. Then "Compare with…" on one model call. Screenshots
 * (light and dark) in docs/screenshots with UPDATE_SCREENSHOTS=1.
 */
import { expect, test, type Page } from "@playwright/test";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { startDemoServer, type DemoServer } from "../../demo/server";
import type { SpanRecord } from "../../src/core/contract";
import { launchWithExtension, openPanelTab, readStore, waitFor } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore } from "./support/firefox";
import { REPO_ROOT } from "./support/paths";

const OUT = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "artifacts/screenshots");
const BRIEF = "You are Acme's support assistant. Answer briefly using the documents and tools.";
const DETAILED = "You are Acme's friendly support assistant. Answer in detail using the documents and tools.";

let server: DemoServer;

test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  server = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 10 });
});
test.afterAll(async () => {
  await server.close();
});

/** What both browsers' drivers offer (Playwright in Chromium, Puppeteer over BiDi in Firefox). */
interface Driver {
  goto(url: string): Promise<unknown>;
  click(selector: string): Promise<void>;
  waitForFunction(fn: () => boolean | undefined): Promise<unknown>;
}

/** Ask the demo's question under each prompt, one run after the other. */
async function askTwice(page: Driver): Promise<void> {
  for (const system of [BRIEF, DETAILED]) {
    await page.goto(`${server.origin}/?system=${encodeURIComponent(system)}`);
    await page.click("#send");
    // The whole answer, not its first words: the stream must be over before the page is left.
    await page.waitForFunction(() => document.body.textContent?.includes("valid for 30 minutes."));
  }
}

/** Both runs assembled: two support-bot traces, nothing in flight. Returns their spans, older first. */
function twoRuns(spans: SpanRecord[]): [SpanRecord[], SpanRecord[]] | undefined {
  if (spans.some((s) => s.endTime === undefined)) return undefined;
  const roots = spans.filter((s) => s.name === "submit form#chat").sort((a, b) => a.startTime - b.startTime);
  if (roots.length !== 2) return undefined;
  const runs = roots.map((r) => spans.filter((s) => s.traceId === r.traceId));
  return runs.every((r) => r.length === 7) ? [runs[0]!, runs[1]!] : undefined;
}

const inputTokens = (spans: SpanRecord[]) => spans.filter((s) => s.kind === "llm").reduce((n, s) => n + Number(s.attributes["gen_ai.usage.input_tokens"]), 0);

/** What the view must say, read from the DOM in either browser. */
function readCompare(): { steps: string[]; flags: string[]; system: { added: string[]; removed: string[] }; inputDelta: string } {
  const q = (sel: string) => [...document.querySelectorAll<HTMLElement>(sel)];
  const system = q(".cmp-section").find((s) => s.querySelector("h4")?.textContent?.startsWith("System instructions"));
  return {
    steps: q(".cmp-step-label").map((e) => e.textContent ?? ""),
    flags: q(".cmp-flags").map((e) => e.textContent ?? ""),
    system: {
      added: [...(system?.querySelectorAll("ins") ?? [])].map((e) => (e.textContent ?? "").trim()),
      removed: [...(system?.querySelectorAll("del") ?? [])].map((e) => (e.textContent ?? "").trim()),
    },
    inputDelta: document.querySelector('.cmp-totals [data-name="input tokens"] .cmp-delta')?.textContent ?? "",
  };
}

function expectCompare(view: ReturnType<typeof readCompare>, runs: [SpanRecord[], SpanRecord[]]): void {
  expect(view.steps).toEqual(["embedding", "retrieval support-docs", "chat #1", "tool check_account_status", "chat #2"]);
  // The tool call ids differ between the runs, the answers do not: only the prompts changed.
  expect(view.flags).toEqual(["same", "same", "prompt changed", "same", "prompt changed"]);
  expect(view.system).toEqual({ added: ["friendly", "in detail"], removed: ["briefly"] });
  const delta = inputTokens(runs[1]) - inputTokens(runs[0]);
  expect(delta).toBeGreaterThan(0);
  expect(view.inputDelta).toBe(`+${delta.toLocaleString("en-US")}`);
}

test("Chromium: two runs whose system prompt differs compare step by step, with the changed words and the token delta", async () => {
  const ext = await launchWithExtension();
  try {
    const app = await ext.context.newPage();
    await askTwice(app);
    const runs = await waitFor(async () => twoRuns((await readStore(ext)).spans), "both runs assembled");
    const panel = await openPanelTab(ext, runs[0][0]!.tabId);
    await panel.setViewportSize({ width: 1280, height: 860 });
    const rows = panel.locator(".trace-row", { hasText: "submit form#chat" });
    await expect(rows).toHaveCount(2);
    const compareButton = panel.getByRole("button", { name: "Compare", exact: true });
    await rows.nth(0).click();
    await expect(compareButton).toBeDisabled();
    await rows.nth(1).click({ modifiers: ["ControlOrMeta"] });
    await expect(rows.nth(1)).toHaveClass(/is-second/);
    await compareButton.click();
    await expect(panel.getByRole("region", { name: "Compare" })).toBeVisible();
    // The first changed step (the first chat call) starts open.
    await expect(panel.locator(".cmp-step-head[aria-expanded=true]")).toHaveCount(1);
    expectCompare(await panel.evaluate(readCompare), runs);
    await panel.screenshot({ path: path.join(OUT, "compare.png") });
    // The panel takes its theme when it opens: dark, then reopened on the same comparison.
    await panel.emulateMedia({ colorScheme: "dark" });
    await panel.reload();
    await rows.nth(0).click();
    await rows.nth(1).click({ modifiers: ["ControlOrMeta"] });
    await compareButton.click();
    await expect(panel.locator(".cmp-step-head[aria-expanded=true]")).toHaveCount(1);
    await panel.screenshot({ path: path.join(OUT, "compare-dark.png") });
    await panel.emulateMedia({ colorScheme: "light" });

    // The first run pinned as the baseline: the second shows its deltas in the list, and a click compares.
    await panel.keyboard.press("Escape");
    await rows.nth(1).click();
    await panel.getByRole("button", { name: "Pin as baseline" }).click();
    const delta = (inputTokens(runs[1]) + runs[1].filter((x) => x.kind === "llm").reduce((n, x) => n + Number(x.attributes["gen_ai.usage.output_tokens"]), 0))
      - (inputTokens(runs[0]) + runs[0].filter((x) => x.kind === "llm").reduce((n, x) => n + Number(x.attributes["gen_ai.usage.output_tokens"]), 0));
    const badge = rows.nth(0).getByRole("button", { name: "Compare with the baseline" });
    await expect(badge).toContainText(`Δ +${delta} tok`);
    await expect(rows.nth(1).getByRole("button", { name: "Compare with the baseline" })).toHaveCount(0);
    await badge.click();
    await expect(panel.locator(".cmp-step-label")).toHaveCount(5);
    await panel.keyboard.press("Escape");

    // Prompt versions: the chat endpoint used two system prompts, two calls each; one click compares them.
    await panel.getByRole("button", { name: "Prompt versions" }).click();
    const versions = panel.getByRole("region", { name: "Prompt versions" });
    await expect(versions.locator("tbody tr")).toHaveCount(2);
    await expect(versions.locator("tbody tr").nth(0)).toContainText(BRIEF.slice(0, 40));
    await expect(versions.locator("tbody tr").nth(1)).toContainText(DETAILED.slice(0, 40));
    await expect(versions.locator("tbody tr td:nth-of-type(2)")).toHaveText(["2", "2"]);
    await versions.getByRole("button", { name: "Compare v1 with v2" }).click();
    await expect(panel.getByRole("region", { name: "Compare" })).toContainText("Compare calls");
    await expect(panel.locator(".cmp-section", { hasText: "System instructions" }).locator("ins")).toHaveText([/friendly/, /in detail/]);

    // Esc closes; "Compare with…" on one model call compares two calls.
    await panel.keyboard.press("Escape");
    await expect(panel.getByRole("region", { name: "Compare" })).toHaveCount(0);
    await rows.nth(1).click();
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).last().click();
    const picker = panel.getByLabel("Compare with…");
    const other = await picker.locator("option").filter({ hasText: "chat gpt-4o-mini" }).allTextContents();
    expect(other.length).toBe(3);
    await picker.selectOption({ label: other[other.length - 1]! });
    await expect(panel.getByRole("region", { name: "Compare" })).toContainText("Compare calls");
    await expect(panel.locator(".cmp-step-label")).toHaveText(["chat"]);
  } finally {
    await ext.close();
  }
});

test("Firefox: two runs compare with the changed words and the token delta", async () => {
  const ff = await launchFirefox({ extension: true });
  try {
    const app = await ff.browser.newPage();
    await askTwice(app);
    const store = await openExtensionPage(ff, "options.html");
    const runs = await waitFor(async () => twoRuns((await readFirefoxStore(store)).spans), "both runs assembled in Firefox");
    const panel = await openExtensionPage(ff, `panel.html?tabId=${runs[0][0]!.tabId}`);
    await waitFor(async () => (await panel.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>(".trace-row")].filter((r) => r.textContent?.includes("submit form#chat"));
      if (rows.length !== 2) return false;
      rows[0]!.click();
      return true;
    })) || undefined, "two runs in the Firefox panel");
    await panel.evaluate(() => {
      const rows = [...document.querySelectorAll<HTMLElement>(".trace-row")].filter((r) => r.textContent?.includes("submit form#chat"));
      rows[1]!.dispatchEvent(new MouseEvent("click", { bubbles: true, ctrlKey: true }));
    });
    await waitFor(async () => (await panel.evaluate(() => {
      const button = [...document.querySelectorAll<HTMLButtonElement>(".compare-bar button")].find((b) => b.textContent === "Compare");
      if (!button || button.disabled) return false;
      button.click();
      return document.querySelectorAll(".cmp-step").length > 0;
    })) || undefined, "the compare view in Firefox");
    expectCompare(await panel.evaluate(readCompare), runs);
  } finally {
    await ff.close();
  }
});
