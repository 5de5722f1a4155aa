/**
 * Reading large content in the span detail (issue 20): a model call whose answer is 2,000,000
 * characters of Markdown (headings, lists, tables, code), and one whose history is 500 messages,
 * both captured from the demo's mock through the real pipeline. Measured: a click on the span's
 * row to the detail painted with its first Markdown on screen (Output tab; Messages tab). The
 * panel parses and renders the first piece at once and the rest as it scrolls into view.
 */
import type { Page } from "@playwright/test";
import { startDemoServer } from "../../demo/server";
import { readStore, waitFor } from "../../test/e2e/support/chromium";
import type { Env } from "../lib/env";
import { judge, single, type Row } from "../lib/report";

const ANSWER_CHARS = 2_000_000;
const HISTORY = 500;
const BIG = "gpt-4o-long-report";
const LONG = "gpt-4o-long-history";

interface Painted { dom: number; paint: number; timedOut: boolean; messages: number; mdNodes: number }

/**
 * In the panel: the next click starts the clock; it stops at the frame painted after the detail
 * of `model` shows rendered Markdown (`.md`) in its panel.
 */
const armSelect = (model: string): void => {
  const w = window as unknown as { __readResult?: Promise<Painted> };
  w.__readResult = new Promise<Painted>((resolve) => {
    window.addEventListener("click", (e) => {
      const start = e.timeStamp;
      const deadline = performance.now() + 10_000;
      const check = () => {
        const detail = document.querySelector(".span-detail");
        const ready = detail && (detail.getAttribute("aria-label") ?? "").includes(model) && detail.querySelector(".dt-panel .md");
        if (!ready && performance.now() < deadline) return void requestAnimationFrame(check);
        const dom = performance.now() - start;
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => resolve({
            dom, paint: performance.now() - start, timedOut: !ready,
            messages: document.querySelectorAll(".detail-pane .dt-message").length,
            mdNodes: document.querySelectorAll(".detail-pane .md *").length,
          });
          ch.port2.postMessage(0);
        });
      };
      check();
    }, { capture: true, once: true });
  });
};

async function select(panel: Page, model: string): Promise<Painted> {
  await panel.evaluate(armSelect, model);
  await panel.locator(".wf-row", { hasText: model }).click();
  return panel.evaluate(() => (window as unknown as { __readResult: Promise<Painted> }).__readResult);
}

export async function reading(env: Env): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  const reps = env.quick ? 3 : 7;
  const demo = await startDemoServer(0, { tokenDelayMs: 0, firstTokenDelayMs: 0 });
  const page = await env.ext.context.newPage();
  const panels: Page[] = [];
  try {
    await page.goto(demo.origin);
    await page.evaluate(async ({ big, long, chars, history }) => {
      const chat = (model: string, messages: unknown[]) => fetch("/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, messages }) }).then((r) => r.text());
      await chat(big, [{ role: "user", content: `long markdown ${chars}` }]);
      const messages = Array.from({ length: history }, (_, i) => (i % 2 === 0
        ? { role: "user", content: `Question ${i}: what about **item ${i}**?` }
        : { role: "assistant", content: `Answer ${i}: item ${i - 1} is fine.\n\n- point one\n- point two\n\n\`\`\`js\nconst item = ${i};\n\`\`\`` }));
      await chat(long, messages);
    }, { big: BIG, long: LONG, chars: ANSWER_CHARS, history: HISTORY });
    const spans = await waitFor(async () => {
      const { spans: all } = await readStore(env.ext);
      const mine = all.filter((s) => s.attributes["gen_ai.request.model"] === BIG || s.attributes["gen_ai.request.model"] === LONG);
      return mine.length === 2 && mine.every((s) => s.endTime !== undefined && s.attributes["gen_ai.output.messages"] !== undefined) ? mine : undefined;
    }, "the two calls stored", 60_000);
    const outputChars = String(spans.find((s) => s.attributes["gen_ai.request.model"] === BIG)!.attributes["gen_ai.output.messages"]).length;

    const panel = await env.ext.context.newPage();
    panels.push(panel);
    await panel.setViewportSize({ width: 1280, height: 900 });
    await panel.goto(`chrome-extension://${env.ext.extensionId}/panel.html?tabId=${spans[0]!.tabId}`);
    await panel.locator(".trace-row", { hasText: BIG }).first().click();
    await panel.locator(".wf-row", { hasText: BIG }).waitFor();
    // The tab each selection opens is remembered: Output for the answer, Messages for the history.
    await panel.locator(".wf-row", { hasText: BIG }).click();
    await panel.getByRole("tab", { name: "Output" }).click();
    const answer: Painted[] = [];
    const history: Painted[] = [];
    for (let r = 0; r < reps; r++) {
      await panel.locator(".wf-row", { hasText: LONG }).click();
      await panel.getByRole("tab", { name: "Output" }).click();
      answer.push(await select(panel, BIG));
      await panel.getByRole("tab", { name: "Messages" }).click();
      await panel.locator(".wf-row", { hasText: BIG }).click();
      await panel.getByRole("tab", { name: "Messages" }).click();
      history.push(await select(panel, LONG));
    }
    env.log(`  2 MB answer: ${answer.map((x) => x.paint.toFixed(0)).join(" ")} ms (${answer[0]?.mdNodes} Markdown elements rendered); 500 messages: ${history.map((x) => x.paint.toFixed(0)).join(" ")} ms (${history[0]?.messages} messages rendered)`);
    const notes: string[] = [];
    if ([...answer, ...history].some((x) => x.timedOut)) notes.push("a selection timed out");
    const rows: Row[] = [
      judge(single("reading.bigAnswer", "Reading", `select a span with a ${(ANSWER_CHARS / 1e6).toFixed(0)} MB Markdown answer: Output painted`, "ms", answer.map((x) => x.paint), { note: `${answer[0]?.mdNodes} elements rendered of the first piece; output attribute ${(outputChars / 1e6).toFixed(1)} MB` }), { text: "< 100 ms", on: "value", limit: 100, strict: true }),
      judge(single("reading.history", "Reading", `select a span with a ${HISTORY}-message history: Messages painted`, "ms", history.map((x) => x.paint), { note: `${history[0]?.messages} messages rendered at first` }), { text: "< 100 ms", on: "value", limit: 100, strict: true }),
    ];
    return { rows, details: { notes, answer, history, outputChars } };
  } finally {
    for (const p of panels) await p.close().catch(() => {});
    await page.close().catch(() => {});
    await demo.close();
  }
}
