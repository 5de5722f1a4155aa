/**
 * Edit and resend (issue 18) in Chromium and Firefox, on the demo app against the mock: a
 * streamed OpenAI call and an Anthropic call sent again from the page with a changed
 * temperature. The new span is stored with the edited body, linked to the original
 * (llm_trace.replay.of) in a replay trace of its own, and no stored byte holds the API keys the
 * page sent; the compare view opens on original against replay. After a reload the page has
 * forgotten the keys: the editor says so and a header given for one send works, and is not
 * stored either. Screenshots of the editor (light and dark) with UPDATE_SCREENSHOTS=1.
 */
import { expect, test, type Page } from "@playwright/test";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { startDemoServer, type DemoServer } from "../../demo/server";
import type { SpanRecord } from "../../src/core/contract";
import { launchWithExtension, openContentWorld, openPanelTab, readStore, waitFor, type WithExtension } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore } from "./support/firefox";

type FirefoxPage = Awaited<ReturnType<typeof openExtensionPage>>;
import { REPO_ROOT } from "./support/paths";

const OUT = path.join(REPO_ROOT, process.env.UPDATE_SCREENSHOTS ? "docs/screenshots" : "artifacts/screenshots");
/** What the demo app sends: they must never reach storage. */
const SECRETS = ["sk-demo-not-a-real-key", "sk-ant-demo-not-a-real-key"];
const TYPED_KEY = "sk-typed-after-reload-0123456789";

let server: DemoServer;

test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  server = await startDemoServer(0, { tokenDelayMs: 2, firstTokenDelayMs: 10 });
});
test.afterAll(async () => {
  await server.close();
});

const requestJson = (ex: { request: { body?: { text?: string } } } | undefined): Record<string, unknown> => JSON.parse(ex?.request.body?.text ?? "{}") as Record<string, unknown>;

/** Everything stored, as one string, to look for secrets in. */
const everything = (store: unknown): string => JSON.stringify(store);

interface Stored {
  spans: SpanRecord[];
  exchanges: { id: string; request: { headers: [string, string][]; body?: { text?: string } } }[];
}

/** The replays of `original` in `store`, once `n` of them have ended. */
function replaysOf(store: Stored, original: SpanRecord, n: number): SpanRecord[] | undefined {
  const list = store.spans.filter((s) => s.kind === "llm" && s.attributes["llm_trace.replay.of"] === original.spanId && s.endTime !== undefined);
  return list.length >= n ? list : undefined;
}

async function editAndSend(panel: Page, temperature: string): Promise<void> {
  await panel.getByRole("button", { name: "Edit and resend" }).click();
  const editor = panel.getByRole("region", { name: "Edit and resend" });
  await editor.getByRole("tab", { name: "Parameters" }).click();
  await editor.getByLabel("temperature", { exact: true }).fill(temperature);
  await editor.getByRole("button", { name: "Send", exact: true }).click();
}

test("Chromium: a streamed OpenAI call and an Anthropic call edited and sent again from the page, linked, without secrets; after a reload the editor asks for credentials", async () => {
  const ext: WithExtension = await launchWithExtension();
  try {
    const app = await ext.context.newPage();
    await app.goto(server.origin);
    await app.click("#send");
    await app.waitForFunction(() => document.body.textContent?.includes("valid for 30 minutes."));
    await app.click("#agent");
    const first = await waitFor(async () => {
      const { spans } = await readStore(ext);
      const chat = spans.filter((s) => s.name === "chat gpt-4o-mini" && s.endTime !== undefined);
      const claude = spans.filter((s) => s.attributes["gen_ai.provider.name"] === "anthropic" && s.kind === "llm" && s.endTime !== undefined);
      return chat.length === 2 && claude.length >= 2 && spans.every((s) => s.endTime !== undefined) ? { chat: chat.sort((a, b) => a.startTime - b.startTime)[1]!, claude: claude[0]! } : undefined;
    }, "the support bot's and the agent's calls");

    const panel = await openPanelTab(ext, first.chat.tabId);
    await panel.setViewportSize({ width: 1280, height: 860 });

    // OpenAI, streamed: temperature 0.2 -> 0.9.
    await panel.locator(".trace-row", { hasText: "submit form#chat" }).click();
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).last().click();
    await panel.getByRole("button", { name: "Edit and resend" }).click();
    const editor = panel.getByRole("region", { name: "Edit and resend" });
    await expect(editor.getByLabel("Message 1 (system)")).toHaveValue(/You are Acme's support assistant/);
    await panel.screenshot({ path: path.join(OUT, "replay-editor.png") });
    await panel.emulateMedia({ colorScheme: "dark" });
    await panel.screenshot({ path: path.join(OUT, "replay-editor-dark.png") });
    await panel.emulateMedia({ colorScheme: "light" });
    await editor.getByRole("tab", { name: "Parameters" }).click();
    await editor.getByLabel("temperature", { exact: true }).fill("0.9");
    await editor.getByRole("button", { name: "Send", exact: true }).click();
    // One send opens original against replay.
    await expect(panel.getByRole("region", { name: "Compare" })).toContainText("Compare calls");
    await expect(panel.locator(".cmp-section", { hasText: "Parameters" }).locator("tr", { hasText: "temperature" })).toContainText(/0\.2\s*→\s*0\.9/);
    const chatReplay = (await waitFor(async () => replaysOf(await readStore(ext) as unknown as Stored, first.chat, 1), "the OpenAI replay stored"))[0]!;
    expect(chatReplay.status).toBe("ok");
    expect(chatReplay.attributes["gen_ai.request.temperature"]).toBe(0.9);
    expect(String(chatReplay.attributes["gen_ai.output.messages"])).toContain("valid for 30 minutes");
    const stored = await readStore(ext) as unknown as Stored;
    const root = stored.spans.find((s) => s.spanId === chatReplay.parentSpanId)!;
    expect(root.name).toBe("replay · chat gpt-4o-mini");
    expect(root.traceId).not.toBe(first.chat.traceId);
    expect(requestJson(stored.exchanges.find((e) => e.id === chatReplay.spanId)).temperature).toBe(0.9);
    // The replay was sent with the page's key; none of it was stored.
    for (const secret of SECRETS) expect(everything(stored), secret).not.toContain(secret);
    expect(stored.exchanges.find((e) => e.id === chatReplay.spanId)!.request.headers.some(([n]) => n.toLowerCase() === "authorization")).toBe(true);

    // Anthropic: 0.5 (absent: added) -> 0.3; three sends show their spread.
    await panel.keyboard.press("Escape");
    await panel.getByRole("button", { name: "Close the editor" }).click();
    await panel.locator(".trace-row", { hasText: "agent" }).first().click();
    await panel.locator(".wf-row", { hasText: "claude" }).first().click();
    const claudeSpanId = await panel.evaluate(() => document.querySelector(".wf-row.is-selected")?.getAttribute("data-span-id"));
    const original = (await readStore(ext)).spans.find((s) => s.spanId === claudeSpanId) ?? first.claude;
    await panel.getByRole("button", { name: "Edit and resend" }).click();
    await editor.getByRole("tab", { name: "Parameters" }).click();
    await editor.getByLabel("temperature", { exact: true }).fill("0.3");
    await editor.getByLabel("Times").fill("3");
    await editor.getByRole("button", { name: "Resend N times" }).click();
    await expect(editor.getByRole("status")).toContainText("Done: 3 new calls");
    await expect(editor.getByLabel("Spread")).toContainText("3 sends");
    const claudeReplays = await waitFor(async () => replaysOf(await readStore(ext) as unknown as Stored, original, 3), "the Anthropic replays stored");
    expect(claudeReplays.map((s) => s.attributes["gen_ai.request.temperature"])).toEqual([0.3, 0.3, 0.3]);
    expect(new Set(claudeReplays.map((s) => s.traceId)).size, "one send, one trace").toBe(1);
    for (const secret of SECRETS) expect(everything(await readStore(ext)), secret).not.toContain(secret);

    // After a reload the page has forgotten the key: the editor asks for one, used once.
    await app.reload();
    await panel.getByRole("button", { name: "Close the editor" }).click();
    await panel.locator(".trace-row", { hasText: "submit form#chat" }).click();
    await panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).last().click();
    await editAndSend(panel, "0.5");
    await expect(editor.getByRole("status")).toContainText("its headers (API keys) are gone");
    await editor.getByLabel("Header value").fill(`Bearer ${TYPED_KEY}`);
    await editor.getByRole("button", { name: "Send with this header" }).click();
    await expect(panel.getByRole("region", { name: "Compare" })).toContainText("Compare calls");
    const afterReload = await waitFor(async () => {
      const list = replaysOf(await readStore(ext) as unknown as Stored, first.chat, 2);
      return list?.find((s) => s.attributes["gen_ai.request.temperature"] === 0.5);
    }, "the replay with a typed key");
    expect(afterReload.status).toBe("ok");
    expect(everything(await readStore(ext))).not.toContain(TYPED_KEY);

    // Only the panel can ask: the page posting a replay command, or a content script sending one
    // to the background, starts nothing.
    const replayCalls = async () => (await readStore(ext)).spans.filter((s) => s.kind === "llm" && s.attributes["llm_trace.replay.of"] !== undefined).map((s) => `${s.name} ${s.spanId}`).sort();
    const before = await replayCalls();
    const command = { source: "llm-trace", v: 1, type: "replay", requestId: "0123456789abcdef", originalId: first.chat.spanId, url: `${server.origin}/v1/chat/completions`, method: "POST", body: "{}", count: 1, headers: [["authorization", "Bearer x"]] };
    await app.evaluate((c) => { window.postMessage(c, "*"); window.dispatchEvent(new MessageEvent("message", { data: c })); }, command);
    const world = await openContentWorld(ext, app);
    await world.evaluate(`chrome.runtime.sendMessage(${JSON.stringify(command)}).catch(() => undefined).then(() => undefined)`);
    await world.close();
    await app.evaluate(() => fetch("/tools/account-status?email=after-forged-replays").then((r) => r.text()));
    await waitFor(async () => JSON.stringify((await readStore(ext)).exchanges).includes("after-forged-replays") || undefined, "a later call stored");
    expect(await replayCalls(), "no replay from the page").toEqual(before);
  } finally {
    await ext.close();
  }
});

/** In the Firefox panel: select `spanId` in the trace named `trace`, open the editor, set the temperature, and send. */
async function firefoxEditAndSend(panel: FirefoxPage, trace: string, spanId: string, temperature: string): Promise<void> {
  await waitFor(async () => (await panel.evaluate((t, id) => {
    document.querySelector<HTMLButtonElement>('[aria-label="Close compare"]')?.click();
    document.querySelector<HTMLButtonElement>('[aria-label="Close the editor"]')?.click();
    [...document.querySelectorAll<HTMLElement>(".trace-row")].find((r) => r.textContent?.includes(t))?.click();
    const row = document.querySelector<HTMLElement>(`.wf-row[data-span-id="${id}"]`);
    row?.click();
    const button = [...document.querySelectorAll<HTMLButtonElement>("button")].find((b) => b.textContent === "Edit and resend");
    if (!row || !button) return false;
    button.click();
    return true;
  }, trace, spanId)) || undefined, "the editor in Firefox");
  await waitFor(async () => (await panel.evaluate((value) => {
    [...document.querySelectorAll<HTMLElement>('[role="tab"]')].find((t) => t.textContent === "Parameters")?.click();
    const input = [...document.querySelectorAll<HTMLLabelElement>(".replay-params label")].find((l) => l.textContent?.trim().startsWith("temperature"))?.querySelector("input");
    if (!input) return false;
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    [...document.querySelectorAll<HTMLButtonElement>("button")].find((b) => b.textContent === "Send")?.click();
    return true;
  }, temperature)) || undefined, "sent from Firefox").catch(async (error: unknown) => {
    throw new Error(`${String(error)}; the panel shows: ${await panel.evaluate(() => document.querySelector(".right-pane")?.textContent ?? "")}`);
  });
}

test("Firefox: an OpenAI and an Anthropic call edited and sent again from the page, stored, linked, without the keys; after a reload the editor asks for credentials", async () => {
  const ff = await launchFirefox({ extension: true });
  try {
    const app = await ff.browser.newPage();
    await app.goto(server.origin);
    await app.click("#send");
    await app.waitForFunction(() => document.body.textContent?.includes("valid for 30 minutes."));
    await app.click("#agent");
    const store = await openExtensionPage(ff, "options.html");
    const first = await waitFor(async () => {
      const { spans } = await readFirefoxStore(store);
      const chat = spans.filter((s) => s.name === "chat gpt-4o-mini" && s.endTime !== undefined).sort((a, b) => a.startTime - b.startTime);
      const claude = spans.filter((s) => s.attributes["gen_ai.provider.name"] === "anthropic" && s.kind === "llm" && s.endTime !== undefined);
      return chat.length === 2 && claude.length >= 2 && spans.every((s) => s.endTime !== undefined) ? { chat: chat[1]!, claude: claude[0]! } : undefined;
    }, "the support bot's and the agent's calls in Firefox");
    const panel = await openExtensionPage(ff, `panel.html?tabId=${first.chat.tabId}`);

    await firefoxEditAndSend(panel, "submit form#chat", first.chat.spanId, "0.9");
    const replay = (await waitFor(async () => replaysOf(await readFirefoxStore(store) as unknown as Stored, first.chat, 1), "the OpenAI replay stored in Firefox"))[0]!;
    expect(replay.status).toBe("ok");
    expect(replay.attributes["gen_ai.request.temperature"]).toBe(0.9);

    await firefoxEditAndSend(panel, "agent", first.claude.spanId, "0.3");
    const claude = (await waitFor(async () => replaysOf(await readFirefoxStore(store) as unknown as Stored, first.claude, 1), "the Anthropic replay stored in Firefox"))[0]!;
    expect(claude.status).toBe("ok");
    expect(claude.attributes["gen_ai.request.temperature"]).toBe(0.3);
    for (const secret of SECRETS) expect(everything(await readFirefoxStore(store))).not.toContain(secret);

    // After a reload the page has forgotten the keys: the editor says so.
    await app.reload();
    await firefoxEditAndSend(panel, "submit form#chat", first.chat.spanId, "0.5");
    await waitFor(async () => (await panel.evaluate(() => document.querySelector('[role="status"].replay-status')?.textContent ?? "")).includes("its headers (API keys) are gone") || undefined, "the editor asking for credentials in Firefox");
  } finally {
    await ff.close();
  }
});
