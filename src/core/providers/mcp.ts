/**
 * Model Context Protocol over Streamable HTTP (MCP specification, "Transports › Streamable
 * HTTP", and "Server Features › Tools"): each JSON-RPC 2.0 message the client sends is a POST;
 * the server answers a request with one JSON object (application/json) or with an SSE stream
 * (text/event-stream) that may carry notifications and requests of its own before the response
 * to ours, which ends it. The session is named by the Mcp-Session-Id header (given by the server
 * in its answer to initialize, then sent by the client on every request).
 *
 * Spans, following the OpenTelemetry MCP semantic conventions where the shared schema has no word:
 * - tools/call is an execute_tool span (kind tool): gen_ai.tool.name, gen_ai.tool.call.arguments,
 *   gen_ai.tool.call.result (the result object as JSON), an error when the result says isError;
 * - every other method (initialize, tools/list, notifications/initialized, ...) is a protocol
 *   span (kind http) named after its method; tools/list also lists the tools it returned as
 *   gen_ai.tool.definitions.
 * All carry mcp.method.name, mcp.session.id, mcp.protocol.version, jsonrpc.request.id; a
 * JSON-RPC error is error.type = its code. A GET that opens the server's own SSE stream is a
 * protocol span listing the messages it carried.
 */
import { handleHttpError, readJsonBody } from "./body";
import { isEventStream, requestHeader, responseHeader } from "./context";
import type { Ctx } from "./context";
import type { DraftBuilder } from "./draft";
import { eventJson, streamEvents } from "./frames";
import { arr, capped, cappedJson, isObj, name, num, obj, str } from "./json";
import type { Obj } from "./json";
import type { ToolDefinition } from "./messages";

/** The first path segment of MCP's methods (tools/call, notifications/progress, ...). */
const METHOD_FAMILIES = new Set(["tools", "resources", "prompts", "completion", "logging", "notifications", "sampling", "elicitation", "roots", "tasks"]);

/** The exchange is an MCP message over Streamable HTTP (by its JSON-RPC body or MCP headers). */
export function isMcp(ctx: Ctx): boolean {
  if (requestHeader(ctx, "mcp-session-id") !== undefined || requestHeader(ctx, "mcp-protocol-version") !== undefined) return true;
  const req = ctx.req;
  if (!req || req.jsonrpc !== "2.0" || typeof req.method !== "string") return false;
  const method = req.method;
  if (method === "initialize" || method === "ping") return isObj(req.params) || method === "ping";
  const slash = method.indexOf("/");
  return slash > 0 && METHOD_FAMILIES.has(method.slice(0, slash));
}

/** Messages other than our response kept as span events; the rest are counted. */
const MAX_EVENTS = 200;
/** Characters of arguments, results and event data kept. */
const MAX_TEXT = 16_000;
const MAX_EVENT_DATA = 1000;

const json = (v: unknown): string => cappedJson(v, MAX_TEXT);

export function parseMcp(ctx: Ctx, b: DraftBuilder): void {
  const req = ctx.req;
  const method = str(req?.method);
  const params = obj(req?.params);
  const id = req?.id;
  b.set("mcp.method.name", method);
  b.set("jsonrpc.protocol.version", req?.jsonrpc === "2.0" ? "2.0" : undefined);
  if (typeof id === "string" || typeof id === "number") b.set("jsonrpc.request.id", String(id));
  // The server names the session in its answer to initialize; the client repeats it afterwards.
  b.set("mcp.session.id", requestHeader(ctx, "mcp-session-id") ?? responseHeader(ctx, "mcp-session-id"));
  b.set("mcp.protocol.version", requestHeader(ctx, "mcp-protocol-version") ?? (method === "initialize" ? str(params?.protocolVersion) : undefined));
  if (method === "tools/call") {
    b.kind = "tool";
    b.operation = "execute_tool";
    b.set("gen_ai.tool.name", name(params?.name));
    b.set("gen_ai.tool.type", "extension");
    if (params?.arguments !== undefined) b.set("gen_ai.tool.call.arguments", json(params.arguments));
  } else {
    b.kind = "http";
    if (method === "prompts/get" || method === "resources/read") b.set("llm_trace.mcp.target", name(params?.name) ?? name(params?.uri));
  }
  if (handleHttpError(ctx, b)) return;
  // A notification or a response the client sent is over once the server accepted it (202, no
  // body): the SDK cancels the empty body, which is no error (docs/DESIGN.md, "When a call is over").
  if (ctx.status === 202 && (id === undefined || id === null || req?.method === undefined)) {
    b.streamed = true;
    b.endOfStream(ctx.ex.timing.headers ?? ctx.ex.timing.firstByte ?? ctx.ex.timing.start);
    return;
  }
  if (ctx.chunks.length === 0) return;
  const response = isEventStream(ctx) ? fromStream(ctx, b, id) : fromJson(ctx, b, id);
  if (response) applyResponse(b, method, response);
}

/** A JSON body: our response (or, for a batch, the one with our id). */
function fromJson(ctx: Ctx, b: DraftBuilder, id: unknown): Obj | undefined {
  if (!ctx.complete) return undefined;
  const body = readJsonBody(ctx, b);
  if (body === undefined) return undefined;
  const found = Array.isArray(body) ? body.find((m) => isObj(m) && m.id === id) : body;
  if (!isObj(found)) {
    b.problem("response is not a JSON-RPC message");
    return undefined;
  }
  return found;
}

/**
 * An SSE answer: notifications and server requests are span events; the response to our request
 * ends the call (docs/DESIGN.md, "When a call is over"). A GET stream has no request of ours,
 * so it only lists what it carried.
 */
function fromStream(ctx: Ctx, b: DraftBuilder, id: unknown): Obj | undefined {
  const events = streamEvents(ctx);
  const ours = id !== undefined && id !== null;
  b.streamed = ours;
  let response: Obj | undefined;
  let kept = 0;
  let bad = 0;
  for (const ev of events) {
    if (ev.data === "") continue;
    const parsed = eventJson(ev);
    const m = parsed.ok ? obj(parsed.value) : undefined;
    if (!m) {
      bad++;
      continue;
    }
    if (ours && m.id === id && (m.result !== undefined || m.error !== undefined)) {
      response ??= m;
      b.endOfStream(ev.time);
      continue;
    }
    if (++kept > MAX_EVENTS) continue;
    const attributes: Record<string, string> = { "mcp.method.name": str(m.method) ?? "(response)", "mcp.message": capped(ev.data, MAX_EVENT_DATA) };
    if (typeof m.id === "string" || typeof m.id === "number") attributes["jsonrpc.request.id"] = String(m.id);
    b.events.push({ name: m.method !== undefined && m.id === undefined ? "mcp.notification" : "mcp.message", time: ev.time, attributes });
  }
  b.set("llm_trace.stream.event_count", events.length);
  if (kept > MAX_EVENTS) b.set("llm_trace.stream.events_dropped", kept - MAX_EVENTS);
  if (bad > 0) b.problem(`${bad} stream event(s) that are not JSON-RPC messages`);
  return response;
}

function applyResponse(b: DraftBuilder, method: string | undefined, m: Obj): void {
  const error = obj(m.error);
  if (error) {
    const code = num(error.code);
    b.fail({ type: code !== undefined ? String(code) : "jsonrpc_error", message: str(error.message) });
    return;
  }
  const result = obj(m.result);
  if (!result) return;
  if (method === "initialize") {
    b.set("mcp.protocol.version", str(result.protocolVersion));
    const server = obj(result.serverInfo);
    b.set("llm_trace.mcp.server.name", name(server?.name));
    b.set("llm_trace.mcp.server.version", name(server?.version));
  } else if (method === "tools/list") {
    b.setJson("gen_ai.tool.definitions", arr(result.tools).filter(isObj).map(toolDefinition));
  } else if (method === "tools/call") {
    b.set("gen_ai.tool.call.result", json(result));
    // A tool that failed answers with a result marked isError, its message in the content.
    if (result.isError === true) b.fail({ type: "tool_error", message: capped(contentText(result.content) ?? "the tool reported an error", 500) });
  }
}

function toolDefinition(t: Obj): ToolDefinition {
  const def: ToolDefinition = { type: "function" };
  if (name(t.name)) def.name = str(t.name)!;
  if (name(t.description)) def.description = str(t.description)!;
  if (t.inputSchema !== undefined) def.parameters = t.inputSchema;
  return def;
}

function contentText(content: unknown): string | undefined {
  const texts = arr(content).flatMap((c) => (isObj(c) && c.type === "text" && typeof c.text === "string" ? [c.text] : []));
  return texts.length > 0 ? texts.join("\n") : undefined;
}
