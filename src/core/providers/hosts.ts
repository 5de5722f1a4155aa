/**
 * gen_ai.provider.name from where a request went. Well-known names follow OTel's list where it
 * has one (openai, anthropic, gcp.gemini, gcp.vertex_ai, azure.ai.openai, mistral_ai, groq,
 * deepseek, x_ai, perplexity, cohere); others use the provider's own short name.
 */

const EXACT_HOSTS: Record<string, string> = {
  "api.openai.com": "openai",
  "api.anthropic.com": "anthropic",
  "generativelanguage.googleapis.com": "gcp.gemini",
  "api.mistral.ai": "mistral_ai",
  "codestral.mistral.ai": "mistral_ai",
  "api.groq.com": "groq",
  "api.deepseek.com": "deepseek",
  "api.x.ai": "x_ai",
  "openrouter.ai": "openrouter",
  "api.together.xyz": "together_ai",
  "api.together.ai": "together_ai",
  "api.fireworks.ai": "fireworks_ai",
  "api.perplexity.ai": "perplexity",
  "api.cerebras.ai": "cerebras",
  "api.cohere.com": "cohere",
  "api.cohere.ai": "cohere",
  "api.deepinfra.com": "deepinfra",
  "ollama.com": "ollama",
};

const OLLAMA_PORT = "11434";

/** The provider a URL belongs to, or undefined for hosts we do not know (an app's own backend). */
export function providerForUrl(url: URL | undefined): string | undefined {
  if (!url) return undefined;
  const host = url.hostname.toLowerCase();
  const exact = EXACT_HOSTS[host];
  if (exact) return exact;
  if (host.endsWith(".openai.azure.com") || host.endsWith(".cognitiveservices.azure.com")) return "azure.ai.openai";
  if (host.endsWith(".services.ai.azure.com")) {
    return url.pathname.startsWith("/openai/") ? "azure.ai.openai" : "azure.ai.inference";
  }
  if (host.endsWith(".models.ai.azure.com") || host === "models.inference.ai.azure.com") return "azure.ai.inference";
  if (host === "aiplatform.googleapis.com" || host.endsWith("-aiplatform.googleapis.com")) return "gcp.vertex_ai";
  if (url.port === OLLAMA_PORT) return "ollama";
  return undefined;
}

/** What to call a provider we could not name: the host, with its port when explicit. */
export function hostLabel(url: URL | undefined): string {
  return url ? url.host.toLowerCase() : "unknown";
}
