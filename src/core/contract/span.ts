/**
 * The one span schema used everywhere: storage, messages, panel and export (as stored, it also
 * says which tab it belongs to: SpanRecord).
 * Attribute keys follow the OpenTelemetry GenAI semantic conventions (docs/DESIGN.md, "The span").
 */

export type SpanKind = "interaction" | "llm" | "embedding" | "retrieval" | "tool" | "agent" | "http";

export type SpanStatus = "unset" | "ok" | "error";

export type AttributeValue = string | number | boolean | string[] | number[];

export type Attributes = Record<string, AttributeValue>;

export interface SpanEvent {
  name: string;
  /** ms since the Unix epoch, fractional */
  time: number;
  attributes?: Attributes;
}

export interface Span {
  /** 32 lowercase hex */
  traceId: string;
  /** 16 lowercase hex */
  spanId: string;
  /** absent on a trace root */
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  /** ms since the Unix epoch, fractional (performance.timeOrigin + performance.now()) */
  startTime: number;
  /** absent while in flight */
  endTime?: number;
  status: SpanStatus;
  attributes: Attributes;
  events?: SpanEvent[];
  /** Frame that made the call (0 = top frame), when known. */
  frameId?: number;
  /** Id of the Exchange holding the raw HTTP data behind this span (= spanId), when there is one. */
  exchangeId?: string;
}

const HEX_ID = /^[0-9a-f]+$/;

export function isTraceId(value: unknown): value is string {
  return typeof value === "string" && value.length === 32 && HEX_ID.test(value) && !/^0+$/.test(value);
}

export function isSpanId(value: unknown): value is string {
  return typeof value === "string" && value.length === 16 && HEX_ID.test(value) && !/^0+$/.test(value);
}

/** Random lowercase hex of `bytes` bytes, from the platform CSPRNG (Node 20 and browsers). */
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  let out = "";
  for (const b of buf) out += b.toString(16).padStart(2, "0");
  return out;
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);
