/**
 * HAR export: a session as a valid HAR 1.2 file that Chrome DevTools' importer (and any HAR
 * viewer) opens, carrying our spans so that importing it back is lossless. The layout of the
 * entries and our custom fields are described in files/har-types.ts and files/har-entry.ts.
 *
 * Export is canonical: entries and spans are sorted (by start time, then id), duplicates are
 * dropped (first wins) and every object is built in a fixed key order, so equal sessions give
 * identical bytes whatever order they were read from the store in. That, with an importer that
 * restores every field exactly, is what makes export -> import -> export byte-for-byte stable.
 */
import type { Page } from "har-format";
import type { Exchange, Span, SpanRecord } from "../contract";
import { redactUrl } from "../redaction";
import { exchangeToEntry, isoTime } from "./har-entry";
import type { LlmTraceEntry, LlmTraceHar } from "./har-types";
import { LLM_TRACE_FORMAT_VERSION } from "./har-types";
import type { TraceSession } from "./session";
import { compareStartId, toFileSpan } from "./session";

export type { LlmTraceHar, LlmTraceEntry } from "./har-types";
export type { TraceSession } from "./session";

export interface HarMeta {
  /** The extension's version, written as log.creator.version. */
  creatorVersion: string;
  /** Title of the tab's current document: names the page of the most recent entry. */
  pageTitle?: string;
  /** ms since the epoch; written as log._llmTrace.exportedAt. */
  exportedAt?: number;
}

export const HAR_CREATOR = "llm-trace-devtools";

export function toHar(session: TraceSession, meta: HarMeta): LlmTraceHar {
  const exchanges = uniqueBy(session.exchanges, (e) => e.id).sort((a, b) => compareStartId(a.timing.start, a.id, b.timing.start, b.id));
  const spans = uniqueBy(session.spans, (s) => s.spanId).sort((a, b) => compareStartId(a.startTime, a.spanId, b.startTime, b.spanId));

  // The first span (in file order) naming an exchange becomes that entry's `_span`.
  const spanOfExchange = new Map<string, SpanRecord>();
  const exchangeIds = new Set(exchanges.map((e) => e.id));
  const standalone: Span[] = [];
  for (const s of spans) {
    if (s.exchangeId !== undefined && exchangeIds.has(s.exchangeId) && !spanOfExchange.has(s.exchangeId)) spanOfExchange.set(s.exchangeId, s);
    else standalone.push(toFileSpan(s));
  }

  const pages = new Map<string, Page>();
  const entries: LlmTraceEntry[] = exchanges.map((ex) => {
    const span = spanOfExchange.get(ex.id);
    return exchangeToEntry(ex, span && toFileSpan(span), pageRef(pages, ex));
  });
  if (meta.pageTitle !== undefined) {
    const latest = [...entries].reverse().find((e) => e.pageref !== undefined);
    for (const p of pages.values()) if (p.id === latest?.pageref) p.title = meta.pageTitle;
  }

  return {
    log: {
      version: "1.2",
      creator: { name: HAR_CREATOR, version: meta.creatorVersion },
      pages: [...pages.values()],
      entries,
      _spans: standalone,
      _llmTrace: { version: LLM_TRACE_FORMAT_VERSION, ...(meta.exportedAt !== undefined ? { exportedAt: isoTime(meta.exportedAt) } : {}) },
    },
  };
}

/** One HAR page per distinct document URL, numbered in the order of their first entry. */
function pageRef(pages: Map<string, Page>, ex: Exchange): string | undefined {
  if (ex.pageUrl === undefined || ex.pageUrl === "") return undefined;
  const url = redactUrl(ex.pageUrl);
  let page = pages.get(url);
  if (!page) {
    // onContentLoad/onLoad are not observed by the extension: -1 is HAR's "not applicable".
    page = { startedDateTime: isoTime(ex.timing.start), id: `page_${pages.size + 1}`, title: url, pageTimings: { onContentLoad: -1, onLoad: -1 } };
    pages.set(url, page);
  }
  return page.id;
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((t) => {
    const k = key(t);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The file's text: UTF-8 JSON, indented like Chrome's own HAR files so it diffs well. */
export function harText(har: LlmTraceHar): string {
  return JSON.stringify(har, null, 2) + "\n";
}

/**
 * `<host>-<yyyymmdd-hhmmss>.har`, in local time (it names a file on the user's disk); a port is
 * kept as `_port` (`localhost_5173-…`): a colon is not allowed in file names everywhere.
 */
export function harFileName(hostOrUrl: string, date: Date): string {
  let host = hostOrUrl.trim();
  // Only a URL has "://": "localhost:5173" is a host and port (as a URL it is a scheme and a path).
  if (host.includes("://")) {
    try {
      host = new URL(host).host;
    } catch {
      // keep the text as given
    }
  }
  const port = /:(\d{1,5})$/.exec(host);
  const name = (port ? host.slice(0, port.index) : host).toLowerCase().replace(/[^a-z0-9.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  host = name ? (port ? `${name}_${port[1]}` : name) : "trace";
  const d = Number.isNaN(date.getTime()) ? new Date(0) : date;
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  const stamp = `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return `${host}-${stamp}.har`;
}
