/**
 * A web page that calls model APIs the way real apps do: through the official `openai` and
 * `@anthropic-ai/sdk` packages in browser mode. Bundled by test/e2e/support/sdk-bundle.ts
 * (esbuild, platform browser) and driven by test/e2e/sdk.spec.ts, which compares what the SDK
 * handed this page (returned from `window.sdk.run`) with the spans the extension recorded.
 *
 * Every call carries an `x-test-call: <label>` header so the test can find its exchange.
 * Nothing here interprets the wire format: values are read from the SDKs' own return values.
 */
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";

export interface SdkConfig {
  openaiBaseURL: string;
  anthropicBaseURL: string;
}

export interface ToolCallSeen {
  id: string;
  name: string;
  /** OpenAI: the JSON string the SDK gave; Anthropic: the parsed `input` object. */
  arguments: unknown;
}

/** What the SDK returned to the page for one call. */
export interface SdkCall {
  label: string;
  provider: "openai" | "anthropic";
  api: "chat.completions" | "responses" | "embeddings" | "messages";
  stream: boolean;
  requestModel: string;
  model: string;
  id?: string;
  /** The usage object exactly as the SDK reported it. */
  usage: Usage;
  text: string;
  toolCalls: ToolCallSeen[];
  /** finish_reason / stop_reason / Responses status, as the SDK reported it. */
  finishReasons: string[];
  /** Request parameters the page set. */
  sent: { temperature?: number; maxTokens?: number; tools?: string[] };
  /** Input messages the page sent that answer earlier tool calls (their ids). */
  toolResultIds: string[];
  /** Embeddings only. */
  dimensions?: number;
  vectors?: number;
  /** Chunks/events the page received from the SDK's stream. */
  events?: number;
  /** Streamed: ms from just before the SDK call to the first chunk carrying output (text or tool call). */
  firstContentMs?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Usage = Record<string, any>;

declare global {
  interface Window {
    sdk: { run(config: SdkConfig): Promise<SdkCall[]> };
  }
}

/** A plain JSON copy (what crosses page.evaluate). */
const plain = (usage: unknown): Usage => JSON.parse(JSON.stringify(usage ?? {})) as Usage;

const accountTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "check_account_status",
    description: "Look up whether a customer's account is active or locked.",
    parameters: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
  },
};

async function run(config: SdkConfig): Promise<SdkCall[]> {
  const openai = new OpenAI({ apiKey: "sk-test-not-a-real-key", baseURL: config.openaiBaseURL, dangerouslyAllowBrowser: true, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: "sk-ant-test-not-a-real-key", baseURL: config.anthropicBaseURL, dangerouslyAllowBrowser: true, maxRetries: 0 });
  const label = (name: string) => ({ headers: { "x-test-call": name } });
  const calls: SdkCall[] = [];

  // 1. OpenAI Chat Completions, not streamed.
  {
    const requestModel = "gpt-4o-mini";
    const r = await openai.chat.completions.create({
      model: requestModel,
      temperature: 0.2,
      max_tokens: 200,
      messages: [
        { role: "system", content: "You are a support assistant." },
        { role: "user", content: "What can you help me with?" },
      ],
    }, label("openai-chat"));
    const choice = r.choices[0]!;
    calls.push({
      label: "openai-chat", provider: "openai", api: "chat.completions", stream: false, requestModel,
      model: r.model, id: r.id, usage: plain(r.usage), text: choice.message.content ?? "",
      toolCalls: (choice.message.tool_calls ?? []).flatMap((t) => (t.type === "function" ? [{ id: t.id, name: t.function.name, arguments: t.function.arguments }] : [])),
      finishReasons: [choice.finish_reason], toolResultIds: [], sent: { temperature: 0.2, maxTokens: 200 },
    });
  }

  // 2. Streamed with stream_options.include_usage, answered by a tool call; 3. the follow-up
  // that carries the tool's result, streamed text.
  const toolModel = "gpt-4.1-nano";
  const question: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: "user", content: "Is the account of ada@example.com locked?" };
  let firstTurn: SdkCall | undefined;
  for (const turn of ["openai-chat-stream-tool", "openai-chat-stream-after-tool"] as const) {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: "system", content: "You are a support assistant." }, question];
    if (firstTurn) {
      messages.push({
        role: "assistant", content: null,
        tool_calls: firstTurn.toolCalls.map((t) => ({ id: t.id, type: "function" as const, function: { name: t.name, arguments: String(t.arguments) } })),
      });
      for (const t of firstTurn.toolCalls) messages.push({ role: "tool", tool_call_id: t.id, content: JSON.stringify({ status: "active", locked: false }) });
    }
    const t0 = performance.now();
    const stream = await openai.chat.completions.create({
      model: toolModel, stream: true, stream_options: { include_usage: true }, tools: [accountTool], messages,
    }, label(turn));
    const call: SdkCall = {
      label: turn, provider: "openai", api: "chat.completions", stream: true, requestModel: toolModel,
      model: "", usage: {}, text: "", toolCalls: [], finishReasons: [], events: 0, sent: { tools: ["check_account_status"] },
      toolResultIds: firstTurn ? firstTurn.toolCalls.map((t) => t.id) : [],
    };
    const byIndex = new Map<number, { id: string; name: string; arguments: string }>();
    for await (const chunk of stream) {
      call.events!++;
      call.id ??= chunk.id;
      if (chunk.model) call.model = chunk.model;
      if (chunk.usage) call.usage = plain(chunk.usage);
      for (const choice of chunk.choices) {
        if (choice.delta.content || choice.delta.tool_calls?.length) call.firstContentMs ??= performance.now() - t0;
        if (choice.delta.content) call.text += choice.delta.content;
        for (const d of choice.delta.tool_calls ?? []) {
          const t = byIndex.get(d.index) ?? { id: "", name: "", arguments: "" };
          if (d.id) t.id = d.id;
          if (d.function?.name) t.name += d.function.name;
          if (d.function?.arguments) t.arguments += d.function.arguments;
          byIndex.set(d.index, t);
        }
        if (choice.finish_reason) call.finishReasons.push(choice.finish_reason);
      }
    }
    call.toolCalls = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
    calls.push(call);
    firstTurn = call;
  }

  // 4. OpenAI Responses, streamed.
  {
    const requestModel = "gpt-4.1-mini";
    const t0 = performance.now();
    const stream = await openai.responses.create({
      model: requestModel, stream: true, instructions: "Answer briefly.", input: "Summarize the password and lockout policy.",
    }, label("openai-responses-stream"));
    const call: SdkCall = {
      label: "openai-responses-stream", provider: "openai", api: "responses", stream: true, requestModel,
      model: "", usage: {}, text: "", toolCalls: [], finishReasons: [], toolResultIds: [], events: 0, sent: {},
    };
    for await (const event of stream) {
      call.events!++;
      if (event.type === "response.output_text.delta" || event.type === "response.function_call_arguments.delta") call.firstContentMs ??= performance.now() - t0;
      if (event.type === "response.output_text.delta") call.text += event.delta;
      if (event.type === "response.completed") {
        const r = event.response;
        call.id = r.id;
        call.model = r.model;
        call.usage = plain(r.usage);
        call.finishReasons = [r.status ?? ""];
        for (const item of r.output) {
          if (item.type === "function_call") call.toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
        }
      }
    }
    calls.push(call);
  }

  // 5. Embeddings (the SDK asks for base64 and decodes it to floats).
  {
    const requestModel = "text-embedding-3-small";
    const r = await openai.embeddings.create({ model: requestModel, input: ["reset my password", "unlock my account"] }, label("openai-embeddings"));
    calls.push({
      label: "openai-embeddings", provider: "openai", api: "embeddings", stream: false, requestModel,
      model: r.model, usage: plain(r.usage), text: "", toolCalls: [], finishReasons: [], toolResultIds: [], sent: {},
      dimensions: r.data[0]?.embedding.length ?? 0, vectors: r.data.length,
    });
  }

  // 6. Anthropic Messages, not streamed.
  {
    const requestModel = "claude-3-5-haiku-latest";
    const m = await anthropic.messages.create({
      model: requestModel, max_tokens: 256, system: "You are a support assistant.",
      messages: [{ role: "user", content: "What can you help me with?" }],
    }, label("anthropic-messages"));
    calls.push({
      label: "anthropic-messages", provider: "anthropic", api: "messages", stream: false, requestModel,
      model: m.model, id: m.id, usage: plain(m.usage),
      text: m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(""),
      toolCalls: m.content.flatMap((b) => (b.type === "tool_use" ? [{ id: b.id, name: b.name, arguments: b.input }] : [])),
      finishReasons: m.stop_reason ? [m.stop_reason] : [], toolResultIds: [], sent: { maxTokens: 256 },
    });
  }

  // 7. Anthropic messages.stream(): text then a tool_use, accumulated by the SDK's MessageStream.
  {
    const requestModel = "claude-sonnet-4-5";
    const t0 = performance.now();
    const stream = anthropic.messages.stream({
      model: requestModel, max_tokens: 512,
      tools: [{ name: "check_account_status", description: "Look up an account.", input_schema: { type: "object", properties: { email: { type: "string" } }, required: ["email"] } }],
      messages: [{ role: "user", content: "Is the account of ada@example.com locked?" }],
    }, label("anthropic-stream-tool"));
    let events = 0;
    let firstContentMs: number | undefined;
    stream.on("streamEvent", (event) => {
      events++;
      if (event.type === "content_block_delta") firstContentMs ??= performance.now() - t0;
    });
    const m = await stream.finalMessage();
    calls.push({
      label: "anthropic-stream-tool", provider: "anthropic", api: "messages", stream: true, requestModel,
      model: m.model, id: m.id, usage: plain(m.usage),
      text: m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join(""),
      toolCalls: m.content.flatMap((b) => (b.type === "tool_use" ? [{ id: b.id, name: b.name, arguments: b.input }] : [])),
      finishReasons: m.stop_reason ? [m.stop_reason] : [], toolResultIds: [], events, firstContentMs, sent: { maxTokens: 512, tools: ["check_account_status"] },
    });
  }

  // 8. Anthropic messages.create({stream: true}): the raw events, read by the page.
  {
    const requestModel = "claude-3-5-haiku-latest";
    const t0 = performance.now();
    const stream = await anthropic.messages.create({
      model: requestModel, max_tokens: 256, stream: true,
      messages: [{ role: "user", content: "Hello! What do you do?" }],
    }, label("anthropic-create-stream"));
    const call: SdkCall = {
      label: "anthropic-create-stream", provider: "anthropic", api: "messages", stream: true, requestModel,
      model: "", usage: {}, text: "", toolCalls: [], finishReasons: [], toolResultIds: [], events: 0, sent: { maxTokens: 256 },
    };
    for await (const event of stream) {
      call.events!++;
      if (event.type === "message_start") {
        call.id = event.message.id;
        call.model = event.message.model;
        call.usage = plain(event.message.usage);
      } else if (event.type === "content_block_delta") {
        call.firstContentMs ??= performance.now() - t0;
        if (event.delta.type === "text_delta") call.text += event.delta.text;
      } else if (event.type === "message_delta") {
        // message_delta usage is cumulative: it replaces what message_start said.
        for (const [k, v] of Object.entries(plain(event.usage))) if (v !== null) call.usage[k] = v;
        if (event.delta.stop_reason) call.finishReasons = [event.delta.stop_reason];
      }
    }
    calls.push(call);
  }

  return calls;
}

window.sdk = { run };
