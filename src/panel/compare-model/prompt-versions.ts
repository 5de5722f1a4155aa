/**
 * Prompt versions and baselines (docs/DESIGN.md, "Compare and replay").
 *
 * A prompt is the calls made from one place in the app: the same endpoint (host and path), model
 * family (the model name without a date or version suffix) and tool set. Its versions are the
 * distinct system instructions those calls carried, numbered by first use, each with its count
 * and median tokens and latency and its error rate.
 *
 * A trace's shape is the sequence of its steps' signatures: a new trace of the baseline's shape
 * is the same flow run again, and the list shows its deltas against the baseline.
 */
import type { Span } from "../../core/contract";
import { parseToolDefinitions } from "../detail-model/messages";
import { systemText } from "./span-diff";
import { stepsOf } from "./trace-diff";

export interface PromptVersion<S extends Span = Span> {
  /** 1-based, by first use. */
  number: number;
  system: string;
  spans: S[];
  count: number;
  medianInputTokens?: number;
  medianOutputTokens?: number;
  medianDurationMs?: number;
  errorRate: number;
}

export interface Prompt<S extends Span = Span> {
  key: string;
  endpoint: string;
  modelFamily: string;
  tools: string[];
  versions: PromptVersion<S>[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

const DIGITS = /^\d+$/;
const isDate = (y: string, m: string, d: string): boolean => y.length === 4 && m.length === 2 && d.length === 2 && DIGITS.test(y + m + d);

/**
 * The model without its snapshot suffix: "gpt-4o-mini-2024-07-18" -> "gpt-4o-mini",
 * "claude-3-5-haiku-20241022" -> "claude-3-5-haiku", "models/gemini-2.0-flash-001" ->
 * "gemini-2.0-flash", "gpt-3.5-turbo-0125" -> "gpt-3.5-turbo". Short numbers stay ("gpt-4").
 */
export function modelFamily(model: string): string {
  const parts = (model.startsWith("models/") ? model.slice(7) : model).split("-");
  const n = parts.length;
  if (n > 3 && isDate(parts[n - 3]!, parts[n - 2]!, parts[n - 1]!)) return parts.slice(0, n - 3).join("-");
  const last = parts[n - 1]!;
  if (n > 1 && ((last.length >= 3 && last.length <= 8 && DIGITS.test(last)) || last === "latest" || last === "preview")) return parts.slice(0, n - 1).join("-");
  return parts.join("-");
}

function endpointOf(span: Span): string {
  const url = str(span.attributes["url.full"]);
  if (url) {
    try {
      const u = new URL(url);
      return `${u.host}${u.pathname}`;
    } catch {
      // a malformed url names itself
    }
  }
  return str(span.attributes["server.address"]) ?? "unknown";
}

function toolNames(span: Span): string[] {
  const parsed = parseToolDefinitions(span.attributes["gen_ai.tool.definitions"]);
  return parsed?.ok ? [...new Set(parsed.value.map((d) => d.name ?? d.type))].sort() : [];
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1]! + s[mid]!) / 2;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function version<S extends Span>(number: number, system: string, spans: S[]): PromptVersion<S> {
  const values = (pick: (s: S) => number | undefined) => spans.map(pick).filter((v): v is number => v !== undefined);
  const out: PromptVersion<S> = {
    number, system, spans, count: spans.length,
    errorRate: spans.filter((s) => s.status === "error").length / spans.length,
  };
  const input = median(values((s) => num(s.attributes["gen_ai.usage.input_tokens"])));
  const output = median(values((s) => num(s.attributes["gen_ai.usage.output_tokens"])));
  const duration = median(values((s) => (s.endTime !== undefined ? s.endTime - s.startTime : undefined)));
  if (input !== undefined) out.medianInputTokens = input;
  if (output !== undefined) out.medianOutputTokens = output;
  if (duration !== undefined) out.medianDurationMs = duration;
  return out;
}

/** The prompts of a session's model calls with more than one version, most used first. */
export function promptVersions<S extends Span>(spans: readonly S[]): Prompt<S>[] {
  const prompts = new Map<string, { endpoint: string; modelFamily: string; tools: string[]; bySystem: Map<string, S[]> }>();
  const ordered = spans.filter((s) => s.kind === "llm").sort((a, b) => a.startTime - b.startTime);
  for (const span of ordered) {
    const a = span.attributes;
    const model = modelFamily(str(a["gen_ai.request.model"]) ?? str(a["gen_ai.response.model"]) ?? "unknown");
    const endpoint = endpointOf(span);
    const tools = toolNames(span);
    const key = `${endpoint}\u0000${model}\u0000${tools.join(",")}`;
    let prompt = prompts.get(key);
    if (!prompt) prompts.set(key, (prompt = { endpoint, modelFamily: model, tools, bySystem: new Map() }));
    const system = systemText(a);
    const list = prompt.bySystem.get(system);
    if (list) list.push(span);
    else prompt.bySystem.set(system, [span]);
  }
  const out: Prompt<S>[] = [];
  for (const [key, p] of prompts) {
    if (p.bySystem.size < 2) continue;
    const versions = [...p.bySystem].map(([system, list], i) => version(i + 1, system, list));
    out.push({ key, endpoint: p.endpoint, modelFamily: p.modelFamily, tools: p.tools, versions });
  }
  return out.sort((x, y) => y.versions.reduce((n, v) => n + v.count, 0) - x.versions.reduce((n, v) => n + v.count, 0));
}

/** A trace's shape: its steps' signatures in order. */
export function shapeOf(spans: readonly Span[]): string {
  return stepsOf(spans).map((s) => s.signature).join("\u0001");
}
