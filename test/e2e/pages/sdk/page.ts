/**
 * A web page that calls model APIs the way real apps do: through the official SDKs and the
 * popular frameworks, in browser mode, one after another. Bundled by
 * test/e2e/support/sdk-bundle.ts (esbuild, platform browser) and driven by the sdk specs, which
 * compare what each SDK handed this page (returned from `window.sdk.run`) with the spans the
 * extension recorded.
 *
 * Every call carries an `x-test-call: <label>` header so the test can find its exchanges.
 * Nothing here interprets the wire format: values are read from the SDKs' own return values.
 * How each SDK ends a stream (reads to EOF, cancels after the terminal event, stops reading) is
 * noted in its module.
 */
import { aisdkCalls } from "./aisdk-calls";
import { anthropicCalls } from "./anthropic-calls";
import type { SdkCall, SdkConfig, SdkModule } from "./call";
import { geminiCalls } from "./gemini-calls";
import { langchainCalls } from "./langchain-calls";
import { mcpCalls } from "./mcp-calls";
import { ollamaCalls } from "./ollama-calls";
import { openaiCalls } from "./openai-calls";

export type { SdkCall, SdkConfig } from "./call";

declare global {
  interface Window {
    sdk: { run(config: SdkConfig): Promise<SdkCall[]> };
  }
}

/** The page's calls, by SDK module, in the order they run. */
const MODULES: Record<SdkModule, (config: SdkConfig) => Promise<SdkCall[]>> = {
  openai: openaiCalls,
  anthropic: anthropicCalls,
  ollama: ollamaCalls,
  langchain: langchainCalls,
  gemini: geminiCalls,
  aisdk: aisdkCalls,
  mcp: mcpCalls,
};

async function run(config: SdkConfig): Promise<SdkCall[]> {
  const calls: SdkCall[] = [];
  for (const [name, calling] of Object.entries(MODULES)) {
    if (!config.only || config.only.includes(name as SdkModule)) calls.push(...(await calling(config)));
  }
  return calls;
}

window.sdk = { run };
