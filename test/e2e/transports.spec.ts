/**
 * Live sessions over WebSockets and a native EventSource, in Chromium (issue 21): the page
 * (test/e2e/pages/live/) talks to OpenAI Realtime through openai's OpenAIRealtimeWebSocket and
 * to Gemini Live through @google/genai's ai.live.connect, both served by the WebSocket mock
 * (test/e2e/support/live-mock.ts) at the APIs' real hosts; every response the clients saw must
 * be a span of its session's trace with the same text, usage, tool calls and a real time to
 * first delta (test/e2e/support/live-expect.ts). The panel shows a realtime session; a HAR
 * exported with it passes Chrome DevTools' importer's checks and imports back. Firefox:
 * transports-firefox.spec.ts.
 */
import { expect, test } from "@playwright/test";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { wsMessages } from "../../src/core/contract";
import { importTraceFile } from "../../src/core/files";
import { chromeImporterProblems } from "../unit/files/chrome-importer";
import type { LiveResult } from "./pages/live/page";
import { launchWithExtension, openPanelTab, readStore, type WithExtension } from "./support/chromium";
import { checkLiveSpans, liveSpans } from "./support/live-expect";
import { SPOKEN_BYTES, createLiveMock } from "./support/live-mock";
import { chromiumArgsFor, startSdkSite, type SdkServer } from "./support/sdk-bundle";
import { MOCK_OPTIONS } from "./support/sdk-expect";
import { LIVE_PAGE_DIR, REPO_ROOT } from "./support/paths";

const SCREENSHOTS = path.join(REPO_ROOT, "docs", "screenshots");

let server: SdkServer;
let ext: WithExtension;
let result: LiveResult;

test.beforeAll(async () => {
  server = await startSdkSite(MOCK_OPTIONS, LIVE_PAGE_DIR, createLiveMock());
  ext = await launchWithExtension(chromiumArgsFor(server));
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/sdk/index.html`);
  result = await page.evaluate(() => window.live.run());
});

test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

test("Chromium: every live response is a span of its session's trace, as the official clients saw it", async () => {
  checkLiveSpans(await liveSpans(() => readStore(ext), result), result);
});

test("the panel shows a realtime session as a trace; its HAR export passes Chrome's importer checks and imports back", async () => {
  const stored = await liveSpans(() => readStore(ext), result);
  const root = stored.spans.find((s) => s.name.startsWith("OpenAI Realtime"))!;
  const panel = await openPanelTab(ext, root.tabId);
  await panel.setViewportSize({ width: 1280, height: 760 });
  const row = panel.locator(".trace-row", { hasText: "OpenAI Realtime" }).first();
  await expect(row).toBeVisible();
  await row.click();
  await expect(panel.locator(".wf-row", { hasText: "execute_tool get_weather" }).first()).toBeVisible();
  // The last response was spoken: its audio plays in the panel, decoded from the session's messages.
  await panel.locator(".wf-row", { hasText: "chat gpt-realtime" }).last().click();
  const player = panel.locator("audio.dt-audio").first();
  await expect(player).toBeVisible();
  const seconds = await player.evaluate((a: HTMLAudioElement) => new Promise<number>((resolve) => {
    if (a.readyState >= 1) resolve(a.duration);
    else a.addEventListener("loadedmetadata", () => resolve(a.duration), { once: true });
  }));
  expect(seconds).toBeCloseTo(SPOKEN_BYTES / 2 / 24_000, 2);
  await panel.screenshot({ path: path.join(SCREENSHOTS, "realtime-session.png") });
  // The session's own span: its messages both ways, like the Network panel's Messages tab.
  await panel.locator(".wf-row", { hasText: "OpenAI Realtime" }).first().click();
  await panel.getByRole("tab", { name: "Response" }).click();
  await expect(panel.getByText(/\d+ WebSocket messages/)).toBeVisible();
  await expect(panel.locator(".dt-event-name", { hasText: "↑ sent" }).first()).toBeVisible();
  await panel.screenshot({ path: path.join(SCREENSHOTS, "realtime-messages.png") });

  await panel.getByRole("button", { name: "Export" }).click();
  await panel.getByLabel(/All \(/).check();
  const download = panel.waitForEvent("download");
  await panel.getByRole("menuitem", { name: /HAR/ }).click();
  const file = path.join(test.info().outputDir, "live.har");
  await (await download).saveAs(file);
  const text = await readFile(file, "utf8");
  const har = JSON.parse(text);
  expect(chromeImporterProblems(har)).toEqual([]);
  const sockets = har.log.entries.filter((e: { _resourceType: string }) => e._resourceType === "websocket");
  expect(sockets).toHaveLength(3);
  const realtime = sockets.find((e: { request: { url: string } }) => e.request.url.includes("/v1/realtime"));
  expect(realtime.response.status).toBe(101);
  const received = realtime._webSocketMessages.filter((m: { type: string }) => m.type === "receive").map((m: { data: string }) => JSON.parse(m.data).type);
  expect(received).toContain("response.done");
  expect(realtime._span.spanId).toBe(root.spanId);
  // Its responses and tool calls are spans without an entry of their own.
  expect(har.log._spans.filter((s: { parentSpanId?: string }) => s.parentSpanId === root.spanId).length).toBeGreaterThanOrEqual(4);

  const back = importTraceFile(text, { now: 1 });
  expect(back.ok).toBe(true);
  if (!back.ok) return;
  const ids = (spans: { spanId: string }[]) => spans.map((s) => s.spanId).sort();
  expect(ids(back.session.spans)).toEqual(ids(stored.spans.filter((s) => s.tabId === root.tabId)));
  const again = back.session.exchanges.find((e) => e.id === realtime._exchange.id)!;
  expect(again.transport).toBe("websocket");
  expect(wsMessages(again.chunks).length).toBe(realtime._webSocketMessages.length);
  await panel.close();
});
