/** Stored shapes: a span plus where it came from. */
import type { Span } from "./span";

export interface SpanRecord extends Span {
  /** Browser tab that produced it; imported sessions use negative ids. */
  tabId: number;
  /** Frame that made the call (0 = top frame), when known. */
  frameId?: number;
  /** Id of the Exchange holding the raw HTTP data behind this span (= spanId), when there is one. */
  exchangeId?: string;
  /** ms since epoch of the last change, so panels can tell newer from older copies. */
  updatedAt: number;
}

/** A user interaction or app mark as stored, per tab: the inputs of trace assembly besides spans. */
export interface InteractionRecord {
  id: string;
  tabId: number;
  frameId?: number;
  time: number;
  action: "click" | "submit" | "keydown";
  target: string;
  pageUrl: string;
}

export interface MarkRecord {
  id: string;
  tabId: number;
  frameId?: number;
  time: number;
  phase: "start" | "end";
  name?: string;
  attributes?: Record<string, string | number | boolean>;
  pageUrl: string;
}
