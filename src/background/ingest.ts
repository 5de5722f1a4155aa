/**
 * Storing a batch of capture events from one frame: fold them into exchanges, redact, derive
 * each exchange's span, and commit it all in one transaction. Returns the spans that changed
 * once the transaction is done, which is the moment the relay may forget the batch.
 */
import type { CaptureEvent, ChunksEvent, ExchangeEvent, InteractionEvent, MarkEvent } from "../core/capture-events";
import { deriveSpan, initialTraceId } from "../core/derive";
import { applyEvent, chunkRecords, emptyExchange, isExchangeEvent, mergeChunks, type ChunkRecord, type ExchangeRecord } from "../core/ingest";
import type { SpanRecord } from "../core/records";
import type { StreamRedactState } from "../core/redact";
import { loadStreamStates, redactorFor, saveStreamStates } from "./redaction";
import { deriveOptionsFor, getSettings } from "./settings";
import { openStore, putChunks, readChunks, type TabEvent } from "./store";

/** A streaming span is re-derived at most this often; its end is always derived. */
const LIVE_DERIVE_INTERVAL_MS = 250;
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
}

/** All data was cleared: no cached chunk of an earlier capture may be written again. */
export function forgetAll(): void {
  liveChunks.clear();
  lastDerived.clear();
}

interface Group {
  events: Exclude<ExchangeEvent, ChunksEvent>[];
  chunks: ChunkRecord[];
}

function groupById(events: readonly ExchangeEvent[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const e of events) {
    let g = groups.get(e.id);
    if (!g) groups.set(e.id, (g = { events: [], chunks: [] }));
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
}

export async function ingestBatch(tabId: number, frameId: number | undefined, batch: readonly CaptureEvent[]): Promise<IngestResult> {
  const settings = await getSettings();
  const redactor = redactorFor(settings);
  const streaming = [...new Set(batch.filter((e) => e.t === "chunks" || e.t === "end").map((e) => e.id))];
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
  const ids = [...groups.keys()];
  const existing = await Promise.all(ids.map((id) => exchanges.get(id)));
  // A span exists only for a stored exchange: a new one (most of them) costs no second read.
  const storedSpans = await Promise.all(ids.map((id, i) => (existing[i] ? spanStore.get(id) : undefined)));
  const now = Date.now();
  const changed: SpanRecord[] = [];
  const writes: Promise<unknown>[] = others.map((e) => tx.objectStore("events").put(redactor.tabEvent(tabEvent(e, tabId, frameId))));

  await Promise.all(ids.map(async (id, i) => {
    const group = groups.get(id)!;
    const before = existing[i];
    // Ids are random: one that exists for another tab can only be a forgery.
    if (before && before.tabId !== tabId) return;
    let record: ExchangeRecord = before ?? emptyExchange(id, tabId, frameId, group.events[0]?.time ?? group.chunks[0]?.time ?? now);
    for (const event of group.events) record = applyEvent(record, event);
    if (group.events.length || !before) record = redactor.exchange(record);
    record.traceId ??= initialTraceId(record);

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
    if (state) touchedStates.set(id, state);

    let known = liveChunks.get(id);
    if (!known) known = before ? await readChunks(chunkStore, id) : [];
    const chunks = mergeChunks(known, released);
    // A batch of body chunks only leaves the exchange record as it was: do not rewrite it.
    if (group.events.length || !before) writes.push(exchanges.put(record));
    if (chunks !== known) {
      // Chunks come in order; only a batch delivered again overlaps what is stored.
      const last = known.length ? known[known.length - 1]!.seq : -1;
      const stored = released.some((c) => c.seq <= last) ? new Set(known.map((c) => c.seq)) : undefined;
      writes.push(putChunks(chunkStore, stored ? released.filter((c) => !stored.has(c.seq)) : released));
    }

    const ended = record.outcome !== undefined;
    const due = !before || ended || now - (lastDerived.get(id) ?? 0) >= LIVE_DERIVE_INTERVAL_MS || group.events.length > 0;
    if (ended) forget(id);
    else remember(id, chunks);
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
  }));
  try {
    await Promise.all(writes);
    await tx.done;
  } catch (error) {
    // The cache ran ahead of what was stored: drop it, the retry reads storage again.
    for (const id of ids) forget(id);
    throw error;
  }
  await saveStreamStates(touchedStates);
  return { spans: changed, events: others.length };
}
