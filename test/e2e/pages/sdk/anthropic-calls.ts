/**
 * Calls through `@anthropic-ai/sdk` (1.x) in browser mode, to api.anthropic.com.
 *
 * How it ends what it reads (core/streaming.js): `Stream.fromSSEResponse` reads the body to EOF
 * (message_stop is just one more event); only a `break` or `controller.abort()` before the end
 * aborts the request. `messages.stream()` (MessageStream) consumes that same stream to EOF and
 * accumulates the final message. Non-streamed calls read the whole body.
 */
import Anthropic from "@anthropic-ai/sdk";
import { attempt, labelHeader, plain, startCall, type SdkCall } from "./call";

export const ANTHROPIC_KEY = "sk-ant-test-not-a-real-key";

const label = (name: string) => ({ headers: labelHeader(name) });

function fromMessage(call: SdkCall, m: Anthropic.Message): void {
  call.model = m.model;
  call.id = m.id;
  call.usage = plain(m.usage);
  call.text = m.content.flatMap((b) => (b.type === "text" ? [b.text] : [])).join("");
  call.toolCalls = m.content.flatMap((b) => (b.type === "tool_use" ? [{ id: b.id, name: b.name, arguments: b.input }] : []));
  call.finishReasons = m.stop_reason ? [m.stop_reason] : [];
}

export async function anthropicCalls(): Promise<SdkCall[]> {
  const anthropic = new Anthropic({ apiKey: ANTHROPIC_KEY, dangerouslyAllowBrowser: true, maxRetries: 0 });
  const base = { sdk: "@anthropic-ai/sdk", provider: "anthropic", api: "messages", host: "api.anthropic.com" } as const;
  const calls: SdkCall[] = [];

  // Messages, not streamed.
  calls.push(await attempt(startCall({ ...base, label: "anthropic-messages", stream: false, requestModel: "claude-3-5-haiku-latest", sent: { maxTokens: 256 } }), async (call) => {
    fromMessage(call, await anthropic.messages.create({
      model: call.requestModel, max_tokens: 256, system: "You are a support assistant.",
      messages: [{ role: "user", content: "What can you help me with?" }],
    }, label(call.label)));
  }));

  // messages.stream(): text then a tool_use, accumulated by the SDK's MessageStream.
  calls.push(await attempt(startCall({ ...base, label: "anthropic-stream-tool", stream: true, requestModel: "claude-sonnet-4-5", sent: { maxTokens: 512, tools: ["check_account_status"] } }), async (call) => {
    const t0 = performance.now();
    const stream = anthropic.messages.stream({
      model: call.requestModel, max_tokens: 512,
      tools: [{ name: "check_account_status", description: "Look up an account.", input_schema: { type: "object", properties: { email: { type: "string" } }, required: ["email"] } }],
      messages: [{ role: "user", content: "Is the account of ada@example.com locked?" }],
    }, label(call.label));
    call.events = 0;
    stream.on("streamEvent", (event) => {
      call.events!++;
      if (event.type === "content_block_delta") call.firstContentMs ??= performance.now() - t0;
    });
    fromMessage(call, await stream.finalMessage());
  }));

  // messages.create({stream: true}): the raw events, read by the page.
  calls.push(await attempt(startCall({ ...base, label: "anthropic-create-stream", stream: true, requestModel: "claude-3-5-haiku-latest", sent: { maxTokens: 256 } }), async (call) => {
    const t0 = performance.now();
    const stream = await anthropic.messages.create({
      model: call.requestModel, max_tokens: 256, stream: true, messages: [{ role: "user", content: "Hello! What do you do?" }],
    }, label(call.label));
    call.events = 0;
    for await (const event of stream) {
      call.events++;
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
  }));

  // Issue 16: extended thinking (thinking_delta, signature_delta) and the web search server tool
  // (server_tool_use, web_search_tool_result, text with citations), accumulated by MessageStream.
  calls.push(await attempt(startCall({ ...base, label: "anthropic-research", stream: true, requestModel: "claude-sonnet-4-5", sent: { maxTokens: 2048, tools: ["web_search"] } }), async (call) => {
    const t0 = performance.now();
    const stream = anthropic.messages.stream({
      model: call.requestModel, max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 },
      tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 1 }],
      messages: [{ role: "user", content: "When do locked accounts unlock?" }],
    }, label(call.label));
    call.events = 0;
    stream.on("streamEvent", (event) => {
      call.events!++;
      if (event.type === "content_block_delta" && (event.delta.type === "thinking_delta" || event.delta.type === "text_delta")) call.firstContentMs ??= performance.now() - t0;
    });
    const m = await stream.finalMessage();
    fromMessage(call, m);
    call.reasoning = m.content.flatMap((b) => (b.type === "thinking" ? [b.thinking] : [])).join("");
    call.serverTools = m.content.flatMap((b) => (b.type === "server_tool_use" ? [b.name] : []));
    call.citations = m.content.flatMap((b) => (b.type === "text" ? (b.citations ?? []).flatMap((c) => ("url" in c && typeof c.url === "string" ? [c.url] : [])) : []));
  }));

  return calls;
}
