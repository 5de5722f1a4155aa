/**
 * Stored shapes: a span and an exchange as IndexedDB holds them (the tab they belong to, and for
 * an exchange its body pieces apart from it), and a tab's interactions and marks.
 */
import type { Chunk, Exchange } from "./exchange";
import type { Span } from "./span";

/** A span as stored and as panels are sent it. */
export interface SpanRecord extends Span {
  /** Browser tab that produced it; imported sessions use negative ids. */
  tabId: number;
  /** ms since epoch of the last change, so panels can tell newer from older copies. */
  updatedAt: number;
}

/**
 * An exchange as stored: its body pieces are apart (ChunkRecord, ChunkBlock) or, while few,
 * inside (inlineChunks), and put together again by capture's assembleExchange.
 */
export interface ExchangeRecord extends Omit<Exchange, "chunks"> {
  tabId: number;
  frameId?: number;
  /** Number of chunks the page emitted, known once the exchange ended. */
  chunkCount?: number;
  /** Response body was binary after all: keep no text. */
  binary?: boolean;
  bodyBytes?: number;
  bodyTruncated?: boolean;
  /**
   * Body chunks stored inside the record: those released in the batch that wrote it, while
   * small (a request per chunk record was most of ingest's IndexedDB work). Later chunks of a
   * long stream are in the chunks store; readers take both (storedChunks).
   */
  inlineChunks?: ChunkBlock["chunks"];
  /** What the record claims that the hook was not seen to say (see UnverifiedReason). */
  unverified?: UnverifiedReason[];
}

/**
 * Why a record's content may not be what the page's hook observed (the page can forge events):
 * - "no-request": events of an exchange whose request was never received;
 * - "frame": events from a frame other than the one that made the request;
 * - "time": times outside the tab's lifetime, clamped into it.
 * Shown as the span attribute llm_trace.unverified.
 */
export type UnverifiedReason = "no-request" | "frame" | "time";

/** One body piece of an exchange, numbered in the order the page received them. */
export interface ChunkRecord extends Chunk {
  exchangeId: string;
  seq: number;
}

/**
 * How body chunks are stored: the chunks one batch released for one exchange, in one record
 * keyed by its first seq (a put per chunk was most of ingest's IndexedDB work). Databases
 * written before hold one ChunkRecord per chunk; readers take both.
 */
export interface ChunkBlock {
  exchangeId: string;
  seq: number;
  chunks: { seq: number; time: number; text: string }[];
}

export type StoredChunks = ChunkRecord | ChunkBlock;

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
