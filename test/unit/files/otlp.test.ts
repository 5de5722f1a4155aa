/** OTLP/JSON export and import: encoding details, precision, kinds, status, attribute types. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { msToUnixNanos, unixNanosToMs } from "../../../src/core/files/nanos";
import { fromOtlp, otlpRequest, otlpTracesUrl, pageHostOf, toOtlp, toOtlpByPage, type OtlpSpan } from "../../../src/core/files";
import type { SpanRecord } from "../../../src/core/contract";
import { T0 } from "../../fixtures/providers/make-exchange";
import { fullSession, supportBotTrace, TRACE } from "../../fixtures/files/session";
import { prng } from "../providers/random";

const spanOf = (over: Partial<SpanRecord> = {}): SpanRecord => ({
  traceId: TRACE, spanId: "b000000000000001", name: "s", kind: "agent", startTime: T0, endTime: T0 + 1, status: "ok", attributes: {}, tabId: 1, updatedAt: 0, ...over,
});
const only = (s: SpanRecord): OtlpSpan => toOtlp([s], { serviceName: "svc" }).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;

describe("ms -> ns strings", () => {
  it("keeps the sub-millisecond digits exactly (no float multiplication)", () => {
    assert.equal(msToUnixNanos(1700000000300.123), "1700000000300123000");
    assert.equal(msToUnixNanos(1700000000300.1235), "1700000000300123500");
    assert.equal(msToUnixNanos(1700000000300), "1700000000300000000");
    assert.equal(msToUnixNanos(0.5), "500000");
    assert.equal(msToUnixNanos(1.0000005), "1000001"); // rounds half up at the nanosecond
    assert.equal(msToUnixNanos(1.0000004), "1000000");
    assert.equal(msToUnixNanos(1e21), "18446744073709551615"); // fixed64 maximum
    assert.equal(msToUnixNanos(1e13), "10000000000000000000");
    assert.equal(msToUnixNanos(1.5e-7), "0");
    assert.equal(msToUnixNanos(6e-7), "1");
    assert.equal(msToUnixNanos(-5), "0");
    assert.equal(msToUnixNanos(Number.NaN), "0");
    // What naive code would write instead:
    assert.notEqual(String(Math.round(1700000000300.123 * 1e6)), "1700000000300123000");
  });

  it("round-trips every epoch time with a fraction back to the very same double", () => {
    const rand = prng(42);
    for (let i = 0; i < 20000; i++) {
      const ms = T0 + rand() * 1e9 + Math.floor(rand() * 1e6) / 1e6 * (i % 3);
      const ns = msToUnixNanos(ms);
      assert.match(ns, /^\d+$/);
      assert.equal(unixNanosToMs(ns), ms, `${ms} -> ${ns}`);
    }
  });

  it("reads ns as strings or numbers and rejects garbage", () => {
    assert.equal(unixNanosToMs("1700000000300123000"), 1700000000300.123);
    assert.equal(unixNanosToMs(1_000_000), 1);
    assert.equal(unixNanosToMs("0"), 0);
    assert.equal(unixNanosToMs("-1"), undefined);
    assert.equal(unixNanosToMs("1e9"), undefined);
    assert.equal(unixNanosToMs(null), undefined);
  });
});

describe("toOtlp", () => {
  it("writes the /v1/traces shape: resource with service.name, our scope, spans", () => {
    const out = toOtlp(supportBotTrace().spans, { serviceName: "chat.example.com", attributes: { "browser.name": "Chrome" } }, "0.1.0");
    assert.equal(out.resourceSpans.length, 1);
    assert.deepEqual(out.resourceSpans[0]!.resource.attributes, [
      { key: "service.name", value: { stringValue: "chat.example.com" } },
      { key: "browser.name", value: { stringValue: "Chrome" } },
    ]);
    assert.deepEqual(out.resourceSpans[0]!.scopeSpans[0]!.scope, { name: "llm-trace-devtools", version: "0.1.0" });
    assert.equal(out.resourceSpans[0]!.scopeSpans[0]!.spans.length, 7);
  });

  it("uses lowercase hex ids, omits parentSpanId on roots, and writes times as ns strings", () => {
    const root = only(spanOf({ traceId: TRACE.toUpperCase(), spanId: "B000000000000001", startTime: T0 + 0.25, endTime: T0 + 10.5 }));
    assert.equal(root.traceId, TRACE);
    assert.equal(root.spanId, "b000000000000001");
    assert.equal("parentSpanId" in root, false);
    assert.equal(root.startTimeUnixNano, "1700000000000250000");
    assert.equal(root.endTimeUnixNano, "1700000000010500000");
    assert.equal(only(spanOf({ parentSpanId: "c000000000000001" })).parentSpanId, "c000000000000001");
  });

  it("kind is CLIENT (3) for HTTP-backed spans and INTERNAL (1) otherwise; our kind rides in llm_trace.kind", () => {
    const client = only(spanOf({ kind: "llm", exchangeId: "b000000000000001" }));
    assert.equal(client.kind, 3);
    assert.deepEqual(client.attributes.at(-1), { key: "llm_trace.kind", value: { stringValue: "llm" } });
    assert.equal(only(spanOf({ kind: "tool" })).kind, 1);
  });

  it("maps status to codes 0/1/2 with the error message", () => {
    assert.deepEqual(only(spanOf({ status: "unset" })).status, { code: 0 });
    assert.deepEqual(only(spanOf({ status: "ok" })).status, { code: 1 });
    assert.deepEqual(only(spanOf({ status: "error", attributes: { "error.type": "rate_limit_error", "llm_trace.error.message": "Too many requests" } })).status, { code: 2, message: "Too many requests" });
    assert.deepEqual(only(spanOf({ status: "error", attributes: { "error.type": "AbortError" } })).status, { code: 2, message: "AbortError" });
  });

  it("types attribute values as OTLP AnyValue (int64 as string, homogeneous arrays)", () => {
    const s = only(spanOf({ attributes: { s: "x", i: 42, d: 0.7, b: false, ss: ["a", "b"], ii: [1, 2], mixed: [1, 2.5], huge: 2 ** 60, neg: -3 } }));
    const v = Object.fromEntries(s.attributes.map((a) => [a.key, a.value]));
    assert.deepEqual(v.s, { stringValue: "x" });
    assert.deepEqual(v.i, { intValue: "42" });
    assert.deepEqual(v.neg, { intValue: "-3" });
    assert.deepEqual(v.d, { doubleValue: 0.7 });
    assert.deepEqual(v.b, { boolValue: false });
    assert.deepEqual(v.ss, { arrayValue: { values: [{ stringValue: "a" }, { stringValue: "b" }] } });
    assert.deepEqual(v.ii, { arrayValue: { values: [{ intValue: "1" }, { intValue: "2" }] } });
    assert.deepEqual(v.mixed, { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 2.5 }] } });
    assert.deepEqual(v.huge, { doubleValue: 2 ** 60 });
  });

  it("writes events with timeUnixNano and typed attributes", () => {
    const s = only(spanOf({ events: [{ name: "exception", time: T0 + 0.5, attributes: { "exception.type": "overloaded_error" } }, { name: "mark", time: T0 }] }));
    assert.deepEqual(s.events, [
      { timeUnixNano: "1700000000000500000", name: "exception", attributes: [{ key: "exception.type", value: { stringValue: "overloaded_error" } }] },
      { timeUnixNano: "1700000000000000000", name: "mark", attributes: [] },
    ]);
  });

  it("skips spans still in flight (OTLP has no unfinished span)", () => {
    const spans = [spanOf(), spanOf({ spanId: "b000000000000002", endTime: undefined })];
    assert.deepEqual(toOtlp(spans, { serviceName: "s" }).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.spanId), ["b000000000000001"]);
  });
});

describe("fromOtlp", () => {
  const strip = ({ tabId: _t, updatedAt: _u, exchangeId: _e, frameId: _f, ...s }: SpanRecord) => s;
  it("gives back our finished spans exactly (kind from llm_trace.kind), without exchanges", () => {
    const spans = fullSession().spans.filter((s) => s.endTime !== undefined);
    const back = fromOtlp(JSON.parse(JSON.stringify(toOtlp(spans, { serviceName: "x" }))), 5);
    assert.deepEqual(back.warnings, []);
    const key = (s: { spanId: string }) => s.spanId;
    const unique = spans.filter((s, i) => spans.findIndex((x) => key(x) === key(s)) === i);
    assert.deepEqual(back.spans.map(strip).sort((a, b) => key(a).localeCompare(key(b))), unique.map(strip).sort((a, b) => key(a).localeCompare(key(b))));
    assert.ok(back.spans.every((s) => s.tabId === 0 && s.updatedAt === 5 && s.exchangeId === undefined));
  });

  it("reads OTLP from other tools: base64 ids, enum names, int64 numbers, maps and mixed arrays, no kind attribute", () => {
    const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");
    const json = {
      resourceSpans: [{
        resource: { attributes: [] },
        scopeSpans: [{
          scope: { name: "openllmetry" },
          spans: [
            { traceId: b64(TRACE), spanId: b64("1111111111111111"), parentSpanId: "", name: "workflow", kind: "SPAN_KIND_INTERNAL", startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: "1700000000500000000", attributes: [{ key: "n", value: { intValue: 7 } }, { key: "m", value: { kvlistValue: { values: [{ key: "a", value: { stringValue: "b" } }] } } }, { key: "mix", value: { arrayValue: { values: [{ stringValue: "a" }, { intValue: "1" }] } } }], status: {} },
            { traceId: TRACE.toUpperCase(), spanId: "2222222222222222", parentSpanId: "1111111111111111", name: "openai.chat", kind: 3, startTimeUnixNano: "1700000000100000000", endTimeUnixNano: "1700000000400000000", attributes: [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }], status: { code: "STATUS_CODE_ERROR", message: "boom" } },
            { traceId: TRACE, spanId: "3333333333333333", parentSpanId: "1111111111111111", name: "GET", kind: 3, startTimeUnixNano: "1700000000100000000", endTimeUnixNano: "1700000000200000000", attributes: [{ key: "http.request.method", value: { stringValue: "GET" } }], status: { code: 1 } },
            { traceId: TRACE, spanId: "4444444444444444", parentSpanId: "1111111111111111", name: "step", startTimeUnixNano: "1700000000100000000", endTimeUnixNano: "0", attributes: [] },
            { traceId: "nope", spanId: "5555555555555555", startTimeUnixNano: "1" },
          ],
        }],
      }],
    };
    const { spans, warnings } = fromOtlp(json, 1);
    assert.equal(spans.length, 4);
    assert.deepEqual(warnings, ["resourceSpans[0].scopeSpans[0].spans[4] has no valid traceId/spanId; skipped"]);
    const [root, chat, http, step] = spans;
    assert.deepEqual([root!.kind, chat!.kind, http!.kind, step!.kind], ["interaction", "llm", "http", "agent"]);
    assert.equal(root!.traceId, TRACE);
    assert.equal(root!.spanId, "1111111111111111");
    assert.equal(root!.parentSpanId, undefined);
    assert.equal(root!.startTime, 1_700_000_000_000);
    assert.deepEqual(root!.attributes, { n: 7, m: "{\"a\":\"b\"}", mix: "[\"a\",1]" });
    assert.equal(chat!.traceId, TRACE);
    assert.equal(chat!.status, "error");
    assert.equal(chat!.attributes["error.type"], "_OTHER");
    assert.equal(chat!.attributes["llm_trace.error.message"], "boom");
    assert.equal(http!.status, "ok");
    assert.equal(step!.endTime, undefined);
  });

  it("bounds deeply nested values instead of recursing without limit", () => {
    let deep: unknown = { stringValue: "x" };
    for (let i = 0; i < 10000; i++) deep = { arrayValue: { values: [deep] } };
    const json = { resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: "1111111111111111", startTimeUnixNano: "1", endTimeUnixNano: "2", attributes: [{ key: "deep", value: deep }] }] }] }] };
    const { spans } = fromOtlp(json);
    assert.equal(typeof spans[0]!.attributes.deep, "string");
  });
});

describe("service.name: the app being traced", () => {
  const span = (traceId: string, spanId: string, attributes: SpanRecord["attributes"]): SpanRecord => spanOf({ traceId, spanId, attributes });
  const resource = (out: ReturnType<typeof toOtlpByPage>, i = 0) => Object.fromEntries(out.resourceSpans[i]!.resource.attributes.map((a) => [a.key, (a.value as { stringValue?: string }).stringValue]));

  it("is the page's host with its port, the extension being the telemetry SDK; push and export alike", () => {
    const spans = [
      span(TRACE, "b000000000000001", { "llm_trace.page.url": "http://localhost:5173/chat?x=1" }),
      span(TRACE, "b000000000000002", { "url.full": "https://api.openai.com/v1/chat/completions" }),
    ];
    const out = toOtlpByPage(spans, "0.1.0");
    assert.deepEqual(resource(out), {
      "service.name": "localhost:5173", "telemetry.sdk.name": "llm-trace-devtools", "telemetry.sdk.language": "webjs", "telemetry.sdk.version": "0.1.0",
    });
    assert.deepEqual(JSON.parse(otlpRequest(spans, { url: "http://c:4318", headers: {} }, "0.1.0").init.body), out);
  });

  it("without a page URL, the host of the app's own backend, never a model provider's", () => {
    assert.equal(pageHostOf(supportBotTrace().spans), "app.example.com");
    assert.equal(pageHostOf([span(TRACE, "b000000000000002", { "url.full": "https://api.openai.com/v1/chat/completions" })]), undefined);
    assert.equal(resource(toOtlpByPage([span(TRACE, "b000000000000002", { "url.full": "https://api.openai.com/v1/chat/completions" })]))["service.name"], "web-page");
  });

  it("traces from two pages go under two resources; a trace with no host of its own joins the others' host", () => {
    const other = "c".repeat(32);
    const third = "d".repeat(32);
    const out = toOtlpByPage([
      span(TRACE, "b000000000000001", { "llm_trace.page.url": "https://a.example/" }),
      span(other, "b000000000000002", { "llm_trace.page.url": "https://b.example:8443/" }),
      span(third, "b000000000000003", { "url.full": "https://api.anthropic.com/v1/messages" }),
    ]);
    assert.deepEqual(out.resourceSpans.map((_, i) => resource(out, i)["service.name"]), ["a.example", "b.example:8443"]);
    assert.deepEqual(out.resourceSpans.map((r) => r.scopeSpans[0]!.spans.map((s) => s.spanId)), [["b000000000000001", "b000000000000003"], ["b000000000000002"]]);
    assert.deepEqual(fromOtlp(JSON.parse(JSON.stringify(out))).spans.map((s) => s.spanId).sort(), ["b000000000000001", "b000000000000002", "b000000000000003"]);
  });
});

describe("otlpRequest", () => {
  it("is a pure POST of the OTLP JSON to the traces endpoint, with the user's headers", () => {
    const spans = supportBotTrace().spans;
    const r = otlpRequest(spans, { url: "http://localhost:4318", headers: { Authorization: "Basic abc", "Content-Type": "text/plain" } }, "0.1.0");
    assert.equal(r.url, "http://localhost:4318/v1/traces");
    assert.equal(r.init.method, "POST");
    assert.deepEqual(r.init.headers, { Authorization: "Basic abc", "content-type": "application/json" });
    // The push sends what the export writes: the same resources, named after the page's host.
    assert.deepEqual(JSON.parse(r.init.body), toOtlpByPage(spans, "0.1.0"));
  });

  it("appends /v1/traces to a base endpoint and leaves a full traces URL alone", () => {
    assert.equal(otlpTracesUrl("https://cloud.langfuse.com/api/public/otel"), "https://cloud.langfuse.com/api/public/otel/v1/traces");
    assert.equal(otlpTracesUrl("https://cloud.langfuse.com/api/public/otel/v1/traces"), "https://cloud.langfuse.com/api/public/otel/v1/traces");
    assert.equal(otlpTracesUrl("http://localhost:6006/v1/traces/"), "http://localhost:6006/v1/traces/");
    assert.equal(otlpTracesUrl("http://collector:4318/?tenant=a"), "http://collector:4318/v1/traces?tenant=a");
  });
});
