/**
 * Model calls as JSON Lines for evals and prompt regression sets: one line per finished llm
 * span, with what a grader needs side by side (inputs, outputs, model, parameters, usage,
 * latency) and the trace/span ids to find the call again in the panel or a trace backend.
 * Keys are snake_case, as eval tools and dataset formats use. Spans still in flight are left
 * out: their output is not final. Message attributes are parsed from their JSON strings (a
 * value that is not valid JSON is kept as the string).
 */
import type { AttributeValue, SpanRecord } from "../contract";
import { isoTime, round3 } from "./har-entry";
import { compareStartId } from "./session";

export interface EvalRecord {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string;
  start_time: string;
  provider: string | null;
  operation: string | null;
  model: string | null;
  response_model: string | null;
  response_id: string | null;
  system_instructions: unknown;
  input_messages: unknown;
  output_messages: unknown;
  tool_definitions: unknown;
  parameters: Record<string, AttributeValue>;
  stream: boolean | null;
  finish_reasons: string[] | null;
  usage: {
    input_tokens: number | null;
    output_tokens: number | null;
    cache_read_input_tokens: number | null;
    cache_creation_input_tokens: number | null;
    reasoning_output_tokens: number | null;
  };
  latency_ms: number | null;
  ttft_ms: number | null;
  status: SpanRecord["status"];
  error: { type: string; message: string | null } | null;
  url: string | null;
}

const text = (v: AttributeValue | undefined): string | null => (typeof v === "string" ? v : null);
const count = (v: AttributeValue | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
/** Rounded to the microsecond: differences of epoch milliseconds carry float noise. */
const ms = (v: number): number | null => (Number.isFinite(v) ? round3(v) : null);

function json(v: AttributeValue | undefined): unknown {
  if (typeof v !== "string") return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Request parameters: every gen_ai.request.* except the model and stream flag (shown apart). */
function parameters(span: SpanRecord): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(span.attributes)) {
    if (k.startsWith("gen_ai.request.") && k !== "gen_ai.request.model" && k !== "gen_ai.request.stream") {
      out[k.slice("gen_ai.request.".length).replace(/\./g, "_")] = v;
    } else if (k.startsWith("llm_trace.request.")) {
      out[k.slice("llm_trace.request.".length).replace(/\./g, "_")] = v;
    }
  }
  return out;
}

export function toEvalRecord(span: SpanRecord & { endTime: number }): EvalRecord {
  const a = span.attributes;
  const ttft = count(a["gen_ai.response.time_to_first_chunk"]);
  const errorType = text(a["error.type"]);
  const finish = a["gen_ai.response.finish_reasons"];
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId ?? null,
    name: span.name,
    start_time: isoTime(span.startTime),
    provider: text(a["gen_ai.provider.name"]),
    operation: text(a["gen_ai.operation.name"]),
    model: text(a["gen_ai.request.model"]) ?? text(a["gen_ai.response.model"]),
    response_model: text(a["gen_ai.response.model"]),
    response_id: text(a["gen_ai.response.id"]),
    system_instructions: json(a["gen_ai.system_instructions"]),
    input_messages: json(a["gen_ai.input.messages"]),
    output_messages: json(a["gen_ai.output.messages"]),
    tool_definitions: json(a["gen_ai.tool.definitions"]),
    parameters: parameters(span),
    stream: typeof a["gen_ai.request.stream"] === "boolean" ? a["gen_ai.request.stream"] : null,
    finish_reasons: Array.isArray(finish) && finish.every((x) => typeof x === "string") ? (finish as string[]) : null,
    usage: {
      input_tokens: count(a["gen_ai.usage.input_tokens"]),
      output_tokens: count(a["gen_ai.usage.output_tokens"]),
      cache_read_input_tokens: count(a["gen_ai.usage.cache_read.input_tokens"]),
      cache_creation_input_tokens: count(a["gen_ai.usage.cache_creation.input_tokens"]),
      reasoning_output_tokens: count(a["gen_ai.usage.reasoning.output_tokens"]),
    },
    latency_ms: ms(span.endTime - span.startTime),
    // The span attribute is in seconds (OTel GenAI); evals read milliseconds like latency.
    ttft_ms: ttft === null ? null : ms(ttft * 1000),
    status: span.status,
    error: span.status === "error" ? { type: errorType ?? "_OTHER", message: text(a["llm_trace.error.message"]) } : null,
    url: text(a["url.full"]),
  };
}

/** One JSON object per line (each line ends with "\n"), in start-time order. */
export function toEvalJsonl(spans: readonly SpanRecord[]): string {
  return spans
    .filter((s): s is SpanRecord & { endTime: number } => s.kind === "llm" && s.endTime !== undefined)
    .sort((a, b) => compareStartId(a.startTime, a.spanId, b.startTime, b.spanId))
    .map((s) => JSON.stringify(toEvalRecord(s)) + "\n")
    .join("");
}
