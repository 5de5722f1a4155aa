/** The panel inside the real Chrome DevTools window, inspecting a real tab. */
import { expect, test } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, waitFor, type WithExtension } from "./support/chromium";
import { openRealDevtoolsPanel } from "./support/devtools";

let server: TestServer;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startServer();
  ext = await launchWithExtension(["--auto-open-devtools-for-tabs"]);
});
test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

test("the LLM Traces panel in DevTools lists the inspected tab's calls live", async () => {
  const page = ext.context.pages()[0] ?? (await ext.context.newPage());
  await page.goto(`${server.origin}/pages/app.html`);
  const panel = await openRealDevtoolsPanel(ext);
  // The panel found its tab through devtools.inspectedWindow, not a URL parameter.
  expect(await panel.evaluate<string>("location.search")).toBe("");
  expect(await panel.evaluate<number>("chrome.devtools.inspectedWindow.tabId")).toBeGreaterThan(0);

  await page.evaluate(() => window.calls.json());
  await page.evaluate(() => window.calls.sse(3));
  // Both calls, close together and without model work, form one plain-requests trace.
  const rows = await waitFor(async () => {
    const texts = await panel.evaluate<string[]>(`(() => {
      document.querySelector(".trace-row")?.click();
      return [...document.querySelectorAll(".wf-row")].map((r) => r.textContent);
    })()`);
    return texts.some((t) => t.includes("GET /api/sse")) && texts.some((t) => t.includes("GET /api/json")) ? texts : undefined;
  }, "waterfall rows for both calls");
  expect(rows.length).toBeGreaterThanOrEqual(3);
  expect(await panel.evaluate<string>("document.querySelector('button[aria-label=\"Open in window\"]') ? 'yes' : 'no'")).toBe("yes");
});
