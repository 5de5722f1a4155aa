/**
 * Calls through the `ollama` package's browser build (`ollama/browser`, 0.6.x).
 *
 * How it ends what it reads (dist/browser.mjs): a streamed request's body is read by a
 * generator (`parseJSON`, reader.read() in a loop, one JSON object per line). The
 * AbortableAsyncIterator yields each object and *returns as soon as one has `done: true`*: the
 * generator is closed at its `yield`, which has no `finally`, so the reader is neither read to
 * EOF, nor cancelled, nor released. The body just stays locked and unread from then on; nothing
 * is aborted (the AbortController is only used by `abort()`). Non-streamed: `response.json()`.
 * Per-request headers are not an option: a client is made per call with its label header.
 */
import { Ollama } from "ollama/browser";
import { attempt, labelHeader, startCall, type SdkCall, type SdkConfig } from "./call";

export async function ollamaCalls(config: SdkConfig): Promise<SdkCall[]> {
  const client = (label: string) => new Ollama({ host: config.ollamaHost, headers: labelHeader(label) });
  const host = new URL(config.ollamaHost).hostname;
  const base = { sdk: "ollama", provider: "ollama", host, stream: true, requestModel: "llama3.2" } as const;
  const calls: SdkCall[] = [];

  // /api/chat, streamed.
  calls.push(await attempt(startCall({ ...base, label: "ollama-chat-stream", api: "ollama.chat" }), async (call) => {
    const t0 = performance.now();
    const stream = await client(call.label).chat({ model: call.requestModel, stream: true, messages: [{ role: "user", content: "Hello! What do you do?" }] });
    call.events = 0;
    for await (const part of stream) {
      call.events++;
      call.model = part.model;
      if (part.message.content) {
        call.firstContentMs ??= performance.now() - t0;
        call.text += part.message.content;
      }
      if (part.done) {
        call.finishReasons = [part.done_reason];
        call.usage = { prompt_eval_count: part.prompt_eval_count, eval_count: part.eval_count };
      }
    }
  }));

  // /api/generate, streamed.
  calls.push(await attempt(startCall({ ...base, label: "ollama-generate-stream", api: "ollama.generate" }), async (call) => {
    const t0 = performance.now();
    const stream = await client(call.label).generate({ model: call.requestModel, stream: true, prompt: "What makes a good password?" });
    call.events = 0;
    for await (const part of stream) {
      call.events++;
      call.model = part.model;
      if (part.response) {
        call.firstContentMs ??= performance.now() - t0;
        call.text += part.response;
      }
      if (part.done) {
        call.finishReasons = [part.done_reason];
        call.usage = { prompt_eval_count: part.prompt_eval_count, eval_count: part.eval_count };
      }
    }
  }));

  return calls;
}
