/**
 * What a classification rule makes of a pasted sample, in the settings page: the same
 * classifier the background runs, on an exchange built from the sample, read back as the few
 * things a user checks (kind, name, model, input, output, query, documents, tool call).
 */
import { classifyExchange } from "../core/providers";
import type { Exchange } from "../core/contract";
import type { UserRule } from "../core/providers";
import { validateRules } from "../core/providers";

export interface Sample {
  /** The request body the page sends (JSON). */
  request: string;
  /** The response body: JSON, an SSE stream or NDJSON lines. */
  response: string;
}

export type Preview = { ok: true; rows: [label: string, value: string][] } | { ok: false; error: string };

const MAX_SHOWN = 600;

/** A URL the rule's pattern matches: each wildcard as a letter, a relative pattern on example.com. */
export function sampleUrl(pattern: string): string {
  let url = "";
  for (const c of pattern.trim()) url += c === "*" || c === "?" ? "x" : c;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  const rest = url.replace(/^x+/, "");
  // "*/api/answer" is a path on any host; "*api.example.com/*" names the host.
  if (rest.startsWith("/")) return `https://example.com/${rest.replace(/^\/+/, "")}`;
  return /^[\w-]+(?:\.[\w-]+)+(?:[:/]|$)/.test(rest) ? `https://${rest}` : `https://example.com/${rest}`;
}

/** The response's content type, as a server would send it for this text. */
export function sampleType(text: string): string {
  const t = text.trimStart();
  if (t.startsWith("data:") || t.startsWith("event:") || t.startsWith(":")) return "text/event-stream";
  const lines = t.split("\n").filter((l) => l.trim() !== "");
  if (lines.length > 1 && lines.every((l) => l.trim().startsWith("{"))) {
    try {
      JSON.parse(t);
    } catch {
      return "application/x-ndjson";
    }
  }
  if (t.startsWith("{") || t.startsWith("[") || t.startsWith('"')) return "application/json";
  return "text/plain";
}

const shown = (text: string): string => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);

/** Messages (OTel JSON) as "role: text" lines. */
function messagesText(json: unknown): string | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const messages = JSON.parse(json) as { role?: string; parts?: { type?: string; content?: unknown; name?: string }[] }[];
    return messages.map((m) => `${m.role ?? "?"}: ${(m.parts ?? []).map((p) => (typeof p.content === "string" ? p.content : p.type === "tool_call" ? `[tool call ${p.name ?? ""}]` : `[${p.type ?? "part"}]`)).join(" ")}`).join("\n");
  } catch {
    return json;
  }
}

export function previewRule(rule: UserRule, sample: Sample): Preview {
  const problems = validateRules([rule]);
  if (problems.length > 0) return { ok: false, error: problems.map((p) => p.message).join("; ") };
  const url = sampleUrl(rule.urlPattern);
  const start = 0;
  const exchange: Exchange = {
    id: "rule-preview",
    transport: "fetch",
    request: { method: "POST", url, headers: [["content-type", "application/json"]], ...(sample.request.trim() ? { body: { text: sample.request, size: sample.request.length, mimeType: "application/json" } } : {}) },
    response: { status: 200, statusText: "OK", headers: [["content-type", sampleType(sample.response)]] },
    timing: { start, headers: start + 100, firstByte: start + 100, end: start + 101 },
    chunks: sample.response ? [{ time: start + 100, text: sample.response }] : [],
    outcome: { state: "ok" },
  };
  // The rule applied to the sample's own URL, whatever its pattern looks like.
  const draft = classifyExchange(exchange, { rules: [{ ...rule, urlPattern: url }] });
  const a = draft.attributes;
  const rows: [string, string][] = [["Span", `${draft.kind} · ${draft.name}`]];
  const add = (label: string, value: unknown) => {
    if (value !== undefined && value !== "") rows.push([label, shown(String(value))]);
  };
  add("Model", a["gen_ai.request.model"] ?? a["gen_ai.response.model"]);
  add("Provider", a["gen_ai.provider.name"]);
  add("Input", messagesText(a["gen_ai.input.messages"]));
  add("Output", messagesText(a["gen_ai.output.messages"]));
  add("Tokens", a["gen_ai.usage.input_tokens"] !== undefined || a["gen_ai.usage.output_tokens"] !== undefined ? `${a["gen_ai.usage.input_tokens"] ?? "–"} in, ${a["gen_ai.usage.output_tokens"] ?? "–"} out` : undefined);
  add("Time to first token", typeof a["gen_ai.response.time_to_first_chunk"] === "number" ? "measured (a stream)" : draft.kind === "llm" ? "none: not streamed" : undefined);
  add("Query", a["gen_ai.retrieval.query.text"]);
  if (typeof a["gen_ai.retrieval.documents"] === "string") {
    const docs = JSON.parse(a["gen_ai.retrieval.documents"]) as { id?: unknown; score?: unknown; content?: unknown }[];
    add("Documents", `${docs.length}${docs[0] ? `; first: ${JSON.stringify(docs[0])}` : ""}`);
  }
  add("Tool", a["gen_ai.tool.name"]);
  add("Arguments", a["gen_ai.tool.call.arguments"]);
  add("Result", a["gen_ai.tool.call.result"]);
  add("Notes", a["llm_trace.parse_error"]);
  return { ok: true, rows };
}
