/**
 * Imported trace files, each kept as a session in a database of its own: ids in a file can
 * never collide with live spans or another import, and removing a session drops its database.
 * The panel parses the file (pure core) and sends it here in batches small enough for
 * runtime messaging.
 */
import browser from "webextension-polyfill";
import type { Exchange } from "../core/exchange";
import type { ChunkRecord, ExchangeRecord } from "../core/ingest";
import type { SpanRecord } from "../core/records";
import type { SessionInfo } from "../shared/messages";
import { redactImportedExchange } from "../core/redact";
import { assembleTab } from "./assembly";
import { redactorFor } from "./redaction";
import { getSettings } from "./settings";
import { dropStore, importDbName, openStore, putChunks } from "./store";

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

function exchangeRecords(ex: Exchange): { record: ExchangeRecord; chunks: ChunkRecord[] } {
  const { chunks, ...rest } = ex;
  const body = ex.response?.body;
  const record: ExchangeRecord = {
    ...rest, tabId: SESSION_TAB, chunkCount: chunks.length,
    ...(body?.size !== undefined ? { bodyBytes: body.size } : {}),
    ...(body?.truncated ? { bodyTruncated: true } : {}),
    ...(body?.omitted === "binary" ? { binary: true } : {}),
  };
  return { record, chunks: chunks.map((c, seq) => ({ exchangeId: ex.id, seq, time: c.time, text: c.text })) };
}

export interface ImportBatch {
  /** Absent on the first batch: a new session is made and its id returned. */
  session?: number;
  name: string;
  format: string;
  spans: SpanRecord[];
  exchanges: Exchange[];
  /** The last batch: the session is listed, and foreign files get their traces assembled. */
  done: boolean;
  assemble: boolean;
}

export async function importBatch(batch: ImportBatch): Promise<{ session: number }> {
  const session = batch.session ?? -Date.now();
  const redactor = redactorFor(await getSettings());
  const db = await openStore(importDbName(session));
  const tx = db.transaction(["exchanges", "chunks", "spans"], "readwrite");
  const writes: Promise<unknown>[] = [];
  for (const ex of batch.exchanges) {
    // Redacted here as live capture is: the panel that parsed the file is not trusted to.
    const { record, chunks } = exchangeRecords(redactImportedExchange(ex, redactor));
    writes.push(tx.objectStore("exchanges").put(record), putChunks(tx.objectStore("chunks"), chunks));
  }
  for (const span of batch.spans) writes.push(tx.objectStore("spans").put(redactor.span({ ...span, tabId: SESSION_TAB })));
  await Promise.all(writes);
  await tx.done;
  if (batch.done) {
    if (batch.assemble) await assembleTab(SESSION_TAB, Date.now(), importDbName(session));
    const spans = await db.count("spans");
    const others = (await listSessions()).filter((s) => s.id !== session);
    await saveSessions([...others, { id: session, name: batch.name, format: batch.format, importedAt: Date.now(), spans }]);
  }
  return { session };
}

export async function removeSession(session: number): Promise<void> {
  await saveSessions((await listSessions()).filter((s) => s.id !== session));
  await dropStore(importDbName(session));
}
