/**
 * Our OTLP/JSON against OpenTelemetry's own code, from @opentelemetry/otlp-transformer:
 * 1. its protobuf definitions (the protobufjs module it generated from opentelemetry-proto's
 *    trace.proto and trace_service.proto): our JSON is loaded into ExportTraceServiceRequest,
 *    encoded to protobuf bytes, decoded again and must come back unchanged (a misnamed or
 *    mistyped field would be dropped or coerced), and the decoded message imports into the same
 *    spans;
 * 2. its JSON serializer (the code path of the OTel JS SDK's OTLP/HTTP JSON exporter): the same
 *    spans given to it as SDK ReadableSpans must serialize to the same structure as ours.
 * Version 0.57.x is used because later versions no longer ship the generated protobuf module.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { fromOtlp, toOtlp } from "../../../src/core/files";
import type { SpanRecord } from "../../../src/core/contract";
import { fullSession } from "../../fixtures/files/session";

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const root = require("@opentelemetry/otlp-transformer/build/src/generated/root.js") as any;
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const finished = (): SpanRecord[] => {
  const spans = fullSession().spans.filter((s) => s.endTime !== undefined);
  return spans.filter((s, i) => spans.findIndex((x) => x.spanId === s.spanId) === i);
};
const RESOURCE = { serviceName: "chat.example.com", attributes: { "browser.name": "Chromium", "llm_trace.tab": 3 } };

/** OTLP/JSON writes ids as hex; protobuf's object form wants bytes. */
function mapIds(value: unknown, f: (id: string) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapIds(v, f));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, ["traceId", "spanId", "parentSpanId"].includes(k) && typeof v === "string" ? f(v) : mapIds(v, f)]));
}

/**
 * proto3 treats default values (0, "", empty lists) as absent; protobufjs keeps a 0 that was set
 * explicitly. Both sides are compared without them.
 */
function withoutDefaults(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDefaults);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === 0 || v === "" || v === undefined || (Array.isArray(v) && v.length === 0)) continue;
    out[k] = withoutDefaults(v);
  }
  return out;
}

describe("OTLP/JSON decodes with the OpenTelemetry protobuf definitions", () => {
  const spans = finished();
  const ours = JSON.parse(JSON.stringify(toOtlp(spans, RESOURCE, "0.1.0")));

  it("loads, encodes and decodes back to exactly our JSON", () => {
    const message = Request.fromObject(mapIds(ours, (hex) => Buffer.from(hex, "hex")));
    const bytes: Uint8Array = Request.encode(message).finish();
    assert.ok(bytes.length > 1000);
    const decoded = Request.toObject(Request.decode(bytes), { longs: String, enums: Number, bytes: String });
    const asJson = mapIds(decoded, (b64) => Buffer.from(b64, "base64").toString("hex"));
    assert.deepEqual(withoutDefaults(asJson), withoutDefaults(ours));
  });

  it("the decoded message imports into the same spans", () => {
    const message = Request.decode(Request.encode(Request.fromObject(mapIds(ours, (hex) => Buffer.from(hex, "hex")))).finish());
    const json = mapIds(Request.toObject(message, { longs: String, enums: Number, bytes: String }), (b64) => Buffer.from(b64, "base64").toString("hex"));
    const back = fromOtlp(json, 0);
    assert.deepEqual(back.warnings, []);
    const strip = ({ tabId: _t, updatedAt: _u, exchangeId: _e, frameId: _f, ...s }: SpanRecord) => s;
    assert.deepEqual(back.spans.map(strip), [...spans].sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId)).map(strip));
  });
});

describe("OTLP/JSON matches the OpenTelemetry JS SDK's JSON exporter", () => {
  type SdkSpans = Parameters<typeof JsonTraceSerializer.serializeRequest>[0];
  /** @opentelemetry/api SpanKind: it has no UNSPECIFIED, so INTERNAL = 0 and CLIENT = 2. */
  const API_INTERNAL = 0;
  const API_CLIENT = 2;

  /**
   * Our spans as the SDK's ReadableSpan, built from the spans themselves (kind, status, ids,
   * attributes, events), not from our encoder. Only times are taken from our output, as
   * [seconds, nanos] of the exact ns value: the SDK's own millisToHrTime divides floats and would
   * be off by a few hundred ns (the ns conversion is tested on its own in otlp.test.ts).
   */
  function sdkSpans(spans: SpanRecord[]): SdkSpans {
    const payload = toOtlp(spans, RESOURCE, "0.1.0");
    const resource = { attributes: { "service.name": RESOURCE.serviceName, ...RESOURCE.attributes } };
    const hr = (ns: string): [number, number] => [Number(BigInt(ns) / 1_000_000_000n), Number(BigInt(ns) % 1_000_000_000n)];
    const sorted = [...spans].sort((a, b) => a.startTime - b.startTime || a.spanId.localeCompare(b.spanId));
    return sorted.map((s, i) => {
      const ours = payload.resourceSpans[0]!.scopeSpans[0]!.spans[i]!;
      return {
        name: s.name,
        kind: s.exchangeId !== undefined ? API_CLIENT : API_INTERNAL,
        spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
        parentSpanId: s.parentSpanId,
        startTime: hr(ours.startTimeUnixNano),
        endTime: hr(ours.endTimeUnixNano),
        status: { code: { unset: 0, ok: 1, error: 2 }[s.status], ...(s.status === "error" ? { message: s.attributes["llm_trace.error.message"] ?? s.attributes["error.type"] } : {}) },
        attributes: { ...s.attributes, "llm_trace.kind": s.kind },
        links: [],
        events: (s.events ?? []).map((e, j) => ({ name: e.name, time: hr(ours.events![j]!.timeUnixNano), attributes: e.attributes ?? {} })),
        duration: [0, 0],
        ended: true,
        resource,
        instrumentationLibrary: { name: "llm-trace-devtools", version: "0.1.0" },
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      };
    }) as unknown as SdkSpans;
  }

  /**
   * Differences the OTLP/JSON mapping allows: the SDK writes int64 as a JSON number (we write the
   * string form the proto3 JSON mapping specifies) and may mix intValue and doubleValue in one
   * array (we keep arrays homogeneous, as OTel requires, writing all as doubles). Numbers are
   * compared by value, and zero counts and empty lists are left out.
   */
  function normalize(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(normalize);
    if (typeof value !== "object" || value === null) return value;
    const o = value as Record<string, unknown>;
    if ("intValue" in o) return { number: Number(o.intValue) };
    if ("doubleValue" in o) return { number: o.doubleValue };
    return withoutDefaults(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, normalize(v)])));
  }

  it("serializes the same spans to the same structure", () => {
    const spans = finished();
    const sdk = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sdkSpans(spans))));
    const ours = JSON.parse(JSON.stringify(toOtlp(spans, RESOURCE, "0.1.0")));
    assert.deepEqual(normalize(ours), normalize(sdk));
  });
});
