/**
 * The span draft under construction, shared by every provider parser: attribute setting that
 * skips absent values, usage mapping to the OTel keys, provider errors, and the final status rule.
 */
import type { Attributes, AttributeValue, SpanEvent, SpanKind, SpanStatus } from "../contract";
import type { Ctx } from "./context";
import { isObj, name, num, str } from "./json";

/**
 * What a classifier decides about one exchange: not yet a span (derive.ts makes one), since
 * identity, timing and trace come from elsewhere.
 */
export interface SpanDraft {
  kind: SpanKind;
  name: string;
  status: SpanStatus;
  attributes: Attributes;
  events?: SpanEvent[];
  /**
   * When the call was over, if the body says so before the exchange does: a stream ends at its
   * format's terminal event, whatever the page did afterwards (docs/DESIGN.md, "When a call is over").
   */
  endTime?: number;
}

/** Token counts exactly as a provider reported them (already mapped to our meaning). */
export interface Usage {
  /** All prompt tokens, cached ones included. */
  input?: number | undefined;
  /** All generated tokens, reasoning included. */
  output?: number | undefined;
  cacheRead?: number | undefined;
  cacheCreation?: number | undefined;
  reasoning?: number | undefined;
}

/** Two usage reports added field by field (per-step or per-chunk increments); absent stays absent. */
export function addUsage(a: Usage | undefined, u: Usage): Usage {
  if (!a) return { ...u };
  const add = (x: number | undefined, y: number | undefined): number | undefined => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  return {
    input: add(a.input, u.input),
    output: add(a.output, u.output),
    cacheRead: add(a.cacheRead, u.cacheRead),
    cacheCreation: add(a.cacheCreation, u.cacheCreation),
    reasoning: add(a.reasoning, u.reasoning),
  };
}

export interface ProviderError {
  type: string;
  message?: string | undefined;
}

export class DraftBuilder {
  kind: SpanKind = "http";
  /** gen_ai.operation.name; also the first word of the span name. */
  operation: string | undefined;
  readonly attributes: Attributes = {};
  readonly events: SpanEvent[] = [];
  /** The response is a stream whose completeness we can judge. */
  streamed = false;
  /** The provider's terminal event ([DONE], message_stop, response.completed, done:true, ...) arrived. */
  terminal = false;
  /** When the last terminal event arrived ([DONE] after the finish_reason chunk, say). */
  terminalTime: number | undefined;
  /** The body could not be read as the expected format. */
  unparsed = false;
  error: ProviderError | undefined;
  private readonly problems: string[] = [];

  /** The stream's terminal event arrived at `time`: the call is over, whatever the page does next. */
  endOfStream(time: number): void {
    this.terminal = true;
    if (this.terminalTime === undefined || time > this.terminalTime) this.terminalTime = time;
  }

  set(key: string, value: AttributeValue | null | undefined): void {
    if (value === undefined || value === null) return;
    if (typeof value === "number" && !Number.isFinite(value)) return;
    if (Array.isArray(value) && value.length === 0) return;
    this.attributes[key] = value;
  }

  /** A structured attribute (messages, tool definitions) as the JSON string OTel specifies. */
  setJson(key: string, value: unknown): void {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return;
    this.attributes[key] = JSON.stringify(value);
  }

  usage(u: Usage): void {
    this.set("gen_ai.usage.input_tokens", u.input);
    this.set("gen_ai.usage.output_tokens", u.output);
    this.set("gen_ai.usage.cache_read.input_tokens", u.cacheRead);
    this.set("gen_ai.usage.cache_creation.input_tokens", u.cacheCreation);
    this.set("gen_ai.usage.reasoning.output_tokens", u.reasoning);
  }

  /** Something in the input could not be understood; reported in llm_trace.parse_error. */
  problem(text: string): void {
    if (!this.problems.includes(text)) this.problems.push(text);
  }

  /** A provider-reported error (HTTP error body or an error event). The first one wins. */
  fail(err: ProviderError, time?: number): void {
    if (time !== undefined) {
      const attributes: Attributes = { "exception.type": err.type };
      if (err.message) attributes["exception.message"] = err.message;
      this.events.push({ name: "exception", time, attributes });
    }
    if (!this.error) this.error = err;
  }

  /** Decide the status (docs/DESIGN.md, "When a call is over") once parsing is over, then produce the draft. */
  finish(ctx: Ctx, name: string): SpanDraft {
    const status = this.decideStatus(ctx);
    if (this.problems.length > 0) this.attributes["llm_trace.parse_error"] = this.problems.join("; ");
    const draft: SpanDraft = { kind: this.kind, name, status, attributes: this.attributes };
    if (this.events.length > 0) draft.events = this.events;
    if (this.streamed && this.terminal && this.terminalTime !== undefined) draft.endTime = this.terminalTime;
    return draft;
  }

  /**
   * A stream whose terminal event arrived is over and ok: what the page does afterwards (cancel,
   * abort, break out of its loop, stop reading; openai 7 cancels after [DONE]) is not an error.
   * Only an end before the terminal event is (docs/DESIGN.md, "When a call is over").
   */
  private decideStatus(ctx: Ctx): SpanStatus {
    const outcome = ctx.ex.outcome;
    const finished = this.streamed && this.terminal;
    let type: string | undefined;
    let message: string | undefined;
    if (this.error) {
      type = this.error.type;
      message = this.error.message;
    } else if (ctx.status !== undefined && ctx.status >= 400) {
      type = String(ctx.status);
    } else if (finished) {
      return this.unparsed ? "unset" : "ok";
    } else if (outcome && outcome.state !== "ok") {
      const why = outcome.state === "abort" ? outcome.errorName : undefined;
      type = why === "cancelled" ? "cancelled"
        : why === "incomplete" ? "incomplete_stream"
        : why === "page_left" ? "page_left"
        : outcome.state === "abort" ? "AbortError"
        : outcome.errorName || (outcome.state === "timeout" ? "TimeoutError" : "Error");
      message = outcome.errorMessage;
    } else if (outcome?.state === "ok" && this.streamed && !this.terminal) {
      type = "incomplete_stream";
      message = "the stream ended without the provider's final event";
    }
    if (type !== undefined) {
      this.attributes["error.type"] = type;
      if (message) this.attributes["llm_trace.error.message"] = message;
      return "error";
    }
    if (outcome?.state === "ok" && !this.unparsed) return "ok";
    return "unset";
  }
}

/**
 * The error a provider put in a body or stream event, across the common shapes:
 * OpenAI & compatibles {error:{message,type,code}}, Anthropic {type:"error",error:{type,message}},
 * Google {error:{code,message,status}}, Ollama {error:"text"}, Mistral {object:"error",message,type}.
 */
export function errorFromBody(body: unknown, fallbackType: string): ProviderError | undefined {
  if (!isObj(body)) return undefined;
  const e = body.error;
  if (typeof e === "string") return { type: fallbackType, message: e };
  if (isObj(e)) {
    const code = e.code;
    const type =
      (typeof code === "string" && code !== "" && !/^\d+$/.test(code) ? code : undefined) ??
      name(e.type) ??
      name(e.status) ??
      (num(code) !== undefined ? String(code) : typeof code === "string" && code !== "" ? code : undefined) ??
      fallbackType;
    return { type, message: str(e.message) };
  }
  if (body.object === "error" || body.type === "error") {
    return { type: name(body.code) ?? name(body.type === "error" ? undefined : body.type) ?? fallbackType, message: str(body.message) };
  }
  return undefined;
}

/** OTel output messages carry a normalised finish reason; the raw value stays in finish_reasons. */
export function normalizeFinishReason(raw: string): string {
  switch (raw.toLowerCase()) {
    case "stop":
    case "end_turn":
    case "stop_sequence":
    case "end":
    case "eos":
    case "completed":
    case "finish_reason_unspecified":
      return "stop";
    case "length":
    case "max_tokens":
    case "max_output_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_calls":
    case "tool_use":
    case "function_call":
    case "tool-calls":
    case "tool_call":
      return "tool_call";
    case "content_filter":
    case "content-filter":
    case "safety":
    case "recitation":
    case "blocklist":
    case "prohibited_content":
    case "spii":
    case "image_safety":
    case "refusal":
      return "content_filter";
    case "error":
    case "malformed_function_call":
      return "error";
    default:
      return raw;
  }
}
