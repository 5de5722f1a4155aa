/**
 * Exchange -> SpanDraft. Decides which wire format an exchange speaks (by URL grammar, then
 * response headers, then the shape of the response, then of the request), runs that provider's
 * parser, and adds the attributes every span shares. Pure and total: called repeatedly while a
 * stream is in flight, it never throws, and each call is linear in the body size.
 */
import { isMessageSession, type Exchange } from "../contract";
import { parseSse } from "./sse";
import { splitJsonArray, splitLines } from "./ndjson";
import { parseAgUi, isAgUiEventType, isAgUiRequest } from "./agui";
import { parseAiSdk } from "./aisdk";
import type { AiSdkProtocol } from "./aisdk";
import { parseAnthropic } from "./anthropic";
import { isEventStream, isNdjson, makeContext, requestHeader, responseHeader } from "./context";
import type { Ctx } from "./context";
import { DraftBuilder, type SpanDraft } from "./draft";
import { parseEmbeddings } from "./embeddings";
import { parseGemini } from "./gemini";
import { parseGeneric } from "./generic";
import { detectLangChain, parseLangChain } from "./langchain";
import type { LangChainFormat } from "./langchain";
import { isMcp, parseMcp } from "./mcp";
import { recoverTextDeltas } from "./text-deltas";
import { hostLabel, providerForFormat, providerForUrl } from "./hosts";
import type { WireFamily } from "./hosts";
import { arr, isObj, name, obj, parseJson, str } from "./json";
import type { Obj } from "./json";
import { parseOllama } from "./ollama";
import { parseOpenAIChat } from "./openai-chat";
import { parseOpenAICompletions } from "./openai-completions";
import { parseOpenAIResponses } from "./openai-responses";
import { detectRetrieval, parseRetrieval } from "./retrieval";
import type { RetrievalRequest } from "./retrieval";
import { parseRuleRetrieval, parseRuleTool } from "./retrieval-rules";
import { parseRuleLlm, rulePaths } from "./rule-llm";
import { matchRule } from "./rules";
import type { ClassifyOptions, UserRule } from "./rules";

export type { ClassifyOptions } from "./rules";

type Route =
  | { kind: "openai-chat" | "openai-completions" | "openai-responses" | "embeddings"; model?: string | undefined }
  | { kind: "http" }
  | { kind: "anthropic"; model?: string | undefined }
  | { kind: "gemini"; model?: string | undefined; streaming: boolean }
  | { kind: "ollama"; endpoint: "chat" | "generate" }
  | { kind: "aisdk"; protocol: AiSdkProtocol }
  | { kind: "mcp" }
  | { kind: "agui" }
  | { kind: "langchain"; format: LangChainFormat }
  | { kind: "retrieval"; request: RetrievalRequest }
  | { kind: "rule"; rule: UserRule }
  | { kind: "rule-llm"; rule: UserRule };

/** `options.rules`: the user's rules, applied (first match) before built-in detection. */
export function classifyExchange(ex: Exchange, options?: ClassifyOptions): SpanDraft {
  try {
    return classify(ex, options);
  } catch (e) {
    return crashDraft(ex, e);
  }
}

function classify(ex: Exchange, options: ClassifyOptions | undefined): SpanDraft {
  const ctx = makeContext(ex);
  const b = new DraftBuilder();
  // A WebSocket session's body is its messages, not one format's: deriveSpans reads them
  // (docs/DESIGN.md, "Other transports"). Here it is only the session, an HTTP-level span.
  if (isMessageSession(ex.transport)) {
    setCommonAttributes(ctx, b);
    return b.finish(ctx, ex.transport === "webrtc" ? "WebRTC" : "WebSocket");
  }
  const rule = matchRule(options?.rules, ctx.url?.href ?? ex.request.url);
  const route = rule ? ruleRoute(ctx, rule) : withRetrieval(ctx, detectRoute(ctx));
  let revealedProvider: string | undefined;
  try {
    revealedProvider = runRoute(route, ctx, b);
    // An llm rule's name stands for the backend the user knows it as.
    if (rule?.kind === "llm" && rule.name?.trim()) revealedProvider = rule.name.trim();
  } catch (e) {
    // A parser bug must not lose the span: keep what was gathered and say what happened.
    b.problem(`internal parser error: ${e instanceof Error ? e.message : String(e)}`);
    b.unparsed = true;
  }
  setCommonAttributes(ctx, b);
  if (b.kind !== "http") {
    b.set("gen_ai.operation.name", b.operation);
    b.set("gen_ai.provider.name", revealedProvider ?? providerOf(familyOf(route, ctx), ctx.url));
    if (ctx.reqProblem) b.problem(ctx.reqProblem);
  }
  return b.finish(ctx, spanName(ctx, b, rule));
}

function runRoute(route: Route, ctx: Ctx, b: DraftBuilder): string | undefined {
  switch (route.kind) {
    case "openai-chat":
      parseOpenAIChat(ctx, b, route.model);
      return undefined;
    case "openai-completions":
      parseOpenAICompletions(ctx, b, route.model);
      return undefined;
    case "openai-responses":
      parseOpenAIResponses(ctx, b, route.model);
      return undefined;
    case "embeddings":
      parseEmbeddings(ctx, b, route.model);
      return undefined;
    case "anthropic":
      parseAnthropic(ctx, b, route.model);
      return undefined;
    case "gemini":
      parseGemini(ctx, b, route.model, route.streaming);
      return undefined;
    case "ollama":
      parseOllama(ctx, b, route.endpoint);
      return "ollama";
    case "aisdk":
      // An app backend is named after the provider its stream reveals, else after the protocol.
      return parseAiSdk(ctx, b, route.protocol).provider;
    case "mcp":
      parseMcp(ctx, b);
      return undefined;
    case "agui":
      parseAgUi(ctx, b);
      return undefined;
    case "langchain":
      return parseLangChain(ctx, b, route.format);
    case "retrieval":
      return parseRetrieval(ctx, b, route.request);
    case "rule-llm":
      parseRuleLlm(ctx, b, route.rule);
      return undefined;
    case "rule":
      if (route.rule.kind === "tool") {
        parseRuleTool(ctx, b, route.rule);
        return undefined;
      }
      return parseRuleRetrieval(ctx, b, route.rule);
    case "http":
      parseGeneric(ctx, b);
      // A stream of text deltas in a shape of its own is still a model's output.
      if (b.events.length > 0) recoverTextDeltas(ctx, b);
      return undefined;
  }
}

/** Exchanges no model API claimed may still be vector-store or search calls. */
function withRetrieval(ctx: Ctx, route: Route): Route {
  if (route.kind !== "http") return route;
  const request = detectRetrieval(ctx);
  return request ? { kind: "retrieval", request } : route;
}

/**
 * A user rule decides the kind. An llm rule that names paths is read where they say; without
 * paths a known wire format keeps its parser, and an app's own JSON endpoint is read by common
 * field names (providers/rule-llm.ts) rather than as a text stream.
 */
function ruleRoute(ctx: Ctx, rule: UserRule): Route {
  if (rule.kind !== "llm") return { kind: "rule", rule };
  if (rulePaths(rule)) return { kind: "rule-llm", rule };
  const route = detectRoute(ctx);
  if (route.kind !== "http") return route;
  const chatRequest = ctx.req !== undefined && Array.isArray(ctx.req.messages) && name(ctx.req.model) !== undefined;
  if (jsonAnswer(ctx) || (ctx.chunks.length === 0 && ctx.req !== undefined && !chatRequest && !hasUiParts(ctx.req))) return { kind: "rule-llm", rule };
  // The generic chat shapes: OpenAI-style messages with a model, else an AI SDK / plain text stream.
  if (ctx.req && Array.isArray(ctx.req.messages) && name(ctx.req.model) && !hasUiParts(ctx.req)) return { kind: "openai-chat" };
  return { kind: "aisdk", protocol: hasUiParts(ctx.req ?? {}) ? "ui" : looksLikeDataStream(ctx) ? "data" : "text" };
}

/** A whole JSON response, not a stream: an app's own answer. */
function jsonAnswer(ctx: Ctx): boolean {
  if (ctx.chunks.length === 0 || isEventStream(ctx) || isNdjson(ctx)) return false;
  if (ctx.mime === "application/json" || ctx.mime.endsWith("+json")) return true;
  const head = ctx.head(64).trimStart();
  return ctx.mime === "" && (head.startsWith("{") || head.startsWith("["));
}

/** The wire family of a model-API route; none for retrieval, tool and plain http spans. */
function familyOf(route: Route, ctx: Ctx): WireFamily | undefined {
  switch (route.kind) {
    case "openai-chat":
    case "openai-completions":
    case "openai-responses":
      return "openai";
    case "embeddings":
      // One route for three formats: Gemini's :embedContent, Ollama's /api/embed, else OpenAI's.
      if (GOOGLE_MODEL_ACTION.test(decodedPath(ctx))) return "gemini";
      return ctx.path.endsWith("/api/embed") ? "ollama" : "openai";
    case "anthropic":
    case "gemini":
    case "ollama":
    case "aisdk":
      return route.kind;
    default:
      return undefined;
  }
}

/**
 * A known host names its provider (Groq and others speak the OpenAI format); elsewhere the wire
 * format does (docs/DESIGN.md, "Provider names"). Retrieval and tool spans of no named vendor have
 * none: the convention asks for it only where applicable, and the host is in server.address.
 */
function providerOf(family: WireFamily | undefined, url: URL | undefined): string | undefined {
  return family === undefined ? undefined : (providerForUrl(url) ?? providerForFormat(family, url));
}

function setCommonAttributes(ctx: Ctx, b: DraftBuilder): void {
  b.set("http.request.method", ctx.method);
  b.set("url.full", ctx.ex.request.url);
  b.set("http.response.status_code", ctx.status);
  if (ctx.url) {
    b.set("server.address", ctx.url.hostname);
    const port = ctx.url.port ? Number(ctx.url.port) : ctx.url.protocol === "https:" ? 443 : ctx.url.protocol === "http:" ? 80 : undefined;
    b.set("server.port", port);
  }
}

function spanName(ctx: Ctx, b: DraftBuilder, rule: UserRule | undefined): string {
  // MCP protocol messages are named by their method (OTel MCP conventions: "{method} {target}").
  const mcpMethod = b.attributes["mcp.method.name"];
  if (b.kind === "http" && typeof mcpMethod === "string") return `${mcpMethod} ${String(b.attributes["llm_trace.mcp.target"] ?? "")}`.trim();
  if (b.kind === "http") return `${ctx.method} ${ctx.path || "/"}`;
  if (b.kind === "retrieval") return `retrieval ${String(b.attributes["gen_ai.data_source.id"] ?? hostLabel(ctx.url))}`;
  if (b.kind === "tool") return `execute_tool ${String(b.attributes["gen_ai.tool.name"] ?? "")}`.trim();
  const model = b.attributes["gen_ai.request.model"] ?? b.attributes["gen_ai.response.model"];
  const op = b.operation ?? "chat";
  if (typeof model === "string" && model !== "") return `${op} ${model}`;
  // No model on the wire: the name the user gave the endpoint says which one it is.
  const named = rule?.kind === "llm" ? rule.name?.trim() : undefined;
  return named ? `${op} ${named}` : op;
}

// ---------------------------------------------------------------------------------------------
// Routing

const GOOGLE_MODEL_ACTION = /\/(?:models|tunedModels)\/([^/:]+):([A-Za-z]+)$/;

function decodedPath(ctx: Ctx): string {
  try {
    return decodeURIComponent(ctx.path);
  } catch {
    return ctx.path;
  }
}

function detectRoute(ctx: Ctx): Route {
  const path = decodedPath(ctx);
  const post = ctx.method === "POST";

  const google = GOOGLE_MODEL_ACTION.exec(path);
  if (google) {
    const model = google[1];
    const action = google[2];
    if (path.includes("/publishers/anthropic/")) {
      if (action === "rawPredict" || action === "streamRawPredict") return { kind: "anthropic", model };
    } else if (action === "generateContent" || action === "streamGenerateContent") {
      return { kind: "gemini", model, streaming: action === "streamGenerateContent" };
    } else if (action === "embedContent" || action === "batchEmbedContents") {
      return { kind: "embeddings", model };
    }
  }
  const req = ctx.req;
  // MCP and AG-UI speak over whatever path the app chose: their bodies say what they are.
  if (isMcp(ctx)) return { kind: "mcp" };
  if (isAgUiRequest(req)) return { kind: "agui" };
  const known = providerForUrl(ctx.url) !== undefined;
  // Paths like /v1/messages or /responses are common in ordinary REST APIs too: away from a known
  // provider host they also need a request that looks like the model API's.
  if (post && path.endsWith("/messages")) {
    const anthropicRequest = req !== undefined && name(req.model) !== undefined && Array.isArray(req.messages) && typeof req.max_tokens === "number";
    if (ctx.url?.hostname === "api.anthropic.com" || requestHeader(ctx, "anthropic-version") !== undefined || anthropicRequest) {
      return { kind: "anthropic" };
    }
  }
  // Azure OpenAI addresses a deployment: /openai/deployments/{deployment}/chat/completions
  const model = /\/openai\/deployments\/([^/]+)\//.exec(path)?.[1];
  const modelRequest = known || model !== undefined || (req !== undefined && name(req.model) !== undefined);
  if (path.endsWith("/chat/completions")) return { kind: "openai-chat", model };
  if (post && path.endsWith("/responses") && (modelRequest || req?.input !== undefined)) return { kind: "openai-responses", model };
  if (post && path.endsWith("/completions") && (modelRequest || req?.prompt !== undefined)) return { kind: "openai-completions", model };
  if (post && (path.endsWith("/embeddings") || path.endsWith("/api/embed")) && (modelRequest || req?.input !== undefined)) {
    return { kind: "embeddings", model };
  }
  const ollama = /\/api\/(chat|generate)$/.exec(path);
  if (post && ollama && looksLikeOllama(ctx)) return { kind: "ollama", endpoint: ollama[1] === "chat" ? "chat" : "generate" };

  if (responseHeader(ctx, "x-vercel-ai-ui-message-stream")) return { kind: "aisdk", protocol: "ui" };
  if (responseHeader(ctx, "x-vercel-ai-data-stream")) return { kind: "aisdk", protocol: "data" };

  const shape = sniffResponse(ctx);
  if (shape) return shape;

  const chatLike = req !== undefined && (Array.isArray(req.messages) || typeof req.prompt === "string");
  if (chatLike && ctx.chunks.length > 0 && (ctx.status === undefined || ctx.status < 400) && (ctx.mime === "text/plain" || ctx.mime === "")) {
    return { kind: "aisdk", protocol: looksLikeDataStream(ctx) ? "data" : "text" };
  }
  // Nothing received yet, or an HTTP error: judge by the request alone (a later call on a live
  // exchange sees the response and may refine this).
  if (chatLike && post && (ctx.chunks.length === 0 || (ctx.status !== undefined && ctx.status >= 400))) {
    if (name(req.model) && !hasUiParts(req)) return { kind: "openai-chat" };
    return { kind: "aisdk", protocol: "ui" };
  }
  return { kind: "http" };
}

function hasUiParts(req: Obj): boolean {
  return arr(req.messages).some((m) => isObj(m) && Array.isArray(m.parts));
}

function looksLikeOllama(ctx: Ctx): boolean {
  if (ctx.url?.port === "11434" || (ctx.url?.hostname ?? "").includes("ollama")) return true;
  if (isNdjson(ctx)) return true;
  const shape = sniffResponse(ctx);
  if (shape) return shape.kind === "ollama";
  // Before any response: Ollama requests name a model and send plain messages or a prompt.
  const req = ctx.req;
  return ctx.chunks.length === 0 && req !== undefined && name(req.model) !== undefined && !hasUiParts(req);
}

const DATA_STREAM_LINE = /^[0-9a-z]:(?:["{[]|-?\d|true|false|null)/;

function looksLikeDataStream(ctx: Ctx): boolean {
  const head = ctx.head(4096);
  const lines = splitLines([{ time: 0, text: head }]).filter((l) => l.text !== "");
  return lines.length > 0 && lines.every((l) => DATA_STREAM_LINE.test(l.text));
}

const UI_PART_TYPES = new Set([
  "start",
  "start-step",
  "text-start",
  "text-delta",
  "reasoning-start",
  "reasoning-delta",
  "tool-input-start",
  "tool-input-available",
  "message-metadata",
  "finish-step",
  "finish",
]);

/** The first JSON object of the response (first SSE event, array element, NDJSON line, or body). */
function firstObject(ctx: Ctx): { o: Obj | undefined; event: string | undefined } {
  const head = ctx.head(65536);
  if (head.trim() === "") return { o: undefined, event: undefined };
  if (isEventStream(ctx)) {
    for (const ev of parseSse([{ time: 0, text: head }])) {
      if (ev.data === "[DONE]") continue;
      const parsed = parseJson(ev.data);
      return { o: parsed.ok ? obj(parsed.value) : undefined, event: ev.event };
    }
    return { o: undefined, event: undefined };
  }
  const trimmed = head.trimStart();
  if (trimmed.startsWith("[")) {
    const first = splitJsonArray([{ time: 0, text: head }]).elements[0];
    const parsed = first ? parseJson(first.text) : undefined;
    return { o: parsed?.ok ? obj(parsed.value) : undefined, event: undefined };
  }
  if (trimmed.startsWith("{")) {
    const whole = parseJson(ctx.text());
    if (whole.ok) return { o: obj(whole.value), event: undefined };
    // NDJSON without its content type, or a JSON body still arriving: try the first line.
    const firstLine = splitLines([{ time: 0, text: head }])[0];
    const parsed = firstLine ? parseJson(firstLine.text) : undefined;
    return { o: parsed?.ok ? obj(parsed.value) : undefined, event: undefined };
  }
  return { o: undefined, event: undefined };
}

function sniffResponse(ctx: Ctx): Route | undefined {
  if (ctx.chunks.length === 0) return undefined;
  const { o, event } = firstObject(ctx);
  if (isAgUiEventType(str(o?.type))) return { kind: "agui" };
  const langchain = detectLangChain(ctx, o, event);
  if (langchain) return { kind: "langchain", format: langchain };
  if (event !== undefined) {
    if (event.startsWith("response.")) return { kind: "openai-responses" };
    if (event === "message_start" || event.startsWith("content_block_")) return { kind: "anthropic" };
  }
  if (!o) return undefined;
  const object = str(o.object);
  const type = str(o.type);
  if (object === "chat.completion" || object === "chat.completion.chunk") return { kind: "openai-chat" };
  if (object === "text_completion") return { kind: "openai-completions" };
  if (object === "response" || type?.startsWith("response.")) return { kind: "openai-responses" };
  if (type === "message_start" || (type === "message" && Array.isArray(o.content))) return { kind: "anthropic" };
  if (Array.isArray(o.candidates) || isObj(o.promptFeedback) || (isObj(o.usageMetadata) && "modelVersion" in o)) {
    return { kind: "gemini", streaming: isEventStream(ctx) || ctx.head(256).trimStart().startsWith("[") };
  }
  if (typeof o.done === "boolean" && typeof o.model === "string" && ("message" in o || "response" in o)) {
    return { kind: "ollama", endpoint: "message" in o ? "chat" : "generate" };
  }
  if (type !== undefined && (UI_PART_TYPES.has(type) || type.startsWith("data-"))) return { kind: "aisdk", protocol: "ui" };
  if (object === "list" && obj(arr(o.data)[0])?.object === "embedding") return { kind: "embeddings" };
  return undefined;
}

/** Last resort when classification itself failed: a minimal http span that says why. */
function crashDraft(ex: Exchange, e: unknown): SpanDraft {
  let method = "GET";
  let path = "/";
  let url = "";
  try {
    method = String(ex?.request?.method ?? "GET").toUpperCase();
    url = String(ex?.request?.url ?? "");
    path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "").split("?")[0] || "/";
  } catch {
    // keep the defaults
  }
  return {
    kind: "http",
    name: `${method} ${path}`,
    status: "unset",
    attributes: {
      "http.request.method": method,
      "url.full": url,
      "llm_trace.parse_error": `internal classifier error: ${e instanceof Error ? e.message : String(e)}`,
    },
  };
}
