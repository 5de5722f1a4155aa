/**
 * An offline mock of the model APIs a web page calls, speaking their real wire formats with
 * realistic streaming delays: OpenAI Chat Completions (also on Azure OpenAI's deployment paths)
 * and Responses, Anthropic Messages, Gemini generateContent / streamGenerateContent, Ollama's
 * /api/chat and /api/generate, embeddings, a Qdrant-style vector search, a Pinecone Local-style
 * /query, a tool endpoint, an app backend writing the AI SDK's UI message stream (/api/ui-chat)
 * and an MCP server over Streamable HTTP (/mcp). Some calls also get the newest event types:
 * extended thinking, web search and citations (Anthropic, Responses, Gemini grounding).
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

/** Answers of the "research" calls: with reasoning shown, a web search, and a cited source. */
const RESEARCH_THINKING = "The user asks about lockouts; the help center has the policy.";
const RESEARCH_ANSWER = "Locked accounts unlock by themselves after 15 minutes.";
const RESEARCH_SOURCE = { url: "https://help.example.com/articles/account-lockout", title: "Account lockout policy" };

/**
 * Answers for reading the panel's rendering (a prompt that mentions "markdown" or "hostile"):
 * GitHub-flavoured Markdown with a table and code, and Markdown full of markup a page could use
 * to attack a viewer that renders it carelessly. Everything here must show as text.
 */
export const MARKDOWN_ANSWER = [
  "## Password reset, step by step",
  "",
  "You can reset it yourself in **under a minute**:",
  "",
  "1. Open *Settings → Security*.",
  "2. Choose `Reset password`.",
  "3. Follow the link we email you ([help article](https://help.example.com/articles/reset)).",
  "",
  "| Situation | What happens | Wait |",
  "|:--|:--|--:|",
  "| Reset link sent | valid for one use | 30 min |",
  "| Five failed sign-ins | account locked | 15 min |",
  "| Two-factor code | re-sent on request | 1 min |",
  "",
  "To do it from the API:",
  "",
  "```js",
  "// Ask for a reset link",
  "const res = await fetch(\"/api/password-reset\", {",
  "  method: \"POST\",",
  "  body: JSON.stringify({ email: \"ada@example.com\", retries: 3 }),",
  "});",
  "if (!res.ok) throw new Error(`reset failed: ${res.status}`);",
  "```",
  "",
  "> Tip: a password manager makes the new password painless.",
].join("\n");

export const HOSTILE_ANSWER = [
  "Here is <script>window.__xss = 'script'</script> and <img src=x onerror=\"window.__xss='img'\">.",
  "",
  "<svg onload=\"window.__xss='svg'\"><circle r=5 /></svg> <style>body { display: none }</style>",
  "",
  "<iframe src=\"javascript:window.__xss='iframe'\"></iframe> <a href=\"javascript:window.__xss='a'\">raw anchor</a>",
  "",
  "[click me](javascript:window.__xss='md-link') and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) and <javascript:window.__xss='autolink'>",
  "",
  "![pixel](https://tracker.example.com/pixel.gif) ![bad](x\" onerror=\"window.__xss='img-md')",
  "",
  "<div>**bold inside HTML** <b onmouseover=\"window.__xss='b'\">hover</b></div>",
  "",
  "[ref link][evil] and [entity link](&#x6A;avascript:window.__xss='entity')",
  "",
  "[evil]: javascript:window.__xss='ref'",
].join("\n");

/**
 * A long Markdown answer of about `size` characters (a prompt "long markdown <size>"): sections
 * of prose, lists, a table and code, as a model writing a long report would.
 */
export function longMarkdown(size: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 1; length < size; i++) {
    const section = [
      `## Section ${i}: findings`,
      "",
      `The review of area ${i} found **${i % 7} issues**, listed below with their *severity* and the \`fix\` applied.`,
      "",
      `- Item ${i}.1: configuration drift in the staging cluster`,
      `- Item ${i}.2: a retry loop without backoff ([runbook](https://docs.example.com/runbooks/${i}))`,
      "",
      "| Check | Result | Time |",
      "|---|---|--:|",
      `| latency | ok | ${i * 3} ms |`,
      `| errors | ${i % 3 === 0 ? "warn" : "ok"} | ${i} ms |`,
      "",
      "```python",
      `def check_${i}(client, retries=3):`,
      "    for attempt in range(retries):",
      `        if client.ping(timeout=${i % 5 + 1}):`,
      "            return True",
      "    return False",
      "```",
      "",
    ].join("\n");
    parts.push(section);
    length += section.length + 1;
  }
  return parts.join("\n").slice(0, size);
}

/** A 0.6 s 440 Hz tone as 16-bit mono WAV at 24 kHz: what an audio model would answer. */
export function toneWav(seconds = 0.6, rate = 24_000): Buffer {
  const samples = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0);
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8);
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36);
  out.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) out.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), 44 + i * 2);
  return out;
}

const AUDIO_TRANSCRIPT = "Your account is active. A reset link is on its way.";

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
    const long = /^long markdown (\d+)/i.exec(question);
    const answer = hasToolResult(messages) ? ANSWER_WITH_TOOL : long ? longMarkdown(Math.min(Number(long[1]), 4_000_000)) : /hostile/i.test(question) ? HOSTILE_ANSWER : /markdown/i.test(question) ? MARKDOWN_ANSWER : GENERIC_ANSWER;
    if (Array.isArray(body.modalities) && body.modalities.includes("audio")) return openaiAudio(res, model, stream);
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

  /** Chat Completions with audio output (modalities: ["audio"]): the WAV in base64, with its transcript. */
  async function openaiAudio(res: ServerResponse, model: string, stream: boolean): Promise<void> {
    const id = nextId("chatcmpl-");
    const audioId = nextId("audio_");
    const created = Math.floor(Date.now() / 1000);
    const data = toneWav().toString("base64");
    const usage = { prompt_tokens: 30, completion_tokens: 80, total_tokens: 110, completion_tokens_details: { audio_tokens: 68, reasoning_tokens: 0 } };
    await sleep(firstDelay);
    if (!stream) {
      const message = { role: "assistant", content: null, audio: { id: audioId, data, transcript: AUDIO_TRANSCRIPT, expires_at: created + 3600 } };
      return json(res, 200, { id, object: "chat.completion", created, model: `${model}-2025-06-03`, choices: [{ index: 0, message, finish_reason: "stop" }], usage });
    }
    sseHeaders(res);
    const chunk = (delta: Json, finish: string | null = null, extra: Json = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: `${model}-2025-06-03`, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
    chunk({ role: "assistant", content: null });
    for (const t of tokens(AUDIO_TRANSCRIPT)) chunk({ audio: { id: audioId, transcript: t } });
    // Audio arrives in pieces of one field across events, as OpenAI streams it.
    for (let i = 0; i < data.length; i += 4096) {
      await sleep(tokenDelay);
      chunk({ audio: { data: data.slice(i, i + 4096) } });
    }
    chunk({ audio: { expires_at: created + 3600 } }, "stop");
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: `${model}-2025-06-03`, choices: [], usage })}\n\n`);
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
    if (Array.isArray(body.tools) && body.tools.some((t) => (t as Json).type === "web_search")) return responsesResearch(send, res, base);
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

  /** A reasoning summary, a web_search_call and an answer citing its source (url_citation), streamed. */
  async function responsesResearch(send: (type: string, data: Json) => void, res: ServerResponse, base: Json): Promise<void> {
    const reasoning = { id: nextId("rs_"), type: "reasoning", summary: [{ type: "summary_text", text: RESEARCH_THINKING }] };
    const search = { id: nextId("ws_"), type: "web_search_call", status: "completed", action: { type: "search", query: "account lockout policy" } };
    const annotation = { type: "url_citation", start_index: 0, end_index: RESEARCH_ANSWER.length, url: RESEARCH_SOURCE.url, title: RESEARCH_SOURCE.title };
    const message = { id: nextId("msg_"), type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: RESEARCH_ANSWER, annotations: [annotation] }] };
    send("response.created", { response: { ...base, status: "in_progress", output: [] } });
    send("response.output_item.added", { output_index: 0, item: { ...reasoning, summary: [] } });
    send("response.reasoning_summary_part.added", { item_id: reasoning.id, output_index: 0, summary_index: 0, part: { type: "summary_text", text: "" } });
    for (const t of tokens(RESEARCH_THINKING)) {
      await sleep(tokenDelay);
      send("response.reasoning_summary_text.delta", { item_id: reasoning.id, output_index: 0, summary_index: 0, delta: t });
    }
    send("response.reasoning_summary_text.done", { item_id: reasoning.id, output_index: 0, summary_index: 0, text: RESEARCH_THINKING });
    send("response.reasoning_summary_part.done", { item_id: reasoning.id, output_index: 0, summary_index: 0, part: reasoning.summary[0] });
    send("response.output_item.done", { output_index: 0, item: reasoning });
    send("response.output_item.added", { output_index: 1, item: { id: search.id, type: "web_search_call", status: "in_progress" } });
    for (const phase of ["in_progress", "searching", "completed"]) send(`response.web_search_call.${phase}`, { output_index: 1, item_id: search.id });
    send("response.output_item.done", { output_index: 1, item: search });
    send("response.output_item.added", { output_index: 2, item: { ...message, status: "in_progress", content: [] } });
    send("response.content_part.added", { item_id: message.id, output_index: 2, content_index: 0, part: { type: "output_text", text: "", annotations: [] } });
    for (const t of tokens(RESEARCH_ANSWER)) {
      await sleep(tokenDelay);
      send("response.output_text.delta", { item_id: message.id, output_index: 2, content_index: 0, delta: t });
    }
    send("response.output_text.annotation.added", { item_id: message.id, output_index: 2, content_index: 0, annotation_index: 0, annotation });
    send("response.output_text.done", { item_id: message.id, output_index: 2, content_index: 0, text: RESEARCH_ANSWER });
    send("response.content_part.done", { item_id: message.id, output_index: 2, content_index: 0, part: message.content[0] });
    send("response.output_item.done", { output_index: 2, item: message });
    const outputTokens = tokens(RESEARCH_THINKING).length + tokens(RESEARCH_ANSWER).length;
    const usage = { input_tokens: 310, input_tokens_details: { cached_tokens: 0 }, output_tokens: outputTokens, output_tokens_details: { reasoning_tokens: tokens(RESEARCH_THINKING).length }, total_tokens: 310 + outputTokens };
    send("response.completed", { response: { ...base, status: "completed", output: [reasoning, search, message], usage } });
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
    const webSearch = Array.isArray(body.tools) && body.tools.some((t) => String((t as Json).type ?? "").startsWith("web_search_"));
    if (webSearch || (body.thinking as Json | undefined)?.type === "enabled") return anthropicResearch(send, res, id, model, webSearch, /redacted/i.test(question));
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

  /**
   * Extended thinking (thinking_delta, then its signature_delta) and, when the web search
   * server tool is offered, a server_tool_use, its web_search_tool_result and a cited answer
   * (citations_delta), with server-tool usage: as the Anthropic API streams them.
   */
  /** `redacted`: a redacted_thinking block follows the thinking (a prompt that mentions it). */
  async function anthropicResearch(send: (type: string, data: Json) => void, res: ServerResponse, id: string, model: string, webSearch: boolean, redacted = false): Promise<void> {
    const usage = { input_tokens: 420, cache_read_input_tokens: 64, cache_creation_input_tokens: 32, output_tokens: 1 };
    send("message_start", { message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage } });
    let index = 0;
    send("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } });
    for (const t of tokens(RESEARCH_THINKING)) {
      await sleep(tokenDelay);
      send("content_block_delta", { index, delta: { type: "thinking_delta", thinking: t } });
    }
    send("content_block_delta", { index, delta: { type: "signature_delta", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds" } });
    send("content_block_stop", { index: index++ });
    if (redacted) {
      send("content_block_start", { index, content_block: { type: "redacted_thinking", data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP" } });
      send("content_block_stop", { index: index++ });
    }
    if (webSearch) {
      const toolId = nextId("srvtoolu_");
      send("content_block_start", { index, content_block: { type: "server_tool_use", id: toolId, name: "web_search", input: {} } });
      send("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: JSON.stringify({ query: "account lockout policy" }) } });
      send("content_block_stop", { index: index++ });
      send("content_block_start", {
        index,
        content_block: { type: "web_search_tool_result", tool_use_id: toolId, content: [{ type: "web_search_result", url: RESEARCH_SOURCE.url, title: RESEARCH_SOURCE.title, encrypted_content: "EqgfCioIARgBIiQ3YTAw", page_age: "June 1, 2025" }] },
      });
      send("content_block_stop", { index: index++ });
    }
    send("content_block_start", { index, content_block: { type: "text", text: "" } });
    if (webSearch) {
      send("content_block_delta", { index, delta: { type: "citations_delta", citation: { type: "web_search_result_location", url: RESEARCH_SOURCE.url, title: RESEARCH_SOURCE.title, cited_text: KNOWLEDGE_BASE[1]!.text, encrypted_index: "Eo8BCioIAhgB" } } });
    }
    for (const t of tokens(RESEARCH_ANSWER)) {
      await sleep(tokenDelay);
      send("content_block_delta", { index, delta: { type: "text_delta", text: t } });
    }
    send("content_block_stop", { index });
    const output = tokens(RESEARCH_THINKING).length + tokens(RESEARCH_ANSWER).length;
    send("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: output, ...(webSearch && { server_tool_use: { web_search_requests: 1 } }) } });
    send("message_stop", {});
    res.end();
  }

  /**
   * `thinking` (thinkingConfig.includeThoughts): a thought part first, and thoughtsTokenCount in
   * the usage. `grounded` (the google_search tool): groundingMetadata with the last chunk.
   */
  async function gemini(res: ServerResponse, model: string, streaming: boolean, sse: boolean, body: Json = {}): Promise<void> {
    const config = (body.generationConfig ?? body.generation_config) as Json | undefined;
    const thinking = ((config?.thinkingConfig ?? config?.thinking_config) as Json | undefined)?.includeThoughts === true;
    const grounded = Array.isArray(body.tools) && body.tools.some((t) => (t as Json).googleSearch !== undefined || (t as Json).google_search !== undefined);
    const answer = grounded ? RESEARCH_ANSWER : "Security tip: use a password manager and turn on two-factor authentication.";
    const parts = tokens(answer);
    const thoughts = thinking ? tokens(RESEARCH_THINKING).length : 0;
    await sleep(firstDelay);
    const grounding = {
      webSearchQueries: ["account lockout policy"],
      groundingChunks: [{ web: { uri: RESEARCH_SOURCE.url, title: RESEARCH_SOURCE.title } }],
      groundingSupports: [{ segment: { endIndex: answer.length, text: answer }, groundingChunkIndices: [0] }],
    };
    const usageOf = (i: number) => ({ promptTokenCount: 21, candidatesTokenCount: i + 1, totalTokenCount: 22 + i + thoughts, ...(thinking && { thoughtsTokenCount: thoughts }) });
    const chunkOf = (text: string, i: number, last: boolean) => ({
      candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0, ...(last ? { finishReason: "STOP", ...(grounded && { groundingMetadata: grounding }) } : {}) }],
      usageMetadata: usageOf(i),
      modelVersion: model,
      responseId: "gem-demo-1",
    });
    if (!streaming) return json(res, 200, chunkOf(answer, parts.length - 1, true));
    if (sse) sseHeaders(res);
    else res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
    if (!sse) res.write("[");
    const frames: Json[] = [];
    if (thinking) {
      frames.push({ candidates: [{ content: { role: "model", parts: [{ text: RESEARCH_THINKING, thought: true }] }, index: 0 }], usageMetadata: { promptTokenCount: 21, totalTokenCount: 21 + thoughts, thoughtsTokenCount: thoughts }, modelVersion: model, responseId: "gem-demo-1" });
    }
    for (let i = 0; i < parts.length; i++) frames.push(chunkOf(parts[i]!, i, i === parts.length - 1));
    for (let i = 0; i < frames.length; i++) {
      await sleep(tokenDelay);
      const data = JSON.stringify(frames[i]);
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

  /**
   * An app backend answering with the AI SDK's UI message stream protocol (SSE with the
   * x-vercel-ai-ui-message-stream: v1 header), part by part as `toUIMessageStreamResponse`
   * writes it: reasoning, a tool call the backend ran with its output, a source, a data part, the
   * answer, and a finish part carrying the app's message metadata (model and usage).
   */
  async function uiMessageStream(res: ServerResponse): Promise<void> {
    await sleep(firstDelay);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "x-vercel-ai-ui-message-stream": "v1" });
    const send = (part: Json | string) => res.write(`data: ${typeof part === "string" ? part : JSON.stringify(part)}\n\n`);
    const toolCallId = nextId("call_");
    send({ type: "start", messageId: nextId("msg-") });
    send({ type: "start-step" });
    send({ type: "reasoning-start", id: "r1" });
    for (const t of tokens(RESEARCH_THINKING)) {
      await sleep(tokenDelay);
      send({ type: "reasoning-delta", id: "r1", delta: t });
    }
    send({ type: "reasoning-end", id: "r1" });
    const input = { email: "ada@example.com" };
    send({ type: "tool-input-start", toolCallId, toolName: "checkAccountStatus" });
    send({ type: "tool-input-delta", toolCallId, inputTextDelta: JSON.stringify(input) });
    send({ type: "tool-input-available", toolCallId, toolName: "checkAccountStatus", input });
    send({ type: "tool-output-available", toolCallId, output: { status: "active", locked: false } });
    send({ type: "finish-step" });
    send({ type: "start-step" });
    send({ type: "source-url", sourceId: "src-1", url: RESEARCH_SOURCE.url, title: RESEARCH_SOURCE.title });
    send({ type: "data-status", data: { checked: true } });
    send({ type: "text-start", id: "t1" });
    for (const t of tokens(RESEARCH_ANSWER)) {
      await sleep(tokenDelay);
      send({ type: "text-delta", id: "t1", delta: t });
    }
    send({ type: "text-end", id: "t1" });
    send({ type: "finish-step" });
    const usage = { inputTokens: 180, outputTokens: tokens(RESEARCH_THINKING).length + tokens(RESEARCH_ANSWER).length };
    send({ type: "finish", finishReason: "stop", messageMetadata: { model: "gpt-5-mini-2025-08-07", provider: "openai.responses", usage } });
    send("[DONE]");
    res.end();
  }

  /**
   * An MCP server over Streamable HTTP (MCP specification 2025-06-18): initialize answered as
   * JSON with the Mcp-Session-Id header, notifications with 202, tools/list and tools/call as
   * SSE streams (a progress notification before the call's result when the client asked for
   * progress); GET (the server's own stream) is not offered (405), DELETE ends the session.
   */
  const mcpSessions = new Set<string>();
  const MCP_TOOL = {
    name: "check_account_status",
    description: "Look up whether a customer's account is active or locked.",
    inputSchema: { type: "object", properties: { email: { type: "string" } }, required: ["email"] },
  };

  async function mcp(req: IncomingMessage, res: ServerResponse, body: Json): Promise<void> {
    if (req.method === "GET") return void res.writeHead(405, { allow: "POST, DELETE" }).end();
    const session = String(req.headers["mcp-session-id"] ?? "");
    if (req.method === "DELETE") {
      mcpSessions.delete(session);
      return void res.writeHead(200).end();
    }
    const method = String(body.method ?? "");
    const id = body.id as string | number | undefined;
    if (method === "initialize") {
      const created = `mcp-${nextId("s")}`;
      mcpSessions.add(created);
      const result = { protocolVersion: String((body.params as Json | undefined)?.protocolVersion ?? "2025-06-18"), capabilities: { tools: { listChanged: false } }, serverInfo: { name: "support-tools", version: "1.0.0" } };
      return json(res, 200, { jsonrpc: "2.0", id, result }, { "mcp-session-id": created });
    }
    if (!mcpSessions.has(session)) return json(res, 404, { jsonrpc: "2.0", id: id ?? null, error: { code: -32001, message: "Session not found" } });
    if (id === undefined) return void res.writeHead(202).end();
    const stream = () => res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", "mcp-session-id": session });
    const message = (m: Json) => res.write(`event: message\ndata: ${JSON.stringify(m)}\n\n`);
    if (method === "tools/list") {
      stream();
      message({ jsonrpc: "2.0", id, result: { tools: [MCP_TOOL] } });
      return void res.end();
    }
    if (method === "tools/call") {
      const params = (body.params ?? {}) as Json;
      if (params.name !== MCP_TOOL.name) return json(res, 200, { jsonrpc: "2.0", id, error: { code: -32602, message: `Unknown tool: ${String(params.name)}` } });
      stream();
      const progressToken = ((params._meta ?? {}) as Json).progressToken;
      if (progressToken !== undefined) message({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken, progress: 1, total: 2, message: "Looking up the account" } });
      await sleep(80);
      const email = String(((params.arguments ?? {}) as Json).email ?? "");
      const status = { email, status: "active", locked: false };
      message({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: JSON.stringify(status) }], structuredContent: status, isError: false } });
      return void res.end();
    }
    json(res, 200, { jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } });
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
    const apiPrefixes = ["/v1", "/collections", "/query", "/tools", "/openai/", "/api/", "/mcp"];
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
      await gemini(res, model, method.startsWith("stream"), url.searchParams.get("alt") === "sse", body);
    } else if ((path === "/api/chat" || path === "/api/generate") && req.method === "POST") await ollama(res, path === "/api/chat" ? "chat" : "generate", body);
    else if (/^\/collections\/[^/]+\/points\/search$/.test(path) && req.method === "POST") vectorSearch(res, body);
    else if (path === "/query" && req.method === "POST") pineconeQuery(res, body);
    else if (path === "/api/ui-chat" && req.method === "POST") await uiMessageStream(res);
    else if (path === "/mcp") await mcp(req, res, body);
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
