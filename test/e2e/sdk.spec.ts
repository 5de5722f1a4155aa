/**
 * The official SDKs in a real page (issue 3, "Done when"): a page bundling `openai` and
 * `@anthropic-ai/sdk` in browser mode calls their default hosts (api.openai.com,
 * api.anthropic.com), which Chromium resolves to the local mock (demo/mock-llm.ts) over HTTPS
 * (test/e2e/support/sdk-bundle.ts). For every call, the span the extension stored must say what
 * the SDK handed the page: models, response id, usage (mapped as DESIGN.md says), output text,
 * tool calls, finish reasons, stream flag, provider, and a time to first chunk for streams.
 * Then the panel must list those model spans.
 */
import { expect, test } from "@playwright/test";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { headerValue } from "../../src/core/exchange";
import type { SpanRecord } from "../../src/core/records";
import type { SdkCall, SdkConfig } from "./pages/sdk/page";
import { launchWithExtension, openPanelTab, readStore, waitFor, type StoredData, type WithExtension } from "./support/chromium";
import { bundleSdkPage, chromiumArgsFor, selfSignedCertificate, startSdkServer, type SdkServer } from "./support/sdk-bundle";

/** Mock timing: the first byte of a model response waits FIRST_MS; streamed tokens TOKEN_MS apart. */
const FIRST_MS = 150;
const TOKEN_MS = 30;
/**
 * Streams whose first output (text or tool-call delta) the mock sends one token delay after its
 * metadata events (role chunk, response.created, message_start): their time to first chunk must
 * not stop at the headers or those events. In the others the first output follows at once.
 */
const OUTPUT_AFTER_A_TOKEN_DELAY = new Set(["openai-chat-stream-after-tool", "openai-responses-stream", "anthropic-create-stream"]);

const CONFIG: SdkConfig = { openaiBaseURL: "https://api.openai.com/v1", anthropicBaseURL: "https://api.anthropic.com" };
const LABELS = [
  "openai-chat", "openai-chat-stream-tool", "openai-chat-stream-after-tool", "openai-responses-stream",
  "openai-embeddings", "anthropic-messages", "anthropic-stream-tool", "anthropic-create-stream",
];
const API_KEYS = ["sk-test-not-a-real-key", "sk-ant-test-not-a-real-key"];

let dir: string;
let server: SdkServer;
let ext: WithExtension;
let calls: SdkCall[];

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "llm-trace-sdk-"));
  await bundleSdkPage(dir);
  server = await startSdkServer(dir, await selfSignedCertificate(dir), { firstTokenDelayMs: FIRST_MS, tokenDelayMs: TOKEN_MS });
  ext = await launchWithExtension(chromiumArgsFor(server));
  const page = await ext.context.newPage();
  await page.goto(`${server.origin}/sdk/index.html`);
  calls = await page.evaluate((config) => window.sdk.run(config), CONFIG);
});

test.afterAll(async () => {
  await ext?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Found {
  call: SdkCall;
  span: SpanRecord;
}

/** Each SDK call's span, found through the x-test-call header of its exchange, once all ended. */
async function spansOfCalls(): Promise<{ found: Found[]; data: StoredData }> {
  return waitFor(async () => {
    const data = await readStore(ext);
    const found: Found[] = [];
    for (const call of calls) {
      const exchanges = data.exchanges.filter((e) => headerValue(e.request.headers, "x-test-call") === call.label);
      if (exchanges.length !== 1) return undefined;
      const span = data.spans.find((s) => s.spanId === exchanges[0]!.id);
      if (!span || span.endTime === undefined) return undefined;
      found.push({ call, span });
    }
    return { found, data };
  }, "one finished span per SDK call", 20_000);
}

// ---------------------------------------------------------------------------------------------
// What the SDK said, in the span's vocabulary (DESIGN.md)

interface Part {
  type: string;
  content?: string;
  id?: string;
  name?: string;
  arguments?: unknown;
  response?: unknown;
}
interface Message {
  role: string;
  parts: Part[];
  finish_reason?: string;
}

function messages(value: unknown): Message[] {
  if (typeof value !== "string") return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? (parsed as Message[]) : [];
  } catch {
    return [];
  }
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

/** gen_ai.usage.* the SDK's usage object maps to. */
function expectedUsage(call: SdkCall): Record<string, number | undefined> {
  const u = call.usage;
  switch (call.api) {
    case "chat.completions":
      return {
        "gen_ai.usage.input_tokens": num(u.prompt_tokens),
        "gen_ai.usage.output_tokens": num(u.completion_tokens),
        "gen_ai.usage.cache_read.input_tokens": num(u.prompt_tokens_details?.cached_tokens),
        "gen_ai.usage.reasoning.output_tokens": num(u.completion_tokens_details?.reasoning_tokens),
      };
    case "responses":
      return {
        "gen_ai.usage.input_tokens": num(u.input_tokens),
        "gen_ai.usage.output_tokens": num(u.output_tokens),
        "gen_ai.usage.cache_read.input_tokens": num(u.input_tokens_details?.cached_tokens),
        "gen_ai.usage.reasoning.output_tokens": num(u.output_tokens_details?.reasoning_tokens),
      };
    case "embeddings":
      return { "gen_ai.usage.input_tokens": num(u.prompt_tokens), "gen_ai.usage.output_tokens": undefined };
    case "messages":
      // Anthropic: input = input + cache read + cache creation.
      return {
        "gen_ai.usage.input_tokens": (num(u.input_tokens) ?? 0) + (num(u.cache_read_input_tokens) ?? 0) + (num(u.cache_creation_input_tokens) ?? 0),
        "gen_ai.usage.output_tokens": num(u.output_tokens),
        "gen_ai.usage.cache_read.input_tokens": num(u.cache_read_input_tokens),
        "gen_ai.usage.cache_creation.input_tokens": num(u.cache_creation_input_tokens),
      };
  }
}

/** Usage keys the provider may report as 0: absent is as good as 0 there. */
const DETAIL_KEYS = new Set(["gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.reasoning.output_tokens"]);

/** finish_reasons keep the provider's value; Responses has none and derives one from its status. */
function expectedFinishReasons(call: SdkCall): string[] {
  if (call.api === "embeddings") return [];
  if (call.api === "responses") {
    return call.finishReasons.map((status) => (status === "completed" ? (call.toolCalls.length ? "tool_calls" : "stop") : status));
  }
  return call.finishReasons;
}

/** OTel output messages carry the normalised reason. */
const NORMALISED: Record<string, string> = { stop: "stop", end_turn: "stop", tool_calls: "tool_call", tool_use: "tool_call", length: "length", max_tokens: "length" };

function expectedToolCalls(call: SdkCall): { id: string; name: string; arguments: unknown }[] {
  return call.toolCalls.map((t) => ({
    id: t.id,
    name: t.name,
    arguments: typeof t.arguments === "string" ? (JSON.parse(t.arguments) as unknown) : t.arguments,
  }));
}

// ---------------------------------------------------------------------------------------------

test("spans of calls made through the official openai and @anthropic-ai/sdk packages equal what the SDKs returned", async () => {
  expect(calls.map((c) => c.label)).toEqual(LABELS);
  // The page really got answers through the SDKs (the mock's scripted ones).
  const byLabel = Object.fromEntries(calls.map((c) => [c.label, c]));
  expect(byLabel["openai-chat-stream-tool"]!.toolCalls.map((t) => t.name)).toEqual(["check_account_status"]);
  expect(byLabel["openai-chat-stream-after-tool"]!.text).toContain("Your account is active");
  expect(byLabel["anthropic-stream-tool"]!.toolCalls.map((t) => t.name)).toEqual(["check_account_status"]);
  expect(byLabel["openai-embeddings"]!.dimensions).toBe(8);
  for (const c of calls.filter((c) => c.api !== "embeddings")) expect(c.text.length + c.toolCalls.length, c.label).toBeGreaterThan(0);

  const { found, data } = await spansOfCalls();
  await test.info().attach("sdk-calls-and-spans.json", {
    contentType: "application/json",
    body: JSON.stringify(found.map(({ call, span }) => ({ call, span })), null, 2),
  });

  for (const { call, span } of found) {
    await test.step(call.label, () => {
      const a = span.attributes;
      const what = (key: string) => `${call.label} (${call.provider} ${call.api}${call.stream ? ", streamed" : ""}): ${key}`;
      const isEmbedding = call.api === "embeddings";

      expect.soft(span.kind, what("kind")).toBe(isEmbedding ? "embedding" : "llm");
      expect.soft(span.status, what("status")).toBe("ok");
      expect.soft(span.name, what("name")).toBe(`${isEmbedding ? "embeddings" : "chat"} ${call.requestModel}`);
      expect.soft(a["gen_ai.operation.name"], what("gen_ai.operation.name")).toBe(isEmbedding ? "embeddings" : "chat");
      expect.soft(a["gen_ai.provider.name"], what("gen_ai.provider.name")).toBe(call.provider);
      expect.soft(a["server.address"], what("server.address")).toBe(`api.${call.provider}.com`);
      expect.soft(a["gen_ai.request.model"], what("gen_ai.request.model")).toBe(call.requestModel);
      expect.soft(a["gen_ai.response.model"], what("gen_ai.response.model (as the SDK returned it)")).toBe(call.model);
      if (call.id !== undefined) expect.soft(a["gen_ai.response.id"], what("gen_ai.response.id")).toBe(call.id);
      if (call.sent.temperature !== undefined) expect.soft(a["gen_ai.request.temperature"], what("gen_ai.request.temperature")).toBe(call.sent.temperature);
      if (call.sent.maxTokens !== undefined) expect.soft(a["gen_ai.request.max_tokens"], what("gen_ai.request.max_tokens")).toBe(call.sent.maxTokens);
      if (call.sent.tools) {
        const defined = (JSON.parse(String(a["gen_ai.tool.definitions"] ?? "[]")) as { name?: string }[]).map((t) => t.name);
        expect.soft(defined, what("names in gen_ai.tool.definitions")).toEqual(call.sent.tools);
      }

      // Usage, exactly as the provider reported it, mapped per DESIGN.md.
      for (const [key, expected] of Object.entries(expectedUsage(call))) {
        const sdkSaw = `SDK usage ${JSON.stringify(call.usage)}`;
        if (expected === 0 && DETAIL_KEYS.has(key)) expect.soft([0, undefined], `${what(key)}; ${sdkSaw}`).toContain(a[key]);
        else expect.soft(a[key], `${what(key)}; ${sdkSaw}`).toBe(expected);
      }

      if (isEmbedding) {
        expect.soft(a["gen_ai.embeddings.dimension.count"], what("gen_ai.embeddings.dimension.count")).toBe(call.dimensions);
        expect.soft(a["llm_trace.embeddings.input_count"], what("llm_trace.embeddings.input_count")).toBe(call.vectors);
        return;
      }

      // Stream flag: true when the SDK streamed; a plain request says false or nothing.
      if (call.stream) expect.soft(a["gen_ai.request.stream"], what("gen_ai.request.stream")).toBe(true);
      else expect.soft([false, undefined], what("gen_ai.request.stream")).toContain(a["gen_ai.request.stream"]);

      // Output: text and tool calls, as the SDK assembled them.
      const output = messages(a["gen_ai.output.messages"]);
      expect.soft(output.map((m) => m.role), what("gen_ai.output.messages roles")).toEqual(["assistant"]);
      const parts = output.flatMap((m) => m.parts);
      const text = parts.filter((p) => p.type === "text").map((p) => p.content ?? "").join("");
      expect.soft(text, what("text parts of gen_ai.output.messages")).toBe(call.text);
      const toolCalls = parts.filter((p) => p.type === "tool_call").map((p) => ({ id: p.id, name: p.name, arguments: p.arguments }));
      expect.soft(toolCalls, what("tool_call parts of gen_ai.output.messages (id, name, arguments)")).toEqual(expectedToolCalls(call));

      const reasons = expectedFinishReasons(call);
      expect.soft(a["gen_ai.response.finish_reasons"], what(`gen_ai.response.finish_reasons (SDK: ${JSON.stringify(call.finishReasons)})`)).toEqual(reasons);
      expect.soft(output[0]?.finish_reason, what("finish_reason of the output message (normalised)")).toBe(NORMALISED[reasons[0] ?? ""] ?? reasons[0]);

      // Tool results the page sent back are tool_call_response parts with the call's id.
      if (call.toolResultIds.length > 0) {
        const input = messages(a["gen_ai.input.messages"]).flatMap((m) => m.parts);
        const responded = input.filter((p) => p.type === "tool_call_response").map((p) => p.id);
        expect.soft(responded, what("tool_call_response ids in gen_ai.input.messages")).toEqual(call.toolResultIds);
        const requested = input.filter((p) => p.type === "tool_call").map((p) => p.id);
        expect.soft(requested, what("tool_call ids of the earlier assistant turn in gen_ai.input.messages")).toEqual(call.toolResultIds);
      }

      // Time to first chunk: streams only; from the call to the first output, not to the headers.
      const ttft = a["gen_ai.response.time_to_first_chunk"];
      if (!call.stream) return;
      expect.soft(typeof ttft, what("gen_ai.response.time_to_first_chunk is a number (seconds)")).toBe("number");
      if (typeof ttft !== "number") return;
      const ttftMs = ttft * 1000;
      const earliest = FIRST_MS + (OUTPUT_AFTER_A_TOKEN_DELAY.has(call.label) ? TOKEN_MS : 0) - 5;
      expect.soft(ttftMs, what(`time_to_first_chunk (${ttftMs.toFixed(1)} ms) is not before the mock sent the first output (>= ${earliest} ms)`)).toBeGreaterThanOrEqual(earliest);
      expect.soft(ttftMs, what(`time_to_first_chunk (${ttftMs.toFixed(1)} ms) is not after the page saw the first output (${call.firstContentMs?.toFixed(1)} ms)`))
        .toBeLessThanOrEqual((call.firstContentMs ?? 0) + 25);
      expect.soft(ttftMs, what("time_to_first_chunk within the span")).toBeLessThanOrEqual(span.endTime! - span.startTime);
    });
  }

  // The SDKs' keys (Authorization: Bearer, x-api-key) never reach storage.
  const dump = JSON.stringify(data);
  for (const key of API_KEYS) expect(dump, `${key} must be redacted`).not.toContain(key);
});

test("the panel lists the SDK calls' model spans: traces by model, waterfall rows by span name", async () => {
  const { found } = await spansOfCalls();
  const panel = await openPanelTab(ext, found[0]!.span.tabId);
  for (const { call, span } of found) {
    await test.step(call.label, async () => {
      // A trace row names the models of its model spans (the model the SDK got back).
      const row = panel.locator(".trace-row", { hasText: call.model }).first();
      await expect(row, `a trace row listing ${call.model}`).toBeVisible();
      await row.click();
      await expect(panel.locator(".wf-row", { hasText: span.name }).first(), `a waterfall row "${span.name}"`).toBeVisible();
    });
  }
  await panel.close();
});
