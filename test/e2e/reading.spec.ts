/**
 * Issue 20 in Chromium: captured answers read as they were meant (Markdown with a table and
 * coloured code, an image input as a thumbnail, an audio answer that plays, a collapsed thinking
 * block, a 500-message history that renders progressively), hostile markup kept as text, a trace
 * root's summary and chat, and the theme following the system's switch live. The same cases run
 * in Firefox (reading-firefox.spec.ts).
 */
import { expect, test, type Page } from "@playwright/test";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";
import { chatOrder, conversationTurn, detailFacts, HOSTILE_PROMPT, makeReadingCalls, MODELS, showSpan } from "./support/reading";

let server: DemoServer;
let ext: WithExtension;
let panel: Page;
const dialogs: string[] = [];
const remoteRequests: string[] = [];

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 1, firstTokenDelayMs: 5 });
  ext = await launchWithExtension();
  const page = await ext.context.newPage();
  await page.goto(server.origin);
  await page.evaluate(makeReadingCalls, { models: MODELS, hostile: HOSTILE_PROMPT });
  for (let n = 1; n <= 3; n++) {
    await page.evaluate(conversationTurn, { n, model: MODELS.conversation });
  }
  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Your account is active").first().waitFor();
  await page.getByRole("button", { name: "Trigger a rate limit" }).click();
  const { spans } = await waitFor(async () => {
    const d = await readStore(ext);
    const models = new Set(d.spans.map((s) => s.attributes["gen_ai.request.model"]));
    return Object.values(MODELS).every((m) => models.has(m)) && d.spans.some((s) => s.status === "error") && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
  }, "every call stored", 30_000);
  panel = await openPanelTab(ext, spans[0]!.tabId);
  panel.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
  panel.on("request", (r) => { if (!/^(chrome-extension|blob|data):/.test(r.url())) remoteRequests.push(r.url()); });
  await panel.setViewportSize({ width: 1280, height: 900 });
});
test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

const show = (model: string, tab: string) => waitFor(() => panel.evaluate(showSpan, { model, tab }).then((ok) => ok || undefined), `${model} in ${tab}`);
const facts = () => panel.evaluate(detailFacts);

test("a Markdown answer: headings, a table, coloured code, links as text; the raw switch shows it as captured", async () => {
  await show(MODELS.markdown, "Output");
  const f = await waitFor(async () => { const x = await facts(); return x.tables > 0 ? x : undefined; }, "the table");
  expect(f.headings).toContain("Password reset, step by step");
  expect(f.tableRows).toBe(4);
  expect(f.keywords).toBeGreaterThanOrEqual(3);
  expect(f.codeLangs).toEqual(["js"]);
  expect(f.urls.join(" ")).toContain("https://help.example.com/articles/reset");
  expect(f.forbidden).toEqual([]);
  await panel.getByRole("button", { name: "Raw text" }).first().click();
  const raw = await facts();
  expect(raw.tables).toBe(0);
  expect(raw.text).toContain("| Situation | What happens | Wait |");
  expect(raw.text).toContain("```js");
  await panel.getByRole("button", { name: "Rendered" }).first().click();
  await expect(panel.locator(".detail-pane .md table")).toHaveCount(1);
});

test("hostile markup in a prompt and an answer stays text: no element, no handler, no script, no dialog", async () => {
  for (const tab of ["Messages", "Output"]) {
    await show(MODELS.hostile, tab);
    const f = await waitFor(async () => { const x = await facts(); return x.text.includes("window.__xss") ? x : undefined; }, "the hostile text");
    expect(f.text).toContain("<script>window.__xss = 'script'</script>");
    expect(f.text).toContain(`<img src=x onerror="window.__xss='img'">`);
    expect(f.text).toContain("<svg onload=");
    expect(f.text).toContain("<iframe src=");
    // Markdown inside literal HTML is still Markdown: the emphasis renders, the tags stay text.
    expect(f.text).toContain("<div>bold inside HTML <b onmouseover=");
    expect(f.text).toContain("[click me](javascript:window.__xss='md-link')");
    expect(f.forbidden).toEqual([]);
    expect(f.handlers).toBe(0);
    expect(f.xss).toBeUndefined();
  }
  // The Markdown image is shown by its address, never loaded.
  expect((await facts()).urls.join(" ")).toContain("https://tracker.example.com/pixel.gif");
  await panel.waitForTimeout(300);
  expect(dialogs).toEqual([]);
  expect(remoteRequests).toEqual([]);
});

test("image inputs: a thumbnail that opens full size, an SVG not drawn, a remote image not loaded", async () => {
  await show(MODELS.vision, "Messages");
  const f = await waitFor(async () => { const x = await facts(); return x.thumbs.length > 0 && x.thumbs[0]!.width > 0 ? x : undefined; }, "the thumbnail loaded");
  expect(f.thumbs).toHaveLength(1);
  expect(f.thumbs[0]!.src).toMatch(/^blob:/);
  expect(f.thumbs[0]!.width).toBe(64);
  expect(f.text).toContain("image/png");
  expect(f.text).toContain("SVG is not drawn here");
  expect(f.text).toContain("https://images.example.com/photo.jpg");
  expect(f.text).toContain("at a remote address, not loaded");
  await panel.locator(".dt-thumb").click();
  await expect(panel.locator("dialog.dt-lightbox[open] img")).toBeVisible();
  await panel.keyboard.press("Escape");
  await expect(panel.locator("dialog.dt-lightbox[open]")).toHaveCount(0);
  expect(f.xss).toBeUndefined();
  expect(remoteRequests).toEqual([]);
});

test("an audio answer streamed in pieces plays in an audio element, with its transcript", async () => {
  await show(MODELS.audio, "Output");
  const f = await waitFor(async () => { const x = await facts(); return x.audios.length > 0 && x.audios[0]!.duration > 0 ? x : undefined; }, "the audio's metadata");
  expect(f.audios[0]!.src).toMatch(/^blob:/);
  expect(f.audios[0]!.duration).toBeCloseTo(0.6, 1);
  expect(f.text).toContain("Your account is active. A reset link is on its way.");
  expect(f.text).toContain("audio/wav");
});

test("thinking in its own collapsed block, redacted thinking marked, the reasoning token count shown", async () => {
  await show(MODELS.thinking, "Output");
  const f = await waitFor(async () => { const x = await facts(); return x.reasoning.length > 0 ? x : undefined; }, "the reasoning block");
  expect(f.reasoning).toEqual([{ open: false, summary: expect.stringContaining("Reasoning") as unknown as string }]);
  expect(f.redacted).toBe(1);
  expect(f.text.toLowerCase()).toContain("redacted reasoning");
  await panel.locator("details.dt-reasoning > summary").click();
  await expect(panel.locator("details.dt-reasoning")).toContainText("The user asks about lockouts");
  // Gemini reports its thoughts' tokens: the block says how many.
  await show(MODELS.geminiThinking, "Output");
  const g = await waitFor(async () => { const x = await facts(); return x.reasoning.length > 0 ? x : undefined; }, "Gemini's thoughts");
  expect(g.reasoning[0]!.summary).toMatch(/Reasoning · \d+ tokens · \d+ characters/);
});

test("a 500-message history renders progressively: the first messages at once, the rest as they scroll into view", async () => {
  await show(MODELS.long, "Messages");
  const first = await waitFor(async () => { const x = await facts(); return x.text.includes("Question 0") ? x : undefined; }, "the first message");
  expect(first.messages).toBeLessThan(100);
  expect(first.lazy).toBeGreaterThan(400);
  for (let i = 0; i < 60 && !(await facts()).text.includes("Question 499: the last one."); i++) {
    await panel.locator(".detail-pane .dt-panel").evaluate((el) => (el.scrollTop += 4000));
    await panel.waitForTimeout(50);
  }
  expect((await facts()).text).toContain("Question 499: the last one.");
});

test("a trace root: its summary with links to the failing span, and its chat in order with links to each span", async () => {
  await panel.evaluate(() => {
    const filter = document.querySelector<HTMLInputElement>('input[aria-label="Filter"]')!;
    filter.value = "";
    filter.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await panel.locator(".trace-row", { hasText: "Trigger a rate limit" }).first().click();
  await panel.getByRole("tab", { name: "Summary" }).click();
  const detail = panel.locator(".detail-pane");
  await expect(detail).toContainText("1 failed step");
  await expect(detail).toContainText("rate_limit_exceeded");
  await detail.locator(".dt-failed button").first().click();
  await expect(panel.locator(".wf-row.is-selected")).toContainText("chat");
  await expect(panel.locator(".dt-head")).toContainText("429");

  await panel.locator(".trace-row", { hasText: "submit form#chat" }).first().click();
  await panel.getByRole("tab", { name: "Summary" }).click();
  await expect(detail).toContainText("model calls");
  await expect(detail).toContainText("Every step succeeded.");
  await panel.getByRole("tab", { name: "Chat" }).click();
  // Each message once, in the order it happened, with the retrieval and the tool's run between.
  expect(await panel.evaluate(chatOrder)).toEqual(["step retrieval", "system", "user", "assistant tool call", "step tool", "tool", "assistant"]);
  await expect(detail.locator(".chat-message")).toContainText(["How do I reset my account password?"]);
  await detail.locator(".chat-message.is-output .chat-span-link").last().click();
  await expect(panel.locator(".wf-row.is-selected")).toContainText("chat gpt-4o-mini");
  await expect(panel.getByRole("tab", { name: "Messages" })).toHaveAttribute("aria-selected", "true");
});

test("a conversation of three turns read as one chat: each message once, under its turn", async () => {
  await panel.getByRole("searchbox", { name: "Filter" }).fill(`model:${MODELS.conversation}`);
  await expect(panel.locator(".trace-row")).toHaveCount(3);
  await panel.locator(".trace-row").last().click();
  await panel.getByRole("tab", { name: "Chat" }).click();
  await expect(panel.locator(".chat-bar")).toContainText("Whole conversation (3 turns)");
  expect(await panel.evaluate(chatOrder)).toEqual(["user", "assistant"]);
  await panel.getByRole("button", { name: "Whole conversation (3 turns)" }).click();
  await expect.poll(() => panel.evaluate(chatOrder)).toEqual(["turn 1", "user", "assistant", "turn 2", "user", "assistant", "turn 3", "user", "assistant"]);
  await expect(panel.locator(".detail-pane .chat-message").nth(4)).toContainText("Turn 3: tell me about step 3.");
  await panel.getByRole("button", { name: /This turn/ }).click();
  await panel.getByRole("searchbox", { name: "Filter" }).fill("");
});

test("opened as a page, the panel follows the system's light/dark switch live", async () => {
  await panel.emulateMedia({ colorScheme: "light" });
  await expect(panel.locator("html")).toHaveAttribute("data-theme", "light");
  await panel.emulateMedia({ colorScheme: "dark" });
  await expect(panel.locator("html")).toHaveAttribute("data-theme", "dark");
  await panel.emulateMedia({ colorScheme: "light" });
  await expect(panel.locator("html")).toHaveAttribute("data-theme", "light");
});
