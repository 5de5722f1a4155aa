/**
 * Calls through `@langchain/openai` (1.x) ChatOpenAI, which drives the `openai` 7 client (its own
 * retries are LangChain's AsyncCaller; the client gets maxRetries 0). `.stream()` iterates
 * openai's Chat Completions stream to its end, so the body is ended the way openai 7 ends it:
 * cancelled right after `data: [DONE]`. With streamUsage (the default) it asks for
 * stream_options.include_usage. `.invoke()` is a plain request read whole.
 */
import { ChatOpenAI } from "@langchain/openai";
import type { AIMessageChunk } from "@langchain/core/messages";
import { concat } from "@langchain/core/utils/stream";
import { attempt, labelHeader, plain, startCall, type SdkCall } from "./call";

const KEY = "sk-test-not-a-real-key";

/** What LangChain hands the page: content, usage_metadata, response_metadata. */
function fromMessage(call: SdkCall, m: AIMessageChunk | Awaited<ReturnType<ChatOpenAI["invoke"]>>): void {
  call.text = typeof m.content === "string" ? m.content : "";
  call.usage = plain(m.usage_metadata);
  const meta = m.response_metadata as { model_name?: string; finish_reason?: string };
  call.model = meta.model_name ?? "";
  if (meta.finish_reason) call.finishReasons = [meta.finish_reason];
  if (m.id) call.id = m.id;
}

export async function langchainCalls(): Promise<SdkCall[]> {
  const chat = (label: string, model: string, temperature?: number) =>
    new ChatOpenAI({ model, apiKey: KEY, temperature, configuration: { dangerouslyAllowBrowser: true, defaultHeaders: labelHeader(label) } });
  const base = { sdk: "@langchain/openai", provider: "openai", api: "chat.completions", host: "api.openai.com", requestModel: "gpt-4o-mini" } as const;
  const calls: SdkCall[] = [];

  calls.push(await attempt(startCall({ ...base, label: "langchain-stream", stream: true }), async (call) => {
    const t0 = performance.now();
    const stream = await chat(call.label, call.requestModel).stream([["system", "You are a support assistant."], ["human", "Hello! What do you do?"]]);
    call.events = 0;
    let whole: AIMessageChunk | undefined;
    for await (const chunk of stream) {
      call.events++;
      if (typeof chunk.content === "string" && chunk.content) call.firstContentMs ??= performance.now() - t0;
      whole = whole ? concat(whole, chunk) : chunk;
    }
    if (whole) fromMessage(call, whole);
  }));

  calls.push(await attempt(startCall({ ...base, label: "langchain-invoke", stream: false, sent: { temperature: 0.3 } }), async (call) => {
    fromMessage(call, await chat(call.label, call.requestModel, 0.3).invoke([["human", "What can you help me with?"]]));
  }));

  return calls;
}
