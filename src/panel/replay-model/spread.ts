/**
 * Several sends of one request: how much their answers and numbers vary (docs/DESIGN.md,
 * "Compare and replay"). Outputs as text, tokens and latency as min / median / max.
 */
import type { Span } from "../../core/contract";
import { parseMessages, partText } from "../detail-model/messages";

export interface Range {
  min: number;
  median: number;
  max: number;
}

export interface Spread {
  outputs: { spanId: string; text: string; status: Span["status"] }[];
  /** How many different answers there were. */
  distinct: number;
  inputTokens?: Range;
  outputTokens?: Range;
  latencyMs?: Range;
  ttftMs?: Range;
}

function range(xs: number[]): Range | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { min: s[0]!, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s[s.length - 1]! };
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

export function outputText(span: Span): string {
  const parsed = parseMessages(span.attributes["gen_ai.output.messages"]);
  if (!parsed) return "";
  if (!parsed.ok) return parsed.raw;
  return parsed.value.flatMap((m) => m.parts.map((p) => partText(p) ?? (p.type === "tool_call" ? `→ ${String(p.name)}(${JSON.stringify(p.arguments)})` : ""))).filter(Boolean).join("\n");
}

export function spreadOf(spans: readonly Span[]): Spread {
  const pick = (f: (s: Span) => number | undefined) => range(spans.map(f).filter((v): v is number => v !== undefined));
  const outputs = spans.map((s) => ({ spanId: s.spanId, text: outputText(s), status: s.status }));
  const out: Spread = { outputs, distinct: new Set(outputs.map((o) => o.text)).size };
  const input = pick((s) => num(s.attributes["gen_ai.usage.input_tokens"]));
  const output = pick((s) => num(s.attributes["gen_ai.usage.output_tokens"]));
  const latency = pick((s) => (s.endTime !== undefined ? s.endTime - s.startTime : undefined));
  const ttft = pick((s) => { const v = num(s.attributes["gen_ai.response.time_to_first_chunk"]); return v !== undefined ? v * 1000 : undefined; });
  if (input) out.inputTokens = input;
  if (output) out.outputTokens = output;
  if (latency) out.latencyMs = latency;
  if (ttft) out.ttftMs = ttft;
  return out;
}
