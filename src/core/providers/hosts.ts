/**
 * gen_ai.provider.name (docs/DESIGN.md, "Provider names"). It names the API family recognised
 * from the wire, spelled as OTel's list of well-known values spells it (openai, anthropic,
 * gcp.gemini, gcp.vertex_ai, gcp.gen_ai, azure.ai.openai, azure.ai.inference, aws.bedrock,
 * ibm.watsonx.ai, mistral_ai, groq, deepseek, x_ai, perplexity, cohere, moonshot_ai); providers
 * the list lacks use their own short name. The host is never the provider: it is in
 * server.address / server.port.
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
  "api.moonshot.ai": "moonshot_ai",
  "api.moonshot.cn": "moonshot_ai",
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
  // Bedrock's runtime also serves the OpenAI Chat Completions format (/openai/v1/chat/completions).
  if (/^bedrock-runtime(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com$/.test(host)) return "aws.bedrock";
  if (url.port === OLLAMA_PORT) return "ollama";
  return undefined;
}

/** The wire formats classify.ts parses, as families that name a provider. */
export type WireFamily = "openai" | "anthropic" | "gemini" | "ollama" | "aisdk";

/**
 * The family's name for an AI SDK stream that does not reveal its model provider: the app's
 * backend speaks the Vercel AI SDK's protocol, whatever model is behind it. Not on OTel's list,
 * which allows a custom value for such a case; spelled like the list's vendor.product names.
 */
export const AI_SDK_PROVIDER = "vercel.ai_sdk";

/** Vertex AI addresses models under a project and location: /v1/projects/{p}/locations/{l}/... */
const VERTEX_PATH = /\/projects\/[^/]+\/locations\/[^/]+\//;
/** The Gemini API's own grammar: /v1beta/models/{model}:{action} (also tunedModels). */
const GEMINI_API_PATH = /^\/v1[a-z0-9]*\/(?:models|tunedModels)\/[^/]+:[A-Za-z]+$/;

/**
 * gen_ai.provider.name for a wire format at a host providerForUrl does not know (a proxy, a
 * gateway, a local server): the provider whose path grammar the URL follows, else the family.
 */
export function providerForFormat(family: WireFamily, url: URL | undefined): string {
  const path = url?.pathname ?? "";
  switch (family) {
    case "openai":
      return azureByPath(url) ?? "openai";
    case "anthropic":
      // Claude on Vertex: /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict
      return VERTEX_PATH.test(path) ? "gcp.vertex_ai" : "anthropic";
    case "gemini":
      if (VERTEX_PATH.test(path)) return "gcp.vertex_ai";
      // Recognised by the response alone at an app's own route: Gemini API and Vertex AI answer
      // alike, and gcp.gen_ai is the convention's name when the Google backend is unknown.
      return GEMINI_API_PATH.test(path) ? "gcp.gemini" : "gcp.gen_ai";
    case "ollama":
      return "ollama";
    case "aisdk":
      return AI_SDK_PROVIDER;
  }
}

/**
 * Azure by its path shape, whatever the host (an API Management gateway, a private endpoint):
 * Azure OpenAI addresses a deployment (/openai/deployments/{name}/...), and Azure's data-plane
 * calls carry ?api-version=, which no other OpenAI-format API uses. Azure AI Model Inference
 * (a family of its own in OTel's list) takes the same query on its /models/... routes.
 */
function azureByPath(url: URL | undefined): string | undefined {
  if (!url) return undefined;
  const path = url.pathname;
  if (path.includes("/openai/deployments/")) return "azure.ai.openai";
  if (!url.searchParams.has("api-version")) return undefined;
  return path.startsWith("/models/") ? "azure.ai.inference" : "azure.ai.openai";
}

/** What to call a host in labels: its name, with its port when explicit. */
export function hostLabel(url: URL | undefined): string {
  return url ? url.host.toLowerCase() : "unknown";
}
