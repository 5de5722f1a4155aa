/**
 * Issue 20 in Firefox ESR (reading.spec.ts is the Chromium copy): each renderer on captured
 * data, driven over WebDriver BiDi: Markdown with a table and coloured code, hostile markup kept
 * as text, an image input's thumbnail, an audio answer that plays, a collapsed thinking block, a
 * 500-message history rendered progressively, and a trace root's summary and chat.
 */
import { expect, test } from "@playwright/test";
import type { Page } from "puppeteer-core";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { waitFor } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { chatOrder, clickButton, conversationTurn, detailFacts, HOSTILE_PROMPT, makeReadingCalls, MODELS, showSpan } from "./support/reading";

let server: DemoServer;
let ff: FirefoxLaunched;
let panel: Page;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 1, firstTokenDelayMs: 5 });
  ff = await launchFirefox({ extension: true });
  const page = await ff.browser.newPage();
  await page.goto(server.origin);
  await page.evaluate(makeReadingCalls, { models: MODELS, hostile: HOSTILE_PROMPT });
  for (let n = 1; n <= 3; n++) await page.evaluate(conversationTurn, { n, model: MODELS.conversation });
  await page.click("#send");
  await page.waitForFunction(() => document.body.textContent?.includes("Your account is active"), { timeout: 30_000 });
  await page.click("#error");
  const store = await openExtensionPage(ff, "options.html");
  const spans = await waitFor(async () => {
    const d = await readFirefoxStore(store);
    const models = new Set(d.spans.map((s) => s.attributes["gen_ai.request.model"]));
    return Object.values(MODELS).every((m) => models.has(m)) && d.spans.some((s) => s.status === "error") && d.spans.every((s) => s.endTime !== undefined) ? d.spans : undefined;
  }, "every call stored", 30_000);
  panel = await openExtensionPage(ff, `panel.html?tabId=${spans[0]!.tabId}`);
  await panel.setViewport({ width: 1280, height: 900 });
});
test.afterAll(async () => {
  await ff?.close();
  await server?.close();
});

const show = (model: string, tab: string) => waitFor(() => panel.evaluate(showSpan, { model, tab }).then((ok) => ok || undefined), `${model} in ${tab}`);
const factsWhen = (what: string, ok: (f: Awaited<ReturnType<typeof detailFacts>>) => boolean) =>
  waitFor(async () => { const f = await panel.evaluate(detailFacts); return ok(f) ? f : undefined; }, what);

test("Firefox: each renderer on captured data, and hostile markup as text", async () => {
  // Markdown: a table, coloured code, a link's address; the raw switch.
  await show(MODELS.markdown, "Output");
  const md = await factsWhen("the Markdown table", (f) => f.tables > 0);
  expect(md.tableRows).toBe(4);
  expect(md.keywords).toBeGreaterThanOrEqual(3);
  expect(md.headings).toContain("Password reset, step by step");
  expect(md.urls.join(" ")).toContain("https://help.example.com/articles/reset");
  expect(await panel.evaluate(clickButton, "Raw text")).toBe(true);
  expect((await factsWhen("the raw text", (f) => f.tables === 0)).text).toContain("| Situation | What happens | Wait |");
  expect(await panel.evaluate(clickButton, "Rendered")).toBe(true);

  // Hostile markup in the prompt and in the answer.
  for (const tab of ["Messages", "Output"]) {
    await show(MODELS.hostile, tab);
    const f = await factsWhen("the hostile text", (x) => x.text.includes("window.__xss"));
    expect(f.text).toContain("<script>window.__xss");
    expect(f.forbidden).toEqual([]);
    expect(f.handlers).toBe(0);
    expect(f.xss).toBeUndefined();
  }

  // An image input: a thumbnail drawn from a blob: URL (the CSP allows it), the SVG not drawn.
  await show(MODELS.vision, "Messages");
  const img = await factsWhen("the thumbnail loaded", (f) => f.thumbs.length > 0 && f.thumbs[0]!.width > 0);
  expect(img.thumbs[0]!.src).toMatch(/^blob:/);
  expect(img.thumbs[0]!.width).toBe(64);
  expect(img.text).toContain("SVG is not drawn here");
  await panel.evaluate(() => document.querySelector<HTMLElement>(".dt-thumb")?.click());
  await waitFor(() => panel.evaluate(() => document.querySelector("dialog.dt-lightbox[open] img") !== null || undefined), "the full-size image");
  await panel.evaluate(() => document.querySelector<HTMLDialogElement>("dialog.dt-lightbox[open]")?.close());

  // An audio answer streamed in pieces: playable.
  await show(MODELS.audio, "Output");
  const audio = await factsWhen("the audio's metadata", (f) => f.audios.length > 0 && f.audios[0]!.duration > 0);
  expect(audio.audios[0]!.duration).toBeCloseTo(0.6, 1);
  expect(audio.text).toContain("Your account is active. A reset link is on its way.");

  // Thinking: collapsed in its own block; redacted thinking marked; Gemini's with its token count.
  await show(MODELS.thinking, "Output");
  const thinking = await factsWhen("the reasoning block", (f) => f.reasoning.length > 0);
  expect(thinking.reasoning[0]!.open).toBe(false);
  expect(thinking.reasoning[0]!.summary).toContain("Reasoning");
  expect(thinking.redacted).toBe(1);
  await show(MODELS.geminiThinking, "Output");
  const gemini = await factsWhen("Gemini's thoughts", (f) => f.reasoning.length > 0);
  expect(gemini.reasoning[0]!.summary).toMatch(/Reasoning · \d+ tokens · \d+ characters/);

  // 500 messages: a screenful at once, the rest as they scroll into view.
  await show(MODELS.long, "Messages");
  const long = await factsWhen("the first message", (f) => f.text.includes("Question 0"));
  expect(long.messages).toBeLessThan(100);
  expect(long.lazy).toBeGreaterThan(400);
  await waitFor(async () => {
    await panel.evaluate(() => { const el = document.querySelector(".detail-pane .dt-panel")!; el.scrollTop += 4000; });
    return (await panel.evaluate(detailFacts)).text.includes("Question 499: the last one.") || undefined;
  }, "the last message after scrolling");
});

test("Firefox: a trace root's summary links to the failing span; its chat lists the turn in order; a conversation as one chat", async () => {
  await panel.evaluate(() => {
    const filter = document.querySelector<HTMLInputElement>('input[aria-label="Filter"]')!;
    filter.value = "";
    filter.dispatchEvent(new Event("input", { bubbles: true }));
  });
  const openTab = (name: string) => waitFor(() => panel.evaluate((n) => {
    const tab = [...document.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent === n);
    tab?.click();
    return tab?.getAttribute("aria-selected") === "true" || undefined;
  }, name), `the ${name} tab`);
  const selectTrace = (text: string) => waitFor(() => panel.evaluate((t) => {
    const row = [...document.querySelectorAll<HTMLElement>(".trace-row")].find((r) => r.textContent?.includes(t));
    row?.click();
    return row?.classList.contains("is-selected") || undefined;
  }, text), text);

  await selectTrace("Trigger a rate limit");
  await openTab("Summary");
  const summary = await factsWhen("the failed step", (f) => f.text.includes("rate_limit_exceeded"));
  expect(summary.text).toContain("1 failed step");
  await panel.evaluate(() => document.querySelector<HTMLElement>(".dt-failed button")?.click());
  await waitFor(() => panel.evaluate(() => document.querySelector(".dt-head")?.textContent?.includes("429") || undefined), "the failing span selected");

  await selectTrace("submit form#chat");
  await openTab("Chat");
  const order = await waitFor(() => panel.evaluate(chatOrder).then((o) => (o.length ? o : undefined)), "the chat");
  expect(order).toEqual(["step retrieval", "system", "user", "assistant tool call", "step tool", "tool", "assistant"]);
  await panel.evaluate(() => [...document.querySelectorAll<HTMLElement>(".chat-message.is-output .chat-span-link")].pop()?.click());
  await waitFor(() => panel.evaluate(() => document.querySelector(".wf-row.is-selected")?.textContent?.includes("chat gpt-4o-mini") || undefined), "the answer's span selected");

  // A conversation of three turns (three traces), read whole from its last turn's root.
  await panel.evaluate((m) => {
    const filter = document.querySelector<HTMLInputElement>('input[aria-label="Filter"]')!;
    filter.value = `model:${m}`;
    filter.dispatchEvent(new Event("input", { bubbles: true }));
  }, MODELS.conversation);
  await waitFor(() => panel.evaluate(() => document.querySelectorAll(".trace-row").length === 3 || undefined), "the three turns");
  await selectTrace("conversation turn 3");
  await openTab("Chat");
  await waitFor(() => panel.evaluate(() => {
    const b = [...document.querySelectorAll<HTMLElement>(".chat-bar button")].find((x) => x.textContent === "Whole conversation (3 turns)");
    b?.click();
    return b?.getAttribute("aria-pressed") === "true" || undefined;
  }), "the whole conversation");
  await waitFor(async () => JSON.stringify(await panel.evaluate(chatOrder)) === JSON.stringify(["turn 1", "user", "assistant", "turn 2", "user", "assistant", "turn 3", "user", "assistant"]) || undefined, "three turns, each message once");
});
