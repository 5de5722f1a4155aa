/**
 * Calls through the Vercel AI SDK (`ai` 7.x) with its OpenAI provider (`@ai-sdk/openai` 4.x),
 * called from the browser straight to api.openai.com. The provider's default model
 * (`openai(id)`) speaks the Responses API; `openai.chat(id)` speaks Chat Completions (and asks
 * for stream_options.include_usage).
 *
 * How it ends what it reads (@ai-sdk/provider-utils parseJsonEventStream): the body is piped
 * through TextDecoderStream -> EventSourceParserStream -> a transform that drops `[DONE]`, and
 * read to EOF; streamText's result streams end when that pipe closes. generateText reads the
 * whole JSON body. Retries (maxRetries, 2 by default) are the SDK's own; 0 here.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { DefaultChatTransport, generateText, readUIMessageStream, streamText, type LanguageModel, type UIMessage, type UIMessageChunk } from "ai";
import { attempt, labelHeader, plain, startCall, type SdkCall } from "./call";

const KEY = "sk-test-not-a-real-key";

export async function aisdkCalls(): Promise<SdkCall[]> {
  const openai = createOpenAI({ apiKey: KEY });
  const base = { sdk: "ai", provider: "openai", host: "api.openai.com" } as const;
  const models = [
    { api: "responses", name: "aisdk-responses", requestModel: "gpt-4.1-mini", model: (id: string): LanguageModel => openai(id) },
    { api: "chat.completions", name: "aisdk-chat", requestModel: "gpt-4o-mini", model: (id: string): LanguageModel => openai.chat(id) },
  ] as const;
  const calls: SdkCall[] = [];

  for (const m of models) {
    calls.push(await attempt(startCall({ ...base, label: `${m.name}-stream`, api: m.api, stream: true, requestModel: m.requestModel }), async (call) => {
      const t0 = performance.now();
      const result = streamText({
        model: m.model(call.requestModel), system: "Answer briefly.", prompt: "Summarize the password and lockout policy.",
        headers: labelHeader(call.label), maxRetries: 0,
      });
      call.events = 0;
      for await (const part of result.fullStream) {
        call.events++;
        if (part.type === "text-delta" && part.text) call.firstContentMs ??= performance.now() - t0;
        if (part.type === "error") throw part.error;
      }
      call.text = await result.text;
      call.usage = plain(await result.usage);
      call.finishReasons = [await result.finishReason];
      const response = await result.response;
      call.model = response.modelId;
      call.id = response.id;
    }));

    calls.push(await attempt(startCall({ ...base, label: `${m.name}-generate`, api: m.api, stream: false, requestModel: m.requestModel }), async (call) => {
      const r = await generateText({
        model: m.model(call.requestModel), system: "Answer briefly.", prompt: "What can you help me with?", headers: labelHeader(call.label), maxRetries: 0,
      });
      call.text = r.text;
      call.usage = plain(r.usage);
      call.finishReasons = [r.finishReason];
      call.model = r.response.modelId;
      call.id = r.response.id;
    }));
  }

  // Issue 16: an app backend's UI message stream (the mock's /api/ui-chat), read by the AI SDK's
  // own client: DefaultChatTransport sends the UI messages and parses the stream into chunks
  // (validating each against the protocol's schema), readUIMessageStream assembles the message.
  calls.push(await attempt(startCall({ sdk: "ai", provider: "openai", host: location.hostname, label: "aisdk-ui-stream", api: "ui-message-stream", stream: true, requestModel: "" }), async (call) => {
    const transport = new DefaultChatTransport<UIMessage>({ api: `${location.origin}/api/ui-chat`, headers: labelHeader(call.label) });
    const t0 = performance.now();
    const chunks = await transport.sendMessages({
      trigger: "submit-message", chatId: "chat-ui-1", messageId: undefined, abortSignal: undefined,
      messages: [{ id: "u1", role: "user", parts: [{ type: "text", text: "Is my account locked?" }] }],
    });
    const [forMessage, forChunks] = chunks.tee();
    const seen: UIMessageChunk[] = [];
    const collecting = (async () => {
      const reader = forChunks.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (r.value.type === "reasoning-delta" || r.value.type === "text-delta") call.firstContentMs ??= performance.now() - t0;
        seen.push(r.value);
      }
    })();
    let message: UIMessage | undefined;
    for await (const m of readUIMessageStream<UIMessage>({ stream: forMessage })) message = m;
    await collecting;
    call.events = seen.length;
    const finish = seen.find((c) => c.type === "finish");
    if (finish?.type === "finish") {
      call.finishReasons = finish.finishReason ? [finish.finishReason] : [];
      const meta = finish.messageMetadata as { model?: string; usage?: Record<string, unknown> } | undefined;
      call.model = meta?.model ?? "";
      call.usage = plain(meta?.usage);
    }
    call.text = "";
    call.reasoning = "";
    call.sources = [];
    for (const part of message?.parts ?? []) {
      if (part.type === "text") call.text += part.text;
      else if (part.type === "reasoning") call.reasoning += part.text;
      else if (part.type === "source-url") call.sources.push(part.url);
      else if (part.type.startsWith("tool-") && "toolCallId" in part) {
        call.toolCalls.push({ id: part.toolCallId, name: part.type.slice(5), arguments: "input" in part ? part.input : undefined });
        call.serverTools = [...(call.serverTools ?? []), part.type.slice(5)];
      }
    }
  }));

  return calls;
}
