/**
 * Calls through `@google/genai` (3.x), browser build (dist/web), to the Gemini Developer API at
 * generativelanguage.googleapis.com with the x-goog-api-key header.
 *
 * How it ends what it reads (ApiClient.processStreamResponse): generateContentStream asks for
 * `:streamGenerateContent?alt=sse` and reads the body with reader.read() until it is done (EOF),
 * then releases the lock; the last chunk carries finishReason and the cumulative usageMetadata.
 * Only a page that stops iterating early leaves the rest unread. generateContent reads the
 * whole JSON body. Per-request headers go in config.httpOptions.headers.
 */
import { GoogleGenAI, type GenerateContentResponse } from "@google/genai";
import { attempt, labelHeader, plain, startCall, type SdkCall } from "./call";

export const GEMINI_KEY = "AIzaSy-test-not-a-real-gemini-key-000";

/** What one response (or stream chunk) says; usage and finish reason are the latest reported. */
function take(call: SdkCall, r: GenerateContentResponse): void {
  if (r.modelVersion) call.model = r.modelVersion;
  if (r.responseId) call.id = r.responseId;
  if (r.usageMetadata) call.usage = plain(r.usageMetadata);
  const reason = r.candidates?.[0]?.finishReason;
  if (reason) call.finishReasons = [reason];
}

export async function geminiCalls(): Promise<SdkCall[]> {
  const ai = new GoogleGenAI({ apiKey: GEMINI_KEY });
  const base = { sdk: "@google/genai", provider: "gcp.gemini", api: "gemini", host: "generativelanguage.googleapis.com", requestModel: "gemini-2.5-flash" } as const;
  const calls: SdkCall[] = [];

  calls.push(await attempt(startCall({ ...base, label: "gemini-stream", stream: true }), async (call) => {
    const t0 = performance.now();
    const stream = await ai.models.generateContentStream({
      model: call.requestModel, contents: "Give me one security tip.", config: { httpOptions: { headers: labelHeader(call.label) } },
    });
    call.events = 0;
    for await (const chunk of stream) {
      call.events++;
      const text = chunk.text;
      if (text) {
        call.firstContentMs ??= performance.now() - t0;
        call.text += text;
      }
      take(call, chunk);
    }
  }));

  calls.push(await attempt(startCall({ ...base, label: "gemini-generate", stream: false, sent: { temperature: 0.4, maxTokens: 128 } }), async (call) => {
    const r = await ai.models.generateContent({
      model: call.requestModel, contents: "Give me one security tip.",
      config: { temperature: 0.4, maxOutputTokens: 128, httpOptions: { headers: labelHeader(call.label) } },
    });
    call.text = r.text ?? "";
    take(call, r);
  }));

  // Issue 16: thought parts (includeThoughts) and Grounding with Google Search, streamed.
  calls.push(await attempt(startCall({ ...base, label: "gemini-research", stream: true }), async (call) => {
    const t0 = performance.now();
    const stream = await ai.models.generateContentStream({
      model: call.requestModel, contents: "When do locked accounts unlock?",
      config: { thinkingConfig: { includeThoughts: true }, tools: [{ googleSearch: {} }], httpOptions: { headers: labelHeader(call.label) } },
    });
    call.events = 0;
    call.reasoning = "";
    call.citations = [];
    for await (const chunk of stream) {
      call.events++;
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (typeof part.text !== "string" || part.text === "") continue;
        call.firstContentMs ??= performance.now() - t0;
        if (part.thought) call.reasoning += part.text;
        else call.text += part.text;
      }
      const grounding = chunk.candidates?.[0]?.groundingMetadata;
      if (grounding) {
        call.serverTools = ["google_search"];
        const chunks = grounding.groundingChunks ?? [];
        for (const support of grounding.groundingSupports ?? []) {
          for (const i of support.groundingChunkIndices ?? []) if (chunks[i]?.web?.uri) call.citations.push(chunks[i]!.web!.uri!);
        }
      }
      take(call, chunk);
    }
  }));

  return calls;
}
