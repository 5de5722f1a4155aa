import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExchangeRecord } from "../../src/core/contract";
import {
  createRedactor, DETECTOR_IDS, isRedacted, redactedMark, redactExchange, redactHeaders, redactUrl, type DetectorId,
} from "../../src/core/redaction";
import {
  DEFAULT_REDACTION, checkUserPattern, cleanLabel, normalizeRedaction, type RedactionSettings, type UserPattern,
} from "../../src/core/redaction/patterns";
import { DEFAULT_SETTINGS, normalizeSettings } from "../../src/core/settings";

const KEY = "sk-proj-Ab3dEf9GhIjKlMnOpQrStUvWxYz0123456789";
const allOn = Object.fromEntries(DETECTOR_IDS.map((d) => [d, true])) as Record<DetectorId, boolean>;
const settings = (patterns: UserPattern[], detectors: Partial<Record<DetectorId, boolean>> = {}): { redaction: RedactionSettings } =>
  ({ redaction: { patterns, detectors: { ...DEFAULT_REDACTION.detectors, ...detectors } } });

function record(over: Partial<ExchangeRecord> = {}): ExchangeRecord {
  return {
    id: "0123456789abcdef", tabId: 1, transport: "fetch", pageUrl: "https://app.test/chat?email=jo@example.com",
    request: {
      method: "POST", url: `https://api.test/v1/chat?key=abc&note=${KEY}`,
      headers: [["Authorization", "Bearer abc"], ["x-note", `uses ${KEY}`], ["content-type", "application/json"]],
      body: { text: JSON.stringify({ messages: [{ role: "user", content: `my key is ${KEY}, mail me at jo@example.com` }] }) },
    },
    response: { status: 200, statusText: "OK", headers: [["set-cookie", "a=b"]], url: "https://api.test/v1/chat?token=t" },
    timing: { start: 1 },
    ...over,
  };
}

describe("built-in header and URL redaction (unchanged behaviour)", () => {
  it("credential headers, keeping an auth scheme", () => {
    assert.deepEqual(redactHeaders([["Authorization", "Bearer abc"], ["X-Api-Key", "k"], ["Cookie", "a=b"], ["accept", "*/*"]]), [
      ["Authorization", "Bearer [REDACTED:authorization]"], ["X-Api-Key", "[REDACTED:api-key]"], ["Cookie", "[REDACTED:cookie]"], ["accept", "*/*"],
    ]);
    assert.deepEqual(redactHeaders([["authorization", "[REDACTED:authorization]"]]), [["authorization", "[REDACTED:authorization]"]]);
  });

  it("key-like query parameters, the rest byte for byte", () => {
    assert.equal(redactUrl("https://g.test/v1/m?alt=sse&key=AIza123#x"), "https://g.test/v1/m?alt=sse&key=%5BREDACTED%3Aapi-key%5D#x");
    assert.equal(redactUrl("https://g.test/v1/m?a=%ZZ&b"), "https://g.test/v1/m?a=%ZZ&b");
    assert.ok(isRedacted(redactedMark("x")));
  });

  it("redactExchange still applies only the built-ins", () => {
    const out = redactExchange(record());
    assert.equal(out.request.headers[1]![1], `uses ${KEY}`);
    assert.match(out.request.url, /key=%5BREDACTED%3Aapi-key%5D&note=sk-proj/);
  });
});

describe("createRedactor: exchanges", () => {
  it("default settings: built-ins plus credential detectors in URL parts, header values and bodies; PII kept", () => {
    const out = createRedactor({}).exchange(record());
    const stored = JSON.stringify(out);
    assert.ok(!stored.includes(KEY.slice(8)), stored);
    assert.match(out.request.url, /^https:\/\/api\.test\/v1\/chat\?key=%5BREDACTED%3Aapi-key%5D&note=%5BREDACTED%3Aopenai-key%5D$/);
    assert.deepEqual(out.request.headers[1], ["x-note", "uses [REDACTED:openai-key]"]);
    assert.match(out.request.body!.text!, /my key is \[REDACTED:openai-key\], mail me at jo@example\.com/);
    assert.equal(out.pageUrl, "https://app.test/chat?email=jo@example.com");
    assert.deepEqual(out.response!.headers, [["set-cookie", "[REDACTED:cookie]"]]);
  });

  it("with PII detectors on, emails go too, also percent-encoded in URLs and in path segments", () => {
    const r = createRedactor(settings([], { email: true }));
    const out = r.exchange(record({ pageUrl: "https://app.test/u/jo%40example.com/x?e=jo%40example.com&f=a+b" }));
    assert.equal(out.pageUrl, "https://app.test/u/%5BREDACTED%3Aemail%5D/x?e=%5BREDACTED%3Aemail%5D&f=a+b");
    assert.ok(!JSON.stringify(out).includes("jo@example.com"));
  });

  it("scheme and host are never touched, so the call can still be classified", () => {
    const r = createRedactor(settings([{ pattern: "api.test", kind: "literal" }]));
    assert.equal(r.url("https://api.test/v1/api.test"), "https://api.test/v1/%5BREDACTED%3Acustom%5D");
    assert.equal(r.url("mailto:x@y.test"), "mailto:x@y.test");
  });

  it("an error message is redacted like a body", () => {
    const out = createRedactor({}).exchange(record({ outcome: { state: "error", errorName: "TypeError", errorMessage: `bad key ${KEY}` } }));
    assert.deepEqual(out.outcome, { state: "error", errorName: "TypeError", errorMessage: "bad key [REDACTED:openai-key]" });
  });

  it("is idempotent: redacting a stored record again changes nothing", () => {
    const r = createRedactor(settings([{ pattern: "REDACT", kind: "literal", label: "oops" }, { pattern: "acme-[0-9]{4}", kind: "regex" }], allOn));
    const once = r.exchange(record({ pageUrl: "https://app.test/?e=jo%40example.com&id=acme-1234" }));
    assert.deepEqual(r.exchange(once), once);
  });
});

describe("createRedactor: user patterns", () => {
  it("literal and regex patterns, with their labels, where they apply", () => {
    const r = createRedactor(settings([
      { pattern: "Project Falcon", kind: "literal", label: "codename" },
      { pattern: "cust-[0-9]{6}", kind: "regex", applyTo: ["bodies"] },
      { pattern: "a.b", kind: "literal", applyTo: ["headers"] },
    ]));
    assert.equal(r.text("about Project Falcon and cust-123456", "bodies"), "about [REDACTED:codename] and [REDACTED:custom]");
    assert.equal(r.text("cust-123456 a.b axb", "headers"), "cust-123456 [REDACTED:custom] axb");
    assert.equal(r.text("cust-123456", "url"), "cust-123456");
  });

  it("overlapping removals merge into one mark: a pattern ending inside a key cannot expose the key's tail", () => {
    const r = createRedactor(settings([{ pattern: "key: sk", kind: "literal", label: "mine" }]));
    assert.equal(r.text(`key: ${KEY} end`, "bodies"), "[REDACTED:mine] end");
    const p = r.preview(`x key: ${KEY} y`, "bodies");
    assert.deepEqual(p.matches, [{ start: 2, end: 7 + KEY.length, reason: "mine" }]);
  });

  it("existing marks are kept as they are, even when a pattern matches inside them", () => {
    const r = createRedactor(settings([{ pattern: "REDACTED", kind: "literal" }]));
    assert.equal(r.text("a [REDACTED:email] b REDACTED", "bodies"), "a [REDACTED:email] b [REDACTED:custom]");
  });

  it("patterns that fail the check are not applied and are reported", () => {
    const r = createRedactor(settings([{ pattern: "(a+)+", kind: "regex" }, { pattern: "ok", kind: "literal" }]));
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.index, 0);
    assert.match(r.problems[0]!.error, /repeated inside another repetition/);
    assert.equal(r.text("ok aaa", "bodies"), "[REDACTED:custom] aaa");
  });

  it("preview reports what would be removed, in original offsets", () => {
    const r = createRedactor(settings([{ pattern: "secret", kind: "literal", label: "s" }]));
    assert.deepEqual(r.preview("a secret b secret", "bodies"), {
      redacted: "a [REDACTED:s] b [REDACTED:s]",
      matches: [{ start: 2, end: 8, reason: "s" }, { start: 11, end: 17, reason: "s" }],
    });
  });

  it("literal patterns are exact text, special characters included", () => {
    const r = createRedactor(settings([{ pattern: "a+b (c)?", kind: "literal" }]));
    assert.equal(r.text("x a+b (c)? y aab", "bodies"), "x [REDACTED:custom] y aab");
  });
});

describe("redaction settings", () => {
  it("checkUserPattern explains what to fix", () => {
    assert.deepEqual(checkUserPattern({ pattern: "", kind: "literal" }), { ok: false, field: "pattern", error: "Enter a pattern." });
    assert.equal(checkUserPattern({ pattern: "x", kind: "regex", label: "a]b" }).ok, false);
    assert.deepEqual(checkUserPattern({ pattern: "x", kind: "regex", applyTo: [] }), { ok: false, field: "applyTo", error: "Choose at least one of URL, headers and bodies." });
    assert.deepEqual(checkUserPattern({ pattern: "cust-\\d{6}", kind: "regex" }), { ok: true, span: 12 });
    assert.equal(checkUserPattern({ pattern: "x".repeat(1001), kind: "literal" }).ok, false);
  });

  it("normalizeRedaction fills defaults, keeps failing patterns for the user to see, drops malformed ones", () => {
    assert.deepEqual(normalizeRedaction(undefined), DEFAULT_REDACTION);
    const n = normalizeRedaction({
      patterns: [
        { pattern: "(a+)+", kind: "regex" },
        { pattern: "x", kind: "literal", label: " my [label]\n", applyTo: ["bodies", "nope", "bodies"] },
        { pattern: "y", kind: "literal", applyTo: [] },
        { pattern: "", kind: "literal" }, { pattern: "z", kind: "glob" }, "junk", null,
      ],
      detectors: { email: true, jwt: false, bogus: true, phone: "yes" },
    });
    assert.deepEqual(n.patterns, [
      { pattern: "(a+)+", kind: "regex" },
      { pattern: "x", kind: "literal", label: "my label", applyTo: ["bodies"] },
      { pattern: "y", kind: "literal" },
    ]);
    assert.equal(n.detectors.email, true);
    assert.equal(n.detectors.jwt, false);
    assert.equal(n.detectors.phone, false);
    assert.equal(n.detectors["openai-key"], true);
    assert.ok(!("bogus" in n.detectors));
    assert.equal(cleanLabel("a".repeat(60)).length, 40);
  });

  it("settings carry redaction additively; older stored settings get the defaults", () => {
    assert.deepEqual(DEFAULT_SETTINGS.redaction, DEFAULT_REDACTION);
    const old = normalizeSettings({ captureEnabled: false, maxSpans: 500 });
    assert.deepEqual(old.redaction, DEFAULT_REDACTION);
    assert.equal(old.captureEnabled, false);
    const mine = normalizeSettings({ redaction: { patterns: [{ pattern: "p", kind: "literal" }], detectors: { card: true } } });
    assert.deepEqual(mine.redaction!.patterns, [{ pattern: "p", kind: "literal" }]);
    assert.equal(mine.redaction!.detectors.card, true);
  });
});
