/**
 * Secrets are removed before anything is stored: credential headers, cookies and secret-named
 * URL parameters (secret-names.ts). A redacted value reads `[REDACTED:reason]` so the panel can
 * show that something was there (an auth scheme such as "Bearer" is kept: it helps debugging
 * and is not secret).
 *
 * Beyond these built-ins, `createRedactor(settings)` applies the user's patterns and the
 * enabled detectors (detectors.ts, secret-fields.ts) to URLs, headers and bodies, redacts streamed
 * response bodies chunk by chunk (stream.ts) with the same result as redacting them
 * whole, and redacts what else is stored: interactions and marks, and imported spans.
 */
import type { AttributeValue, CapturedBody, ChunkRecord, Exchange, ExchangeRecord, Header, SpanRecord } from "../contract";
import { detectorRules } from "./detectors";
import { secretNameReason, secretValueReason } from "./secret-names";
import { redactFormLines } from "./secret-fields";
import { DEFAULT_REDACTION, WHERE, normalizeRedaction, userPatternRules, type PatternProblem, type RedactionSettings, type Where } from "./patterns";
import { shapeRegex } from "./regex";
import { redactWhole, renderCuts, type Meter, type Rule } from "./scan";
import { flushStream, pushChunk, pushChunks, releaseStream, startStream, type StreamEngine, type StreamRedactState, type StreamStep } from "./stream";

export type { StreamRedactState, StreamStep } from "./stream";
export type { Where } from "./scan";

/** Headers whose value is a URL: its secret parameters are redacted like any URL's. */
const URL_HEADERS = new Set(["location", "content-location", "referer"]);

export const redactedMark = (reason: string): string => `[REDACTED:${reason}]`;

export function isRedacted(value: string): boolean {
  return value.includes("[REDACTED:");
}

/** Credential headers (secret-names.ts) go whole; an auth scheme such as "Bearer" stays. */
export function redactHeaders(headers: readonly Header[]): Header[] {
  return headers.map(([name, value]): Header => {
    const reason = secretNameReason(name, "header");
    if (!reason) return URL_HEADERS.has(name.toLowerCase()) ? [name, redactUrl(value)] : [name, value];
    if (isRedacted(value)) return [name, value];
    const scheme = reason === "authorization" ? /^(\w+)\s+\S/.exec(value)?.[1] : undefined;
    return [name, scheme ? `${scheme} ${redactedMark(reason)}` : redactedMark(reason)];
  });
}

/**
 * Redacts secret-named parameters (secret-names.ts) of the query and of the fragment (OAuth's
 * implicit flow answers `#access_token=…&id_token=…`; a hash router's `#/cb?code=…`), and a
 * password in the authority, keeping the rest of the URL byte for byte.
 */
export function redactUrl(url: string): string {
  const hash = url.indexOf("#");
  const head = hash < 0 ? url : url.slice(0, hash);
  const q = head.indexOf("?");
  const base = redactUserinfo(q < 0 ? head : head.slice(0, q));
  const query = q < 0 ? "" : `?${redactParams(head.slice(q + 1))}`;
  let fragment = hash < 0 ? "" : url.slice(hash + 1);
  const fq = fragment.indexOf("?");
  if (fq >= 0) fragment = fragment.slice(0, fq + 1) + redactParams(fragment.slice(fq + 1));
  else if (fragment.includes("=")) fragment = redactParams(fragment);
  const out = base + query + (hash < 0 ? "" : `#${fragment}`);
  return out === url ? url : out;
}

/** `name=value&…` with the values of secret names replaced by an encoded mark. */
function redactParams(params: string): string {
  if (!params.includes("=")) return params;
  return params.split("&").map((part) => {
    const eq = part.indexOf("=");
    if (eq <= 0 || eq === part.length - 1) return part;
    const name = part.slice(0, eq);
    const reason = secretNameReason(decodeURIComponentSafe(name.replace(/\+/g, " ")), "url");
    if (!reason || isRedacted(decodeURIComponentSafe(part.slice(eq + 1)))) return part;
    return `${name}=${encodeURIComponent(redactedMark(reason))}`;
  }).join("&");
}

/** scheme://user:password@host: the password goes (fetch refuses such URLs, XHR and links do not). */
function redactUserinfo(head: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/@]*)@/.exec(head);
  const colon = m ? m[2]!.indexOf(":") : -1;
  if (!m || colon < 0 || isRedacted(decodeURIComponentSafe(m[2]!.slice(colon + 1)))) return head;
  return `${m[1]}${m[2]!.slice(0, colon + 1)}${encodeURIComponent(redactedMark("password"))}${head.slice(m[0].length - 1)}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The exchange as it may be stored (live, its record; imported, the exchange: its chunks are left as they are). */
export function redactExchange<R extends ExchangeRecord | Exchange>(ex: R): R {
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
  /** The exchange as it may be stored, record or exchange (its body pieces go through redactChunk or chunkTexts). */
  exchange<R extends ExchangeRecord | Exchange>(record: R): R;
  /**
   * A body known whole in pieces (an imported stream): the same pieces, redacted as one text,
   * so a secret split across two is caught and each piece keeps its place (some may be empty).
   */
  chunkTexts(texts: readonly string[]): string[];
  /** An interaction or mark as it may be stored: page URL, target, name, attribute values. */
  tabEvent<E extends TabEventFields>(event: E): E;
  /** A span as it may be stored (an imported one): its name, attribute and event values. */
  span<S extends Pick<SpanRecord, "name" | "attributes" | "events">>(span: S): S;
  startStream(exchangeId: string): StreamRedactState;
  redactChunk(state: StreamRedactState, chunk: ChunkRecord): StreamStep;
  /** Several chunks at once, in any order. */
  chunks(chunks: readonly ChunkRecord[], state: StreamRedactState): StreamStep;
  flush(state: StreamRedactState, chunkCount?: number): StreamStep;
  /** The stream went quiet: release what is held back (see stream.ts). */
  release(state: StreamRedactState): StreamStep;
}

export interface TabEventFields {
  pageUrl: string;
  target?: string;
  name?: string;
  attributes?: Record<string, string | number | boolean>;
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
  const headers = (hs: readonly Header[]): Header[] =>
    redactHeaders(hs).map(([n, v]): Header => [n, URL_HEADERS.has(n.toLowerCase()) ? url(v) : text(v, "headers")]);
  // FormData as the hook describes it (name=value lines): a secret field's value to its line's end.
  const body = (b: CapturedBody): CapturedBody =>
    (b.text ? { ...b, text: text(b.mimeType?.startsWith("multipart/form-data") ? redactFormLines(b.text, redactedMark) : b.text, "bodies") } : b);
  const attribute = (key: string, v: AttributeValue): AttributeValue => {
    if (typeof v === "string") return attributeText(key, v, text, url);
    if (Array.isArray(v) && v.some((x) => typeof x === "string")) return (v as string[]).map((x) => attributeText(key, x, text, url));
    return v;
  };
  const attributes = <A extends Record<string, AttributeValue>>(a: A): A => {
    const out: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(a)) out[k] = attribute(k, v);
    return out as A;
  };
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
    chunkTexts(texts) {
      const whole = texts.join("");
      const { cuts } = redactWhole(byPlace.bodies, whole, redactedMark, meter);
      if (cuts.length === 0) return [...texts];
      const starts: number[] = [];
      let at = 0;
      for (const t of texts) {
        starts.push(at);
        at += t.length;
      }
      const out = texts.map(() => "");
      for (const piece of renderCuts(whole, 0, 0, whole.length, cuts, redactedMark, starts)) out[piece.seg] += piece.text;
      return out;
    },
    tabEvent(event) {
      return {
        ...event,
        pageUrl: url(event.pageUrl),
        ...(event.target !== undefined ? { target: text(event.target, "bodies") } : {}),
        ...(event.name !== undefined ? { name: text(event.name, "bodies") } : {}),
        ...(event.attributes ? { attributes: attributes(event.attributes) } : {}),
      };
    },
    span(span) {
      return {
        ...span,
        name: text(span.name, "bodies"),
        attributes: attributes(span.attributes),
        ...(span.events ? { events: span.events.map((e) => (e.attributes ? { ...e, attributes: attributes(e.attributes) } : e)) } : {}),
      };
    },
    startStream,
    redactChunk: (state, chunk) => pushChunk(engine, state, chunk),
    chunks: (chunks, state) => pushChunks(engine, state, [...chunks].sort((a, b) => a.seq - b.seq)),
    flush: (state, chunkCount) => flushStream(engine, state, chunkCount),
    release: (state) => releaseStream(engine, state),
  };
  if (key && !meter) cache.set(key, redactor);
  return redactor;
}

/** Attributes holding a URL, or a query string (OpenTelemetry's url.query). */
const isUrlKey = (key: string): boolean => key === "url" || key === "url.full" || key === "url.original" || key === "http.url" || key.endsWith(".url");
/** OpenTelemetry's http.request.header.<name> / http.response.header.<name>. */
const HEADER_KEY = /^http\.(?:request|response)\.header\.(.+)$/;

function attributeText(key: string, value: string, text: (s: string, where: Where) => string, url: (u: string) => string): string {
  if (/^\[REDACTED:[^\]]*\]$/.test(value)) return value;
  if (isUrlKey(key)) return url(value);
  if (key === "url.query") return url(`?${value}`).slice(1);
  const header = HEADER_KEY.exec(key)?.[1];
  const reason = header !== undefined ? secretNameReason(header, "header") : secretValueReason(key.slice(key.lastIndexOf(".") + 1), value, "json");
  if (reason) return redactedMark(reason);
  return text(value, header !== undefined ? "headers" : "bodies");
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
    query && `?${redactParamValues(query.slice(1), red)}`,
    hash && `#${redactFragment(hash.slice(1), red)}`,
  ];
  const out = parts.join("");
  return out === url ? url : out;
}

function redactParamValues(params: string, red: (s: string) => string): string {
  return params.split("&").map((part) => {
    const eq = part.indexOf("=");
    return eq < 0 ? redactComponent(part, red, true) : part.slice(0, eq + 1) + redactComponent(part.slice(eq + 1), red, true);
  }).join("&");
}

/** A fragment holding parameters (`#a=1&b=2`, `#/route?a=1`) is redacted value by value, like a query. */
function redactFragment(fragment: string, red: (s: string) => string): string {
  const q = fragment.indexOf("?");
  if (q >= 0) return redactComponent(fragment.slice(0, q), red, false) + "?" + redactParamValues(fragment.slice(q + 1), red);
  return fragment.includes("=") ? redactParamValues(fragment, red) : redactComponent(fragment, red, false);
}

/** Rules see the decoded text; a changed component is re-encoded (marks read %5BREDACTED%3A…%5D). */
function redactComponent(raw: string, red: (s: string) => string, plusIsSpace: boolean): string {
  if (raw === "") return raw;
  const decoded = decodeURIComponentSafe(plusIsSpace ? raw.replace(/\+/g, " ") : raw);
  const out = red(decoded);
  return out === decoded ? raw : encodeURIComponent(out);
}

/**
 * An imported exchange stored as live capture stores it: redacted with the same redactor, its
 * body pieces redacted as one text (a secret split across two is caught) and keeping their
 * times; a piece left empty goes.
 */
export function redactImportedExchange(ex: Exchange, redactor: Redactor): Exchange {
  const texts = redactor.chunkTexts(ex.chunks.map((c) => c.text));
  return { ...redactor.exchange(ex), chunks: ex.chunks.flatMap((c, i) => (texts[i] ? [{ time: c.time, text: texts[i]! }] : [])) };
}
