/**
 * Spans into traces and trees: the shape the panel's waterfall, the demo's summary and the
 * exports all read. A span whose parent is missing (an app's traceparent pointing at its own
 * backend span, or a parent not captured) is treated as a root of its trace.
 */
import type { Span } from "../contract";

export interface TreeNode<S extends Span = Span> {
  span: S;
  depth: number;
  children: TreeNode<S>[];
}

export interface Trace<S extends Span = Span> {
  traceId: string;
  roots: TreeNode<S>[];
  spans: S[];
  startTime: number;
  /** Undefined while any span is in flight. */
  endTime: number | undefined;
}

const byStart = (a: Span, b: Span) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId);

export function groupTraces<S extends Span>(spans: readonly S[]): Trace<S>[] {
  const byTrace = new Map<string, S[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const traces: Trace<S>[] = [];
  for (const [traceId, list] of byTrace) {
    list.sort(byStart);
    const ids = new Set(list.map((s) => s.spanId));
    const children = new Map<string, S[]>();
    const roots: S[] = [];
    for (const s of list) {
      if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
        const c = children.get(s.parentSpanId);
        if (c) c.push(s);
        else children.set(s.parentSpanId, [s]);
      } else {
        roots.push(s);
      }
    }
    const seen = new Set<string>();
    const build = (span: S, depth: number): TreeNode<S> => {
      seen.add(span.spanId);
      return { span, depth, children: (children.get(span.spanId) ?? []).filter((c) => !seen.has(c.spanId)).map((c) => build(c, depth + 1)) };
    };
    const built = roots.map((r) => build(r, 0));
    // A parent cycle (corrupt or hand-made data) would hide its spans: show them as roots.
    for (const s of list) if (!seen.has(s.spanId)) built.push(build(s, 0));
    const ends = list.map((s) => s.endTime);
    traces.push({
      traceId,
      roots: built,
      spans: list,
      startTime: list[0]!.startTime,
      endTime: ends.some((e) => e === undefined) ? undefined : Math.max(...(ends as number[])),
    });
  }
  return traces.sort((a, b) => a.startTime - b.startTime);
}

/** Depth-first, children in time order: the rows of a waterfall. */
export function flatten<S extends Span>(roots: readonly TreeNode<S>[], collapsed?: ReadonlySet<string>): TreeNode<S>[] {
  const out: TreeNode<S>[] = [];
  const walk = (node: TreeNode<S>) => {
    out.push(node);
    if (!collapsed?.has(node.span.spanId)) for (const c of node.children) walk(c);
  };
  for (const r of roots) walk(r);
  return out;
}

function describe(span: Span): string {
  const a = span.attributes;
  const parts: string[] = [];
  const model = a["gen_ai.response.model"] ?? a["gen_ai.request.model"];
  if (model !== undefined && !span.name.includes(String(model))) parts.push(String(model));
  const input = a["gen_ai.usage.input_tokens"];
  const output = a["gen_ai.usage.output_tokens"];
  // A count the provider did not report is left out, never shown as a guess or a "?".
  const tokens = [input !== undefined ? `${input} in` : undefined, output !== undefined ? `${output} out` : undefined].filter(Boolean);
  if (tokens.length) parts.push(`${tokens.join(" / ")} tokens`);
  const ttft = a["gen_ai.response.time_to_first_chunk"];
  if (typeof ttft === "number") parts.push(`TTFT ${Math.round(ttft * 1000)} ms`);
  const docs = a["gen_ai.retrieval.documents"];
  if (typeof docs === "string") {
    try {
      parts.push(`${(JSON.parse(docs) as unknown[]).length} documents`);
    } catch {
      // not a list: say nothing
    }
  }
  const status = a["http.response.status_code"];
  if (span.status === "error") parts.push(`ERROR ${a["error.type"] ?? status ?? ""}`.trim());
  return parts.length ? ` (${parts.join(", ")})` : "";
}

const duration = (s: Span) => (s.endTime === undefined ? "in flight" : `${Math.round(s.endTime - s.startTime)} ms`);

/** A plain-text tree of traces, e.g. for a terminal summary. */
export function formatTraces(traces: readonly Trace[]): string {
  const lines: string[] = [];
  for (const trace of traces) {
    for (const node of flatten(trace.roots)) {
      const { span } = node;
      lines.push(`${"  ".repeat(node.depth)}${node.depth ? "└ " : "● "}[${span.kind}] ${span.name}${describe(span)}  ${duration(span)}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
