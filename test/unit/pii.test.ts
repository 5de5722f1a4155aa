import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_DETECTORS, DETECTOR_IDS, DETECTOR_INFO, detectorRules, luhnValid, type DetectorId } from "../../src/core/redaction/detectors";
import { createRedactor, type Where } from "../../src/core/redaction";

const only = (id: DetectorId) => createRedactor({
  redaction: { patterns: [], detectors: Object.fromEntries(DETECTOR_IDS.map((d) => [d, d === id])) as Record<DetectorId, boolean> },
});

function check(id: DetectorId, hits: string[], misses: string[], where: Where = "bodies"): void {
  const r = only(id);
  for (const secret of hits) {
    const out = r.text(`x "${secret}" y`, where);
    assert.ok(!out.includes(secret), `${id} should redact ${secret}: ${out}`);
    assert.ok(out.includes(`[REDACTED:${id}]`), `${id}: ${out}`);
  }
  for (const text of misses) assert.equal(r.text(text, where), text, `${id} should leave ${text}`);
}

describe("built-in detectors", () => {
  it("defaults: credentials on, personal data off", () => {
    for (const d of DETECTOR_INFO) assert.equal(DEFAULT_DETECTORS[d.id], d.kind === "secret", d.id);
    assert.deepEqual(DETECTOR_INFO.filter((d) => d.kind === "pii").map((d) => d.id).sort(), ["card", "email", "phone"]);
  });

  it("every detector passes the same safety check as user patterns, with a bounded span", () => {
    const rules = detectorRules(Object.fromEntries(DETECTOR_IDS.map((d) => [d, true])));
    assert.ok(rules.length >= DETECTOR_IDS.length);
    for (const r of rules) assert.ok(r.span <= 300, `${r.key}: ${r.span}`);
  });

  it("OpenAI keys (legacy, project, service account), not slugs or other keys", () => {
    check("openai-key",
      ["sk-Abc123def456GHI789jkl012MNO345pqr678STU901vwx2", "sk-proj-Ab3_dEf-GhIjKlMnOpQrStUvWxYz0123456789abcdefGHIJ", "sk-svcacct-X9y8Z7w6V5u4T3s2R1q0PpOoNnMm"],
      ["sk-learn-compatible-estimators", "task-Abc123def456GHI789jkl012", "sk-short1A", "sk-ant-api03-Abc123def456GHI789jkl012MNO345"]);
  });

  it("Anthropic keys", () => {
    check("anthropic-key", ["sk-ant-api03-Abc123def456GHI789jkl012MNO345pqr678STU901vwx2-_AA", "sk-ant-admin01-ZZZ9yyy8XXX7www6VVV5uuu4"],
      ["sk-ant-", "sk-ant-lowercase-only-words-here-and-more"]);
  });

  it("Google, GitHub, Slack, AWS, Hugging Face and Groq shapes", () => {
    check("google-api-key", ["AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"], ["AIzaShort", "xAIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"]);
    check("github-token", ["ghp_1234567890abcdefghijABCDEFGHIJklmnop", "gho_1234567890abcdefghijABCDEFGHIJklmnop", "github_pat_11ABCDEFG0123456789abc_defghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVW"],
      ["ghp_short", "ghx_1234567890abcdefghijABCDEFGHIJklmnop"]);
    check("slack-token", ["xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-9876543210-abc", "xoxa-2-AbCdEf123456"], ["xoxb-", "xoxz-1234567890-abc"]);
    check("aws-access-key", ["AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A"], ["AKIA1234", "XAKIAIOSFODNN7EXAMPLE"]);
    check("huggingface-token", ["hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh"], ["hf_short", "hf_abcdefghijklmnopqrstuvwxyzabcdefgh"]);
    check("groq-key", ["gsk_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWxYz12345678901234"], ["gsk_short"]);
  });

  it("JWTs, however long, removed to the last character of the signature", () => {
    const jwt = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${"a1B2c3".repeat(300)}.${"SiG-_9".repeat(60)}`;
    check("jwt", [jwt, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc"], ["eyJhbGciOiJIUzI1NiJ9", "eyJ.eyJ"]);
    assert.equal(only("jwt").text(`t=${jwt}; next`, "bodies"), "t=[REDACTED:jwt]; next");
  });

  it("Bearer tokens in text keep the scheme", () => {
    const r = only("bearer-token");
    assert.equal(r.text('{"h":"Bearer abcDEF1234567890xyz.XYZ-_~+/="}', "bodies"), '{"h":"Bearer [REDACTED:bearer-token]"}');
    assert.equal(r.text("the Bearer authentication/authorization scheme", "bodies"), "the Bearer authentication/authorization scheme");
    assert.equal(r.text("Bearer short", "bodies"), "Bearer short");
  });

  it("emails", () => {
    check("email", ["john.doe+tag@example.co.uk", "a@b-c.io"], ["@types/node", "user@localhost", "x@y.123", "not an email"]);
  });

  it("phone numbers: international with +, North American with separators; not bare digit runs", () => {
    check("phone", ["+14155552671", "+44 20 7946 0958", "+33 1 23 45 67 89", "+1 (415) 555-2671", "(415) 555-2671", "415-555-2671", "415.555.2671"],
      ["4155552671", "2024-01-15", "12:30:45", "1716912345678", "+1 23", "version 1.2.3", "id 123-456-7890123"]);
    assert.equal(only("phone").text("+14155552671", "headers"), "+14155552671", "phones are not looked for in headers");
  });

  it("card numbers: Luhn-checked, issuer digit 2-6, plain or grouped", () => {
    check("card", ["4111111111111111", "4111 1111 1111 1111", "5500-0000-0000-0004", "3782 822463 10005", "6011111111111117"],
      ["4111111111111112", "1234567812345670", "0.4111111111111111", "41111111111111110000", "4111 1111 1111"]);
    assert.ok(luhnValid("79927398713"));
    assert.ok(!luhnValid("79927398710"));
    assert.ok(!luhnValid(""));
  });

  it("detectors find secrets in URL query values and header values where they apply", () => {
    const r = createRedactor({});
    assert.equal(r.url("https://x.test/cb?t=ghp_1234567890abcdefghijABCDEFGHIJklmnop&a=1"), "https://x.test/cb?t=%5BREDACTED%3Agithub-token%5D&a=1");
    assert.deepEqual(r.headers([["x-forwarded-for-key-id", "AKIAIOSFODNN7EXAMPLE"]]), [["x-forwarded-for-key-id", "[REDACTED:aws-access-key]"]]);
  });
});
