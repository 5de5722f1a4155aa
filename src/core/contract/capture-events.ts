/**
 * What the page hook reports, event by event, about the exchanges it observes. The events of
 * one exchange share its id; applying them in any order, any number of times, gives the same
 * Exchange (see capture/fold.ts), which is what makes relay retries safe.
 */
import type { Exchange, ExchangeRequest, ExchangeResponse, Outcome } from "./exchange";

/** The page called fetch() / xhr.send(): the exchange's request as the hook saw it. */
export interface RequestEvent extends ExchangeRequest {
  t: "request";
  id: string;
  transport: Exchange["transport"];
  time: number;
  pageUrl: string;
  /** A replay the panel asked for: the original call's id, and the id of the send it is part of. */
  replayOf?: string;
  replayGroup?: string;
  /** Not the hook's: read from the browser's network log (see Exchange.network). */
  network?: { initiator: string };
}

/**
 * The response headers arrived: the exchange's response as the hook saw it. Its body is set only
 * when it will not be streamed as chunks (binary, null body): size and type only.
 */
export interface ResponseEvent extends ExchangeResponse {
  t: "response";
  id: string;
  time: number;
}

/**
 * Body text of one exchange that arrived since its last batch: one piece per network read, with
 * its arrival time. The hook sends a batch of pieces, never one message per chunk.
 */
export interface ChunksEvent {
  t: "chunks";
  id: string;
  /** seq of the first piece: pieces are numbered 0, 1, 2... within the exchange */
  seq: number;
  /** Arrival time of each piece (epoch ms), as many as `texts`. */
  times: number[];
  texts: string[];
}

export interface EndEvent {
  t: "end";
  id: string;
  time: number;
  outcome: Outcome;
  /** Bytes of response body the page received (when known). */
  size?: number;
  /** The captured text stopped at the cap. */
  truncated?: boolean;
  /** The body turned out to be binary after all (sniffed): drop its text. */
  binary?: boolean;
  /** How many chunks were emitted, so the consumer knows when it holds them all. */
  chunks: number;
}

/** A user action that may start LLM work: the root of a trace. */
export interface InteractionEvent {
  t: "interaction";
  /** 16 hex: becomes the spanId of the interaction span. */
  id: string;
  time: number;
  action: "click" | "submit" | "keydown";
  /** Human description of the target, e.g. `button "Send"`, `form#chat`, `textarea#prompt`. */
  target: string;
  pageUrl: string;
}

/**
 * An explicit grouping mark from the app: performance.mark("llm-trace:start", {detail:
 * {name, attributes}}) and performance.mark("llm-trace:end").
 */
export interface MarkEvent {
  t: "mark";
  id: string;
  time: number;
  phase: "start" | "end";
  name?: string;
  attributes?: Record<string, string | number | boolean>;
  pageUrl: string;
}

export type ExchangeEvent = RequestEvent | ResponseEvent | ChunksEvent | EndEvent;
export type CaptureEvent = ExchangeEvent | InteractionEvent | MarkEvent;

/** Configuration the relay hands the page hook (from the user's settings). */
export interface HookConfig {
  /** Capture on this page at all. When false the hook passes everything straight through. */
  enabled: boolean;
  /** Per-body capture cap in bytes. */
  bodyCap: number;
  /** Record request and response bodies (off: metadata only). */
  bodies: boolean;
  /**
   * URL globs of the user's classification rules: requests to them always take the recorded
   * path, whatever the hook's own call-time guess says.
   */
  capture: string[];
}

export const DEFAULT_BODY_CAP = 2 * 1024 * 1024;

export const DEFAULT_HOOK_CONFIG: HookConfig = { enabled: true, bodyCap: DEFAULT_BODY_CAP, bodies: true, capture: [] };
