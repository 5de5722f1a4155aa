/** The panel inside the real Chrome DevTools window, inspecting a real tab. */
import { expect, test } from "@playwright/test";
import { startDemoServer, type DemoServer } from "../../demo/server";
import { launchWithExtension, waitFor, type WithExtension } from "./support/chromium";
import { openRealDevtoolsPanel } from "./support/devtools";

let server: DemoServer;
let ext: WithExtension;

test.beforeAll(async () => {
  server = await startDemoServer(0, { tokenDelayMs: 3, firstTokenDelayMs: 30 });
  ext = await launchWithExtension(["--auto-open-devtools-for-tabs"]);
});
test.afterAll(async () => {
  await ext?.close();
  await server?.close();
});

test("in DevTools: the tab's multi-step trace, filtering, keyboard, and a model span's messages, tokens and timing", async () => {
  const page = ext.context.pages()[0] ?? (await ext.context.newPage());
  await page.goto(server.origin);
  const panel = await openRealDevtoolsPanel(ext);
  // The panel found its tab through devtools.inspectedWindow, not a URL parameter.
  expect(await panel.evaluate<string>("location.search")).toBe("");
  expect(await panel.evaluate<number>("chrome.devtools.inspectedWindow.tabId")).toBeGreaterThan(0);
  expect(await panel.evaluate<string>("document.querySelector('button[aria-label=\"Open in window\"]') ? 'yes' : 'no'")).toBe("yes");

  await page.getByRole("button", { name: "Send" }).click();
  await page.getByText("Your account is active").first().waitFor();
  await page.getByRole("button", { name: "Run account agent (Anthropic)" }).click();
  await page.getByText("last sign-in was yesterday").first().waitFor();

  const text = (selector: string) => panel.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((e) => e.textContent ?? "")`);
  const click = (selector: string, has: string) => panel.evaluate<boolean>(`(() => {
    const el = [...document.querySelectorAll(${JSON.stringify(selector)})].find((e) => e.textContent?.includes(${JSON.stringify(has)}));
    el?.click();
    return !!el;
  })()`);

  // The multi-step trace, nested.
  await waitFor(async () => (await click(".trace-row", "submit form#chat")) && (await text(".wf-row")).length === 7 || undefined, "the support-bot trace's seven rows");
  const rows = await text(".wf-row");
  expect(rows[0]).toContain("submit form#chat");
  expect(rows.some((r) => r.includes("execute_tool check_account_status"))).toBe(true);

  // Filtering (typed as a user would).
  await panel.evaluate(`(() => {
    const input = document.querySelector('input[aria-label="Filter"]');
    input.value = "model:claude";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  })()`);
  await waitFor(async () => (await text(".trace-row")).length === 1 || undefined, "one trace for model:claude");
  expect((await text(".trace-row"))[0]).toContain("Run account agent");

  // Keyboard: from the root row, down to the first model call; Enter moves focus to the detail.
  await click(".trace-row", "Run account agent");
  await panel.evaluate(`document.querySelector(".wf-rows").focus()`);
  await panel.evaluate(`document.querySelector(".wf-rows").dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }))`);
  await waitFor(async () => (await text(".wf-row.is-selected"))[0]?.includes("chat claude-3-5-haiku-latest") || undefined, "the first model call selected");
  await panel.evaluate(`document.querySelector(".wf-rows").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }))`);
  expect(await panel.evaluate<boolean>(`document.activeElement === document.querySelector(".detail-pane")`)).toBe(true);

  // The model span: messages, tokens and timing.
  const detail = () => panel.evaluate<string>(`document.querySelector(".detail-pane")?.textContent ?? ""`);
  await waitFor(async () => (await detail()).includes("Is ada@example.com's account OK") || undefined, "the model call's messages");
  for (const tab of ["Usage & cost", "Timing"]) {
    await click('[role="tab"]', tab);
    await waitFor(async () => (tab === "Timing" ? /first token/i : /430/).test(await detail()) || undefined, `the ${tab} tab`);
  }
});
