/**
 * The background's check of what crosses from a page. A page can always forge what its hook
 * would send (it shares the hook's realm), so every field of every event is checked against
 * its type and a bound, and an event carrying anything else is rejected whole: never stored,
 * never retried. The bounds are those of what the hook can produce: bodies at most the capture
 * cap, URLs at most the browser's own URL limit.
 */
import { DEFAULT_BODY_CAP, isSpanId, type CaptureEvent } from "../contract";
import { approximateBytes } from "./size";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Chromium's own limit on a URL (Firefox's is lower). */
const MAX_URL = 2 * MiB;
const MAX_HEADERS = 1000;
const MAX_HEADER_NAME = 8 * KiB;
const MAX_HEADER_VALUE = 256 * KiB;
const MAX_HEADERS_CHARS = MiB;
const MAX_METHOD = 64;
const MAX_STATUS_TEXT = KiB;
const MAX_MIME = KiB;
/** Response.type: basic, cors, default, error, opaque, opaqueredirect. */
const MAX_RESPONSE_TYPE = 32;
const MAX_ERROR_NAME = KiB;
/** An abort reason is any string the page chose. */
const MAX_ERROR_MESSAGE = 64 * KiB;
const MAX_TARGET = 2 * KiB;
/** The hook keeps a mark's name to 200 characters, its attribute values to 1000, 32 of them. */
const MAX_MARK_NAME = 200;
const MAX_ATTRIBUTES = 32;
const MAX_ATTRIBUTE_KEY = KiB;
const MAX_ATTRIBUTE_VALUE = 1000;
/** Pieces of body in one chunks event (one per network read since the hook's last batch). */
const MAX_PIECES = 100_000;
const MAX_SEQ = 2 ** 31;
/**
 * Slack over the capture cap: the hook cuts bytes at the cap and its decoder may flush a few
 * characters more at the end.
 */
const CAP_SLACK = 16;
/** What an event may weigh besides its body text: URLs, headers, names. */
const METADATA_ALLOWANCE = 4 * MiB;

export interface EventLimits {
  /** Longest body text an event may carry (the capture cap, in characters). */
  bodyChars: number;
  /** Most an event may weigh in all (see eventBytes). */
  eventBytes: number;
}

/**
 * Limits for a capture cap from the settings. Never below the default cap: a page's first
 * events are captured before its hook has been told the user's setting.
 */
export function eventLimits(bodyCapBytes: number): EventLimits {
  const bodyChars = Math.max(bodyCapBytes, DEFAULT_BODY_CAP) + CAP_SLACK;
  return { bodyChars, eventBytes: bodyChars + METADATA_ALLOWANCE };
}

export const DEFAULT_EVENT_LIMITS = eventLimits(DEFAULT_BODY_CAP);

type Check = (v: unknown, limits: EventLimits) => boolean;

const str = (max: number) => (v: unknown): boolean => typeof v === "string" && v.length <= max;
const num = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v);
const count = (max: number) => (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= max;
const bool = (v: unknown): boolean => typeof v === "boolean";
const oneOf = (...values: string[]) => (v: unknown): boolean => typeof v === "string" && values.includes(v);

/** A plain object with exactly these required and optional fields, each passing its check. */
function shape(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, limits) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      // Own fields only: "constructor" or "__proto__" must not find Object.prototype's.
      const check = Object.hasOwn(required, key) ? required[key] : Object.hasOwn(optional, key) ? optional[key] : undefined;
      if (!check || !check(o[key], limits)) return false;
    }
    for (const key of Object.keys(required)) if (!Object.hasOwn(o, key)) return false;
    return true;
  };
}

/** Indexes, not every(): a structured-cloned array may have holes, which every() skips. */
const headers: Check = (v) => {
  if (!Array.isArray(v) || v.length > MAX_HEADERS) return false;
  let chars = 0;
  for (let i = 0; i < v.length; i++) {
    const h: unknown = v[i];
    if (!Array.isArray(h) || h.length !== 2) return false;
    const [name, value] = h as unknown[];
    if (typeof name !== "string" || name.length > MAX_HEADER_NAME || typeof value !== "string" || value.length > MAX_HEADER_VALUE) return false;
    chars += name.length + value.length;
  }
  return chars <= MAX_HEADERS_CHARS;
};

const body = shape({}, {
  text: (v, limits) => typeof v === "string" && v.length <= limits.bodyChars,
  size: (v) => num(v) && (v as number) >= 0,
  mimeType: str(MAX_MIME),
  truncated: bool,
  omitted: oneOf("binary", "stream", "policy", "fast-path"),
});

const outcome: Check = (v, limits) =>
  (v as { state?: unknown } | null)?.state === "ok"
    ? shape({ state: oneOf("ok") })(v, limits)
    : shape({ state: oneOf("error", "abort", "timeout") }, { errorName: str(MAX_ERROR_NAME), errorMessage: str(MAX_ERROR_MESSAGE) })(v, limits);

const attributes: Check = (v) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  if (keys.length > MAX_ATTRIBUTES) return false;
  for (const key of keys) {
    const value = (v as Record<string, unknown>)[key];
    if (key.length > MAX_ATTRIBUTE_KEY) return false;
    if (!(str(MAX_ATTRIBUTE_VALUE)(value) || num(value) || bool(value))) return false;
  }
  return true;
};

const chunkTimes: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_PIECES) return false;
  for (let i = 0; i < v.length; i++) if (!num(v[i])) return false;
  return true;
};

/** One batch of an exchange's body: at most a whole capped body. */
const chunkTexts: Check = (v, limits) => {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_PIECES) return false;
  let chars = 0;
  for (let i = 0; i < v.length; i++) {
    const text: unknown = v[i];
    if (typeof text !== "string") return false;
    chars += text.length;
  }
  return chars <= limits.bodyChars;
};

const id: Check = (v) => isSpanId(v);
const url = str(MAX_URL);

const EVENTS: Record<CaptureEvent["t"], Check> = {
  request: shape(
    { t: oneOf("request"), id, transport: oneOf("fetch", "xhr"), time: num, method: str(MAX_METHOD), url, headers, pageUrl: url },
    { body, replayOf: id, replayGroup: id, network: shape({ initiator: url }) },
  ),
  response: shape(
    { t: oneOf("response"), id, time: num, status: count(999), statusText: str(MAX_STATUS_TEXT), headers },
    { url, redirected: bool, type: str(MAX_RESPONSE_TYPE), body },
  ),
  chunks: (v, limits) => {
    if (!shape({ t: oneOf("chunks"), id, seq: count(MAX_SEQ), times: chunkTimes, texts: chunkTexts })(v, limits)) return false;
    const e = v as { seq: number; times: unknown[]; texts: unknown[] };
    return e.times.length === e.texts.length && e.seq + e.texts.length <= MAX_SEQ;
  },
  end: shape(
    { t: oneOf("end"), id, time: num, outcome, chunks: count(MAX_SEQ) },
    { size: (v) => num(v) && (v as number) >= 0, truncated: bool, binary: bool },
  ),
  interaction: shape({ t: oneOf("interaction"), id, time: num, action: oneOf("click", "submit", "keydown"), target: str(MAX_TARGET), pageUrl: url }),
  mark: shape(
    { t: oneOf("mark"), id, time: num, phase: oneOf("start", "end"), pageUrl: url },
    { name: str(MAX_MARK_NAME), attributes },
  ),
};

/** Whether a value is a capture event the hook could have sent, within `limits`. */
export function isCaptureEvent(e: unknown, limits: EventLimits = DEFAULT_EVENT_LIMITS): e is CaptureEvent {
  if (typeof e !== "object" || e === null) return false;
  const t = (e as { t?: unknown }).t;
  const check = typeof t === "string" && Object.hasOwn(EVENTS, t) ? EVENTS[t as CaptureEvent["t"]] : undefined;
  return check !== undefined && check(e, limits) && eventBytes(e as CaptureEvent) <= limits.eventBytes;
}

/**
 * About what an event weighs, in bytes (see approximateBytes): for the per-event cap and the
 * per-tab byte rate. Only for events that passed the shape checks (their depth is bounded).
 */
export function eventBytes(e: CaptureEvent): number {
  return approximateBytes(e);
}
