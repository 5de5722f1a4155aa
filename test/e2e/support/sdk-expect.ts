/**
 * What the official SDKs handed the test page (test/e2e/pages/sdk/) against the spans the
 * extension stored, the same in every browser (test/e2e/sdk.spec.ts for Chromium,
 * sdk-firefox.spec.ts for Firefox). For every call the span must say what the SDK returned:
 * status ok (the SDK succeeded), an end, models, response id, usage (mapped as docs/DESIGN.md,
 * "The span", says), output text, tool calls, finish reasons, stream flag, provider, host, and
 * for streams a time to first chunk between the mock's first output and what the page saw.
 */
import { expect, test } from "@playwright/test";
import { writeFile } from "node:fs/promises";
import { headerValue, type ExchangeRecord, type SpanRecord } from "../../../src/core/contract";
import type { SdkCall, SdkConfig, SdkModule } from "../pages/sdk/call";
import { AZURE_HOST, OLLAMA_HOST } from "./sdk-bundle";
import type { StoredData } from "./idb-dump";

/** Mock timing: the first byte of a model response waits FIRST_MS; streamed tokens TOKEN_MS apart. */
export const FIRST_MS = 150;
export const TOKEN_MS = 30;
export const MOCK_OPTIONS = { firstTokenDelayMs: FIRST_MS, tokenDelayMs: TOKEN_MS };

/** Every call the page makes, by module, in order. */
const LABELS: Record<SdkModule, string[]> = {
  openai: [
    "openai-chat", "openai-chat-stream", "openai-chat-stream-tool", "openai-chat-stream-after-tool", "openai-chat-stream-retry-429",
    "openai-responses-stream", "openai-responses-research", "openai-embeddings", "azure-chat-stream",
  ],
  anthropic: ["anthropic-messages", "anthropic-stream-tool", "anthropic-create-stream", "anthropic-research"],
  ollama: ["ollama-chat-stream", "ollama-generate-stream"],
  langchain: ["langchain-stream", "langchain-invoke"],
  gemini: ["gemini-stream", "gemini-generate", "gemini-research"],
  aisdk: ["aisdk-responses-stream", "aisdk-responses-generate", "aisdk-chat-stream", "aisdk-chat-generate", "aisdk-ui-stream"],
  mcp: ["mcp-initialize", "mcp-notifications/initialized", "mcp-tools/list", "mcp-tools/call"],
};

/**
 * The page's configuration. SDK_ONLY=ollama,openai (the modules of test/e2e/pages/sdk/page.ts)
 * runs only those SDKs' calls: a quick way to reproduce one failure.
 */
export const SDK_CONFIG: SdkConfig = {
  azureEndpoint: `https://${AZURE_HOST}`,
  ollamaHost: `https://${OLLAMA_HOST}`,
  ...(process.env.SDK_ONLY ? { only: onlyModules(process.env.SDK_ONLY) } : {}),
};

function onlyModules(list: string): SdkModule[] {
  const names = list.split(",").map((m) => m.trim());
  const unknown = names.filter((m) => !(m in LABELS));
  if (unknown.length) throw new Error(`SDK_ONLY: unknown module(s) ${unknown.join(", ")}; known: ${Object.keys(LABELS).join(", ")}`);
  return names as SdkModule[];
}

const expectedLabels = (config: SdkConfig) =>
  Object.entries(LABELS).flatMap(([module, labels]) => (!config.only || config.only.includes(module as SdkModule) ? labels : []));

/** The page's API keys (Bearer, x-api-key, api-key, x-goog-api-key): none may reach storage. */
export const API_KEYS = ["sk-test-not-a-real-key", "sk-ant-test-not-a-real-key", "azure-test-not-a-real-key", "AIzaSy-test-not-a-real-gemini-key-000"];

/**
 * Streams whose first output (a tool call) the mock sends together with the first event. In
 * every other stream the first output follows the metadata (role chunk, response.created,
 * message_start, Azure's prompt_filter_results) one token delay later, so a time to first chunk
 * must not stop at the headers or those events.
 */
const IMMEDIATE_OUTPUT = new Set(["openai-chat-stream-tool", "anthropic-stream-tool"]);

export interface Found {
  call: SdkCall;
  /** The call's exchanges (its x-test-call header), oldest first: more than one when retried. */
  exchanges: ExchangeRecord[];
  /** The span of each exchange, when stored. */
  spans: (SpanRecord | undefined)[];
}

const isSettled = (f: Found) => f.exchanges.length === f.call.attempts && f.spans.every((s) => s?.endTime !== undefined);

function match(calls: SdkCall[], data: StoredData): Found[] {
  return calls.map((call) => {
    const exchanges = data.exchanges
      .filter((e) => headerValue(e.request.headers, "x-test-call") === call.label)
      .sort((a, b) => a.timing.start - b.timing.start);
    return { call, exchanges, spans: exchanges.map((e) => data.spans.find((s) => s.spanId === e.id)) };
  });
}

/**
 * Each call's exchanges and spans, once every span has ended or `settleMs` has passed: a span
 * still in flight then is reported by the checks (no endTime), not by a timeout here.
 */
export async function findCallSpans(read: () => Promise<StoredData>, calls: SdkCall[], settleMs = 20_000): Promise<{ found: Found[]; data: StoredData }> {
  const deadline = Date.now() + settleMs;
  for (;;) {
    const data = await read();
    const found = match(calls, data);
    if (found.every(isSettled) || Date.now() > deadline) return { found, data };
    await new Promise((r) => setTimeout(r, 200));
  }
}

// ---------------------------------------------------------------------------------------------
// What the SDK said, in the span's vocabulary (docs/DESIGN.md, "The span")

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
const sum = (...values: unknown[]): number | undefined =>
  values.some((v) => typeof v === "number") ? values.reduce<number>((total, v) => total + (num(v) ?? 0), 0) : undefined;

const INPUT = "gen_ai.usage.input_tokens";
const OUTPUT = "gen_ai.usage.output_tokens";
const CACHE_READ = "gen_ai.usage.cache_read.input_tokens";
const CACHE_CREATION = "gen_ai.usage.cache_creation.input_tokens";
const REASONING = "gen_ai.usage.reasoning.output_tokens";

/** gen_ai.usage.* the SDK's usage object maps to (each SDK reports usage in its own shape). */
function expectedUsage(call: SdkCall): Record<string, number | undefined> {
  const u = call.usage;
  if (call.sdk === "ai") {
    return { [INPUT]: num(u.inputTokens), [OUTPUT]: num(u.outputTokens), [CACHE_READ]: num(u.inputTokenDetails?.cacheReadTokens), [REASONING]: num(u.outputTokenDetails?.reasoningTokens) };
  }
  if (call.sdk === "@langchain/openai") {
    return { [INPUT]: num(u.input_tokens), [OUTPUT]: num(u.output_tokens), [CACHE_READ]: num(u.input_token_details?.cache_read), [REASONING]: num(u.output_token_details?.reasoning) };
  }
  switch (call.api) {
    case "chat.completions":
      return { [INPUT]: num(u.prompt_tokens), [OUTPUT]: num(u.completion_tokens), [CACHE_READ]: num(u.prompt_tokens_details?.cached_tokens), [REASONING]: num(u.completion_tokens_details?.reasoning_tokens) };
    case "responses":
      return { [INPUT]: num(u.input_tokens), [OUTPUT]: num(u.output_tokens), [CACHE_READ]: num(u.input_tokens_details?.cached_tokens), [REASONING]: num(u.output_tokens_details?.reasoning_tokens) };
    case "embeddings":
      return { [INPUT]: num(u.prompt_tokens), [OUTPUT]: undefined };
    case "messages":
      // Anthropic: input = input + cache read + cache creation.
      return {
        [INPUT]: sum(u.input_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens), [OUTPUT]: num(u.output_tokens),
        [CACHE_READ]: num(u.cache_read_input_tokens), [CACHE_CREATION]: num(u.cache_creation_input_tokens),
      };
    case "ollama.chat":
    case "ollama.generate":
      return { [INPUT]: num(u.prompt_eval_count), [OUTPUT]: num(u.eval_count) };
    case "gemini":
      // The last cumulative usageMetadata; output includes thinking.
      return { [INPUT]: num(u.promptTokenCount), [OUTPUT]: sum(u.candidatesTokenCount, u.thoughtsTokenCount), [CACHE_READ]: num(u.cachedContentTokenCount), [REASONING]: num(u.thoughtsTokenCount) };
    default:
      return {};
  }
}

/** Usage keys the provider may report as 0: absent is as good as 0 there. */
const DETAIL_KEYS = new Set([CACHE_READ, CACHE_CREATION, REASONING]);

/**
 * finish_reasons keep the provider's value. Responses has none and derives one from its status;
 * the AI SDK reports its own unified reason, which for these answers names the wire's.
 */
function expectedFinishReasons(call: SdkCall): string[] {
  if (call.api === "embeddings") return [];
  if (call.sdk === "ai") return call.finishReasons.map((r) => (r === "tool-calls" ? "tool_calls" : r));
  if (call.api === "responses") {
    return call.finishReasons.map((status) => (status === "completed" ? (call.toolCalls.length ? "tool_calls" : "stop") : status));
  }
  return call.finishReasons;
}

/** OTel output messages carry the normalised reason. */
const NORMALISED: Record<string, string> = {
  stop: "stop", end_turn: "stop", STOP: "stop", tool_calls: "tool_call", tool_use: "tool_call", length: "length", max_tokens: "length", MAX_TOKENS: "length",
};

function expectedToolCalls(call: SdkCall): { id: string; name: string; arguments: unknown }[] {
  return call.toolCalls.map((t) => ({
    id: t.id,
    name: t.name,
    arguments: typeof t.arguments === "string" ? (JSON.parse(t.arguments) as unknown) : t.arguments,
  }));
}

const OPERATIONS: Record<SdkCall["api"], string> = {
  "chat.completions": "chat", responses: "chat", messages: "chat", "ollama.chat": "chat",
  embeddings: "embeddings", "ollama.generate": "text_completion", gemini: "generate_content",
  "ui-message-stream": "chat", mcp: "execute_tool",
};

// ---------------------------------------------------------------------------------------------

/** What was stored for each call, compact: the first thing to read when a check fails. */
export function summarize(found: Found[], data: StoredData): unknown[] {
  return found.map(({ call, exchanges, spans }) => ({
    label: call.label,
    sdk: { error: call.error, events: call.events, endMs: call.endMs, firstContentMs: call.firstContentMs, text: call.text.slice(0, 60) },
    exchanges: exchanges.map((e, i) => {
      const chunks = data.chunks.filter((c) => c.exchangeId === e.id).sort((a, b) => a.seq - b.seq);
      const span = spans[i];
      return {
        status: e.response?.status, outcome: e.outcome, chunkCount: e.chunkCount, chunksStored: chunks.length,
        bodyTail: chunks.map((c) => c.text).join("").slice(-120),
        endAfterMs: e.timing.end === undefined ? undefined : e.timing.end - e.timing.start,
        span: span && {
          status: span.status, durationMs: span.endTime === undefined ? undefined : span.endTime - span.startTime,
          errorType: span.attributes["error.type"], ttft: span.attributes["gen_ai.response.time_to_first_chunk"],
          events: span.events?.map((ev) => ev.name),
        },
      };
    }),
  }));
}

/** Every call's span against what its SDK returned (soft assertions, one step per call). */
export async function checkSdkSpans(calls: SdkCall[], read: () => Promise<StoredData>): Promise<void> {
  expect(calls.map((c) => c.label)).toEqual(expectedLabels(SDK_CONFIG));
  const { found, data } = await findCallSpans(read, calls);
  const file = test.info().outputPath("sdk-calls-and-spans.json");
  await writeFile(file, JSON.stringify({ summary: summarize(found, data), found }, null, 2));
  await test.info().attach("sdk-calls-and-spans.json", { contentType: "application/json", path: file });

  for (const f of found) await test.step(f.call.label, () => checkCall(f));

  // The SDKs' keys (Authorization: Bearer, x-api-key, api-key, x-goog-api-key) never reach storage.
  const dump = JSON.stringify(data);
  for (const key of API_KEYS) expect.soft(dump, `${key} must be redacted`).not.toContain(key);
}

function checkCall({ call, exchanges, spans }: Found): void {
  const what = (key: string) => `${call.label} (${call.sdk}, ${call.provider} ${call.api}${call.stream ? ", streamed" : ""}): ${key}`;
  // The page really got an answer through the SDK (the mock's scripted one).
  expect.soft(call.error, what("the SDK call succeeded in the page")).toBeUndefined();
  if (call.api !== "embeddings" && call.api !== "mcp") expect.soft(call.text.length + call.toolCalls.length, what("the SDK returned output")).toBeGreaterThan(0);
  expect.soft(exchanges.length, what(`exchanges with x-test-call (${call.attempts} expected)`)).toBe(call.attempts);

  // Attempts the SDK retried: answered 429, an error span.
  for (const [i, span] of spans.slice(0, -1).entries()) {
    expect.soft(exchanges[i]?.response?.status, what(`attempt ${i + 1} HTTP status`)).toBe(429);
    expect.soft(span?.status, what(`attempt ${i + 1} span status`)).toBe("error");
    expect.soft(span?.attributes["http.response.status_code"], what(`attempt ${i + 1} http.response.status_code`)).toBe(429);
    expect.soft(span?.attributes["error.type"], what(`attempt ${i + 1} error.type`)).toBeTruthy();
    expect.soft(span?.endTime, what(`attempt ${i + 1} endTime`)).toBeDefined();
  }

  const span = spans.at(-1);
  expect.soft(span, what("a stored span")).toBeDefined();
  if (!span) return;
  if (call.api === "mcp") return checkMcpCall(call, span, what);
  const a = span.attributes;
  const isEmbedding = call.api === "embeddings";
  const operation = OPERATIONS[call.api];

  // The SDK succeeded: so did the call. A stream ended when its terminal event arrived, which
  // the hook sees before the page does, so no later than the moment the SDK had handed the page
  // everything (whatever the SDK did with the body after that: cancel it, or stop reading).
  expect.soft(span.status, what(`status (error.type: ${String(a["error.type"])})`)).toBe("ok");
  expect.soft(a["error.type"], what("error.type")).toBeUndefined();
  expect.soft(span.endTime, what("endTime (the span ended)")).toBeDefined();
  if (call.stream && span.endTime !== undefined && call.endMs !== undefined) {
    const durationMs = span.endTime - span.startTime;
    expect.soft(durationMs, what(`span duration (${durationMs.toFixed(1)} ms) is not after the SDK finished (${call.endMs.toFixed(1)} ms)`)).toBeLessThanOrEqual(call.endMs + 25);
  }

  expect.soft(span.kind, what("kind")).toBe(isEmbedding ? "embedding" : "llm");
  // Named after the requested model, else (an app backend that names none) the model it reported.
  expect.soft(span.name, what("name")).toBe(`${operation} ${call.requestModel || call.model}`);
  expect.soft(a["gen_ai.operation.name"], what("gen_ai.operation.name")).toBe(operation);
  expect.soft(a["gen_ai.provider.name"], what("gen_ai.provider.name")).toBe(call.provider);
  expect.soft(a["server.address"], what("server.address")).toBe(call.host);
  expect.soft(a["http.response.status_code"], what("http.response.status_code")).toBe(200);
  expect.soft(a["gen_ai.request.model"], what("gen_ai.request.model")).toBe(call.requestModel || undefined);
  expect.soft(a["gen_ai.response.model"], what("gen_ai.response.model (as the SDK returned it)")).toBe(call.model);
  if (call.id !== undefined) expect.soft(a["gen_ai.response.id"], what("gen_ai.response.id")).toBe(call.id);
  if (call.sent.temperature !== undefined) expect.soft(a["gen_ai.request.temperature"], what("gen_ai.request.temperature")).toBe(call.sent.temperature);
  if (call.sent.maxTokens !== undefined) expect.soft(a["gen_ai.request.max_tokens"], what("gen_ai.request.max_tokens")).toBe(call.sent.maxTokens);
  if (call.sent.tools) {
    const defined = (JSON.parse(String(a["gen_ai.tool.definitions"] ?? "[]")) as { name?: string }[]).map((t) => t.name);
    expect.soft(defined, what("names in gen_ai.tool.definitions")).toEqual(call.sent.tools);
  }

  // Usage, exactly as the provider reported it, mapped per docs/DESIGN.md, "The span"; none reported, none stored.
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

  // Output: text and tool calls, as the SDK assembled them. A UI message stream whose backend ran
  // a tool holds the call, its result (a tool message) and the answer after it.
  const output = messages(a["gen_ai.output.messages"]);
  const roles = call.api === "ui-message-stream" ? ["assistant", "tool", "assistant"] : ["assistant"];
  expect.soft(output.map((m) => m.role), what("gen_ai.output.messages roles")).toEqual(roles);
  const parts = output.flatMap((m) => m.parts);
  const text = parts.filter((p) => p.type === "text").map((p) => p.content ?? "").join("");
  expect.soft(text, what("text parts of gen_ai.output.messages")).toBe(call.text);
  // Tools the provider ran itself (web search) are calls answered in the same output, checked below.
  const providerRan = new Set(call.api === "ui-message-stream" ? [] : (call.serverTools ?? []));
  const toolCalls = parts.filter((p) => p.type === "tool_call" && !providerRan.has(p.name ?? "")).map((p) => ({ id: p.id, name: p.name, arguments: p.arguments }));
  expect.soft(toolCalls, what("tool_call parts of gen_ai.output.messages (id, name, arguments)")).toEqual(expectedToolCalls(call));
  checkNewestParts(call, parts, what);

  const reasons = expectedFinishReasons(call);
  expect.soft(a["gen_ai.response.finish_reasons"], what(`gen_ai.response.finish_reasons (SDK: ${JSON.stringify(call.finishReasons)})`)).toEqual(reasons);
  expect.soft(output.at(-1)?.finish_reason, what("finish_reason of the (last) output message (normalised)")).toBe(NORMALISED[reasons[0] ?? ""] ?? reasons[0]);

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
  const earliest = FIRST_MS + (IMMEDIATE_OUTPUT.has(call.label) ? 0 : TOKEN_MS) - 5;
  expect.soft(ttftMs, what(`time_to_first_chunk (${ttftMs.toFixed(1)} ms) is not before the mock sent the first output (>= ${earliest} ms)`)).toBeGreaterThanOrEqual(earliest);
  expect.soft(ttftMs, what(`time_to_first_chunk (${ttftMs.toFixed(1)} ms) is not after the page saw the first output (${call.firstContentMs?.toFixed(1)} ms)`))
    .toBeLessThanOrEqual((call.firstContentMs ?? 0) + 25);
  if (span.endTime !== undefined) expect.soft(ttftMs, what("time_to_first_chunk within the span")).toBeLessThanOrEqual(span.endTime - span.startTime);
}

/**
 * Issue 16: reasoning, citations, sources and provider-run tools in the output messages equal
 * what the SDK returned (thinking blocks, reasoning summaries, thought parts; citation URLs;
 * web_search / google_search calls, each answered in the same output).
 */
function checkNewestParts(call: SdkCall, parts: Part[], what: (key: string) => string): void {
  if (call.reasoning !== undefined) {
    const reasoning = parts.filter((p) => p.type === "reasoning").map((p) => p.content ?? "").join("");
    expect.soft(reasoning, what("reasoning parts of gen_ai.output.messages")).toBe(call.reasoning);
  }
  if (call.citations !== undefined) {
    const cited = parts.flatMap((p) => ((p as { citations?: { url?: string }[] }).citations ?? []).flatMap((c) => (c.url ? [c.url] : [])));
    expect.soft(cited, what("citation URLs on the text parts")).toEqual(call.citations);
  }
  if (call.sources !== undefined) {
    const sources = parts.filter((p) => p.type === "source").map((p) => (p as { url?: string }).url);
    expect.soft(sources, what("source parts")).toEqual(call.sources);
  }
  if (call.serverTools !== undefined) {
    const calls = parts.filter((p) => p.type === "tool_call" && call.serverTools!.includes(p.name ?? ""));
    expect.soft(calls.map((p) => p.name), what("tool calls the provider or backend ran")).toEqual(call.serverTools);
    const answered = parts.filter((p) => p.type === "tool_call_response").length;
    expect.soft(answered, what("each provider-run call answered in the output")).toBeGreaterThanOrEqual(call.serverTools.length);
  }
}

/**
 * An MCP message's span against what the MCP client saw: tools/call an execute_tool span with the
 * arguments sent and the result the client got; the other methods protocol spans named after
 * them; all in the session the transport holds.
 */
function checkMcpCall(call: SdkCall, span: SpanRecord, what: (key: string) => string): void {
  const m = call.mcp;
  expect.soft(m, what("the page recorded the MCP exchange")).toBeDefined();
  if (!m) return;
  const a = span.attributes;
  expect.soft(span.status, what(`status (error.type: ${String(a["error.type"])})`)).toBe("ok");
  expect.soft(span.endTime, what("endTime")).toBeDefined();
  expect.soft(a["mcp.method.name"], what("mcp.method.name")).toBe(m.method);
  expect.soft(a["mcp.session.id"], what("mcp.session.id (the transport's session)")).toBe(m.sessionId);
  expect.soft(a["server.address"], what("server.address")).toBe(call.host);
  if (m.method.startsWith("notifications/")) expect.soft(a["jsonrpc.request.id"], what("no jsonrpc.request.id on a notification")).toBeUndefined();
  else expect.soft(typeof a["jsonrpc.request.id"], what("jsonrpc.request.id")).toBe("string");
  if (m.method === "tools/call") {
    expect.soft(span.kind, what("kind")).toBe("tool");
    expect.soft(span.name, what("name")).toBe(`execute_tool ${m.tool}`);
    expect.soft(a["gen_ai.operation.name"], what("gen_ai.operation.name")).toBe("execute_tool");
    expect.soft(a["gen_ai.tool.name"], what("gen_ai.tool.name")).toBe(m.tool);
    expect.soft(JSON.parse(String(a["gen_ai.tool.call.arguments"] ?? "null")), what("gen_ai.tool.call.arguments")).toEqual(m.arguments);
    expect.soft(JSON.parse(String(a["gen_ai.tool.call.result"] ?? "null")), what("gen_ai.tool.call.result (what the client got)")).toEqual(m.result);
    return;
  }
  expect.soft(span.kind, what("kind")).toBe("http");
  expect.soft(span.name, what("name")).toBe(m.method);
  if (m.method === "initialize") {
    expect.soft(a["mcp.protocol.version"], what("mcp.protocol.version (negotiated)")).toBe(m.protocolVersion);
    expect.soft(a["llm_trace.mcp.server.name"], what("llm_trace.mcp.server.name")).toBe(m.serverName);
  }
  if (m.method === "tools/list") {
    const names = (JSON.parse(String(a["gen_ai.tool.definitions"] ?? "[]")) as { name?: string }[]).map((t) => t.name);
    expect.soft(names, what("gen_ai.tool.definitions names")).toEqual(m.toolNames);
  }
}
