/**
 * Screenshots of the panel on the demo app: light and dark, a stream in flight, a tool-call
 * trace, a retrieval span, a narrow docked DevTools. Written to artifacts/screenshots/, or to
 * docs/screenshots/ (the README's) with UPDATE_SCREENSHOTS=1. Each view is also checked, so
 * this is a test and not only a camera.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";
import { REPO_ROOT } from "./support/paths";
import { HOSTILE_PROMPT, makeReadingCalls, MODELS, showSpan } from "./support/reading";

const OUT = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "artifacts/screenshots");

let server: DemoServer;
let ext: WithExtension;
let app: Page;
let panel: Page;

test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  server = await startDemoServer(0, { tokenDelayMs: 60, firstTokenDelayMs: 300 });
  ext = await launchWithExtension();
  app = await ext.context.newPage();
  await app.goto(server.origin);
  await app.getByRole("button", { name: "Send" }).click();
  await app.getByText("Your account is active").first().waitFor({ timeout: 30_000 });
  await app.getByRole("button", { name: "Run account agent (Anthropic)" }).click();
  await app.getByText("last sign-in was yesterday").first().waitFor({ timeout: 30_000 });
  const { spans } = await readStore(ext);
  panel = await openPanelTab(ext, spans.find((s) => s.kind === "llm")!.tabId);
  await panel.setViewportSize({ width: 1280, height: 800 });
});
test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

async function theme(name: "light" | "dark"): Promise<void> {
  await panel.evaluate((t) => (document.documentElement.dataset.theme = t), name);
}

async function openTrace(name: string): Promise<void> {
  await panel.locator(".trace-row", { hasText: name }).first().click();
}

async function openSpan(name: string, tab?: string): Promise<void> {
  await panel.locator(".wf-row", { hasText: name }).last().click();
  if (tab) await panel.getByRole("tab", { name: tab }).click();
}

test("the support-bot trace with a model call's messages, light and dark", async () => {
  await openTrace("submit form#chat");
  await openSpan("chat gpt-4o-mini", "Messages");
  await expect(panel.locator(".detail-pane")).toContainText("Your account is active");
  await theme("light");
  await panel.screenshot({ path: path.join(OUT, "panel-light.png") });
  await theme("dark");
  await panel.screenshot({ path: path.join(OUT, "panel-dark.png") });
  await theme("light");
});

test("an agent's tool calls", async () => {
  await openTrace("Run account agent");
  await openSpan("execute_tool recent_sign_ins", "Tool call");
  await expect(panel.locator(".detail-pane")).toContainText("Berlin");
  await panel.screenshot({ path: path.join(OUT, "tool-call.png") });
});

test("a retrieval span's documents", async () => {
  await openTrace("submit form#chat");
  await openSpan("retrieval support-docs", "Documents");
  await expect(panel.locator(".detail-pane")).toContainText("kb-12");
  await panel.screenshot({ path: path.join(OUT, "retrieval.png") });
});

test("a stream in flight", async () => {
  await app.getByRole("button", { name: "Summarize policy (OpenAI Responses)" }).click();
  // Tokens are arriving: the first has come, the last has not.
  await waitFor(async () => (await readStore(ext)).spans.some((s) => s.name === "chat gpt-4.1-mini" && s.endTime === undefined &&
    s.attributes["gen_ai.response.time_to_first_chunk"] !== undefined) || undefined, "a streaming span", 5000);
  await openTrace("summarize policy");
  await openSpan("chat gpt-4.1-mini", "Messages");
  await expect(panel.locator(".wf-bar.is-live").first()).toBeVisible();
  await panel.screenshot({ path: path.join(OUT, "streaming.png") });
});

/** Where an element is, and whether its content is wider than its box (clipped or scrolled sideways). */
async function box(locator: Locator): Promise<{ left: number; right: number; top: number; bottom: number; overflows: boolean }> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, overflows: el.scrollWidth > el.clientWidth };
  });
}

test("a narrow docked DevTools: panes stacked, nothing wider than the panel, the key cells whole", async () => {
  const WIDTH = 700;
  await panel.setViewportSize({ width: WIDTH, height: 800 });
  try {
    await openTrace("submit form#chat");
    await openSpan("chat gpt-4o-mini", "Usage & cost");
    // Nothing scrolls sideways: not the page, not a pane, not the toolbar.
    expect(await panel.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH);
    for (const pane of [".toolbar", ".list-pane", ".waterfall-pane", ".detail-pane"]) {
      const b = await box(panel.locator(pane).first());
      expect(b.overflows, `${pane} is no wider than its box`).toBe(false);
      expect(b.left, `${pane} starts in the panel`).toBeGreaterThanOrEqual(0);
      expect(b.right, `${pane} ends in the panel`).toBeLessThanOrEqual(WIDTH);
    }
    // The panes stack: the trace list above the waterfall, the waterfall above the detail, each full width.
    const list = await box(panel.locator(".list-pane"));
    const waterfall = await box(panel.locator(".waterfall-pane"));
    const detail = await box(panel.locator(".detail-pane"));
    expect(list.bottom).toBeLessThanOrEqual(waterfall.top);
    expect(waterfall.bottom).toBeLessThanOrEqual(detail.top);
    for (const b of [list, waterfall, detail]) expect(b.right - b.left).toBeGreaterThan(WIDTH * 0.95);
    // The cells one reads first are there whole: the trace's name and duration, the selected
    // span's name (its model meta gives way first), its bar and the tokens it used.
    const row = panel.locator(".trace-row.is-selected");
    for (const cell of [row.locator(".trace-name"), row.locator(".trace-duration")]) {
      await expect(cell).toBeInViewport();
      expect((await box(cell)).overflows, `${await cell.textContent()} is not cut`).toBe(false);
    }
    const span = panel.locator(".wf-row.is-selected");
    await expect(span.locator(".wf-text")).toHaveText("chat gpt-4o-mini");
    expect((await box(span.locator(".wf-text"))).overflows, "the span name is not cut").toBe(false);
    const bar = await box(span.locator(".wf-bar"));
    expect(bar.right - bar.left).toBeGreaterThan(0);
    expect(bar.right).toBeLessThanOrEqual(WIDTH);
    await expect(panel.getByRole("tab", { name: "Usage & cost" })).toHaveAttribute("aria-selected", "true");
    await expect(panel.locator(".detail-pane").getByText("Input", { exact: true }).first()).toBeInViewport();
    await panel.screenshot({ path: path.join(OUT, "narrow.png") });
  } finally {
    await panel.setViewportSize({ width: 1280, height: 800 });
  }
});

test("reading: a Markdown answer light and dark, an image input, a trace's chat, a root's summary", async () => {
  await app.evaluate(makeReadingCalls, { models: MODELS, hostile: HOSTILE_PROMPT });
  await app.getByRole("button", { name: "Trigger a rate limit" }).click();
  await waitFor(async () => {
    const { spans } = await readStore(ext);
    return spans.some((s) => s.attributes["gen_ai.request.model"] === MODELS.long && s.endTime !== undefined) && spans.some((s) => s.status === "error" && s.endTime !== undefined) || undefined;
  }, "the reading calls", 30_000);
  const show = (model: string, tab: string) => waitFor(() => panel.evaluate(showSpan, { model, tab }).then((ok) => ok || undefined), `${model} in ${tab}`);
  const filter = (text: string) => panel.getByRole("searchbox", { name: "Filter" }).fill(text);

  await show(MODELS.markdown, "Output");
  await expect(panel.locator(".detail-pane .md table")).toBeVisible();
  await theme("light");
  await panel.screenshot({ path: path.join(OUT, "reading-markdown-light.png") });
  await theme("dark");
  await panel.screenshot({ path: path.join(OUT, "reading-markdown-dark.png") });
  await theme("light");

  await show(MODELS.vision, "Messages");
  await expect(panel.locator(".dt-thumb img")).toBeVisible();
  await panel.waitForFunction(() => (document.querySelector(".dt-thumb img") as HTMLImageElement | null)?.naturalWidth === 64);
  await panel.screenshot({ path: path.join(OUT, "reading-image.png") });

  await filter("");
  await openTrace("submit form#chat");
  await panel.getByRole("tab", { name: "Chat" }).click();
  await expect(panel.locator(".chat-message").first()).toBeVisible();
  await theme("dark");
  await panel.screenshot({ path: path.join(OUT, "reading-chat-dark.png") });
  await theme("light");

  await openTrace("Trigger a rate limit");
  await panel.getByRole("tab", { name: "Summary" }).click();
  await expect(panel.locator(".dt-failed")).toContainText("rate_limit_exceeded");
  await panel.screenshot({ path: path.join(OUT, "trace-summary.png") });
});
