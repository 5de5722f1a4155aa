/**
 * From requests to traces in real browsers: the demo's support-bot question (retrieval, a
 * streamed chat with a tool call, the tool's request, a second streamed chat) is ONE trace
 * rooted at the submit, nested as the user would tell it, in IndexedDB and in the panel; the
 * app's performance marks make a trace of their own. Chromium and Firefox.
 */
import { expect, test } from "@playwright/test";
import { startDemoServer, type DemoServer } from "../../demo/server";
import type { SpanRecord } from "../../src/core/contract";
import { launchWithExtension, openPanelTab, readStore, waitFor } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore } from "./support/firefox";

let server: DemoServer;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 5, firstTokenDelayMs: 40 });
});
test.afterAll(async () => {
  await server.close();
});

/** The support-bot trace as an outline: [depth, kind, name] in tree order. */
function outline(spans: SpanRecord[], rootId: string): [number, string, string][] {
  const out: [number, string, string][] = [];
  const walk = (id: string, depth: number) => {
    const span = spans.find((s) => s.spanId === id)!;
    out.push([depth, span.kind, span.name]);
    spans.filter((s) => s.parentSpanId === id).sort((a, b) => a.startTime - b.startTime).forEach((c) => walk(c.spanId, depth + 1));
  };
  walk(rootId, 0);
  return out;
}

const SUPPORT_BOT: [number, string, string][] = [
  [0, "interaction", "submit form#chat"],
  [1, "embedding", "embeddings text-embedding-3-small"],
  [1, "retrieval", "retrieval support-docs"],
  [1, "llm", "chat gpt-4o-mini"],
  [1, "tool", "execute_tool check_account_status"],
  [2, "http", "GET /tools/account-status"],
  [1, "llm", "chat gpt-4o-mini"],
];

function supportBotTrace(spans: SpanRecord[]): [number, string, string][] | undefined {
  const root = spans.find((s) => s.name === "submit form#chat");
  if (!root || spans.some((s) => s.endTime === undefined)) return undefined;
  const tree = outline(spans.filter((s) => s.traceId === root.traceId), root.spanId);
  return tree.length === SUPPORT_BOT.length ? tree : undefined;
}

test("Chromium: the support-bot question is one nested trace in IndexedDB and in the panel", async () => {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.goto(server.origin);
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Your account is active").first().waitFor();
    await page.getByRole("button", { name: "Summarize policy (OpenAI Responses)" }).click();
    await page.getByText("locked accounts unlock after 15 minutes").first().waitFor();

    const spans = await waitFor(async () => {
      const { spans } = await readStore(ext);
      return supportBotTrace(spans) && spans.some((s) => s.name === "invoke_agent summarize policy") ? spans : undefined;
    }, "the assembled traces");
    expect(supportBotTrace(spans)).toEqual(SUPPORT_BOT);
    // Every parent id names a span of the same trace.
    for (const s of spans.filter((x) => x.parentSpanId && !x.attributes["llm_trace.trace_context"])) {
      expect(spans.find((p) => p.spanId === s.parentSpanId)?.traceId, s.name).toBe(s.traceId);
    }
    const marked = spans.find((s) => s.name === "invoke_agent summarize policy")!;
    expect(spans.filter((s) => s.parentSpanId === marked.spanId).map((s) => s.name)).toEqual(["chat gpt-4.1-mini"]);

    const panel = await openPanelTab(ext, spans[0]!.tabId);
    await panel.locator(".trace-row", { hasText: "submit form#chat" }).click();
    const rows = panel.locator(".wf-row");
    await expect(rows).toHaveCount(SUPPORT_BOT.length);
    const levels = await rows.evaluateAll((els) => els.map((el) => [Number(el.getAttribute("aria-level")) - 1, el.textContent ?? ""]));
    expect(levels.map(([depth]) => depth)).toEqual(SUPPORT_BOT.map(([depth]) => depth));
    SUPPORT_BOT.forEach(([, , name], i) => expect(levels[i]![1]).toContain(name));
    await expect(panel.locator(".trace-row", { hasText: "invoke_agent summarize policy" })).toBeVisible();
  } finally {
    await ext.close();
  }
});

test("Firefox: the support-bot question is one nested trace in IndexedDB and in the panel", async () => {
  const ff = await launchFirefox({ extension: true });
  try {
    const page = await ff.browser.newPage();
    await page.goto(server.origin);
    await page.locator("#send").click();
    await page.waitForFunction(() => document.body.textContent?.includes("Your account is active"));
    const store = await openExtensionPage(ff, "options.html");
    const spans = await waitFor(async () => {
      const { spans } = await readFirefoxStore(store);
      return supportBotTrace(spans) ? spans : undefined;
    }, "the assembled trace in Firefox");
    expect(supportBotTrace(spans)).toEqual(SUPPORT_BOT);

    const panel = await openExtensionPage(ff, `panel.html?tabId=${spans[0]!.tabId}`);
    await waitFor(async () => (await panel.evaluate(() => {
      const row = [...document.querySelectorAll<HTMLElement>(".trace-row")].find((r) => r.textContent?.includes("submit form#chat"));
      row?.click();
      return document.querySelectorAll(".wf-row").length;
    })) === SUPPORT_BOT.length || undefined, "the nested trace in the Firefox panel");

    // Filtering, the keyboard, and a model span's messages, tokens and timing, in Firefox too.
    await panel.type('input[aria-label="Filter"]', "retrieval");
    await waitFor(async () => (await panel.evaluate(() => document.querySelectorAll(".trace-row").length)) === 1 || undefined, "the filtered list");
    await panel.focus(".wf-rows");
    await panel.keyboard.press("ArrowDown");
    await panel.keyboard.press("ArrowDown");
    await panel.keyboard.press("ArrowDown");
    await waitFor(async () => (await panel.evaluate(() => document.querySelector(".wf-row.is-selected")?.textContent ?? "")).includes("chat gpt-4o-mini") || undefined, "the model call selected by keyboard");
    await panel.keyboard.press("Enter");
    const detail = () => panel.evaluate(() => document.querySelector(".detail-pane")?.textContent ?? "");
    await waitFor(async () => (await detail()).includes("How do I reset my account password?") || undefined, "its messages");
    for (const [tab, expected] of [["Usage & cost", /166/], ["Timing", /first token/i]] as const) {
      await panel.evaluate((t) => [...document.querySelectorAll<HTMLElement>('[role="tab"]')].find((e) => e.textContent?.includes(t))?.click(), tab);
      await waitFor(async () => expected.test(await detail()) || undefined, `the ${tab} tab`);
    }
  } finally {
    await ff.close();
  }
});
