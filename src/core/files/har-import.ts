/**
 * HAR import: each entry is read either as one of ours (exact, from `_exchange`/`_span`/
 * `_chunkTimes`) or as a foreign HAR entry (re-derived), decided per entry so that a file merged
 * from several sources still imports. Problems with single entries become warnings; only a
 * file with nothing importable is an error.
 */
import { deriveSpan, isObj, type Obj } from "../providers";
import type { Exchange, Span, SpanRecord } from "../contract";
import { importForeignEntry } from "./har-foreign";
import { readOwnEntry } from "./har-own";
import { LLM_TRACE_FORMAT_VERSION } from "./har-types";
import { readFileSpan } from "./read";
import type { TraceSession } from "./session";
import type { Warnings } from "./warnings";

export type HarImport = { ok: true; format: "llm-trace-har" | "har"; session: TraceSession } | { ok: false; error: string };

export function importHar(root: Obj, now: number, warn: Warnings): HarImport {
  const log = root.log;
  if (!isObj(log)) return { ok: false, error: 'This HAR file is invalid: "log" is not an object.' };
  if (!Array.isArray(log.entries)) return { ok: false, error: "This HAR file has no log.entries array." };
  const marker = isObj(log._llmTrace) ? log._llmTrace : undefined;
  if (marker && marker.version !== LLM_TRACE_FORMAT_VERSION) {
    const version = typeof marker.version === "number" || typeof marker.version === "string" ? ` ${marker.version}` : "";
    warn.add(`This file was written by another version of LLM Trace (format${version}); imported as far as it is understood`);
  }

  const spans: SpanRecord[] = [];
  const exchanges: Exchange[] = [];
  const spanIds = new Set<string>();
  const exchangeIds = new Set<string>();
  const addSpan = (s: Span, where: string): void => {
    if (spanIds.has(s.spanId)) return warn.add(`${where}: duplicate span ${s.spanId}; skipped`);
    spanIds.add(s.spanId);
    spans.push({ ...s, tabId: 0, updatedAt: now });
  };
  const addExchange = (ex: Exchange, where: string): boolean => {
    if (exchangeIds.has(ex.id)) {
      warn.add(`${where}: duplicate exchange ${ex.id}; skipped`);
      return false;
    }
    exchangeIds.add(ex.id);
    exchanges.push(ex);
    for (const [which, body] of [["request", ex.request.body], ["response", ex.response?.body]] as const) {
      if (body?.mimeTypeDropped) warn.add(`${where}: the ${which} body's content type was not a valid media type and was dropped`);
    }
    return true;
  };

  const pageUrls = pageUrlsOf(log.pages);
  let notCalls = 0;
  let firstProblem: string | undefined;
  log.entries.forEach((entry: unknown, i: number) => {
    const where = `entry ${i}`;
    if (!isObj(entry)) {
      firstProblem ??= `entry ${i} is not an object`;
      return warn.add(`${where} is not an object; skipped`);
    }
    const own = readOwnEntry(entry, where, warn);
    if (own) {
      if (!addExchange(own, where)) return;
      if (entry._span === undefined) return;
      const span = readFileSpan(entry._span, `${where} _span`, warn, "span re-derived from the exchange");
      if (span) addSpan(span, where);
      else addSpan(rederive(own, now), where);
      return;
    }
    const foreign = importForeignEntry(entry, pageUrls, now);
    if ("skipped" in foreign) {
      if (foreign.skipped === "not-a-call") notCalls++;
      else {
        firstProblem ??= `entry ${i} ${foreign.reason}`;
        warn.add(`${where} ${foreign.reason}; skipped`);
      }
      return;
    }
    if (addExchange(foreign.exchange, where)) for (const span of foreign.spans) addSpan(span, where);
  });
  if (notCalls > 0) warn.add(`${notCalls} entries that are not fetch, XHR, EventSource or WebSocket calls (documents, scripts, images…) were skipped`);

  if (log._spans !== undefined && !Array.isArray(log._spans)) warn.add("log._spans is not an array; ignored");
  if (Array.isArray(log._spans)) {
    log._spans.forEach((v: unknown, i: number) => {
      const span = readFileSpan(v, `log._spans[${i}]`, warn);
      if (span) addSpan(span, `log._spans[${i}]`);
    });
  }

  if (spans.length === 0 && exchanges.length === 0 && firstProblem !== undefined) {
    return { ok: false, error: `Nothing in this HAR file could be imported: ${firstProblem}.` };
  }
  if (log.entries.length === 0 && spans.length === 0) warn.add("The HAR file has no entries");
  return { ok: true, format: marker ? "llm-trace-har" : "har", session: { spans, exchanges } };
}

/** Pages whose title is a URL (Chrome titles pages with the document URL) give entries their pageUrl. */
function pageUrlsOf(pages: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!Array.isArray(pages)) return out;
  for (const p of pages) {
    if (!isObj(p) || typeof p.id !== "string") continue;
    const url = typeof p.title === "string" && /^https?:\/\//i.test(p.title) ? p.title : undefined;
    if (url) out.set(p.id, url);
  }
  return out;
}

/** Our entry whose `_span` was damaged: the exchange is intact, so derive its span again. */
function rederive(ex: Exchange, now: number): Span {
  const { tabId: _t, updatedAt: _u, ...span } = deriveSpan(ex, { tabId: 0 }, now);
  return span;
}
