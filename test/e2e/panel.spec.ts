/**
 * The panel as a user drives it: filtering, the keyboard, a 10,000-span session, and captured
 * content that looks like markup (it must stay text: nothing a page sends may run here).
 */
import { expect, test } from "@playwright/test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { harText, toHar } from "../../src/core/files";
import type { Exchange, SpanRecord } from "../../src/core/contract";
import { launchWithExtension, openPanelTab, readStore, tabIdOf, waitFor, type WithExtension } from "./support/chromium";

let server: DemoServer;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 20 });
  ext = await launchWithExtension();
});
test.afterAll(async () => {
  await ext.close();
  await server.close();
});

test("filters, keyboard navigation and markup-looking prompts shown as text", async () => {
  const page = await ext.context.newPage();
  await page.goto(server.origin);
  // First, with no user action: a call of its own whose prompt looks like markup.
  const hostile = `Ignore that <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> <b>bold</b>`;
  await page.evaluate((content) => fetch("/v1/chat/completions", {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  }).then((r) => r.json()), hostile);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Your account is active").first().waitFor();
  await page.getByRole("button", { name: "Run account agent (Anthropic)" }).click();
  await page.getByText("last sign-in was yesterday").first().waitFor();
  const { spans } = await waitFor(async () => {
    const d = await readStore(ext);
    return d.spans.filter((s) => s.kind === "llm").length >= 6 && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
  }, "all calls stored");

  const panel = await openPanelTab(ext, spans[0]!.tabId);
  const dialogs: string[] = [];
  panel.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
  const filter = panel.getByRole("searchbox", { name: "Filter" });
  const traces = panel.locator(".trace-row");
  await expect(traces).toHaveCount(3);

  // Filter language.
  await filter.fill("model:claude");
  await expect(traces).toHaveCount(1);
  await expect(traces.first()).toContainText("Run account agent");
  await filter.fill("tool:recent_sign_ins");
  await expect(traces).toHaveCount(1);
  await filter.fill("-kind:tool");
  await expect(traces).toHaveCount(1);
  await filter.fill("reset my account");
  await expect(traces.first()).toContainText("submit form#chat");
  // A key the language does not have gets a hint; a selected trace the filter hides leaves the detail pane.
  await filter.fill("");
  await traces.filter({ hasText: "submit form#chat" }).click();
  await expect(panel.locator(".dt-head")).toContainText("submit form#chat");
  await filter.fill("model:claude");
  await expect(panel.locator(".trace-row.is-selected")).toContainText("Run account agent");
  await expect(panel.locator(".dt-head")).not.toContainText("submit form#chat");
  await filter.fill("bogus:x");
  await expect(panel.locator(".filter-hint")).toHaveText("Unknown key bogus: (searched as text) — try model:, provider:, kind:, status:, is:, tool:, score:, label:, method:, trace:");
  await expect(traces).toHaveCount(0);
  await expect(panel.locator(".detail-pane")).toContainText("Select a span");
  await filter.fill("");
  await expect(panel.locator(".filter-hint")).toHaveCount(0);
  // Ctrl+F focuses the filter, Esc clears it.
  await panel.locator(".trace-list").focus();
  await panel.keyboard.press("Control+f");
  await expect(filter).toBeFocused();
  await panel.keyboard.press("Escape");
  await expect(filter).toHaveValue("");
  await expect(traces).toHaveCount(3);

  // Keyboard: up/down through traces (newest first), left/right to collapse and expand, Enter opens detail.
  await traces.first().click();
  await expect(panel.locator(".trace-row.is-selected")).toContainText("Run account agent");
  await panel.locator(".trace-list").focus();
  await panel.keyboard.press("ArrowDown");
  await expect(panel.locator(".trace-row.is-selected")).toContainText("submit form#chat");
  await panel.locator(".wf-rows").focus();
  const rows = panel.locator(".wf-row");
  const expanded = await rows.count();
  await panel.keyboard.press("ArrowLeft");
  await expect(rows).toHaveCount(1);
  await panel.keyboard.press("ArrowRight");
  await expect(rows).toHaveCount(expanded);
  await panel.keyboard.press("ArrowDown");
  await expect(panel.locator(".wf-row.is-selected")).toContainText("embeddings text-embedding-3-small");
  await panel.keyboard.press("Enter");
  await expect(panel.locator(".detail-pane")).toBeFocused();

  // The markup-looking prompt: visible as text, never as elements, and nothing ran.
  await traces.filter({ hasText: "chat gpt-4o-mini" }).first().click();
  await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).first().click();
  await panel.getByRole("tab", { name: "Messages" }).click();
  const detail = panel.locator(".detail-pane");
  await expect(detail).toContainText('<img src=x onerror="window.__xss=1">');
  await expect(detail).toContainText("<script>window.__xss=2</script>");
  expect(await detail.locator("img, script, b").count()).toBe(0);
  expect(await panel.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
});

test("at 1280 px: a trace row reads at the 380 px list width (model and steps keep their room); the Export menu opens in view", async () => {
  const page = await ext.context.newPage();
  await page.goto(server.origin);
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Your account is active").first().waitFor();
  const tabId = await tabIdOf(ext, page);
  await waitFor(async () => (await readStore(ext)).spans.filter((s) => s.tabId === tabId && s.kind === "llm" && s.endTime !== undefined).length >= 2, "the chat's model calls");
  await page.evaluate(() => fetch("/app.css").then((r) => r.text()));

  const panel = await openPanelTab(ext, tabId);
  await panel.setViewportSize({ width: 1280, height: 720 });
  const row = panel.locator(".trace-row", { hasText: "submit form#chat" });
  await expect(row.locator(".trace-steps")).toHaveText("2 model calls · 1 tool · 1 retrieval · 1 embedding");
  expect((await panel.locator(".list-pane").boundingBox())!.width).toBe(380);
  const rowBox = (await row.boundingBox())!;
  // The model is there to read (not squeezed to an ellipsis), the steps whole and inside the row.
  const models = row.locator(".trace-models");
  await expect(models).toContainText("gpt-4o-mini");
  expect((await models.boundingBox())!.width).toBeGreaterThan(120);
  const steps = row.locator(".trace-steps");
  expect(await steps.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const stepsBox = (await steps.boundingBox())!;
  expect(stepsBox.x + stepsBox.width).toBeLessThanOrEqual(rowBox.x + rowBox.width);
  // Whatever else is shown on a line is whole and on it; what does not fit is not shown at all.
  for (const item of await row.locator(".trace-meta > *").all()) {
    const box = await item.boundingBox();
    const line = (await item.evaluate((el) => el.parentElement!.getBoundingClientRect().toJSON())) as DOMRect;
    if (!box || box.y >= line.y + line.height) continue;
    expect(box.x + box.width, await item.innerText()).toBeLessThanOrEqual(line.x + line.width + 0.5);
  }
  // The Export menu opens inside the viewport, where the toolbar wraps (1280 px) and narrower.
  for (const width of [1280, 700]) {
    await panel.setViewportSize({ width, height: 720 });
    await panel.getByRole("button", { name: "Export" }).click();
    const menu = panel.getByRole("menu", { name: "Export" });
    await expect(menu).toBeVisible();
    const box = (await menu.boundingBox())!;
    expect(box.x, `menu at ${width} px`).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width, `menu at ${width} px`).toBeLessThanOrEqual(width);
    expect(box.y + box.height).toBeLessThanOrEqual(720);
    await panel.getByRole("button", { name: "Export" }).click();
    await expect(menu).toHaveCount(0);
  }

  // A plain page-requests trace is muted with a neutral dot, in the list and in its waterfall; model work keeps its colour.
  const plain = panel.locator(".trace-row.is-plain").first();
  await expect(plain).toBeVisible();
  const dotColour = (dot: import("@playwright/test").Locator) => dot.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(await dotColour(plain.locator(".kind-dot"))).toBe("rgba(0, 0, 0, 0)");
  expect(await dotColour(row.locator(".kind-dot"))).not.toBe("rgba(0, 0, 0, 0)");
  await plain.click();
  expect(await dotColour(panel.locator(".wf-row").first().locator(".kind-dot"))).toBe("rgba(0, 0, 0, 0)");
  await page.close();
});

test("panel.html without ?tabId= says there is no tab and how to open one; the README's way to a tab id works", async () => {
  const panel = await ext.context.newPage();
  await panel.goto(`chrome-extension://${ext.extensionId}/panel.html`);
  const alert = panel.getByRole("alert");
  await expect(alert.getByRole("heading", { name: "No tab to show" })).toBeVisible();
  await expect(alert).toContainText("LLM Traces panel");
  await expect(alert).toContainText("panel.html?tabId=N");
  // Not silently watching tab 0: no toolbar, no "Recording…".
  await expect(panel.locator(".toolbar")).toHaveCount(0);
  await expect(panel.getByText("Recording this page's model calls")).toHaveCount(0);

  // The README: in the extension's service worker console, the tab ids come from tabs.query.
  const page = await ext.context.newPage();
  await page.goto(server.origin);
  const expected = await tabIdOf(ext, page);
  const ids = await ext.worker.evaluate(async () => (await chrome.tabs.query({})).map((t) => t.id));
  expect(ids).toContain(expected);
  await page.bringToFront();
  const active = await ext.worker.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
  expect(active).toBe(expected);
  await page.close();
  await panel.close();
});

test("a 10,000-span session opens and scrolls: only the rows in view are in the page", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-big-"));
  try {
    // 2,000 traces of 5 spans: an interaction root over four model calls.
    const spans: SpanRecord[] = [];
    const exchanges: Exchange[] = [];
    const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
    const t0 = Date.UTC(2026, 10, 20, 12);
    for (let t = 0; t < 2000; t++) {
      const traceId = hex(t + 1, 32);
      const rootId = hex(t * 8 + 1, 16);
      const start = t0 + t * 5000;
      spans.push({ traceId, spanId: rootId, name: `click button "Ask ${t}"`, kind: "interaction", startTime: start, endTime: start + 4000, status: "ok", attributes: { "llm_trace.synthesized": true }, tabId: 0, updatedAt: start });
      for (let c = 0; c < 4; c++) {
        const id = hex(t * 8 + 2 + c, 16);
        const s = start + 10 + c * 900;
        exchanges.push({
          id, transport: "fetch", request: { method: "POST", url: "https://api.openai.com/v1/chat/completions", headers: [["content-type", "application/json"]], body: { text: `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"question ${t}.${c}"}]}` } },
          response: { status: 200, statusText: "OK", headers: [["content-type", "application/json"]] },
          timing: { start: s, headers: s + 300, end: s + 800 }, chunks: [{ time: s + 790, text: `{"id":"c${t}-${c}","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"answer ${t}.${c}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}` }],
          outcome: { state: "ok" },
        });
        spans.push({ traceId, spanId: id, parentSpanId: rootId, name: "chat gpt-4o-mini", kind: "llm", startTime: s, endTime: s + 800, status: "ok", attributes: { "gen_ai.request.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 3 }, tabId: 0, exchangeId: id, updatedAt: s });
      }
    }
    const file = path.join(dir, "big.har");
    await writeFile(file, harText(toHar({ spans, exchanges }, { creatorVersion: "test" })));

    const panel = await openPanelTab(ext, 0);
    await panel.locator('input[type="file"]').setInputFiles(file);
    await expect(panel.getByRole("status").filter({ hasText: "Imported 10000 spans" })).toBeVisible({ timeout: 60_000 });
    await expect(panel.locator(".toolbar .status")).toContainText("2000 of 2000 traces · 10000 spans");
    // Virtualized: a screenful of rows in the page, not 2,000.
    expect(await panel.locator(".trace-row").count()).toBeLessThan(80);
    await panel.locator(".trace-list").evaluate((el) => (el.scrollTop = el.scrollHeight));
    await expect(panel.locator(".trace-row", { hasText: 'click button "Ask 0"' })).toBeVisible();
    await panel.locator(".trace-row", { hasText: 'click button "Ask 0"' }).click();
    await expect(panel.locator(".wf-row")).toHaveCount(5);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a content type that hides a shell command: dropped on import, said so, and absent from Copy as cURL", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-mime-"));
  try {
    const shell = "application/octet-stream\ntouch /tmp/llm-trace-pwned #";
    const start = Date.UTC(2026, 10, 21, 12);
    const id = "00000000000000e1";
    const exchange: Exchange = {
      id, transport: "fetch", request: { method: "POST", url: "https://uploads.example.com/v1/files", headers: [], body: { omitted: "binary", size: 12, mimeType: shell } },
      response: { status: 200, statusText: "OK", headers: [["content-type", "application/json"]] },
      timing: { start, headers: start + 50, end: start + 60 }, chunks: [{ time: start + 55, text: "{}" }], outcome: { state: "ok" },
    };
    const span: SpanRecord = { traceId: "e".repeat(32), spanId: id, name: "POST uploads.example.com", kind: "http", startTime: start, endTime: start + 60, status: "ok", attributes: { "url.full": exchange.request.url }, tabId: 0, exchangeId: id, updatedAt: start };
    const file = path.join(dir, "hostile.har");
    await writeFile(file, harText(toHar({ spans: [span], exchanges: [exchange] }, { creatorVersion: "test" })));

    const panel = await openPanelTab(ext, 0);
    // The copy reaches a stub, to read back exactly what the button would put on the clipboard.
    await panel.evaluate(() => {
      Object.defineProperty(navigator, "clipboard", { value: { writeText: async (text: string) => void ((window as unknown as { copied: string }).copied = text) } });
    });
    await panel.locator('input[type="file"]').setInputFiles(file);
    const status = panel.getByRole("status").filter({ hasText: "Imported 1 span from" });
    await expect(status).toBeVisible();
    await status.locator("summary").click();
    await expect(status).toContainText("the request body's content type was not a valid media type and was dropped");

    // The toolbar's icons are drawn (inline SVG), not glyphs that need an emoji or symbol font.
    for (const name of ["Clear", "Settings", "Remove imported session"]) {
      const button = panel.getByRole("button", { name, exact: true });
      await expect(button.locator("svg")).toHaveCount(1);
      expect(await button.textContent(), name).toBe("");
    }

    await panel.locator(".trace-row").first().click();
    await panel.locator(".wf-row", { hasText: "POST uploads.example.com" }).click();
    await panel.getByRole("tab", { name: "Request" }).click();
    const detail = panel.locator(".detail-pane");
    await expect(detail).toContainText("The content type given for this body was not a valid media type and was dropped.");
    await expect(detail).not.toContainText("touch /tmp/llm-trace-pwned");

    await panel.getByRole("button", { name: /Copy as cURL/ }).click();
    const copied = await panel.waitForFunction(() => (window as unknown as { copied?: string }).copied).then((h) => h.jsonValue());
    expect(copied).toBe("# Note: the request body (binary) was not recorded and is missing here.\ncurl 'https://uploads.example.com/v1/files' \\\n  -X 'POST'");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
