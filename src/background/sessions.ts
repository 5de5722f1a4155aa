/**
 * Imported trace files, each kept as a session in a database of its own: ids in a file can
 * never collide with live spans or another import, and removing a session drops its database.
 * The panel parses the file (pure core), assembles the traces of a foreign one over the whole
 * file, and sends it here in batches small enough for runtime messaging.
 */
import browser from "webextension-polyfill";
import type { Exchange, ExchangeRecord, SpanRecord } from "../core/contract";
import type { ImportBatch, SessionInfo } from "../shared/messages";
import { redactImportedExchange } from "../core/redaction";
import { splitReview, type Review } from "../core/review";
import { reviewRecords } from "./reviews";
import { redactorFor } from "./redaction";
import { getSettings } from "./current-settings";
import {
  dropStore, forgetImportedSpans, importDbName, importedSpanCount, inBlocks, openStore, spanBlockKey, type ExchangeBlock,
  type SpanBlock,
} from "./store";

const KEY = "imported-sessions";
/** Everything in an imported session belongs to this one pseudo-tab of its database. */
export const SESSION_TAB = 0;


export async function listSessions(): Promise<SessionInfo[]> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  return Array.isArray(stored) ? (stored as SessionInfo[]) : [];
}

async function saveSessions(sessions: SessionInfo[]): Promise<void> {
  await browser.storage.local.set({ [KEY]: sessions });
}

export async function sessionDb(session: unknown): Promise<string | undefined> {
  if (typeof session !== "number") return undefined;
  return (await listSessions()).some((s) => s.id === session) ? importDbName(session) : undefined;
}

/** An imported exchange as stored: its chunks inside the record. */
function exchangeRecord(ex: Exchange): ExchangeRecord {
  const { chunks, ...rest } = ex;
  const body = ex.response?.body;
  return {
    ...rest, tabId: SESSION_TAB, chunkCount: chunks.length,
    ...(body?.size !== undefined ? { bodyBytes: body.size } : {}),
    ...(body?.truncated ? { bodyTruncated: true } : {}),
    ...(body?.omitted === "binary" ? { binary: true } : {}),
    ...(chunks.length ? { inlineChunks: chunks.map((c, seq) => ({ seq, time: c.time, text: c.text })) } : {}),
  };
}

export async function importBatch(batch: ImportBatch): Promise<{ session: number }> {
  const session = batch.session ?? -Date.now();
  const redactor = redactorFor(await getSettings());
  const db = await openStore(importDbName(session));
  forgetImportedSpans(importDbName(session));
  const tx = db.transaction(["exchangeBlocks", "spanBlocks", "reviews"], "readwrite");
  const writes: Promise<unknown>[] = [];
  // Redacted here as live capture is: the panel that parsed the file is not trusted to.
  const exchanges = batch.exchanges.map((ex) => exchangeRecord(redactImportedExchange(ex, redactor)));
  for (const records of inBlocks(exchanges)) {
    const block: ExchangeBlock = { id: records[0]!.id, ids: records.map((r) => r.id), exchanges: records };
    writes.push(tx.objectStore("exchangeBlocks").put(block));
  }
  // A file reviewed elsewhere (or exported reviewed) carries reviews as evaluation events: they
  // are stored as reviews, read after redaction (a note is text like any other), and go out
  // again as events (docs/DESIGN.md, "Review").
  const reviews: { spanId: string; review: Review }[] = [];
  const spans = batch.spans.map((span) => {
    const split = splitReview(redactor.span({ ...span, tabId: SESSION_TAB }));
    if (split.review) reviews.push({ spanId: split.span.spanId, review: split.review });
    return split.span;
  });
  for (const records of inBlocks(spans)) {
    const block: SpanBlock = { id: spanBlockKey(records), spans: records };
    writes.push(tx.objectStore("spanBlocks").put(block));
  }
  for (const record of reviewRecords(reviews, SESSION_TAB, Date.now())) writes.push(tx.objectStore("reviews").put(record));
  await Promise.all(writes);
  await tx.done;
  if (batch.done) {
    const spans = await importedSpanCount(importDbName(session));
    const others = (await listSessions()).filter((s) => s.id !== session);
    await saveSessions([...others, { id: session, name: batch.name, format: batch.format, importedAt: Date.now(), spans }]);
  }
  return { session };
}

export async function removeSession(session: number): Promise<void> {
  await saveSessions((await listSessions()).filter((s) => s.id !== session));
  await dropStore(importDbName(session));
}
