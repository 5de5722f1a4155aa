/**
 * Calls through the `openai` package (7.x), in browser mode, to its default host and to an Azure
 * resource (AzureOpenAI).
 *
 * How openai 7 ends what it reads (core/streaming.js, client.js):
 * - Chat Completions streams: `Stream.fromSSEResponse` stops at `data: [DONE]` and then cancels
 *   the response body (`reader.cancel()` in the SSE source's cleanup) without reading to EOF;
 *   only a `break` before [DONE] aborts the request (AbortController) instead.
 * - Responses streams have no [DONE]: the SDK reads until the body ends after response.completed.
 * - Non-streamed calls read the whole body (`response.json()`).
 * - Retries (maxRetries, 2 by default) on 408/409/429/5xx: the failed response's body is
 *   cancelled unread (`CancelReadableStream`), the SDK waits retry-after-ms / retry-after, then
 *   sends the same request again (with x-stainless-retry-count: 1).
 * - AzureOpenAI: the same client, `api-key` header, `/openai/deployments/{deployment}/...?api-version=`.
 */
import OpenAI, { AzureOpenAI } from "openai";
import { attempt, labelHeader, plain, startCall, type SdkCall, type SdkConfig } from "./call";

const KEY = "sk-test-not-a-real-key";
export const AZURE_KEY = "azure-test-not-a-real-key";

const accountTool: OpenAI.Chat.Completions.ChatCompletionTool = {
  type: "function",
  function: {
    name: "check_account_status",
    description: "Look up whether a customer's account is active or locked.",
    parameters: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
  },
};

const label = (name: string) => ({ headers: labelHeader(name) });
type ChatMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** What the page assembles from a Chat Completions stream, chunk by chunk, as apps do. */
async function readChatStream(call: SdkCall, stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>, t0: number): Promise<void> {
  call.events = 0;
  const byIndex = new Map<number, { id: string; name: string; arguments: string }>();
  for await (const chunk of stream) {
    call.events++;
    // Azure's first chunk (prompt_filter_results) has an empty id and model.
    if (chunk.id) call.id ??= chunk.id;
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
}

/** What the page takes from a Responses stream: text deltas, then the completed response's items. */
async function readResponsesStream(call: SdkCall, stream: AsyncIterable<OpenAI.Responses.ResponseStreamEvent>, t0: number): Promise<void> {
  call.events = 0;
  for await (const event of stream) {
    call.events++;
    if (event.type === "response.output_text.delta" || event.type === "response.function_call_arguments.delta" || event.type === "response.reasoning_summary_text.delta") {
      call.firstContentMs ??= performance.now() - t0;
    }
    if (event.type === "response.output_text.delta") call.text += event.delta;
    if (event.type !== "response.completed") continue;
    const r = event.response;
    call.id = r.id;
    call.model = r.model;
    call.usage = plain(r.usage);
    call.finishReasons = [r.status ?? ""];
    call.reasoning = "";
    call.serverTools = [];
    call.citations = [];
    for (const item of r.output) {
      if (item.type === "function_call") call.toolCalls.push({ id: item.call_id, name: item.name, arguments: item.arguments });
      if (item.type === "reasoning") call.reasoning += item.summary.map((s) => s.text).join("");
      if (item.type === "web_search_call") call.serverTools.push("web_search");
      if (item.type !== "message") continue;
      for (const c of item.content) if (c.type === "output_text") for (const a of c.annotations) if (a.type === "url_citation") call.citations.push(a.url);
    }
  }
}

function fromCompletion(call: SdkCall, r: OpenAI.Chat.Completions.ChatCompletion): void {
  const choice = r.choices[0]!;
  call.model = r.model;
  call.id = r.id;
  call.usage = plain(r.usage);
  call.text = choice.message.content ?? "";
  call.toolCalls = (choice.message.tool_calls ?? []).flatMap((t) => (t.type === "function" ? [{ id: t.id, name: t.function.name, arguments: t.function.arguments }] : []));
  call.finishReasons = [choice.finish_reason];
}

export async function openaiCalls(config: SdkConfig): Promise<SdkCall[]> {
  const openai = new OpenAI({ apiKey: KEY, dangerouslyAllowBrowser: true, maxRetries: 0 });
  const calls: SdkCall[] = [];
  const base = { sdk: "openai", provider: "openai", host: "api.openai.com" } as const;

  // Chat Completions, not streamed.
  calls.push(await attempt(startCall({ ...base, label: "openai-chat", api: "chat.completions", stream: false, requestModel: "gpt-4o-mini", sent: { temperature: 0.2, maxTokens: 200 } }), async (call) => {
    fromCompletion(call, await openai.chat.completions.create({
      model: call.requestModel, temperature: 0.2, max_tokens: 200,
      messages: [{ role: "system", content: "You are a support assistant." }, { role: "user", content: "What can you help me with?" }],
    }, label(call.label)));
  }));

  // Streamed text, no stream_options: no usage chunk, [DONE] right after the finish_reason chunk.
  calls.push(await attempt(startCall({ ...base, label: "openai-chat-stream", api: "chat.completions", stream: true, requestModel: "gpt-4o-mini" }), async (call) => {
    const t0 = performance.now();
    const stream = await openai.chat.completions.create({ model: call.requestModel, stream: true, messages: [{ role: "user", content: "Hello! What do you do?" }] }, label(call.label));
    await readChatStream(call, stream, t0);
  }));

  // Streamed with stream_options.include_usage and answered by a tool call; then the follow-up
  // that carries the tool's result, streamed text.
  const toolModel = "gpt-4.1-nano";
  const question: ChatMessage = { role: "user", content: "Is the account of ada@example.com locked?" };
  let firstTurn: SdkCall | undefined;
  for (const turn of ["openai-chat-stream-tool", "openai-chat-stream-after-tool"] as const) {
    const messages: ChatMessage[] = [{ role: "system", content: "You are a support assistant." }, question];
    const previous = firstTurn;
    if (previous) {
      messages.push({
        role: "assistant", content: null,
        tool_calls: previous.toolCalls.map((t) => ({ id: t.id, type: "function" as const, function: { name: t.name, arguments: String(t.arguments) } })),
      });
      for (const t of previous.toolCalls) messages.push({ role: "tool", tool_call_id: t.id, content: JSON.stringify({ status: "active", locked: false }) });
    }
    const call = startCall({
      ...base, label: turn, api: "chat.completions", stream: true, requestModel: toolModel, sent: { tools: ["check_account_status"] },
      toolResultIds: previous ? previous.toolCalls.map((t) => t.id) : [],
    });
    calls.push(await attempt(call, async () => {
      const t0 = performance.now();
      const stream = await openai.chat.completions.create({
        model: toolModel, stream: true, stream_options: { include_usage: true }, tools: [accountTool], messages,
      }, label(turn));
      await readChatStream(call, stream, t0);
    }));
    firstTurn = call;
  }

  // A streamed chat whose first attempt is answered 429 (the mock's "-overloaded-once" models);
  // the SDK's own retry (maxRetries 2) gets the stream. A nonce keeps the body, which the mock
  // keys its one 429 on, new for every run.
  calls.push(await attempt(startCall({ ...base, label: "openai-chat-stream-retry-429", api: "chat.completions", stream: true, requestModel: "gpt-4o-mini-overloaded-once", attempts: 2 }), async (call) => {
    const retrying = new OpenAI({ apiKey: KEY, dangerouslyAllowBrowser: true, maxRetries: 2 });
    const t0 = performance.now();
    const stream = await retrying.chat.completions.create({
      model: call.requestModel, stream: true, stream_options: { include_usage: true },
      messages: [{ role: "user", content: `Hello! What do you do? (${crypto.randomUUID()})` }],
    }, label(call.label));
    await readChatStream(call, stream, t0);
  }));

  // Responses, streamed.
  calls.push(await attempt(startCall({ ...base, label: "openai-responses-stream", api: "responses", stream: true, requestModel: "gpt-4.1-mini" }), async (call) => {
    const t0 = performance.now();
    const stream = await openai.responses.create({
      model: call.requestModel, stream: true, instructions: "Answer briefly.", input: "Summarize the password and lockout policy.",
    }, label(call.label));
    await readResponsesStream(call, stream, t0);
  }));

  // Issue 16: Responses with a reasoning summary, the web_search tool and a url_citation, streamed.
  calls.push(await attempt(startCall({ ...base, label: "openai-responses-research", api: "responses", stream: true, requestModel: "gpt-5-mini" }), async (call) => {
    const t0 = performance.now();
    const stream = await openai.responses.create({
      model: call.requestModel, stream: true, reasoning: { effort: "low", summary: "auto" }, tools: [{ type: "web_search" }],
      input: "When do locked accounts unlock?",
    }, label(call.label));
    await readResponsesStream(call, stream, t0);
  }));

  // Embeddings (the SDK asks for base64 and decodes it to floats).
  calls.push(await attempt(startCall({ ...base, label: "openai-embeddings", api: "embeddings", stream: false, requestModel: "text-embedding-3-small" }), async (call) => {
    const r = await openai.embeddings.create({ model: call.requestModel, input: ["reset my password", "unlock my account"] }, label(call.label));
    call.model = r.model;
    call.usage = plain(r.usage);
    call.dimensions = r.data[0]?.embedding.length ?? 0;
    call.vectors = r.data.length;
  }));

  // Azure OpenAI: a deployment named after its model, streamed with usage.
  const azureHost = new URL(config.azureEndpoint).hostname;
  calls.push(await attempt(startCall({ label: "azure-chat-stream", sdk: "openai", provider: "azure.ai.openai", api: "chat.completions", host: azureHost, stream: true, requestModel: "gpt-4o-mini" }), async (call) => {
    const azure = new AzureOpenAI({
      endpoint: config.azureEndpoint, apiKey: AZURE_KEY, apiVersion: "2024-10-21", deployment: call.requestModel, dangerouslyAllowBrowser: true, maxRetries: 0,
    });
    const t0 = performance.now();
    const stream = await azure.chat.completions.create({
      model: call.requestModel, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Hello! What do you do?" }],
    }, label(call.label));
    await readChatStream(call, stream, t0);
  }));

  return calls;
}
