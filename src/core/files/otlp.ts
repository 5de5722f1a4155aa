/**
 * OpenTelemetry export in the OTLP/JSON encoding of `/v1/traces` (ExportTraceServiceRequest),
 * so traces open in any OTel backend (Jaeger, Tempo, Langfuse, Phoenix, an OTel Collector):
 * lowercase hex ids, times as decimal strings of ns, enums as their numbers, typed attributes.
 *
 * Decisions:
 * - Spans still in flight are skipped. OTLP has no "unfinished" span; ending them at export time
 *   would record a duration that never happened. Their finished children are kept (backends
 *   show a span whose parent is missing as a root).
 * - Span kind: CLIENT (3) for spans backed by an HTTP exchange (the page called a server),
 *   INTERNAL (1) for the rest. Our own kind (llm, tool, ...) has no OTel equivalent, so it is
 *   carried as the attribute `llm_trace.kind`, which import reads back.
 * - Status message: our `llm_trace.error.message`, else `error.type`, on error spans only.
 */
import { isSpanId, isTraceId, type Attributes, type SpanKind, type SpanRecord, type SpanStatus } from "../contract";
import { isObj, type Obj } from "../providers";
import { msToUnixNanos, unixNanosToMs } from "./nanos";
import type { OtlpKeyValue } from "./otlp-values";
import { fromKeyValues, toKeyValues } from "./otlp-values";
import { SPAN_KINDS } from "./read";
import { compareStartId } from "./session";
import { Warnings } from "./warnings";
import { pageHostOf } from "./page-host";

export type { OtlpAnyValue, OtlpKeyValue } from "./otlp-values";

export const OTLP_SCOPE_NAME = "llm-trace-devtools";
export const KIND_ATTRIBUTE = "llm_trace.kind";

/** OTLP enum values (opentelemetry/proto/trace/v1/trace.proto). */
export const SpanKindCode = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface OtlpResource {
  serviceName: string;
  attributes?: Attributes;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events?: OtlpEvent[];
  status: { code: number; message?: string };
}

export interface OtlpTraces {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

const STATUS_CODES: Record<SpanStatus, number> = { unset: StatusCode.UNSET, ok: StatusCode.OK, error: StatusCode.ERROR };

export function toOtlpSpan(s: SpanRecord): OtlpSpan | undefined {
  if (s.endTime === undefined) return undefined;
  const message = s.status === "error" ? (s.attributes["llm_trace.error.message"] ?? s.attributes["error.type"]) : undefined;
  return {
    traceId: s.traceId.toLowerCase(),
    spanId: s.spanId.toLowerCase(),
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId.toLowerCase() } : {}),
    name: s.name,
    kind: s.exchangeId !== undefined ? SpanKindCode.CLIENT : SpanKindCode.INTERNAL,
    startTimeUnixNano: msToUnixNanos(s.startTime),
    endTimeUnixNano: msToUnixNanos(s.endTime),
    attributes: [...toKeyValues(s.attributes), { key: KIND_ATTRIBUTE, value: { stringValue: s.kind } }],
    ...(s.events?.length ? { events: s.events.map((e) => ({ timeUnixNano: msToUnixNanos(e.time), name: e.name, attributes: toKeyValues(e.attributes ?? {}) })) } : {}),
    status: { code: STATUS_CODES[s.status], ...(typeof message === "string" && message !== "" ? { message } : {}) },
  };
}

/**
 * The resource of the spans of one app (docs/DESIGN.md, "Trace files"): `service.name` is the
 * service being traced, the page's host (`pageHostOf`); this extension is the telemetry SDK that
 * recorded it (`telemetry.sdk.*`), and the instrumentation scope.
 */
export function pageResource(host: string | undefined, version?: string): OtlpResource {
  return {
    serviceName: host ?? "web-page",
    attributes: { "telemetry.sdk.name": OTLP_SCOPE_NAME, "telemetry.sdk.language": "webjs", ...(version !== undefined ? { "telemetry.sdk.version": version } : {}) },
  };
}

/**
 * The spans as OTLP, one resource per page host: each trace goes under the host it was recorded
 * on (else the host of all the spans). What the panel's export and the push both send.
 */
export function toOtlpByPage(spans: readonly SpanRecord[], version?: string): OtlpTraces {
  const byTrace = new Map<string, SpanRecord[]>();
  for (const s of spans) {
    const list = byTrace.get(s.traceId);
    if (list) list.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const fallback = pageHostOf(spans);
  const byHost = new Map<string | undefined, SpanRecord[]>();
  for (const list of byTrace.values()) {
    const host = pageHostOf(list) ?? fallback;
    const group = byHost.get(host);
    if (group) group.push(...list);
    else byHost.set(host, [...list]);
  }
  if (byHost.size === 0) byHost.set(fallback, []);
  return { resourceSpans: [...byHost].map(([host, list]) => toOtlp(list, pageResource(host, version), version).resourceSpans[0]!) };
}

export function toOtlp(spans: readonly SpanRecord[], resource: OtlpResource, scopeVersion?: string): OtlpTraces {
  const seen = new Set<string>();
  const out = [...spans]
    .filter((s) => s.endTime !== undefined && !seen.has(s.spanId) && seen.add(s.spanId))
    .sort((a, b) => compareStartId(a.startTime, a.spanId, b.startTime, b.spanId))
    .map(toOtlpSpan)
    .filter((s): s is OtlpSpan => s !== undefined);
  return {
    resourceSpans: [
      {
        resource: { attributes: toKeyValues({ "service.name": resource.serviceName, ...resource.attributes }) },
        scopeSpans: [{ scope: { name: OTLP_SCOPE_NAME, ...(scopeVersion !== undefined ? { version: scopeVersion } : {}) }, spans: out }],
      },
    ],
  };
}

// ---- push ----

export interface OtlpCollector {
  /** The collector's traces endpoint, or its base URL (then /v1/traces is appended). */
  url: string;
  headers: Record<string, string>;
}

export interface OtlpRequest {
  url: string;
  init: { method: "POST"; headers: Record<string, string>; body: string };
}

/**
 * Where to POST: an URL already ending in /v1/traces is used as is; otherwise it is taken as the
 * base endpoint (like OTEL_EXPORTER_OTLP_ENDPOINT) and /v1/traces is appended.
 */
export function otlpTracesUrl(url: string): string {
  const q = url.search(/[?#]/);
  const path = q < 0 ? url : url.slice(0, q);
  const rest = q < 0 ? "" : url.slice(q);
  if (/\/v1\/traces\/?$/.test(path)) return url;
  // Tried only where a run of slashes begins: /\/+$/ retried inside the run, quadratic on a long one.
  return `${path.replace(/(?<!\/)\/+$/, "")}/v1/traces${rest}`;
}

/**
 * The request that pushes finished spans to a collector, with the resources the export writes
 * (`toOtlpByPage`); the caller does fetch, retries, permissions.
 */
export function otlpRequest(spans: readonly SpanRecord[], collector: OtlpCollector, version?: string): OtlpRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(collector.headers)) if (k.toLowerCase() !== "content-type") headers[k] = v;
  headers["content-type"] = "application/json";
  return { url: otlpTracesUrl(collector.url), init: { method: "POST", headers, body: JSON.stringify(toOtlpByPage(spans, version)) } };
}

// ---- import ----

const OPERATION_KINDS: Record<string, SpanKind> = {
  chat: "llm",
  text_completion: "llm",
  generate_content: "llm",
  embeddings: "embedding",
  retrieval: "retrieval",
  execute_tool: "tool",
  invoke_agent: "agent",
  create_agent: "agent",
};

/**
 * Our kind for a span from any OTel source: `llm_trace.kind` when we wrote it, else the GenAI
 * operation, else HTTP attributes; an unknown root is taken as the user-level request
 * (interaction) and an unknown child as a step of the app's own logic (agent).
 */
function kindOf(attributes: Attributes, hasParent: boolean): SpanKind {
  const own = attributes[KIND_ATTRIBUTE];
  if (typeof own === "string" && SPAN_KINDS.includes(own as SpanKind)) return own as SpanKind;
  const op = attributes["gen_ai.operation.name"];
  if (typeof op === "string" && OPERATION_KINDS[op]) return OPERATION_KINDS[op]!;
  if ("http.request.method" in attributes || "url.full" in attributes || "http.method" in attributes || "http.url" in attributes) return "http";
  return hasParent ? "agent" : "interaction";
}

/** OTLP/JSON ids are hex; some exporters write protobuf's base64 instead: accept both. */
function idOf(v: unknown, bytes: number): string | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  if (v.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(v)) return v.toLowerCase();
  try {
    const bin = atob(v);
    if (bin.length !== bytes) return undefined;
    let hex = "";
    for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
    return hex;
  } catch {
    return undefined;
  }
}

function statusOf(v: unknown): SpanStatus {
  const code = isObj(v) ? v.code : undefined;
  if (code === 2 || code === "STATUS_CODE_ERROR") return "error";
  if (code === 1 || code === "STATUS_CODE_OK") return "ok";
  return "unset";
}

function spanFromOtlp(v: unknown, where: string, now: number, warn: Warnings): SpanRecord | undefined {
  if (!isObj(v)) return void warn.add(`${where} is not an object; skipped`);
  const traceId = idOf(v.traceId, 16);
  const spanId = idOf(v.spanId, 8);
  const startTime = unixNanosToMs(v.startTimeUnixNano);
  if (!isTraceId(traceId) || !isSpanId(spanId)) return void warn.add(`${where} has no valid traceId/spanId; skipped`);
  if (startTime === undefined) return void warn.add(`${where} has no valid startTimeUnixNano; skipped`);
  const parentSpanId = idOf(v.parentSpanId, 8);
  if (v.parentSpanId !== undefined && v.parentSpanId !== "" && !isSpanId(parentSpanId)) warn.add(`${where}: invalid parentSpanId dropped`);
  const end = unixNanosToMs(v.endTimeUnixNano);
  const { attributes, dropped } = fromKeyValues(v.attributes);
  if (dropped > 0) warn.add(`${where}: ${dropped} attribute(s) with unsupported values dropped`);
  const kind = kindOf(attributes, isSpanId(parentSpanId));
  delete attributes[KIND_ATTRIBUTE];
  const status = statusOf(v.status);
  const message = isObj(v.status) && typeof v.status.message === "string" ? v.status.message : "";
  if (status === "error" && attributes["error.type"] === undefined) {
    // Our spans always name the error type; OTel's fallback value is "_OTHER".
    attributes["error.type"] = "_OTHER";
    if (message && attributes["llm_trace.error.message"] === undefined) attributes["llm_trace.error.message"] = message;
  }
  const events = eventsOf(v.events, where, warn);
  return {
    traceId,
    spanId,
    ...(isSpanId(parentSpanId) ? { parentSpanId } : {}),
    name: typeof v.name === "string" && v.name !== "" ? v.name : "(unnamed)",
    kind,
    startTime,
    // A zero end time is how some writers mark an unfinished span.
    ...(end !== undefined && end > 0 ? { endTime: end } : {}),
    status,
    attributes,
    ...(events.length ? { events } : {}),
    tabId: 0,
    updatedAt: now,
  };
}

function eventsOf(v: unknown, where: string, warn: Warnings): NonNullable<SpanRecord["events"]> {
  if (!Array.isArray(v)) return [];
  const out: NonNullable<SpanRecord["events"]> = [];
  for (const e of v) {
    const time = isObj(e) ? unixNanosToMs(e.timeUnixNano) : undefined;
    if (!isObj(e) || time === undefined) {
      warn.add(`${where}: an event without a valid time was dropped`);
      continue;
    }
    const { attributes } = fromKeyValues(e.attributes);
    out.push({ name: typeof e.name === "string" ? e.name : "", time, ...(Object.keys(attributes).length ? { attributes } : {}) });
  }
  return out;
}

/**
 * Spans of an ExportTraceServiceRequest (or several, as the Collector's file exporter writes
 * them one per line). Spans come back without exchanges: OTLP carries no HTTP bodies.
 */
export function spansFromOtlpRequests(requests: readonly Obj[], now: number, warn: Warnings): SpanRecord[] {
  const spans: SpanRecord[] = [];
  const seen = new Set<string>();
  requests.forEach((req, r) => {
    const resourceSpans = Array.isArray(req.resourceSpans) ? req.resourceSpans : [];
    resourceSpans.forEach((rs: unknown, i: number) => {
      // `instrumentationLibrarySpans` is the name before OTLP 0.15; old exporters still write it.
      const scopes = isObj(rs) ? (Array.isArray(rs.scopeSpans) ? rs.scopeSpans : Array.isArray(rs.instrumentationLibrarySpans) ? rs.instrumentationLibrarySpans : []) : [];
      scopes.forEach((ss: unknown, j: number) => {
        const list = isObj(ss) && Array.isArray(ss.spans) ? ss.spans : [];
        list.forEach((v: unknown, k: number) => {
          const where = `${requests.length > 1 ? `line ${r + 1} ` : ""}resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`;
          const span = spanFromOtlp(v, where, now, warn);
          if (!span) return;
          if (seen.has(span.spanId)) return warn.add(`${where}: duplicate span ${span.spanId}; skipped`);
          seen.add(span.spanId);
          spans.push(span);
        });
      });
    });
  });
  return spans;
}

/** Import of OTLP/JSON already parsed: one request object, or an array of them. Never throws. */
export function fromOtlp(json: unknown, now: number = Date.now()): { spans: SpanRecord[]; warnings: string[] } {
  const warn = new Warnings();
  const requests = (Array.isArray(json) ? json : [json]).filter(isObj);
  return { spans: spansFromOtlpRequests(requests, now, warn), warnings: warn.list() };
}
