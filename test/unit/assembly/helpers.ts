/** Reading assembled traces in tests: trees, children in order, and structural invariants. */
import assert from "node:assert/strict";
import { isAdopted, isSynthesized } from "../../../src/core/assembly";
import { isSpanId, isTraceId, type SpanRecord } from "../../../src/core/contract";

export function byTrace(spans: readonly SpanRecord[]): Map<string, SpanRecord[]> {
  const out = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = out.get(s.traceId);
    if (list) list.push(s);
    else out.set(s.traceId, [s]);
  }
  return out;
}

export function rootOf(spans: readonly SpanRecord[], traceId: string): SpanRecord {
  const roots = spans.filter((s) => s.traceId === traceId && s.parentSpanId === undefined);
  assert.equal(roots.length, 1, `trace ${traceId} has one root`);
  return roots[0]!;
}

export function childrenOf(spans: readonly SpanRecord[], parent: SpanRecord): SpanRecord[] {
  return spans.filter((s) => s.parentSpanId === parent.spanId).sort((a, b) => a.startTime - b.startTime);
}

/** The traces holding model calls (LLM traces), as opposed to plain-request traces. */
export function llmTraces(spans: readonly SpanRecord[]): string[] {
  return [...byTrace(spans)].filter(([, list]) => list.some((s) => s.kind === "llm")).map(([id]) => id);
}

export function find(spans: readonly SpanRecord[], spanId: string): SpanRecord {
  const s = spans.find((x) => x.spanId === spanId);
  assert.ok(s, `span ${spanId} is in the output`);
  return s;
}

/** Printable outline, for failure messages. */
export function outline(spans: readonly SpanRecord[]): string {
  const lines: string[] = [];
  const walk = (s: SpanRecord, depth: number): void => {
    lines.push(`${"  ".repeat(depth)}${s.name} [${s.kind}]`);
    for (const c of childrenOf(spans, s)) walk(c, depth + 1);
  };
  for (const s of spans) if (s.parentSpanId === undefined) walk(s, 0);
  return lines.join("\n");
}

/**
 * Every span has valid ids, span ids are unique, each trace has exactly one root, parents are
 * in the same trace and start no later than their children (adopted spans keep the app's ids).
 */
export function assertWellFormed(spans: readonly SpanRecord[]): void {
  const ids = new Set<string>();
  for (const s of spans) {
    assert.ok(isTraceId(s.traceId), `traceId of ${s.name}`);
    assert.ok(isSpanId(s.spanId), `spanId of ${s.name}`);
    assert.ok(!ids.has(s.spanId), `duplicate span ${s.spanId} (${s.name})`);
    ids.add(s.spanId);
  }
  const bySpan = new Map(spans.map((s) => [s.spanId, s]));
  for (const [traceId, list] of byTrace(spans)) {
    if (list.every(isAdopted)) continue;
    rootOf(spans, traceId);
  }
  for (const s of spans) {
    if (s.parentSpanId === undefined || isAdopted(s)) continue;
    const parent = bySpan.get(s.parentSpanId);
    assert.ok(parent, `parent of ${s.name} exists`);
    assert.equal(parent.traceId, s.traceId, `parent of ${s.name} is in its trace`);
    assert.ok(parent.startTime <= s.startTime, `${parent.name} starts before its child ${s.name}`);
    assert.ok(isSynthesized(parent), `parents are synthesized spans (${parent.name})`);
  }
}

/** spanId -> [traceId, parentSpanId] for comparing runs. */
export function placements(spans: readonly SpanRecord[]): Map<string, [string, string | undefined]> {
  return new Map(spans.map((s) => [s.spanId, [s.traceId, s.parentSpanId]]));
}
