/**
 * The model calls of the `builtinsReplacedByPage` probe (pages/semantics.js) as the extension
 * stored them, in Chromium and in Firefox: a page that replaced every built-in a hook could use
 * (after the hook started) is still recorded whole, bodies, stream and ends included.
 */
import { expect } from "@playwright/test";
import { responseText } from "../../../src/core/contract";
import { assembleExchange } from "../../../src/core/capture";
import type { StoredData } from "./idb-dump";
import { waitFor } from "./chromium";

export interface ReplacedBuiltinsResult {
  called: Record<string, number>;
  sent: string;
  json: { method: string; body: string };
  blob: { method: string; body: string };
  xhr: { method: string; body: string };
  streamed: string;
}

/** The page URL that tags the probe's requests with `tag`. */
export const replacedBuiltinsPage = (origin: string, tag: string): string => `${origin}/pages/semantics.html?mode=model&tag=${tag}`;

export async function expectRecordedDespiteReplacedBuiltins(read: () => Promise<StoredData>, tag: string, result: ReplacedBuiltinsResult): Promise<void> {
  // The page saw what it sent, and no built-in of its own was called by anyone else.
  expect(result.called).toEqual({});
  for (const echoed of [result.json, result.blob, result.xhr]) expect(echoed).toEqual({ method: "POST", body: result.sent });
  expect(result.streamed).toContain("[DONE]");

  const data = await waitFor(async () => {
    const d = await read();
    const mine = d.exchanges.filter((e) => e.request.url.includes(`tag=${tag}`));
    const spans = mine.map((e) => d.spans.find((s) => s.spanId === e.id));
    return mine.length === 4 && mine.every((e) => e.outcome) && spans.every((s) => s?.endTime !== undefined) ? d : undefined;
  }, "the probe's 4 calls, over");
  const exchange = (kind: string) => {
    const record = data.exchanges.find((e) => e.request.url.includes(`tag=${tag}`) && e.request.url.includes(kind))!;
    expect(record, kind).toBeTruthy();
    const ex = assembleExchange(record, data.chunks.filter((c) => c.exchangeId === record.id).sort((a, b) => a.seq - b.seq));
    return { ex, span: data.spans.find((s) => s.spanId === record.id)! };
  };

  for (const kind of ["kind=json", "kind=blob", "kind=xhr"]) {
    const { ex, span } = exchange(kind);
    expect(ex.transport, kind).toBe(kind === "kind=xhr" ? "xhr" : "fetch");
    expect(ex.outcome?.state, kind).toBe("ok");
    expect(ex.request.body?.text, kind).toBe(result.sent);
    expect(JSON.parse(responseText(ex)).body, kind).toBe(result.sent);
    expect(span.status, kind).toBe("ok");
  }
  expect(exchange("kind=blob").ex.request.body?.mimeType).toBe("application/json");

  // The stream, chunk by chunk as the page read it, and its span: a model call, complete.
  const { ex, span } = exchange("/api/chat-sse");
  expect(responseText(ex)).toBe(result.streamed);
  expect(ex.outcome?.state).toBe("ok");
  expect(span.status).toBe("ok");
  expect(span.attributes["gen_ai.request.model"]).toBe("gpt-e2e");
  expect(span.attributes["gen_ai.usage.output_tokens"]).toBe(3);
}
