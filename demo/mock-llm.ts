/**
 * An offline mock of the model APIs a web page calls, speaking their real wire formats with
 * realistic streaming delays: OpenAI Chat Completions (also on Azure OpenAI's deployment paths)
 * and Responses, Anthropic Messages, Gemini generateContent / streamGenerateContent, Ollama's
 * /api/chat and /api/generate, embeddings, a Qdrant-style vector search, a Pinecone Local-style
 * /query and a tool endpoint.
 * The answers are scripted from the prompt's words; the formats are what matter. Used by the
 * demo (npm start) and by the end-to-end tests.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export interface MockOptions {
  /** Delay between streamed tokens, ms. */
  tokenDelayMs?: number;
  /** Delay before the first byte of a model response, ms. */
  firstTokenDelayMs?: number;
}

type Json = Record<string, unknown>;
type Message = { role: string; content?: unknown; tool_call_id?: string; tool_calls?: unknown[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Words of an answer, streamed one token at a time. */
const tokens = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [];

export const KNOWLEDGE_BASE = [
  { id: "kb-12", text: "To reset your password, open Settings > Security and choose Reset password. A link valid for 30 minutes is emailed to you." },
  { id: "kb-07", text: "Accounts locked after five failed sign-ins unlock automatically after 15 minutes, or support can unlock them." },
  { id: "kb-31", text: "Two-factor authentication codes can be re-sent from the sign-in page." },
];

function lastUserText(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== "user") continue;
    if (typeof m.content === "string") return m.content;
    // A user turn that only carries tool results is not what the user asked.
    const text = Array.isArray(m.content) ? m.content.map((p) => (p as Json).text ?? "").join(" ").trim() : "";
    if (text) return text;
  }
  return "";
}

const hasToolResult = (messages: Message[]) =>
  messages.some((m) => m.role === "tool" || (Array.isArray(m.content) && m.content.some((p) => (p as Json).type === "tool_result")));

function wantsAccountTool(question: string): boolean {
  return /password|account|locked|sign.?in/i.test(question);
}

const ANSWER_WITH_TOOL =
  "Your account is active and not locked. To reset your password, open Settings > Security and choose Reset password; " +
  "we'll email you a link that is valid for 30 minutes.";
const GENERIC_ANSWER = "I can help with passwords, sign-in and account questions. What would you like to know?";

async function readJson(req: IncomingMessage, body: Buffer): Promise<Json> {
  try {
    return JSON.parse(body.toString("utf8")) as Json;
  } catch {
    return {};
  }
}

function sseHeaders(res: ServerResponse): void {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" });
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

let counter = 0;
const nextId = (prefix: string) => `${prefix}${(++counter).toString(36).padStart(6, "0")}`;

/** Handles the request if it is one of the mock APIs; returns false otherwise. */
export function createMockLlm(options: MockOptions = {}) {
  const tokenDelay = options.tokenDelayMs ?? 25;
  const firstDelay = options.firstTokenDelayMs ?? 250;

  /**
   * `azure`: as Azure OpenAI answers a deployment: a first stream chunk with no choices and
   * empty id/model carrying prompt_filter_results, and content_filter_results on the choices.
   */
  async function openaiChat(res: ServerResponse, body: Json, azure = false): Promise<void> {
    const messages = (body.messages ?? []) as Message[];
    const model = String(body.model ?? "gpt-4o-mini");
    const stream = body.stream === true;
    const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
    const question = lastUserText(messages);
    const callTool = Array.isArray(body.tools) && body.tools.length > 0 && wantsAccountTool(question) && !hasToolResult(messages);
    const id = nextId("chatcmpl-");
    const created = Math.floor(Date.now() / 1000);
    const promptTokens = 40 + JSON.stringify(messages).length / 4 | 0;
    const answer = hasToolResult(messages) ? ANSWER_WITH_TOOL : GENERIC_ANSWER;
    const toolCall = { id: nextId("call_"), type: "function", function: { name: "check_account_status", arguments: JSON.stringify({ email: "ada@example.com" }) } };
    const completionTokens = callTool ? 18 : tokens(answer).length;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };
    const filtered = azure ? { content_filter_results: { hate: { filtered: false, severity: "safe" }, self_harm: { filtered: false, severity: "safe" } } } : {};
    const promptFilter = { prompt_filter_results: [{ prompt_index: 0, content_filter_results: { hate: { filtered: false, severity: "safe" }, jailbreak: { filtered: false, detected: false } } }] };
    await sleep(firstDelay);
    if (!stream) {
      const message = callTool ? { role: "assistant", content: null, tool_calls: [toolCall] } : { role: "assistant", content: answer };
      const extra = azure ? promptFilter : {};
      return json(res, 200, { id, object: "chat.completion", created, model: `${model}-2024-07-18`, choices: [{ index: 0, message, finish_reason: callTool ? "tool_calls" : "stop", ...filtered }], usage, ...extra });
    }
    sseHeaders(res);
    if (azure) res.write(`data: ${JSON.stringify({ choices: [], created: 0, id: "", model: "", object: "", ...promptFilter })}\n\n`);
    const chunk = (delta: Json, finish: string | null = null, extra: Json = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: `${model}-2024-07-18`, choices: [{ index: 0, delta, finish_reason: finish, ...filtered }], ...extra })}\n\n`);
    chunk({ role: "assistant", content: "" });
    if (callTool) {
      chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: "function", function: { name: "check_account_status", arguments: "" } }] });
      const args = toolCall.function.arguments;
      for (let i = 0; i < args.length; i += 8) {
        await sleep(tokenDelay);
        chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(i, i + 8) } }] });
      }
      chunk({}, "tool_calls");
    } else {
      for (const t of tokens(answer)) {
        await sleep(tokenDelay);
        chunk({ content: t });
      }
      chunk({}, "stop");
    }
    if (includeUsage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: `${model}-2024-07-18`, choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  }

  async function openaiResponses(res: ServerResponse, body: Json): Promise<void> {
    const model = String(body.model ?? "gpt-4.1-mini");
    const id = nextId("resp_");
    const answer = "Here is a short summary: reset links last 30 minutes, and locked accounts unlock after 15 minutes.";
    const usage = { input_tokens: 52, input_tokens_details: { cached_tokens: 0 }, output_tokens: tokens(answer).length, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 52 + tokens(answer).length };
    const base = { id, object: "response", created_at: Math.floor(Date.now() / 1000), model };
    await sleep(firstDelay);
    if (body.stream !== true) {
      return json(res, 200, { ...base, status: "completed", output: [{ id: nextId("msg_"), type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: answer, annotations: [] }] }], usage });
    }
    sseHeaders(res);
    let seq = 0;
    const send = (type: string, data: Json) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...data })}\n\n`);
    const itemId = nextId("msg_");
    send("response.created", { response: { ...base, status: "in_progress", output: [] } });
    send("response.output_item.added", { output_index: 0, item: { id: itemId, type: "message", role: "assistant", status: "in_progress", content: [] } });
    send("response.content_part.added", { item_id: itemId, output_index: 0, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
    for (const t of tokens(answer)) {
      await sleep(tokenDelay);
      send("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta: t });
    }
    send("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text: answer });
    const item = { id: itemId, type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: answer, annotations: [] }] };
    send("response.output_item.done", { output_index: 0, item });
    send("response.completed", { response: { ...base, status: "completed", output: [item], usage } });
    res.end();
  }

  async function anthropic(res: ServerResponse, body: Json): Promise<void> {
    const messages = (body.messages ?? []) as Message[];
    const model = String(body.model ?? "claude-3-5-haiku-latest");
    const id = nextId("msg_");
    const question = lastUserText(messages);
    const rounds = messages.filter((m) => Array.isArray(m.content) && m.content.some((p) => (p as Json).type === "tool_result")).length;
    // The agent looks things up twice (account, then recent sign-ins) before answering.
    const callTool = Array.isArray(body.tools) && body.tools.length > 0 && rounds < 2 && wantsAccountTool(question);
    const toolName = rounds === 0 ? "check_account_status" : "recent_sign_ins";
    const answer = rounds > 0 ? "The account is active; the last sign-in was yesterday from Berlin. A reset link can be sent now." : GENERIC_ANSWER;
    const usage = { input_tokens: 310, cache_read_input_tokens: 120, cache_creation_input_tokens: 0, output_tokens: callTool ? 24 : tokens(answer).length };
    await sleep(firstDelay);
    if (body.stream !== true) {
      const content = callTool ? [{ type: "tool_use", id: nextId("toolu_"), name: toolName, input: { email: "ada@example.com" } }] : [{ type: "text", text: answer }];
      return json(res, 200, { id, type: "message", role: "assistant", model, content, stop_reason: callTool ? "tool_use" : "end_turn", stop_sequence: null, usage });
    }
    sseHeaders(res);
    const send = (type: string, data: Json) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
    send("ping", {});
    if (callTool) {
      send("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
      send("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Let me check that." } });
      send("content_block_stop", { index: 0 });
      send("content_block_start", { index: 1, content_block: { type: "tool_use", id: nextId("toolu_"), name: toolName, input: {} } });
      const args = JSON.stringify({ email: "ada@example.com" });
      for (let i = 0; i < args.length; i += 7) {
        await sleep(tokenDelay);
        send("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: args.slice(i, i + 7) } });
      }
      send("content_block_stop", { index: 1 });
      send("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    } else {
      send("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
      for (const t of tokens(answer)) {
        await sleep(tokenDelay);
        send("content_block_delta", { index: 0, delta: { type: "text_delta", text: t } });
      }
      send("content_block_stop", { index: 0 });
      send("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
    }
    send("message_stop", {});
    res.end();
  }

  async function gemini(res: ServerResponse, model: string, streaming: boolean, sse: boolean): Promise<void> {
    const answer = "Security tip: use a password manager and turn on two-factor authentication.";
    const parts = tokens(answer);
    await sleep(firstDelay);
    const chunkOf = (text: string, i: number, last: boolean) => ({
      candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0, ...(last ? { finishReason: "STOP" } : {}) }],
      usageMetadata: { promptTokenCount: 21, candidatesTokenCount: i + 1, totalTokenCount: 22 + i },
      modelVersion: model,
      responseId: "gem-demo-1",
    });
    if (!streaming) return json(res, 200, chunkOf(answer, parts.length - 1, true));
    if (sse) sseHeaders(res);
    else res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    if (!sse) res.write("[");
    for (let i = 0; i < parts.length; i++) {
      await sleep(tokenDelay);
      const data = JSON.stringify(chunkOf(parts[i]!, i, i === parts.length - 1));
      res.write(sse ? `data: ${data}\r\n\r\n` : `${i ? ",\r\n" : ""}${data}`);
    }
    res.end(sse ? "" : "]");
  }

  /**
   * Ollama's native API: NDJSON (application/x-ndjson) unless `stream: false`, one object per
   * line, the last with done: true, done_reason and the prompt_eval_count / eval_count usage.
   */
  async function ollama(res: ServerResponse, endpoint: "chat" | "generate", body: Json): Promise<void> {
    const model = String(body.model ?? "llama3.2");
    const question = endpoint === "chat" ? lastUserText((body.messages ?? []) as Message[]) : String(body.prompt ?? "");
    const answer = endpoint === "chat" ? GENERIC_ANSWER : "Passwords: at least 12 characters, never reused, kept in a password manager.";
    const promptEvalCount = 20 + (question.length / 4 | 0);
    const evalCount = tokens(answer).length;
    const piece = (text: string) => ({
      model, created_at: new Date().toISOString(),
      ...(endpoint === "chat" ? { message: { role: "assistant", content: text } } : { response: text }),
    });
    const last = (text: string) => ({
      ...piece(text), done: true, done_reason: "stop",
      ...(endpoint === "generate" ? { context: [128006, 882, 128007] } : {}),
      total_duration: 912_000_000, load_duration: 21_000_000,
      prompt_eval_count: promptEvalCount, prompt_eval_duration: 64_000_000, eval_count: evalCount, eval_duration: 801_000_000,
    });
    await sleep(firstDelay);
    if (body.stream === false) return json(res, 200, last(answer));
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const t of tokens(answer)) {
      await sleep(tokenDelay);
      res.write(`${JSON.stringify({ ...piece(t), done: false })}\n`);
    }
    res.end(`${JSON.stringify(last(""))}\n`);
  }

  function embeddings(res: ServerResponse, body: Json): void {
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const dims = 8;
    const vector = (text: unknown) => Array.from({ length: dims }, (_, d) => Number(Math.sin(String(text).length * (d + 1)).toFixed(6)));
    // encoding_format "base64" (what the official SDKs ask for by default): little-endian float32.
    const base64 = body.encoding_format === "base64";
    const data = inputs.map((text, index) => ({
      object: "embedding", index,
      embedding: base64 ? Buffer.from(new Float32Array(vector(text)).buffer).toString("base64") : vector(text),
    }));
    json(res, 200, { object: "list", data, model: String(body.model ?? "text-embedding-3-small"), usage: { prompt_tokens: 9 * inputs.length, total_tokens: 9 * inputs.length } });
  }

  /** Qdrant: POST /collections/{name}/points/search */
  function vectorSearch(res: ServerResponse, body: Json): void {
    const limit = Number(body.limit ?? 3);
    const result = KNOWLEDGE_BASE.slice(0, limit).map((doc, i) => ({ id: doc.id, version: 3, score: Number((0.92 - i * 0.11).toFixed(2)), payload: { text: doc.text } }));
    json(res, 200, { result, status: "ok", time: 0.0021 });
  }

  /** Pinecone's data-plane query, as Pinecone Local serves it on a local port: POST /query. */
  function pineconeQuery(res: ServerResponse, body: Json): void {
    const topK = Number(body.topK ?? 3);
    const matches = KNOWLEDGE_BASE.slice(0, topK).map((doc, i) => ({ id: doc.id, score: Number((0.91 - i * 0.1).toFixed(2)), values: [], metadata: { text: doc.text } }));
    json(res, 200, { results: [], matches, namespace: String(body.namespace ?? ""), usage: { readUnits: 5 } });
  }

  /**
   * Requests already answered 429 by a "-overloaded-once" model, by body: an SDK's retry sends
   * the same body again and gets an answer. (Any other "overloaded" model always gets 429.)
   */
  const rateLimited = new Set<string>();

  async function rateLimit(res: ServerResponse, once: boolean): Promise<void> {
    // A cross-origin page cannot read retry-after (not CORS-exposed): SDKs there use their own backoff.
    await sleep(120);
    json(res, 429, { error: { message: "Rate limit reached for requests. Please try again in 2s.", type: "requests", param: null, code: "rate_limit_exceeded" } }, { "retry-after": once ? "1" : "2" });
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer): Promise<boolean> {
    const path = url.pathname;
    const apiPrefixes = ["/v1", "/collections", "/query", "/tools", "/openai/", "/api/"];
    if (req.method === "OPTIONS" && apiPrefixes.some((p) => path.startsWith(p))) {
      // Reflect the requested headers: "*" does not cover Authorization, which the official SDKs
      // send (with x-stainless-*, anthropic-version, anthropic-dangerous-direct-browser-access).
      const requested = req.headers["access-control-request-headers"];
      res.writeHead(204, { "access-control-allow-origin": "*", "access-control-allow-headers": requested ? `${requested}` : "*", "access-control-allow-methods": "GET, POST" });
      res.end();
      return true;
    }
    res.setHeader("access-control-allow-origin", "*");
    const body = await readJson(req, raw);
    const azureDeployment = /^\/openai\/deployments\/[^/]+\/chat\/completions$/.test(path);
    if ((path === "/v1/chat/completions" || azureDeployment) && req.method === "POST") {
      const model = String(body.model ?? "");
      const once = model.includes("overloaded-once");
      if (model.includes("overloaded") && !(once && rateLimited.has(raw.toString("utf8")))) {
        if (once) rateLimited.add(raw.toString("utf8"));
        await rateLimit(res, once);
      } else await openaiChat(res, body, azureDeployment);
    } else if (path === "/v1/responses" && req.method === "POST") await openaiResponses(res, body);
    else if (path === "/v1/messages" && req.method === "POST") await anthropic(res, body);
    else if (path === "/v1/embeddings" && req.method === "POST") embeddings(res, body);
    // Gemini: v1beta, and v1 (where @google/genai 3.x sends its calls).
    else if (/^\/v1(?:beta)?\/models\/[^/:]+:(stream)?[gG]enerateContent$/.test(path) && req.method === "POST") {
      const [, model = "gemini-2.0-flash", method = ""] = /^\/v1(?:beta)?\/models\/([^/:]+):(\w+)$/.exec(path) ?? [];
      await gemini(res, model, method.startsWith("stream"), url.searchParams.get("alt") === "sse");
    } else if ((path === "/api/chat" || path === "/api/generate") && req.method === "POST") await ollama(res, path === "/api/chat" ? "chat" : "generate", body);
    else if (/^\/collections\/[^/]+\/points\/search$/.test(path) && req.method === "POST") vectorSearch(res, body);
    else if (path === "/query" && req.method === "POST") pineconeQuery(res, body);
    else if (path === "/tools/account-status") {
      await sleep(80);
      json(res, 200, { email: url.searchParams.get("email") ?? body.email ?? "ada@example.com", status: "active", locked: false, mfa: true });
    } else if (path === "/tools/recent-sign-ins") {
      await sleep(60);
      json(res, 200, { signIns: [{ at: "yesterday", city: "Berlin", ok: true }] });
    } else return false;
    return true;
  };
}
