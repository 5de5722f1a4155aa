/**
 * The settings page's line to the background (docs/DESIGN.md, "The extension's pages"): its
 * calls go over its own port and are typed from the one message map; the port takes only the
 * methods the background has handlers for, answers none of a panel's calls, and is cut when
 * anything but an extension page opens it (a content script, and so a page that owns one).
 */
import { expect, test } from "@playwright/test";
import { startServer, type TestServer } from "./support/server";
import { launchWithExtension, openContentWorld, readStore, tabIdOf, waitFor, type WithExtension } from "./support/chromium";

let server: TestServer;
let ext: WithExtension;

test.beforeAll(async () => {
  [server, ext] = await Promise.all([startServer(), launchWithExtension()]);
});
test.afterAll(() => Promise.all([ext?.close(), server?.close()]));

/** Raw calls on a port of `name`, as a page would make them: the answers (or "cut") by call id. */
const callsOnPort = (name: string, calls: { id: number; method: string; params: unknown }[], until: number) => `new Promise((resolve) => {
  const out = {};
  const port = chrome.runtime.connect({ name: ${JSON.stringify(name)} });
  port.onMessage.addListener((m) => { out[m.id] = m.error !== undefined ? "error: " + m.error : "answered"; if (m.id === ${until}) resolve(out); });
  port.onDisconnect.addListener(() => { out.port = "cut"; resolve(out); });
  for (const c of ${JSON.stringify(calls)}) port.postMessage({ source: "llm-trace", v: 1, type: "rpc", ...c });
})`;

test("the settings page previews redaction on recent calls, asked over its port", async () => {
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/pages/app.html`);
  await page.evaluate(() => fetch("/api/echo?sample-for-preview", { method: "POST", body: '{"model":"m","messages":[]}' }).then((r) => r.text()));
  await waitFor(async () => (await readStore(ext)).exchanges.some((e) => e.request.url.includes("sample-for-preview") && e.outcome), "the call stored");

  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
  const select = options.getByLabel("Captured call to preview");
  await expect(select.locator("option", { hasText: "sample-for-preview" })).toHaveCount(1);
  await select.selectOption({ label: (await select.locator("option", { hasText: "sample-for-preview" }).textContent())! });
  await expect(options.getByLabel("Preview text")).toHaveValue(/POST .*sample-for-preview[\s\S]*"model":"m"/);
  await options.close();
  await page.close();
});

test("the settings port answers its own calls, refuses a panel's, and takes no method it has no handler for", async () => {
  const options = await ext.context.newPage();
  await options.goto(`chrome-extension://${ext.extensionId}/options.html`);
  const answers = await options.evaluate(callsOnPort("settings", [
    { id: 1, method: "listSpans", params: {} },
    { id: 2, method: "constructor", params: {} },
    { id: 3, method: "__proto__", params: {} },
    { id: 4, method: "getPushStatus", params: {} },
  ], 4));
  expect(answers).toEqual({ 1: "error: only a panel may make this call", 4: "answered" });
  await options.close();
});

test("a content script cannot open the pages' ports: cut at once, nothing answered or cleared", async () => {
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/pages/app.html`);
  const tabId = await tabIdOf(ext, page);
  const world = await openContentWorld(ext, page);
  try {
    for (const name of ["settings", `panel:${tabId}`]) {
      const answers = await world.evaluate(callsOnPort(name, [
        { id: 1, method: "clearAllData", params: { settings: true } },
        { id: 2, method: "clearTab", params: {} },
        { id: 3, method: "listSpans", params: {} },
      ], 3));
      expect(answers, name).toEqual({ port: "cut" });
    }
  } finally {
    await world.close();
  }
  expect((await readStore(ext)).exchanges.some((e) => e.tabId === tabId), "the tab's capture is still there").toBe(true);
  await page.close();
});
