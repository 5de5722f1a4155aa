/**
 * Folding capture events into exchanges. Every function here is idempotent and order-free:
 * the relay may deliver a batch twice (a retry after the worker restarted) and a request's
 * body may be known only after its response arrived.
 */
import type {
  CaptureEvent, ChunkBlock, ChunkRecord, ChunksEvent, Exchange, ExchangeEvent, ExchangeRecord, StoredChunks, UnverifiedReason,
} from "../contract";
import { checkedBodyType } from "./media-type";

/** The record with these reasons added (each once, in a stable order). */
export function markUnverified(record: ExchangeRecord, reasons: readonly UnverifiedReason[]): ExchangeRecord {
  const all = new Set([...(record.unverified ?? []), ...reasons]);
  if (all.size === (record.unverified?.length ?? 0)) return record;
  return { ...record, unverified: [...all].sort() };
}

/** One block of chunks of one exchange, in seq order (chunks must be non-empty). */
export function chunkBlock(chunks: readonly ChunkRecord[]): ChunkBlock {
  const sorted = [...chunks].sort((a, b) => a.seq - b.seq);
  return { exchangeId: sorted[0]!.exchangeId, seq: sorted[0]!.seq, chunks: sorted.map(({ seq, time, text }) => ({ seq, time, text })) };
}

/** Stored records (blocks or single chunks, any overlap) as chunks: by seq, each once. */
export function unpackChunks(records: readonly StoredChunks[]): ChunkRecord[] {
  const flat: ChunkRecord[] = [];
  for (const r of records) {
    if ("chunks" in r) for (const c of r.chunks) flat.push({ exchangeId: r.exchangeId, ...c });
    else flat.push(r);
  }
  return mergeChunks([], flat);
}

/** An exchange's stored chunks, those inside its record and those stored apart, by seq, each once. */
export function storedChunks(record: ExchangeRecord, apart: readonly StoredChunks[]): ChunkRecord[] {
  const inline = record.inlineChunks;
  return unpackChunks(inline?.length ? [{ exchangeId: record.id, seq: inline[0]!.seq, chunks: inline }, ...apart] : apart);
}

export function emptyExchange(id: string, tabId: number, frameId: number | undefined, time: number): ExchangeRecord {
  return {
    id, tabId, ...(frameId !== undefined ? { frameId } : {}), transport: "fetch",
    request: { method: "GET", url: "", headers: [] }, timing: { start: time },
    // Until its request event arrives (it may come after the response: a Blob body is read first).
    unverified: ["no-request"],
  };
}

/** Apply one non-chunk event to an exchange record, returning the updated record. */
export function applyEvent(ex: ExchangeRecord, event: Exclude<ExchangeEvent, ChunksEvent>): ExchangeRecord {
  switch (event.t) {
    case "request": {
      const { method, url, headers, body, transport, pageUrl, time, replayOf, replayGroup, network } = event;
      const { unverified: was, ...rest } = ex;
      const unverified = was?.filter((r) => r !== "no-request");
      return {
        ...rest, transport, pageUrl,
        ...(replayOf !== undefined && replayGroup !== undefined ? { replay: { of: replayOf, group: replayGroup } } : {}),
        ...(network ? { network: { initiator: network.initiator } } : {}),
        ...(unverified?.length ? { unverified } : {}),
        request: { method, url: url || ex.request.url, headers, ...(body ? { body: checkedBodyType(body) } : {}) },
        timing: { ...ex.timing, start: time },
      };
    }
    case "response": {
      const { status, statusText, headers, url, redirected, type, body, time } = event;
      return {
        ...ex,
        // A fetch() of an object URL we could not resolve page-side learns it here.
        request: ex.request.url ? ex.request : { ...ex.request, url: url ?? "" },
        response: {
          status, statusText, headers,
          ...(url !== undefined ? { url } : {}), ...(redirected !== undefined ? { redirected } : {}),
          ...(type !== undefined ? { type } : {}), ...(body ? { body: checkedBodyType(body) } : {}),
        },
        timing: { ...ex.timing, headers: time },
      };
    }
    case "end": {
      const { outcome, size, truncated, binary, chunks, time } = event;
      return {
        ...ex, outcome, chunkCount: chunks,
        ...(size !== undefined ? { bodyBytes: size } : {}),
        ...(truncated ? { bodyTruncated: true } : {}),
        ...(binary ? { binary: true } : {}),
        timing: { ...ex.timing, end: time },
      };
    }
  }
}

/** Merge newly arrived chunks into the known ones: by seq, duplicates ignored, in order. */
export function mergeChunks(known: readonly ChunkRecord[], arriving: readonly ChunkRecord[]): ChunkRecord[] {
  if (arriving.length === 0) return known as ChunkRecord[];
  const bySeq = new Map<number, ChunkRecord>();
  for (const c of known) bySeq.set(c.seq, c);
  let appendOnly = true;
  let last = known.length ? known[known.length - 1]!.seq : -1;
  for (const c of arriving) {
    if (bySeq.has(c.seq)) continue;
    if (c.seq < last) appendOnly = false;
    last = Math.max(last, c.seq);
    bySeq.set(c.seq, c);
  }
  const merged = [...bySeq.values()];
  return appendOnly ? merged : merged.sort((a, b) => a.seq - b.seq);
}

/** The pieces of a chunks event as chunk records, numbered from its seq. */
export function chunkRecords(e: ChunksEvent): ChunkRecord[] {
  return e.texts.map((text, i) => ({ exchangeId: e.id, seq: e.seq + i, time: e.times[i]!, text }));
}

/** The exchange with its chunks, as the classifiers and exporters see it. */
export function assembleExchange(record: ExchangeRecord, chunks: readonly ChunkRecord[]): Exchange {
  // The exchange's own fields, by name: a record may carry more (storage bookkeeping, fields of
  // older versions), and none of it belongs to the exchange.
  const { id, transport, pageUrl, request, timing, outcome, binary, bodyBytes, bodyTruncated, replay, network } = record;
  const response = record.response && {
    ...record.response,
    ...(record.response.body ? {} : bodyBytes !== undefined || bodyTruncated || binary
      ? { body: { ...(bodyBytes !== undefined ? { size: bodyBytes } : {}), ...(bodyTruncated ? { truncated: true } : {}), ...(binary ? { omitted: "binary" as const } : {}) } }
      : {}),
  };
  const first = chunks[0]?.time;
  return {
    id, transport, ...(pageUrl !== undefined ? { pageUrl } : {}), request,
    ...(response ? { response } : {}),
    timing: first !== undefined && timing.firstByte === undefined ? { ...timing, firstByte: first } : timing,
    chunks: binary ? [] : chunks.map(({ time, text }) => ({ time, text })),
    ...(outcome ? { outcome } : {}),
    ...(replay ? { replay } : {}),
    ...(network ? { network } : {}),
  };
}

export const isExchangeEvent = (e: CaptureEvent): e is ExchangeEvent =>
  e.t === "request" || e.t === "response" || e.t === "chunks" || e.t === "end";
