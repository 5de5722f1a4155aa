/**
 * Export and import from the panel. The panel builds and parses files itself (the formats are
 * pure core modules): data moves to and from the background in batches small enough for
 * runtime messaging, whatever the size of the file.
 */
import { assembleTraces } from "../core/assembly";
import type { Exchange, SpanRecord } from "../core/contract";
import { harFileName, harText, importSizeProblem, importTraceFile, pageHostOf, toEvalJsonl, toHar, toOtlpByPage } from "../core/files";
import { approximateBytes } from "../core/capture";
import type { Connection } from "./connection";

export type ExportFormat = "har" | "otlp" | "jsonl";

const EXCHANGES_PER_CALL = 200;
/** Per import message (about, see approximateBytes): Chrome caps runtime messages at 64 MB; stay far below. */
const IMPORT_BATCH_CHARS = 4 * 1024 * 1024;
/** Import messages on their way at once: the background stores one while the next travels. */
const IMPORT_IN_FLIGHT = 2;

export interface ExportFile {
  fileName: string;
  text: string;
  mimeType: string;
}

async function exchangesOf(spans: readonly SpanRecord[], connection: Connection, session?: number): Promise<Exchange[]> {
  const ids = [...new Set(spans.flatMap((s) => (s.exchangeId ? [s.exchangeId] : [])))];
  const out: Exchange[] = [];
  for (let i = 0; i < ids.length; i += EXCHANGES_PER_CALL) {
    const batch = await connection.call("getExchanges", { ids: ids.slice(i, i + EXCHANGES_PER_CALL), ...(session !== undefined ? { session } : {}) });
    for (const ex of batch) if (ex) out.push(ex);
  }
  return out;
}

/**
 * `meta.host`: what the file is named after (an imported file's name), else the traces' page
 * host; every kind of file is named `<host>-<time>` (`localhost_5173-20260102-170509.har`).
 */
export async function buildExport(format: ExportFormat, spans: readonly SpanRecord[], connection: Connection, meta: { host?: string; version: string; session?: number }): Promise<ExportFile> {
  const now = new Date();
  const base = harFileName(meta.host ?? pageHostOf(spans) ?? "traces", now).replace(/\.har$/, "");
  if (format === "otlp") {
    return { fileName: `${base}.otlp.json`, mimeType: "application/json", text: `${JSON.stringify(toOtlpByPage(spans, meta.version), null, 2)}\n` };
  }
  if (format === "jsonl") return { fileName: `${base}.jsonl`, mimeType: "application/x-ndjson", text: toEvalJsonl(spans) };
  const exchanges = await exchangesOf(spans, connection, meta.session);
  const har = toHar({ spans: [...spans], exchanges }, { creatorVersion: meta.version, exportedAt: now.getTime() });
  return { fileName: `${base}.har`, mimeType: "application/json", text: harText(har) };
}

export type ImportOutcome = { ok: true; session: number; spans: number; warnings: string[] } | { ok: false; error: string };

/** Parse a dropped or picked file and store it as an imported session. Never throws. */
export async function importFile(file: File, connection: Connection): Promise<ImportOutcome> {
  const tooBig = importSizeProblem(file.size);
  if (tooBig) return { ok: false, error: `${file.name}: ${tooBig}` };
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return { ok: false, error: `${file.name} could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = importTraceFile(text, { size: file.size });
  if (!parsed.ok) return { ok: false, error: `${file.name}: ${parsed.error}` };
  const { exchanges } = parsed.session;
  // A foreign HAR has spans derived one by one: its traces are assembled here, over the whole
  // file at once (the background assembles a live tab's recent window only).
  const spans = parsed.format === "har" ? assembleTraces({ spans: parsed.session.spans, interactions: [], marks: [] }) : parsed.session.spans;
  const exchangeOf = new Map(exchanges.map((e) => [e.id, e]));
  try {
    let session: number | undefined;
    let batch: { spans: SpanRecord[]; exchanges: Exchange[] } = { spans: [], exchanges: [] };
    let chars = 0;
    const inFlight = new Set<Promise<unknown>>();
    const send = async (done: boolean) => {
      const params = { name: file.name, format: parsed.format, ...batch, done };
      batch = { spans: [], exchanges: [] };
      chars = 0;
      // The first batch makes the session; the last lists it, once everything before is stored.
      if (session === undefined || done) {
        await Promise.all(inFlight);
        session = (await connection.call("importBatch", { ...(session !== undefined ? { session } : {}), ...params })).session;
        return;
      }
      const call = connection.call("importBatch", { session, ...params });
      inFlight.add(call);
      void call.then(() => inFlight.delete(call), () => {});
      if (inFlight.size >= IMPORT_IN_FLIGHT) await Promise.race(inFlight);
    };
    // A span and its exchange travel together; exchanges no span names go at the end.
    const sent = new Set<string>();
    for (const span of spans) {
      batch.spans.push(span);
      chars += approximateBytes(span);
      const ex = span.exchangeId ? exchangeOf.get(span.exchangeId) : undefined;
      if (ex && !sent.has(ex.id)) {
        sent.add(ex.id);
        batch.exchanges.push(ex);
        chars += approximateBytes(ex);
      }
      if (chars > IMPORT_BATCH_CHARS) await send(false);
    }
    for (const ex of exchanges) if (!sent.has(ex.id)) batch.exchanges.push(ex);
    await send(true);
    return { ok: true, session: session!, spans: parsed.session.spans.length, warnings: parsed.warnings };
  } catch (error) {
    return { ok: false, error: `${file.name} could not be stored: ${error instanceof Error ? error.message : String(error)}` };
  }
}
