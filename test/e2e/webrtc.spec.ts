/**
 * OpenAI Realtime over WebRTC (issue 21): the page's "oai-events" data channel is recorded as a
 * session whose responses are spans with the text, usage and time to first delta the client saw,
 * in Chromium and Firefox. The page (test/e2e/pages/webrtc/) connects two peers of its own; the
 * answering one gets its channel through the `datachannel` event, which is not recorded.
 */
import { expect, test } from "@playwright/test";
import type { SpanRecord } from "../../src/core/contract";
import type { StoredData } from "./support/idb-dump";
import { launchWithExtension, readStore, waitFor, type WithExtension } from "./support/chromium";
import { launchFirefox, openExtensionPage, readFirefoxStore, type FirefoxLaunched } from "./support/firefox";
import { startServer, type TestServer } from "./support/server";

interface Answer {
  text: string;
  usage: { input_tokens: number; output_tokens: number };
  delayMs: number;
  model: string;
}

const QUESTION = "is this a data channel?";

function outputText(span: SpanRecord): string {
  const messages = JSON.parse(String(span.attributes["gen_ai.output.messages"] ?? "[]")) as { parts: { type: string; content?: string }[] }[];
  return messages.flatMap((m) => m.parts).filter((p) => p.type === "text").map((p) => p.content ?? "").join("");
}

async function sessionOf(read: () => Promise<StoredData>): Promise<{ data: StoredData; root: SpanRecord; response: SpanRecord }> {
  return waitFor(async () => {
    const data = await read();
    const root = data.spans.find((s) => s.name.startsWith("OpenAI Realtime") && s.endTime !== undefined);
    const response = root && data.spans.find((s) => s.traceId === root.traceId && s.kind === "llm" && s.endTime !== undefined);
    return root && response ? { data, root, response } : undefined;
  }, "the WebRTC session's spans");
}

function check({ data, root, response }: { data: StoredData; root: SpanRecord; response: SpanRecord }, answer: Answer): void {
  expect(answer.text).toBe(`Over WebRTC you said: ${QUESTION}`);
  // The client's channel only: the answering peer's (from the datachannel event) is not recorded.
  const channels = data.exchanges.filter((e) => e.transport === "webrtc");
  expect(channels).toHaveLength(1);
  expect(channels[0]!.outcome?.state).toBe("ok");
  expect(root.name).toBe(`OpenAI Realtime ${answer.model}`);
  expect(root.status).toBe("ok");
  expect(outputText(response)).toBe(answer.text);
  expect(response.attributes["gen_ai.usage.input_tokens"]).toBe(answer.usage.input_tokens);
  expect(response.attributes["gen_ai.usage.output_tokens"]).toBe(answer.usage.output_tokens);
  expect(String(response.attributes["gen_ai.input.messages"])).toContain(QUESTION);
  // From response.create to the first delta: at least the wait the answering peer made.
  expect(Number(response.attributes["gen_ai.response.time_to_first_chunk"])).toBeGreaterThanOrEqual(answer.delayMs / 1000 - 0.005);
}

let server: TestServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.close();
});

test.describe("Chromium", () => {
  let ext: WithExtension;
  test.beforeAll(async () => {
    ext = await launchWithExtension();
  });
  test.afterAll(async () => {
    await ext?.close();
  });

  test("the oai-events data channel is a Realtime session: its response as the client saw it", async () => {
    const page = await ext.context.newPage();
    await page.goto(`${server.origin}/pages/webrtc/index.html`);
    const answer = await page.evaluate((q) => (window as unknown as { askOverWebRTC(q: string): Promise<Answer> }).askOverWebRTC(q), QUESTION);
    check(await sessionOf(() => readStore(ext)), answer);
  });
});

test.describe("Firefox", () => {
  let ff: FirefoxLaunched;
  test.beforeAll(async () => {
    ff = await launchFirefox({ extension: true });
  });
  test.afterAll(async () => {
    await ff?.close();
  });

  test("the oai-events data channel is a Realtime session: its response as the client saw it", async () => {
    const page = await ff.browser.newPage();
    await page.goto(`${server.origin}/pages/webrtc/index.html`);
    const answer = await page.evaluate((q) => (window as unknown as { askOverWebRTC(q: string): Promise<Answer> }).askOverWebRTC(q), QUESTION);
    const store = await openExtensionPage(ff, "options.html");
    check(await sessionOf(() => readFirefoxStore(store)), answer);
  });
});
