/**
 * `npm start`: the extension on a demo support-bot app, answered by an offline mock of the
 * model APIs. With a display, Chromium opens with DevTools on the LLM Traces panel; without
 * one (SSH, CI) the demo drives the app headless, saves a screenshot of the panel and the
 * exported trace file under demo-output/, prints the captured traces and exits.
 *
 *   npm start                    headed if there is a display, else headless
 *   npm start -- --headless      force headless
 *   npm run start:firefox        the same app in Firefox (web-ext run, DevTools open)
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../test/e2e/support/paths";
import type { Page } from "@playwright/test";
import { harText, toHar } from "../src/core/files";
import { assembleExchange } from "../src/core/capture";
import { formatTraces, groupTraces } from "../src/core/query";
import { launchWithExtension, openPanelTab, readStore, waitFor, type WithExtension } from "../test/e2e/support/chromium";
import { openRealDevtoolsPanel } from "../test/e2e/support/devtools";
import { startDemoServer } from "./server";

const root = REPO_ROOT;
const outputDir = path.join(root, "demo-output");
const args = process.argv.slice(2);
const firefox = args.includes("--firefox");
const headless = args.includes("--headless") ||
  (!args.includes("--headed") && (!!process.env.CI || (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)));

/** Each flow of the demo app, and the text that shows it finished. */
const FLOWS: [button: string, done: string][] = [
  ["Send", "Your account is active"],
  ["Run account agent (Anthropic)", "last sign-in was yesterday"],
  ["Summarize policy (OpenAI Responses)", "locked accounts unlock after 15 minutes"],
  ["Security tip (Gemini, via XHR)", "two-factor authentication"],
  ["Trigger a rate limit", "429: Rate limit reached"],
];

/** Model, retrieval and tool calls the flows make: 5 + 5 (agent: 3 model calls, 2 tools) + 3. */
const EXPECTED_CALLS = 13;

async function driveFlows(page: Page): Promise<void> {
  for (const [button, done] of FLOWS) {
    await page.getByRole("button", { name: button }).click();
    await page.getByText(done).first().waitFor({ timeout: 30_000 });
  }
}

async function headlessDemo(origin: string): Promise<void> {
  const ext = await launchWithExtension();
  try {
    const page = await ext.context.newPage();
    await page.setViewportSize({ width: 900, height: 700 });
    await page.goto(origin);
    await driveFlows(page);
    const data = await waitFor(async () => {
      const d = await readStore(ext);
      const calls = d.spans.filter((s) => String(s.attributes["url.full"] ?? "").startsWith(origin));
      return calls.length >= EXPECTED_CALLS && d.spans.every((s) => s.endTime !== undefined) ? d : undefined;
    }, "all demo calls to be stored", 30_000);
    const spans = data.spans;
    const tabId = spans.find((s) => s.exchangeId)!.tabId;
    await mkdir(outputDir, { recursive: true });
    await screenshotPanel(ext, tabId);
    // The same file the panel's Export writes: HAR 1.2 with the spans.
    const exchanges = data.exchanges.map((record) => assembleExchange(record, data.chunks.filter((c) => c.exchangeId === record.id).sort((a, b) => a.seq - b.seq)));
    const harFile = path.join(outputDir, "traces.har");
    await writeFile(harFile, harText(toHar({ spans, exchanges }, { creatorVersion: "demo", pageTitle: "Acme Support" })));
    console.log(`\nCaptured ${spans.length} spans from the demo app:\n`);
    console.log(formatTraces(groupTraces(spans)));
    console.log(`Panel screenshot: ${path.relative(root, path.join(outputDir, "panel.png"))}`);
    console.log(`Trace file:       ${path.relative(root, harFile)} (the panel's Import reads it back)`);
  } finally {
    await ext.close();
  }
}

async function screenshotPanel(ext: WithExtension, tabId: number): Promise<void> {
  const panel = await openPanelTab(ext, tabId);
  await panel.setViewportSize({ width: 1280, height: 760 });
  await panel.locator(".trace-row").first().waitFor();
  // The support-bot question: the trace with the retrieval, the tool call and both model calls.
  const question = panel.locator(".trace-row", { hasText: "retrieval" }).first();
  if (await question.count()) await question.click();
  const chat = panel.locator(".wf-row", { hasText: "chat gpt-4o-mini" }).last();
  if (await chat.count()) await chat.click();
  await panel.screenshot({ path: path.join(outputDir, "panel.png") });
}

async function headedDemo(origin: string): Promise<void> {
  const ext = await launchWithExtension(["--auto-open-devtools-for-tabs"], { headless: false });
  const page = ext.context.pages()[0] ?? (await ext.context.newPage());
  await page.goto(origin);
  await openRealDevtoolsPanel(ext).catch(() => console.log("Open DevTools' \"LLM Traces\" panel (>> in the DevTools tab bar)."));
  console.log(`Demo app at ${origin}, with DevTools on the LLM Traces panel. Close the browser to stop.`);
  await new Promise<void>((resolve) => ext.context.on("close", () => resolve()));
}

async function firefoxDemo(origin: string): Promise<void> {
  const binary = process.env.FIREFOX_PATH ?? ["/usr/bin/firefox-esr", "/usr/bin/firefox", "/Applications/Firefox.app/Contents/MacOS/firefox"].find(existsSync);
  const child = spawn(path.join(root, "node_modules/.bin/web-ext"), [
    "run", "--source-dir", path.join(root, "dist/firefox"), "--start-url", origin, "--devtools", "--no-reload",
    ...(binary ? ["--firefox", binary] : []),
  ], { stdio: "inherit" });
  console.log(`Demo app at ${origin} in Firefox; open the "LLM Traces" tab of the toolbox. Close Firefox to stop.`);
  await new Promise((resolve) => child.on("exit", resolve));
}

const server = await startDemoServer(Number(process.env.PORT ?? 0));
try {
  if (firefox) await firefoxDemo(server.origin);
  else if (headless) await headlessDemo(server.origin);
  else await headedDemo(server.origin);
} finally {
  await server.close();
}
