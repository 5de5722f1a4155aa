/**
 * Storing a batch of capture events from one frame: fold them into exchanges, redact, derive
 * each exchange's span, place it in its trace, and commit it all in one transaction. Returns
 * what changed once the transaction is done, which is the moment the relay may forget the batch.
 *
 * A batch costs mostly IndexedDB requests (each about a tenth of a millisecond, whatever its
 * size), so it makes few:
 * - an exchange whose whole life is in the batch (request to end, every chunk: most of them)
 *   is written without reading anything first: its record comes out the same however often the
 *   batch is delivered; and the batch's whole exchanges are written together, in blocks of about
 *   BLOCK_CHARS (store.ts, ExchangeBlock), not a request each;
 * - exchanges still open stay in memory between batches; only one this worker has not seen
 *   (after a restart) is read;
 * - body chunks released with a record that is written anyway go inside it (up to
 *   INLINE_CHARS); only a long stream's further chunks go to the chunks store, a record a batch;
 * - spans are placed in their traces in the same transaction, so they are written once, when
 *   the batch is large against its tab's window, or the last run was a while ago, or the batch
 *   brings a span in a provisional place and a run costs little against the time since the
 *   last; otherwise a throttled run (assembly.ts) places them, a second write for a span first
 *   stored in a provisional place (the span must be stored before the relay is acknowledged,
 *   and a run over a full window costs tens of milliseconds: too much for every batch).
 */
import type { IDBPTransaction } from "idb";
import type {
  CaptureEvent, ChunkRecord, ChunksEvent, ExchangeEvent, ExchangeRecord, InteractionEvent, MarkEvent, SpanRecord, UnverifiedReason,
} from "../core/contract";
import { isPlaced, withPlace } from "../core/assembly";
import { deriveSpans, type DeriveOptions } from "../core/providers";
import {
  applyEvent, approximateBytes, assembleExchange, chunkBlock, chunkRecords, emptyExchange, isExchangeEvent, markUnverified, mergeChunks, storedChunks,
} from "../core/capture";
import { heldBack, type Redactor, type StreamRedactState } from "../core/redaction";
import { liveWindow, placeWindow, THROTTLE_MS, writeResult } from "./assembly";
import { loadStreamStates, redactorFor, saveStreamStates } from "./redaction";
import { deriveOptionsFor, getSettings } from "./current-settings";
import {
  BLOCK_CHARS, chunkRange, inBlocks, isStorageError, onStoreDeleting, openStore, putExchangeBlock, type TabEvent, type TraceDB,
} from "./store";
import { dropWindow, dropWindows, heldByAnotherTab, type TabWindow } from "./windows";

/** A streaming span is re-derived at most this often; its end is always derived. */
const LIVE_DERIVE_INTERVAL_MS = 250;
/**
 * A stream with no new chunk for this long has its redaction hold-back released: a page that
 * stops reading after the provider's last event never sends an end, and that event must not
 * wait in the hold-back (docs/DESIGN.md, "When a call is over").
 */
export const QUIET_RELEASE_MS = 500;
const MAX_OPEN = 500;
/** Chunk text a record carries inside it; beyond, chunks are stored apart. */
const INLINE_CHARS = 64 * 1024;
/**
 * A batch is placed in its own transaction when it adds this share of its window or more (a run
 * costs about the window's size); otherwise at most once per THROTTLE_MS.
 */
const PLACE_SHARE = 1 / 8;
/**
 * A batch with a span in a provisional place (new, or not placed since) is placed in its own
 * transaction when the last run ended at least this many times its length ago: assembly takes
 * about a twentieth of a tab's time at most (several busy tabs share one worker), and in a
 * small window a new span is written once.
 */
const RUN_SPACING = 20;

/** An exchange still in flight as stored: the record and all its chunks, so a long stream is not re-read every batch. */
interface Open {
  record: ExchangeRecord;
  chunks: ChunkRecord[];
  derivedAt: number;
  /** Body chunks were fed to its stream redactor (which may hold some back until the end). */
  streamed: boolean;
  /** When chunks last came (a restarted worker does not know: it releases a quiet stream at once). */
  chunkAt: number;
}

/** Only a cache: after a worker restart an exchange is read from storage again. */
const open = new Map<string, Open>();

function remember(id: string, entry: Open): void {
  open.delete(id);
  open.set(id, entry);
  if (open.size > MAX_OPEN) open.delete(open.keys().next().value as string);
}

/** What the background holds of stored data in memory; none of it may be written back after a deletion. */
export function forgetAll(): void {
  open.clear();
  dropWindows();
}

onStoreDeleting((spanIds) => {
  if (spanIds === undefined) return forgetAll();
  for (const id of spanIds) open.delete(id);
  dropWindows(spanIds);
});

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

/** The batch holds the exchange's whole life: its request, its end, and each of its chunks once. */
function isWhole(g: Group): boolean {
  const end = g.events.find((e) => e.t === "end");
  if (!end || !g.events.some((e) => e.t === "request") || g.chunks.length !== end.chunks) return false;
  const seen = new Uint8Array(end.chunks);
  for (const c of g.chunks) {
    if (c.seq >= end.chunks || seen[c.seq]) return false;
    seen[c.seq] = 1;
  }
  return true;
}

function tabEvent(e: InteractionEvent | MarkEvent, tabId: number, frameId: number | undefined): TabEvent {
  const { t, ...rest } = e;
  return { ...rest, kind: t, tabId, ...(frameId !== undefined ? { frameId } : {}) } as TabEvent;
}

export interface IngestResult {
  /** Spans stored or changed, and synthesized spans removed. */
  spans: SpanRecord[];
  removed: string[];
  /** Spans or events were stored that wait for an assembly run, from this start time on. */
  unplacedFrom?: number;
  /** Spans stored that were not before (as far as memory knows), less those removed. */
  added: number;
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

/** One batch; the caller runs a tab's batches one at a time (serial.ts). */
export async function ingestBatch(tabId: number, frameId: number | undefined, batch: readonly CaptureEvent[], options: IngestOptions = {}): Promise<IngestResult> {
  const settings = await getSettings();
  const redactor = redactorFor(settings);
  const others = batch.filter((e): e is InteractionEvent | MarkEvent => e.t === "interaction" || e.t === "mark");
  const groups = groupById(batch.filter(isExchangeEvent));
  const rederive = new Set(options.rederive ?? []);
  for (const id of rederive) if (!groups.has(id)) groups.set(id, { events: [], chunks: [], count: 0 });
  const ids = [...groups.keys()];
  const whole = new Set(ids.filter((id) => !open.has(id) && isWhole(groups.get(id)!)));
  // What is neither open in memory nor whole here must be read: it may be stored already.
  const unknown = ids.filter((id) => !open.has(id) && !whole.has(id));
  // Streams whose redaction state is needed: what sends chunks, what ends or is derived again after it may have.
  const streaming = ids.filter((id) => {
    const g = groups.get(id)!;
    if (whole.has(id)) return false;
    return g.chunks.length > 0 || ((g.events.some((e) => e.t === "end") || rederive.has(id)) && open.get(id)?.streamed !== false);
  });
  // Loaded before the transaction opens: awaiting anything else inside it would commit it.
  const streamStates = await loadStreamStates(redactor, streaming);
  const db = await openStore();
  const tx = db.transaction(["exchanges", "exchangeBlocks", "chunks", "spans", "events"], "readwrite");
  const exchangeStore = tx.objectStore("exchanges");
  const blockStore = tx.objectStore("exchangeBlocks");
  const chunkStore = tx.objectStore("chunks");
  const spanStore = tx.objectStore("spans");
  try {
    const [window, existing, blockKeys] = await Promise.all([
      liveWindow(spanStore, tx.objectStore("events"), tabId),
      Promise.all(unknown.map((id) => exchangeStore.get(id))),
      Promise.all(unknown.map((id) => blockStore.index("ids").getKey(id))),
    ]);
    // An exchange a batch brought whole is in a block; the exchanges store's record, if any, is newer.
    const inBlock = [...new Set(unknown.flatMap((id, i) => (existing[i] || blockKeys[i] === undefined ? [] : [blockKeys[i]!])))];
    const blocks = await Promise.all(inBlock.map((key) => blockStore.get(key)));
    const stored = new Map<string, ExchangeRecord>();
    const wanted = new Set(unknown);
    for (const block of blocks) for (const e of block?.exchanges ?? []) if (wanted.has(e.id)) stored.set(e.id, e);
    unknown.forEach((id, i) => existing[i] && stored.set(id, existing[i]));
    // Of what is stored: its chunks, and its span when the window does not hold it (placed long ago).
    const storedIds = [...stored.keys()];
    const [apart, spans] = await Promise.all([
      Promise.all(storedIds.map((id) => chunkStore.getAll(chunkRange(id)))),
      Promise.all(storedIds.map((id) => (window.spans.has(id) ? undefined : spanStore.get(id)))),
    ]);
    const storedSpan = new Map<string, SpanRecord>();
    storedIds.forEach((id, i) => spans[i] && storedSpan.set(id, spans[i]));
    const storedChunksOf = new Map(storedIds.map((id, i) => [id, storedChunks(stored.get(id)!, apart[i]!)]));
    return await commit(tabId, frameId, {
      redactor, deriveOptions: deriveOptionsFor(settings), groups, whole, others, stored, storedChunksOf, storedSpan, streamStates,
      clamped: options.clamped ?? new Set(), rederive,
    }, window, tx);
  } catch (error) {
    // Memory ran ahead of storage: drop it, the retry reads storage again.
    for (const id of ids) open.delete(id);
    dropWindow(tabId);
    throw error;
  }
}

interface Prepared {
  redactor: Redactor;
  deriveOptions: DeriveOptions;
  groups: Map<string, Group>;
  whole: Set<string>;
  others: (InteractionEvent | MarkEvent)[];
  /** Stored records of exchanges not in memory. */
  stored: Map<string, ExchangeRecord>;
  storedChunksOf: Map<string, ChunkRecord[]>;
  storedSpan: Map<string, SpanRecord>;
  streamStates: Map<string, StreamRedactState>;
  clamped: ReadonlySet<string>;
  rederive: ReadonlySet<string>;
}

type IngestTx = IDBPTransaction<TraceDB, ("exchanges" | "exchangeBlocks" | "chunks" | "spans" | "events")[], "readwrite">;

/** What one exchange of the batch comes to; nothing of it is written unless all of it worked. */
interface Applied {
  writes: (() => Promise<unknown>)[];
  /** Its record, to be written (in a block when the batch holds its whole life). */
  record?: ExchangeRecord;
  open?: Open;
  /** The exchange's span, and for a live WebSocket session the spans of its trace. */
  spans?: SpanRecord[];
  state?: StreamRedactState;
  deferred: boolean;
}

/** Everything known: apply the batch, place its spans when due, write, and commit. Nothing in here may await anything but this transaction. */
async function commit(tabId: number, frameId: number | undefined, p: Prepared, w: TabWindow, tx: IngestTx): Promise<IngestResult> {
  const now = Date.now();
  const derived: SpanRecord[] = [];
  const staged: [string, Open | undefined][] = [];
  const touchedStates = new Map<string, StreamRedactState>();
  const deferred: string[] = [];
  const writes: Promise<unknown>[] = [];
  const blocked: ExchangeRecord[] = [];
  const blockedSizes: number[] = [];
  let rejected = 0;
  let added = 0;
  let pendingFrom = Infinity;
  for (const e of p.others) {
    const record = p.redactor.tabEvent(tabEvent(e, tabId, frameId));
    writes.push(tx.objectStore("events").put(record));
    w.events.set(record.id, record);
    pendingFrom = Math.min(pendingFrom, record.time);
  }

  for (const [id, group] of p.groups) {
    const cached = open.get(id);
    const before = cached?.record ?? p.stored.get(id);
    // Ids are random: one that exists for another tab can only be a forgery. (An exchange written
    // without a read is checked against what memory holds of other tabs.)
    if (before ? before.tabId !== tabId : heldByAnotherTab(id, tabId)) {
      rejected += group.count;
      continue;
    }
    // Asked to derive again, but nothing is stored (or it ended meanwhile and was derived then).
    if (!before && group.events.length === 0 && group.chunks.length === 0) continue;
    let applied: Applied;
    try {
      applied = apply(id, group, cached, before, tabId, frameId, now, p, tx);
    } catch (error) {
      // Content this code could not process (say a parser meeting input it did not expect) is
      // that exchange's problem alone: its events are counted as rejected and the rest of the
      // batch is committed and acknowledged. Rethrown, it would fail the batch on every retry,
      // and the relay would retry it forever at the head of the tab's queue.
      if (isStorageError(error)) throw error;
      rejected += group.count;
      staged.push([id, undefined]);
      continue;
    }
    for (const write of applied.writes) writes.push(write());
    if (applied.record) {
      // A block holds small records; a large one alone would gain nothing from it.
      const size = p.whole.has(id) ? approximateBytes(applied.record) : Infinity;
      if (size < BLOCK_CHARS) {
        blocked.push(applied.record);
        blockedSizes.push(size);
      } else writes.push(tx.objectStore("exchanges").put(applied.record));
    }
    if (applied.state) touchedStates.set(id, applied.state);
    if (applied.deferred) deferred.push(id);
    staged.push([id, applied.open]);
    for (const fresh of applied.spans ?? []) {
      // The place assembly gave it (trace, parent, derived conversation) stays until it runs again.
      const placed = w.spans.get(fresh.spanId) ?? (fresh.spanId === id ? p.storedSpan.get(id) : undefined);
      const span = placed && placed.tabId === tabId ? withPlace(fresh, placed) : fresh;
      derived.push(span);
      if (!placed) added++;
      w.spans.set(span.spanId, span);
      pendingFrom = Math.min(pendingFrom, span.startTime);
    }
  }

  w.pending += derived.length + p.others.length;
  w.pendingFrom = Math.min(w.pendingFrom, pendingFrom);
  const sinceRun = Date.now() - w.lastRun;
  const provisional = derived.some((s) => !isPlaced(s));
  const placeNow = w.pending > 0 &&
    (sinceRun >= THROTTLE_MS || w.pending >= w.spans.size * PLACE_SHARE || (provisional && sinceRun > RUN_SPACING * w.runCost));
  const placed = placeNow ? placeWindow(w, Math.max(now, Date.now())) : { changed: [], removed: [], added: 0 };
  const changedIds = new Set(placed.changed.map((s) => s.spanId));
  for (const records of inBlocks(blocked, (_, i) => blockedSizes[i]!)) writes.push(putExchangeBlock(tx.objectStore("exchangeBlocks"), records));
  const spanStore = tx.objectStore("spans");
  for (const s of derived) if (!changedIds.has(s.spanId)) writes.push(spanStore.put(s));
  writes.push(writeResult(spanStore, placed));
  await Promise.all(writes);
  await tx.done;
  for (const [id, entry] of staged) {
    if (entry) remember(id, entry);
    else open.delete(id);
  }
  await saveStreamStates(touchedStates);
  const unplacedFrom = placeNow ? undefined : w.pendingFrom;
  return {
    spans: [...derived.filter((s) => !changedIds.has(s.spanId)), ...placed.changed],
    removed: placed.removed,
    ...(unplacedFrom !== undefined && Number.isFinite(unplacedFrom) ? { unplacedFrom } : {}),
    added: added + placed.added,
    rejected,
    deferred,
  };
}

/** One exchange's events applied to what is known of it: its record, chunks and span. */
function apply(
  id: string, group: Group, cached: Open | undefined, before: ExchangeRecord | undefined,
  tabId: number, frameId: number | undefined, now: number, p: Prepared, tx: IngestTx,
): Applied {
  const { redactor } = p;
  const whole = p.whole.has(id);
  const rederive = p.rederive.has(id);
  let record: ExchangeRecord = before ?? emptyExchange(id, tabId, frameId, group.events[0]?.time ?? group.chunks[0]?.time ?? now);
  for (const event of group.events) record = applyEvent(record, event);
  if (group.events.length || !before) record = redactor.exchange(record);
  const reasons: UnverifiedReason[] = [];
  // A derivation asked for later comes from no frame: only events can come from the wrong one.
  if (before && group.count > 0 && before.frameId !== frameId) reasons.push("frame");
  if (p.clamped.has(id)) reasons.push("time");
  const unflagged = record;
  record = markUnverified(record, reasons);
  const flagged = record !== unflagged;

  // Body chunks are stored as the streaming redactor releases them (renumbered in order). A
  // stream wholly in this batch starts here (and a body-less exchange needs none).
  let state = whole ? (group.chunks.length ? redactor.startStream(id) : undefined) : p.streamStates.get(id);
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
  const chunkAt = group.chunks.length ? now : (cached?.chunkAt ?? 0);
  let held = state !== undefined && heldBack(state);
  if (state && held && rederive && now - chunkAt >= QUIET_RELEASE_MS) {
    const step = redactor.release(state);
    state = step.state;
    released.push(...step.emit);
    held = false;
  }

  const known = cached?.chunks ?? p.storedChunksOf.get(id) ?? [];
  const chunks = mergeChunks(known, released);
  // Chunks come in order; only a batch delivered again overlaps what is stored.
  const last = known.length ? known[known.length - 1]!.seq : -1;
  const fresh = chunks === known ? [] : released.some((c) => c.seq <= last) ? released.filter((c) => !known.some((k) => k.seq === c.seq)) : released;
  const writes: Applied["writes"] = [];
  let toStore: ExchangeRecord | undefined;
  const putChunks = (list: ChunkRecord[]) => () => tx.objectStore("chunks").put(chunkBlock(list));
  // A batch of body chunks only leaves the exchange record as it was: do not rewrite it.
  if (group.events.length || !before || flagged) {
    const inline = record.inlineChunks ?? [];
    if (fresh.length && textLength(inline) + textLength(fresh) <= INLINE_CHARS) {
      record = { ...record, inlineChunks: [...inline, ...fresh.map(({ seq, time, text }) => ({ seq, time, text }))] };
    } else if (fresh.length) writes.push(putChunks(fresh));
    toStore = record;
  } else if (fresh.length) writes.push(putChunks(fresh));

  const ended = record.outcome !== undefined;
  const due = !before || ended || group.events.length > 0 || flagged || rederive || now - (cached?.derivedAt ?? 0) >= LIVE_DERIVE_INTERVAL_MS;
  const streamed = group.chunks.length > 0 || (cached ? cached.streamed : before !== undefined);
  const applied: Applied = {
    writes,
    ...(toStore ? { record: toStore } : {}),
    ...(ended ? {} : { open: { record, chunks, derivedAt: due ? now : (cached?.derivedAt ?? 0), streamed, chunkAt } }),
    // A stream that began and ended here has no state stored anywhere.
    ...(state && !whole ? { state } : {}),
    deferred: !due || (held && !ended),
  };
  return due ? { ...applied, spans: deriveSpans(assembleExchange(record, chunks), record, now, p.deriveOptions) } : applied;
}

function textLength(chunks: readonly { text: string }[]): number {
  let n = 0;
  for (const c of chunks) n += c.text.length;
  return n;
}
