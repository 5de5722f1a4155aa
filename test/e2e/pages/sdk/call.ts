/**
 * What one SDK call handed the page, as the test page reports it to test/e2e/sdk-*.spec.ts
 * (through page.evaluate, so plain JSON). Values come from the SDKs' own return values; nothing
 * here reads the wire.
 */

/** The packages under test (their npm names). */
export type SdkName = "openai" | "@anthropic-ai/sdk" | "ollama" | "@langchain/openai" | "@google/genai" | "ai" | "@modelcontextprotocol/sdk";

/** The wire API a call used. */
export type WireApi = "chat.completions" | "responses" | "embeddings" | "messages" | "ollama.chat" | "ollama.generate" | "gemini" | "ui-message-stream" | "mcp";

/** The page's modules of calls, one per SDK (openai's also covers AzureOpenAI). */
export type SdkModule = "openai" | "anthropic" | "ollama" | "langchain" | "gemini" | "aisdk" | "mcp";

export interface SdkConfig {
  /** https://{resource}.openai.azure.com, for AzureOpenAI's `endpoint`. */
  azureEndpoint: string;
  /** Ollama's `host`. */
  ollamaHost: string;
  /** Run only these modules' calls (all when absent). */
  only?: SdkModule[];
}

export interface ToolCallSeen {
  id: string;
  name: string;
  /** The arguments as the SDK gave them: a JSON string (OpenAI) or a parsed object (Anthropic, LangChain). */
  arguments: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Usage = Record<string, any>;

export interface SdkCall {
  label: string;
  sdk: SdkName;
  /** gen_ai.provider.name of the host the SDK called. */
  provider: "openai" | "azure.ai.openai" | "anthropic" | "ollama" | "gcp.gemini" | "mcp";
  api: WireApi;
  /** The host the SDK called (server.address). */
  host: string;
  stream: boolean;
  requestModel: string;
  /** The model the SDK reported back. */
  model: string;
  id?: string;
  /** The usage object exactly as the SDK reported it (its own shape: see the spec's mapping). */
  usage: Usage;
  text: string;
  toolCalls: ToolCallSeen[];
  /** finish_reason / stop_reason / done_reason / finishReason / Responses status, as the SDK reported it. */
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
  /** ms from the start of the call until the SDK had handed the page everything (stream consumed). */
  endMs?: number;
  /** HTTP requests the SDK made for this call: 2 when the first was answered 429 and retried. */
  attempts: number;
  /** The SDK call threw: its message (the test then fails on this call). */
  error?: string;
  /** Issue 16, what the SDK returned besides text and tool calls: its reasoning (thinking, summaries, thoughts), joined. */
  reasoning?: string;
  /** URLs the answer's text cites, in the order the SDK gave them. */
  citations?: string[];
  /** Tools the provider (or the app's backend) ran itself, by name, in order. */
  serverTools?: string[];
  /** AI SDK source parts (their URLs). */
  sources?: string[];
  /** MCP: the JSON-RPC method, the session the transport holds, and what the client got. */
  mcp?: { method: string; sessionId?: string; protocolVersion?: string; serverName?: string; toolNames?: string[]; tool?: string; arguments?: unknown; result?: unknown };
}

/** A plain JSON copy (what crosses page.evaluate). */
export const plain = (value: unknown): Usage => JSON.parse(JSON.stringify(value ?? {})) as Usage;

/** A call's record before the SDK answered: what the page asked for. */
export function startCall(fields: Pick<SdkCall, "label" | "sdk" | "provider" | "api" | "host" | "stream" | "requestModel"> & Partial<SdkCall>): SdkCall {
  return { model: "", usage: {}, text: "", toolCalls: [], finishReasons: [], sent: {}, toolResultIds: [], attempts: 1, ...fields };
}

/** The `x-test-call` header the spec finds a call's exchanges by. */
export const labelHeader = (label: string): Record<string, string> => ({ "x-test-call": label });

/** Runs one call; an SDK error is recorded on the call rather than ending the run. */
export async function attempt(call: SdkCall, body: (call: SdkCall) => Promise<void>): Promise<SdkCall> {
  const start = performance.now();
  try {
    await body(call);
    call.endMs = performance.now() - start;
  } catch (error) {
    call.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return call;
}
