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
import type { LiveResult } from "./pages/live/page";
import { launchWithExtension, openPanelTab, readStore, type WithExtension } from "./support/chromium";
import { checkLiveSpans, liveSpans } from "./support/live-expect";
import { createLiveMock } from "./support/live-mock";
import { chromiumArgsFor, startSdkSite, type SdkServer } from "./support/sdk-bundle";
import { MOCK_OPTIONS } from "./support/sdk-expect";
import { LIVE_PAGE_DIR } from "./support/paths";

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
