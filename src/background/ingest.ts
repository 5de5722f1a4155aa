/**
 * Storing a batch of capture events from one frame: fold them into exchanges, redact, derive
 * each exchange's span, and commit it all in one transaction. Returns the spans that changed
 * once the transaction is done, which is the moment the relay may forget the batch.
 */
import type { CaptureEvent, ChunksEvent, ExchangeEvent, InteractionEvent, MarkEvent } from "../core/capture-events";
import { deriveSpan, initialTraceId } from "../core/derive";
import { applyEvent, chunkRecords, emptyExchange, isExchangeEvent, markUnverified, mergeChunks, type ChunkRecord, type ExchangeRecord, type UnverifiedReason } from "../core/ingest";
import type { SpanRecord } from "../core/records";
import type { StreamRedactState } from "../core/redact";
import { heldBack } from "../core/redact-stream";
import { loadStreamStates, redactorFor, saveStreamStates } from "./redaction";
import { deriveOptionsFor, getSettings } from "./settings";
import { isStorageError, openStore, putChunks, readChunks, type TabEvent } from "./store";

/** A streaming span is re-derived at most this often; its end is always derived. */
const LIVE_DERIVE_INTERVAL_MS = 250;
/**
 * A stream with no new chunk for this long has its redaction hold-back released: a page that
 * stops reading after the provider's last event never sends an end, and that event must not
 * wait in the hold-back (docs/DESIGN.md, "When a call is over").
 */
export const QUIET_RELEASE_MS = 500;
/** When each live stream last brought chunks (memory only: a restarted worker releases at once). */
const lastChunkAt = new Map<string, number>();
const MAX_CACHED_EXCHANGES = 500;

/**
 * Chunks of exchanges still in flight, so a long stream is not re-read from IndexedDB for
 * every batch. Only a cache: after a worker restart it is rebuilt from storage.
 */
const liveChunks = new Map<string, ChunkRecord[]>();
const lastDerived = new Map<string, number>();

function remember(id: string, chunks: ChunkRecord[]): void {
  liveChunks.delete(id);
  liveChunks.set(id, chunks);
  if (liveChunks.size > MAX_CACHED_EXCHANGES) {
    const oldest = liveChunks.keys().next().value as string;
    liveChunks.delete(oldest);
    lastDerived.delete(oldest);
  }
}

function forget(id: string): void {
  liveChunks.delete(id);
  lastDerived.delete(id);
  lastChunkAt.delete(id);
}

/** All data was cleared: no cached chunk of an earlier capture may be written again. */
export function forgetAll(): void {
  liveChunks.clear();
  lastDerived.clear();
}

interface Group {
  events: Exclude<ExchangeEvent, ChunksEvent>[];
  chunks: ChunkRecord[];
  /** Capture events it came from. */
  count: number;
}

function groupById(events: readonly ExchangeEvent[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const e of events) {
    let g = groups.get(e.id);
    if (!g) groups.set(e.id, (g = { events: [], chunks: [], count: 0 }));
    g.count++;
    if (e.t === "chunks") g.chunks.push(...chunkRecords(e));
    else g.events.push(e);
  }
  return groups;
}

function tabEvent(e: InteractionEvent | MarkEvent, tabId: number, frameId: number | undefined): TabEvent {
  const { t, ...rest } = e;
  return { ...rest, kind: t, tabId, ...(frameId !== undefined ? { frameId } : {}) } as TabEvent;
}

export interface IngestResult {
  spans: SpanRecord[];
  /** Interactions or marks were stored: traces may regroup. */
  events: number;
  /** Events not stored: of another tab's exchange, or of one that could not be processed. */
  rejected: number;
  /**
   * Exchanges whose new chunks were stored but not yet derived (the live throttle), or whose
   * redaction holds text back: derive them a moment later (`rederive`), or a stream whose last
   * events came in such a batch would show in flight until its end, which a page that stops
   * reading never sends.
   */
  deferred: string[];
}

export interface IngestOptions {
  /** Exchanges whose event times were held to the tab's lifetime (see tab-lifetime.ts). */
  clamped?: ReadonlySet<string>;
  /** Exchanges to derive again from what is stored, with or without new events. */
  rederive?: readonly string[];
}

export async function ingestBatch(tabId: number, frameId: number | undefined, batch: readonly CaptureEvent[], options: IngestOptions = {}): Promise<IngestResult> {
  const clamped = options.clamped ?? new Set<string>();
  const rederive = options.rederive ?? [];
  const settings = await getSettings();
  const redactor = redactorFor(settings);
  const streaming = [...new Set([...batch.filter((e) => e.t === "chunks" || e.t === "end").map((e) => e.id), ...rederive])];
  // Loaded before the transaction opens: awaiting anything else inside it would commit it.
  const streamStates = await loadStreamStates(redactor, streaming);
  const touchedStates = new Map<string, StreamRedactState>();
  const db = await openStore();
  const tx = db.transaction(["exchanges", "chunks", "spans", "events"], "readwrite");
  const exchanges = tx.objectStore("exchanges");
  const chunkStore = tx.objectStore("chunks");
  const spanStore = tx.objectStore("spans");
  const events = batch.filter(isExchangeEvent);
  const others = batch.filter((e): e is InteractionEvent | MarkEvent => e.t === "interaction" || e.t === "mark");
  const groups = groupById(events);
  for (const id of rederive) if (!groups.has(id)) groups.set(id, { events: [], chunks: [], count: 0 });
  const ids = [...groups.keys()];
  const existing = await Promise.all(ids.map((id) => exchanges.get(id)));
  // A span exists only for a stored exchange: a new one (most of them) costs no second read.
  const storedSpans = await Promise.all(ids.map((id, i) => (existing[i] ? spanStore.get(id) : undefined)));
  const now = Date.now();
  const changed: SpanRecord[] = [];
  const deferred: string[] = [];
  const writes: Promise<unknown>[] = others.map((e) => tx.objectStore("events").put(redactor.tabEvent(tabEvent(e, tabId, frameId))));
  let rejected = 0;

  const ingestOne = async (id: string, i: number): Promise<void> => {
    const group = groups.get(id)!;
    const before = existing[i];
    // Ids are random: one that exists for another tab can only be a forgery.
    if (before && before.tabId !== tabId) {
      rejected += group.count;
      return;
    }
    // Asked to derive again, but nothing is stored (or it ended meanwhile and was derived then).
    if (!before && group.events.length === 0 && group.chunks.length === 0) return;
    let record: ExchangeRecord = before ?? emptyExchange(id, tabId, frameId, group.events[0]?.time ?? group.chunks[0]?.time ?? now);
    for (const event of group.events) record = applyEvent(record, event);
    if (group.events.length || !before) record = redactor.exchange(record);
    record.traceId ??= initialTraceId(record);
    const reasons: UnverifiedReason[] = [];
    if (before && before.frameId !== frameId) reasons.push("frame");
    if (clamped.has(id)) reasons.push("time");
    const unflagged = record;
    record = markUnverified(record, reasons);
    const flagged = record !== unflagged;

    // Body chunks are stored as the streaming redactor releases them (renumbered in order).
    let state = streamStates.get(id);
    const released: ChunkRecord[] = [];
    if (state && group.chunks.length) {
      const step = redactor.chunks(group.chunks, state);
      state = step.state;
      released.push(...step.emit);
    }
    if (state && record.outcome && !state.done) {
      const step = redactor.flush(state, record.chunkCount);
      state = step.state;
      released.push(...step.emit);
    }
    if (group.chunks.length) lastChunkAt.set(id, now);
    let held = state !== undefined && heldBack(state);
    if (state && held && rederive.includes(id) && now - (lastChunkAt.get(id) ?? 0) >= QUIET_RELEASE_MS) {
      const step = redactor.release(state);
      state = step.state;
      released.push(...step.emit);
      held = false;
    }
    if (state) touchedStates.set(id, state);

    let known = liveChunks.get(id);
    if (!known) known = before ? await readChunks(chunkStore, id) : [];
    const chunks = mergeChunks(known, released);
    // A batch of body chunks only leaves the exchange record as it was: do not rewrite it.
    if (group.events.length || !before || flagged) writes.push(exchanges.put(record));
    if (chunks !== known) {
      // Chunks come in order; only a batch delivered again overlaps what is stored.
      const last = known.length ? known[known.length - 1]!.seq : -1;
      const stored = released.some((c) => c.seq <= last) ? new Set(known.map((c) => c.seq)) : undefined;
      writes.push(putChunks(chunkStore, stored ? released.filter((c) => !stored.has(c.seq)) : released));
    }

    const ended = record.outcome !== undefined;
    const due = !before || ended || now - (lastDerived.get(id) ?? 0) >= LIVE_DERIVE_INTERVAL_MS || group.events.length > 0 || flagged || rederive.includes(id);
    if (ended) forget(id);
    else remember(id, chunks);
    if (!due || (held && !ended)) deferred.push(id);
    if (!due) return;
    lastDerived.set(id, now);
    const span = deriveSpan(record, chunks, now, deriveOptionsFor(settings));
    // The trace it was assembled into stays until assembly says otherwise.
    const stored = storedSpans[i];
    if (stored && stored.tabId === tabId) {
      span.traceId = stored.traceId;
      if (stored.parentSpanId) span.parentSpanId = stored.parentSpanId;
      else delete span.parentSpanId;
    }
    changed.push(span);
    writes.push(spanStore.put(span));
  };
  // Content this code could not process (say a parser meeting input it did not expect) is that
  // exchange's problem alone: its events are counted as rejected and the rest of the batch is
  // committed and acknowledged. Rethrown, it would fail the batch on every retry, and the relay
  // would retry it forever at the head of the tab's queue. Storage errors still fail the batch.
  await Promise.all(ids.map((id, i) => ingestOne(id, i).catch((error: unknown) => {
    if (isStorageError(error)) throw error;
    forget(id);
    rejected += groups.get(id)!.count;
  })));
  try {
    await Promise.all(writes);
    await tx.done;
  } catch (error) {
    // The cache ran ahead of what was stored: drop it, the retry reads storage again.
    for (const id of ids) forget(id);
    throw error;
  }
  await saveStreamStates(touchedStates);
  return { spans: changed, events: others.length, rejected, deferred };
}
