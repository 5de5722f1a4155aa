/**
 * Anthropic Messages API (/v1/messages, also Claude on Vertex AI via :rawPredict and
 * :streamRawPredict): SSE events message_start, content_block_start/delta/stop (text_delta,
 * input_json_delta, thinking_delta, signature_delta, citations_delta), message_delta,
 * message_stop, ping, error; and the whole message object. Content blocks: text (with
 * citations), thinking, redacted_thinking, tool_use, server_tool_use with its
 * web_search_tool_result (and the other server tools' *_tool_result), mcp_tool_use/result.
 * Event, delta and block types this parser does not know are kept (unknown-events.ts).
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, secondsSinceStart } from "./context";
import { eventJson, streamEvents } from "./frames";
import type { Ctx } from "./context";
import { errorFromBody } from "./draft";
import type { DraftBuilder, Usage } from "./draft";
import { arr, bool, cappedJson, isObj, name, num, obj, parseJson, str, strings } from "./json";
import type { Obj } from "./json";
import { citation, citedText, mediaFromData, mediaFromUrl, outputMessage, reasoning, text, toolCall, toolResponse } from "./messages";
import type { Citation, Message, Part, ToolDefinition } from "./messages";
import { UnknownEvents } from "./unknown-events";

export function parseAnthropic(ctx: Ctx, b: DraftBuilder, pathModel?: string): void {
  b.kind = "llm";
  b.operation = "chat";
  const req = ctx.req;
  b.set("gen_ai.request.model", name(req?.model) ?? pathModel);
  if (req) {
    b.set("gen_ai.request.max_tokens", num(req.max_tokens));
    b.set("gen_ai.request.temperature", num(req.temperature));
    b.set("gen_ai.request.top_p", num(req.top_p));
    b.set("gen_ai.request.top_k", num(req.top_k));
    b.set("gen_ai.request.stop_sequences", strings(req.stop_sequences));
    const system = typeof req.system === "string" ? (req.system ? [text(req.system)] : []) : blocksToParts(req.system);
    b.setJson("gen_ai.system_instructions", system);
    b.setJson("gen_ai.input.messages", inputMessages(req.messages));
    b.setJson("gen_ai.tool.definitions", toolDefinitions(req.tools));
  }
  const streamed = ctx.chunks.length > 0 && isEventStream(ctx);
  b.set("gen_ai.request.stream", bool(req?.stream) ?? (streamed || undefined));
  if (handleHttpError(ctx, b)) return;
  if (streamed) parseStream(ctx, b);
  else if (ctx.chunks.length > 0 || ctx.complete) {
    const body = readJsonBody(ctx, b);
    if (body === undefined) return;
    const err = errorFromBody(body, "error");
    if (err) b.fail(err);
    else if (isObj(body)) applyMessage(b, body, arr(body.content).filter(isObj).flatMap(blockParts));
    else b.problem("response is not a message object");
  }
}

function inputMessages(messages: unknown): Message[] {
  const out: Message[] = [];
  for (const raw of arr(messages)) {
    const m = obj(raw);
    if (!m) continue;
    const parts = typeof m.content === "string" ? [text(m.content)] : blocksToParts(m.content);
    out.push({ role: str(m.role) ?? "user", parts });
  }
  return out;
}

function blocksToParts(blocks: unknown): Part[] {
  return arr(blocks).filter(isObj).flatMap(blockParts);
}

/** One content block (request or response side) as OTel parts. */
function blockParts(block: Obj): Part[] {
  switch (block.type) {
    case "text":
      return [citedText(str(block.text) ?? "", arr(block.citations).filter(isObj).map(toCitation))];
    case "thinking":
      // The block's signature is an opaque check value for replaying the thinking, not content.
      return [reasoning(str(block.thinking) ?? "")];
    case "redacted_thinking":
      // Encrypted by the provider: only its presence is shown.
      return [{ type: "redacted_reasoning" }];
    case "tool_use":
    case "server_tool_use":
    case "mcp_tool_use":
      return [toolCall(name(block.id), str(block.name), block.input)];
    case "tool_result":
    case "mcp_tool_result": {
      const content = block.content;
      const response = typeof content === "string" ? content : blocksText(content) ?? content;
      return [toolResponse(name(block.tool_use_id), block.is_error === true ? { error: response } : response)];
    }
    case "image":
    case "document": {
      const source = obj(block.source);
      const modality = block.type === "image" ? "image" : "document";
      if (source?.type === "base64") return [mediaFromData(str(source.data) ?? "", str(source.media_type), modality)];
      if (source?.type === "url" && name(source.url)) return [mediaFromUrl(str(source.url)!, undefined, modality)];
      if (source?.type === "file" && name(source.file_id)) return [{ type: "file", modality, file_id: str(source.file_id)! }];
      if (source?.type === "text") return [text(str(source.data) ?? "")];
      return [{ type: modality }];
    }
    default:
      // web_search_tool_result, web_fetch_tool_result, code_execution_tool_result, ...: results
      // of tools the server ran, answering the server_tool_use with that id in the same message.
      if (typeof block.type === "string" && block.type.endsWith("_tool_result")) {
        return [toolResponse(name(block.tool_use_id), serverToolResult(block.content))];
      }
      // A block type newer than this parser: kept, with its data, for the panel to show as is.
      return typeof block.type === "string" ? [{ type: block.type, data: cappedJson(block) }] : [];
  }
}

/**
 * The content of a server tool's result without its encrypted payloads (web search results
 * carry encrypted_content, an opaque blob for replaying them); an error result
 * ({type:"web_search_tool_result_error", error_code}) becomes {error: code}.
 */
function serverToolResult(content: unknown): unknown {
  if (isObj(content)) {
    if (typeof content.type === "string" && content.type.endsWith("_error")) return { error: content.error_code ?? content.type };
    return withoutEncrypted(content);
  }
  return Array.isArray(content) ? content.map((c) => (isObj(c) ? withoutEncrypted(c) : c)) : content;
}

function withoutEncrypted(o: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (k !== "encrypted_content" && k !== "encrypted_index") out[k] = v;
  return out;
}

/**
 * An Anthropic citation (char_location, page_location, content_block_location of a document;
 * web_search_result_location of a web search result; search_result_location of a search_result
 * block) as a Citation. Anthropic cites a whole text block, so there is no range in our text;
 * the char/page/block positions it gives are positions in the cited document.
 */
function toCitation(c: Obj): Citation {
  return citation({
    type: c.type,
    url: c.url ?? c.source,
    title: c.title,
    cited_text: c.cited_text,
    document_index: c.document_index ?? c.search_result_index,
    document_title: c.document_title,
  });
}



function blocksText(content: unknown): string | undefined {
  const blocks = arr(content).filter(isObj);
  if (blocks.length === 0 || !blocks.every((b) => b.type === "text")) return undefined;
  return blocks.map((b) => str(b.text) ?? "").join("");
}

function toolDefinitions(tools: unknown): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  for (const raw of arr(tools)) {
    const t = obj(raw);
    if (!t) continue;
    // Client tools have no type (or "custom"); server tools carry a versioned type like web_search_20250305.
    const def: ToolDefinition = { type: t.type === undefined || t.type === "custom" ? "function" : String(t.type) };
    if (name(t.name)) def.name = str(t.name)!;
    if (name(t.description)) def.description = str(t.description)!;
    if (t.input_schema !== undefined) def.parameters = t.input_schema;
    out.push(def);
  }
  return out;
}

/**
 * Anthropic reports uncached input only; OTel input includes cache reads and writes, so the
 * three are added. Fields absent from a report keep the value from an earlier one.
 */
function anthropicUsage(u: Obj | undefined, prev: Obj): Obj {
  if (!u) return prev;
  const merged: Obj = { ...prev };
  for (const [k, v] of Object.entries(u)) if (v !== null && v !== undefined) merged[k] = v;
  return merged;
}

function toUsage(u: Obj): Usage | undefined {
  const input = num(u.input_tokens);
  const cacheRead = num(u.cache_read_input_tokens);
  const cacheCreation = num(u.cache_creation_input_tokens);
  const output = num(u.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  return {
    input: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheCreation ?? 0),
    output,
    cacheRead,
    cacheCreation,
  };
}

function applyMessage(b: DraftBuilder, msg: Obj, parts: Part[]): void {
  b.set("gen_ai.response.id", name(msg.id));
  b.set("gen_ai.response.model", name(msg.model));
  const reason = name(msg.stop_reason);
  if (reason) b.set("gen_ai.response.finish_reasons", [reason]);
  if (parts.length > 0 || reason) b.setJson("gen_ai.output.messages", [outputMessage(parts, reason)]);
  const u = obj(msg.usage) ?? {};
  const usage = toUsage(u);
  if (usage) b.usage(usage);
  // Server tools are billed per use, apart from tokens: usage.server_tool_use.web_search_requests.
  const serverTools = obj(u.server_tool_use);
  b.set("llm_trace.usage.web_search_requests", num(serverTools?.web_search_requests));
  b.set("llm_trace.usage.web_fetch_requests", num(serverTools?.web_fetch_requests));
}

interface Block {
  block: Obj;
  text: string[];
  json: string[];
  thinking: string[];
  citations: Obj[];
}

const KNOWN_EVENTS = new Set(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop", "ping", "error"]);
const KNOWN_DELTAS = new Set(["text_delta", "input_json_delta", "thinking_delta", "signature_delta", "citations_delta"]);
const KNOWN_BLOCKS = new Set(["text", "thinking", "redacted_thinking", "tool_use", "server_tool_use", "mcp_tool_use", "mcp_tool_result", "container_upload"]);
const newBlock = (block: Obj): Block => ({ block, text: [], json: [], thinking: [], citations: [] });

function parseStream(ctx: Ctx, b: DraftBuilder): void {
  b.streamed = true;
  const events = streamEvents(ctx);
  const blocks = new Map<number, Block>();
  let message: Obj = {};
  let usage: Obj = {};
  let firstContent: number | undefined;
  let bad = 0;
  const unknown = new UnknownEvents();
  for (const ev of events) {
    const parsed = eventJson(ev);
    if (!parsed.ok || !isObj(parsed.value)) {
      bad++;
      continue;
    }
    const e = parsed.value;
    const type = str(e.type) ?? ev.event ?? "";
    if (!KNOWN_EVENTS.has(type)) unknown.add(b, ev.time, type, ev.data);
    switch (type) {
      case "message_start": {
        const m = obj(e.message) ?? {};
        message = { ...m };
        usage = anthropicUsage(obj(m.usage), usage);
        break;
      }
      case "content_block_start": {
        const cb = obj(e.content_block) ?? {};
        const index = num(e.index) ?? blocks.size;
        blocks.set(index, newBlock(cb));
        const blockType = str(cb.type) ?? "";
        if (!KNOWN_BLOCKS.has(blockType) && !blockType.endsWith("_tool_result")) unknown.add(b, ev.time, `content_block ${blockType}`, ev.data);
        if ((name(cb.text) || name(cb.thinking)) && firstContent === undefined) firstContent = ev.time;
        break;
      }
      case "content_block_delta": {
        const index = num(e.index) ?? 0;
        let blk = blocks.get(index);
        if (!blk) blocks.set(index, (blk = newBlock({ type: "text" })));
        const d = obj(e.delta) ?? {};
        const deltaType = str(d.type) ?? "";
        let piece = "";
        if (deltaType === "text_delta") blk.text.push((piece = str(d.text) ?? ""));
        else if (deltaType === "input_json_delta") blk.json.push((piece = str(d.partial_json) ?? ""));
        else if (deltaType === "thinking_delta") blk.thinking.push((piece = str(d.thinking) ?? ""));
        else if (deltaType === "citations_delta" && isObj(d.citation)) blk.citations.push(d.citation);
        else if (!KNOWN_DELTAS.has(deltaType)) unknown.add(b, ev.time, `content_block_delta ${deltaType}`, ev.data);
        // signature_delta carries no output: the signature is an opaque check value of the thinking.
        if (piece !== "" && firstContent === undefined) firstContent = ev.time;
        break;
      }
      case "message_delta": {
        const d = obj(e.delta) ?? {};
        if (d.stop_reason !== undefined) message.stop_reason = d.stop_reason;
        usage = anthropicUsage(obj(e.usage), usage);
        break;
      }
      case "message_stop":
        b.endOfStream(ev.time);
        break;
      case "error": {
        const err = errorFromBody(e, "stream_error");
        if (err) b.fail(err, ev.time);
        break;
      }
      default:
        break;
    }
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (bad > 0) b.problem(`${bad} stream event(s) with invalid JSON`);
  unknown.report(b);
  if (firstContent !== undefined) b.set("gen_ai.response.time_to_first_chunk", secondsSinceStart(ctx, firstContent));
  const parts = [...blocks.entries()].sort((x, y) => x[0] - y[0]).flatMap(([, blk]) => blockParts(assembled(blk)));
  message.usage = usage;
  applyMessage(b, message, parts);
}

/** A streamed content block with its deltas folded in, in the shape of a whole-message block. */
function assembled(blk: Block): Obj {
  const block: Obj = { ...blk.block };
  if (blk.text.length > 0) block.text = (str(block.text) ?? "") + blk.text.join("");
  if (blk.thinking.length > 0) block.thinking = (str(block.thinking) ?? "") + blk.thinking.join("");
  if (blk.citations.length > 0) block.citations = [...arr(block.citations), ...blk.citations];
  if (blk.json.length > 0) {
    const raw = blk.json.join("");
    const parsed = parseJson(raw);
    block.input = parsed.ok ? parsed.value : raw;
  }
  return block;
}
