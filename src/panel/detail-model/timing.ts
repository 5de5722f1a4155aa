/**
 * Timing of a span as the Timing and Usage tabs show it, from the span (start, end, TTFT
 * attribute, output tokens) and, when stored, its exchange (headers, first byte, chunks).
 * All durations in ms; undefined when the data to compute them is not there.
 */
import type { Exchange, SpanRecord } from "../../core/contract";

export interface Timing {
  /** ms since epoch: the page called fetch / send. */
  start: number;
  /** Since the first span of the trace started. */
  offsetInTrace?: number;
  /** Waiting for the response headers (TTFB as DevTools means it). */
  ttfb?: number;
  /** First body bytes reached the page. */
  firstByte?: number;
  /** First chunk carrying output content (gen_ai.response.time_to_first_chunk). */
  ttft?: number;
  /** From the first content chunk to the end: the streaming of the answer. */
  streaming?: number;
  /** From the first body byte to the end. */
  download?: number;
  total?: number;
  outputTokens?: number;
  /** Output tokens per second of generation (after the first token when TTFT is known). */
  tokensPerSecond?: number;
  /** Mean time between output tokens, ms (after the first token). */
  timePerOutputToken?: number;
  /** What tokens/s was measured over. */
  rateBasis?: "after first token" | "whole call";
  /** Arrival offsets of the response chunks, ms since start. */
  chunkOffsets: number[];
}

const finite = (n: number | undefined): number | undefined => (n !== undefined && Number.isFinite(n) && n >= 0 ? n : undefined);

export function timingOf(span: SpanRecord, exchange: Exchange | null | undefined, traceSpans?: readonly SpanRecord[]): Timing {
  const t = exchange?.timing;
  const start = t?.start ?? span.startTime;
  const end = span.endTime ?? t?.end;
  const total = finite(end !== undefined ? end - start : undefined);
  const ttftAttr = span.attributes["gen_ai.response.time_to_first_chunk"];
  const ttft = typeof ttftAttr === "number" ? finite(ttftAttr * 1000) : undefined;
  const out = span.attributes["gen_ai.usage.output_tokens"];
  const outputTokens = typeof out === "number" && out >= 0 ? out : undefined;

  const timing: Timing = { start, chunkOffsets: exchange?.chunks.map((c) => c.time - start) ?? [] };
  if (traceSpans && traceSpans.length > 0) {
    // A loop, not Math.min(...spread): a trace may hold more spans than a call has arguments.
    let first = span.startTime;
    for (const s of traceSpans) if (s.startTime < first) first = s.startTime;
    timing.offsetInTrace = span.startTime - first;
  }
  if (t?.headers !== undefined) timing.ttfb = finite(t.headers - start);
  if (t?.firstByte !== undefined) timing.firstByte = finite(t.firstByte - start);
  if (ttft !== undefined) timing.ttft = ttft;
  if (total !== undefined) timing.total = total;
  if (total !== undefined && ttft !== undefined) timing.streaming = finite(total - ttft);
  if (total !== undefined && timing.firstByte !== undefined) timing.download = finite(total - timing.firstByte);
  if (outputTokens !== undefined) timing.outputTokens = outputTokens;

  if (outputTokens !== undefined && outputTokens > 0 && total !== undefined) {
    if (timing.streaming !== undefined && timing.streaming > 0 && outputTokens > 1) {
      // The first token's time is TTFT; the rate is what follows it.
      timing.tokensPerSecond = (outputTokens - 1) / (timing.streaming / 1000);
      timing.timePerOutputToken = timing.streaming / (outputTokens - 1);
      timing.rateBasis = "after first token";
    } else if (total > 0) {
      timing.tokensPerSecond = outputTokens / (total / 1000);
      timing.timePerOutputToken = total / outputTokens;
      timing.rateBasis = "whole call";
    }
  }
  return timing;
}
