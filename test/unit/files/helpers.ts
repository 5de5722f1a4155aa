/** Shared helpers for the trace-file tests. */
import assert from "node:assert/strict";
import { harText, importTraceFile, toHar, type ImportResult, type TraceSession } from "../../../src/core/files";
import type { SpanRecord } from "../../../src/core/contract";
import { META } from "../../fixtures/files/session";

export const exportText = (session: TraceSession): string => harText(toHar(session, META));

export function imported(text: string): Extract<ImportResult, { ok: true }> {
  const r = importTraceFile(text, { now: 1 });
  assert.ok(r.ok, `import failed: ${r.ok ? "" : r.error}`);
  return r;
}

/** Spans without where they were stored, sorted: what a file is expected to preserve. */
export function comparable(spans: readonly SpanRecord[]): Omit<SpanRecord, "tabId" | "updatedAt">[] {
  return spans
    .map(({ tabId: _t, updatedAt: _u, ...s }) => s)
    .sort((a, b) => (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0));
}

export const byId = <T extends { id: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
