/**
 * Secrets are removed before anything is stored: credential headers, cookies and key-like
 * URL parameters. A redacted value reads `[REDACTED:reason]` so the panel can show that
 * something was there (an auth scheme such as "Bearer" is kept: it helps debugging and is
 * not secret).
 *
 * Beyond these built-ins, `createRedactor(settings)` applies the user's patterns and the
 * enabled detectors (pii.ts) to URLs, headers and bodies, and redacts streamed response
 * bodies chunk by chunk (redact-stream.ts) with the same result as redacting them whole.
 */
import type { CapturedBody, Header } from "./exchange";
import type { ChunkRecord, ExchangeRecord } from "./ingest";
import { detectorRules } from "./pii";
import { DEFAULT_REDACTION, WHERE, normalizeRedaction, userPatternRules, type PatternProblem, type RedactionSettings, type Where } from "./redaction-rules";
import { shapeRegex } from "./redact-regex";
import { redactWhole, type Meter, type Rule } from "./redact-scan";
import { flushStream, pushChunk, pushChunks, startStream, type StreamEngine, type StreamRedactState, type StreamStep } from "./redact-stream";

export type { StreamRedactState, StreamStep } from "./redact-stream";
export type { Where } from "./redact-scan";

const SECRET_HEADERS = new Map<string, string>([
  ["authorization", "authorization"],
  ["proxy-authorization", "authorization"],
  ["x-api-key", "api-key"],
  ["api-key", "api-key"],
  ["x-goog-api-key", "api-key"],
  ["cookie", "cookie"],
  ["set-cookie", "cookie"],
]);

/** Query parameters that carry keys or tokens (Gemini's ?key=, OAuth access tokens...). */
const SECRET_PARAMS = new Set(["key", "api_key", "apikey", "api-key", "access_token", "token", "x-goog-api-key"]);

export const redactedMark = (reason: string): string => `[REDACTED:${reason}]`;

export function isRedacted(value: string): boolean {
  return value.includes("[REDACTED:");
}

export function redactHeaders(headers: readonly Header[]): Header[] {
  return headers.map(([name, value]): Header => {
    const reason = SECRET_HEADERS.get(name.toLowerCase());
    if (!reason || isRedacted(value)) return [name, value];
    const scheme = reason === "authorization" ? /^(\w+)\s+\S/.exec(value)?.[1] : undefined;
    return [name, scheme ? `${scheme} ${redactedMark(reason)}` : redactedMark(reason)];
  });
}

/** Redacts secret query parameters, keeping the rest of the URL byte for byte. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const hash = url.indexOf("#", q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  let changed = false;
  const parts = query.split("&").map((part) => {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, " "));
    } catch {
      // keep the raw name
    }
    if (eq < 0 || !SECRET_PARAMS.has(decoded.toLowerCase()) || isRedacted(decodeURIComponentSafe(part.slice(eq + 1)))) return part;
    changed = true;
    return `${name}=${encodeURIComponent(redactedMark("api-key"))}`;
  });
  if (!changed) return url;
  return url.slice(0, q + 1) + parts.join("&") + (hash < 0 ? "" : url.slice(hash));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The exchange as it may be stored. */
export function redactExchange(ex: ExchangeRecord): ExchangeRecord {
  return {
    ...ex,
    ...(ex.pageUrl !== undefined ? { pageUrl: redactUrl(ex.pageUrl) } : {}),
    request: { ...ex.request, url: redactUrl(ex.request.url), headers: redactHeaders(ex.request.headers) },
    ...(ex.response
      ? {
          response: {
            ...ex.response,
            headers: redactHeaders(ex.response.headers),
            ...(ex.response.url !== undefined ? { url: redactUrl(ex.response.url) } : {}),
          },
        }
      : {}),
  };
}

// ---- configurable redaction: user patterns and detectors, whole texts and streams ----

/**
 * Marks already in a text (a record redacted before, an imported file) are kept as they are:
 * re-redacting stored data must change nothing, and no pattern may eat into a mark.
 */
export const MARK_SOURCE = "\\[REDACTED:([^\\[\\]\\n]{1,64})\\]";

let markRule: Rule | undefined;
function existingMarks(): Rule {
  if (markRule) return markRule;
  const shape = shapeRegex(MARK_SOURCE);
  if (!shape.ok) throw new Error(shape.error);
  return (markRule = { key: "mark", reason: "mark", re: new RegExp(shape.source, "gu"), span: shape.span, where: WHERE, reasonOf: (m) => m[1]! });
}

export interface PreviewMatch {
  /** Offsets in the original text. */
  start: number;
  end: number;
  reason: string;
}

export interface Redactor {
  /** User patterns that are not applied, and why (shown in the panel and settings). */
  readonly problems: readonly PatternProblem[];
  /** Characters of a response body held back until the next chunk or the end. */
  readonly window: number;
  /** A free-standing string, with the rules of the given place. */
  text(s: string, where: Where): string;
  /** What `text` would remove, for the settings page's live preview. */
  preview(s: string, where: Where): { redacted: string; matches: PreviewMatch[] };
  /** Built-in secret parameters, then the rules on each decoded path segment, query value and fragment (never scheme or host). */
  url(url: string): string;
  /** Built-in secret headers, then the rules on every value. */
  headers(headers: readonly Header[]): Header[];
  /** The exchange as it may be stored (its streamed chunks go through redactChunk). */
  exchange(record: ExchangeRecord): ExchangeRecord;
  startStream(exchangeId: string): StreamRedactState;
  redactChunk(state: StreamRedactState, chunk: ChunkRecord): StreamStep;
  /** Several chunks at once, in any order. */
  chunks(chunks: readonly ChunkRecord[], state: StreamRedactState): StreamStep;
  flush(state: StreamRedactState, chunkCount?: number): StreamStep;
}

export interface RedactorOptions {
  /** Counts scanning work (tests). */
  meter?: Meter;
}

const cache = new WeakMap<object, Redactor>();

/** A redactor for these settings; rules are compiled once here. */
export function createRedactor(settings: { redaction?: RedactionSettings } = {}, options: RedactorOptions = {}): Redactor {
  const key = settings.redaction;
  if (key && !options.meter) {
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const redaction = normalizeRedaction(settings.redaction ?? DEFAULT_REDACTION);
  const { rules: userRules, problems } = userPatternRules(redaction.patterns);
  // Marks first, then the user's patterns, then detectors: the order decides only which reason
  // a mark shows when removals start at the same character.
  const all = [existingMarks(), ...userRules, ...detectorRules(redaction.detectors)];
  const byPlace = Object.fromEntries(WHERE.map((w) => [w, all.filter((r) => r.where.includes(w))])) as Record<Where, Rule[]>;
  const { meter } = options;

  const text = (s: string, where: Where): string => redactWhole(byPlace[where], s, redactedMark, meter).text;
  const url = (u: string): string => redactUrlParts(redactUrl(u), (s) => text(s, "url"));
  const headers = (hs: readonly Header[]): Header[] => redactHeaders(hs).map(([n, v]): Header => [n, text(v, "headers")]);
  const body = (b: CapturedBody): CapturedBody => (b.text ? { ...b, text: text(b.text, "bodies") } : b);
  const engine: StreamEngine = {
    rules: byPlace.bodies,
    window: Math.max(...byPlace.bodies.map((r) => r.span)),
    mark: redactedMark,
    whole: (s) => text(s, "bodies"),
    ...(meter ? { meter } : {}),
  };

  const redactor: Redactor = {
    problems,
    window: engine.window,
    text,
    preview(s, where) {
      const { text: redacted, cuts } = redactWhole(byPlace[where], s, redactedMark, meter);
      return { redacted, matches: cuts.map(({ start, end, reason }) => ({ start, end, reason })) };
    },
    url,
    headers,
    exchange(record) {
      const ex = redactExchange(record);
      const { request, response, outcome } = ex;
      return {
        ...ex,
        ...(ex.pageUrl !== undefined ? { pageUrl: url(ex.pageUrl) } : {}),
        request: { ...request, url: url(request.url), headers: headers(request.headers), ...(request.body ? { body: body(request.body) } : {}) },
        ...(response
          ? {
              response: {
                ...response,
                headers: headers(response.headers),
                ...(response.url !== undefined ? { url: url(response.url) } : {}),
                ...(response.body ? { body: body(response.body) } : {}),
              },
            }
          : {}),
        // An error message can quote a URL or a body.
        ...(outcome && "errorMessage" in outcome && outcome.errorMessage ? { outcome: { ...outcome, errorMessage: text(outcome.errorMessage, "bodies") } } : {}),
      };
    },
    startStream,
    redactChunk: (state, chunk) => pushChunk(engine, state, chunk),
    chunks: (chunks, state) => pushChunks(engine, state, [...chunks].sort((a, b) => a.seq - b.seq)),
    flush: (state, chunkCount) => flushStream(engine, state, chunkCount),
  };
  if (key && !meter) cache.set(key, redactor);
  return redactor;
}

/** scheme:[//authority] stays as is (it decides how the call is classified); the rest is redacted part by part. */
const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:(?:\/\/[^/?#]*)?|\/\/[^/?#]*)?([^?#]*)(\?[^#]*)?(#[\s\S]*)?$/;

function redactUrlParts(url: string, red: (s: string) => string): string {
  const m = URL_PARTS.exec(url);
  if (!m) return url;
  const [, origin = "", path = "", query = "", hash = ""] = m;
  const parts = [
    origin,
    path.split("/").map((seg) => redactComponent(seg, red, false)).join("/"),
    query && `?${query.slice(1).split("&").map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? redactComponent(part, red, true) : part.slice(0, eq + 1) + redactComponent(part.slice(eq + 1), red, true);
    }).join("&")}`,
    hash && `#${redactComponent(hash.slice(1), red, false)}`,
  ];
  const out = parts.join("");
  return out === url ? url : out;
}

/** Rules see the decoded text; a changed component is re-encoded (marks read %5BREDACTED%3A…%5D). */
function redactComponent(raw: string, red: (s: string) => string, plusIsSpace: boolean): string {
  if (raw === "") return raw;
  const decoded = decodeURIComponentSafe(plusIsSpace ? raw.replace(/\+/g, " ") : raw);
  const out = red(decoded);
  return out === decoded ? raw : encodeURIComponent(out);
}
