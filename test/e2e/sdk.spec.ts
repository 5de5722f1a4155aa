/**
 * The official SDKs and frameworks in a real page, in Chromium (issue 3; issue 14: the newest
 * majors). A page bundling openai, @anthropic-ai/sdk, ollama, @langchain/openai, @google/genai
 * and ai + @ai-sdk/openai in browser mode calls their hosts (test/e2e/pages/sdk/), which
 * Chromium resolves to the local mock (demo/mock-llm.ts) over HTTPS
 * (test/e2e/support/sdk-bundle.ts). For every call, the span the extension stored must say what
 * the SDK handed the page (test/e2e/support/sdk-expect.ts). Then the panel must list the
 * model spans. The same page and checks run in Firefox: sdk-firefox.spec.ts.
 */
import { expect, test } from "@playwright/test";
import type { SdkCall } from "./pages/sdk/page";
import { launchWithExtension, openPanelTab, readStore, type WithExtension } from "./support/chromium";
import { chromiumArgsFor, startSdkSite, type SdkServer } from "./support/sdk-bundle";
import { checkSdkSpans, findCallSpans, MOCK_OPTIONS, SDK_CONFIG } from "./support/sdk-expect";

let server: SdkServer;
let ext: WithExtension;
let calls: SdkCall[];

test.beforeAll(async () => {
  server = await startSdkSite(MOCK_OPTIONS);
  ext = await launchWithExtension(chromiumArgsFor(server));
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/sdk/index.html`);
  calls = await page.evaluate((config) => window.sdk.run(config), SDK_CONFIG);
});

test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

test("Chromium: spans of calls made through the SDKs equal what the SDKs returned", async () => {
  await checkSdkSpans(calls, () => readStore(ext));
});

test("the panel lists the SDK calls' model spans: traces by model, waterfall rows by span name", async () => {
  const { found } = await findCallSpans(() => readStore(ext), calls);
  const spans = found.flatMap(({ call, spans }) => (spans.at(-1) && call.api !== "mcp" ? [{ call, span: spans.at(-1)! }] : []));
  expect(spans.length).toBeGreaterThan(0);
  const panel = await openPanelTab(ext, spans[0]!.span.tabId);
  for (const { call, span } of spans) {
    await test.step(call.label, async () => {
      // A trace row names the models of its model spans (the model the SDK got back).
      const row = panel.locator(".trace-row", { hasText: call.model }).first();
      await expect.soft(row, `a trace row listing ${call.model}`).toBeVisible();
      await row.click();
      // The waterfall renders only the rows in view: scroll it to the span's row.
      const wfRow = panel.locator(".wf-row", { hasText: span.name }).first();
      const list = panel.locator(".virtual-list:has(.wf-row)").first();
      for (let i = 0; i < 20 && !(await wfRow.isVisible()); i++) await list.evaluate((el) => el.scrollBy(0, el.clientHeight / 2));
      await expect.soft(wfRow, `a waterfall row "${span.name}"`).toBeVisible();
    });
  }
  await panel.close();
});
