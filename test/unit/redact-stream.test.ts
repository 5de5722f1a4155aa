import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChunkRecord } from "../../src/core/contract";
import { DETECTOR_IDS, detectorRules, luhnValid, type DetectorId } from "../../src/core/redaction/detectors";
import { createRedactor, type Meter, type Redactor, type StreamRedactState, type UserPattern } from "../../src/core/redaction";
import { LOOKBEHIND_MAX } from "../../src/core/redaction/regex";

const ID = "00000000000000aa";

/** mulberry32: a small seeded PRNG, so every failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const pick = (rand: () => number, chars: string, n: number): string => {
  let s = "";
  for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
  return s;
};
/** Random key body that is sure to hold a digit and a capital (as real keys do). */
const keyBody = (rand: () => number, n: number, chars = ALNUM): string => `Q7${pick(rand, chars, n - 2)}`;

function cardNumber(rand: () => number): string {
  for (;;) {
    const s = `4${pick(rand, "0123456789", 15)}`;
    if (luhnValid(s)) return s;
  }
}

const b64url = (s: string): string => Buffer.from(s).toString("base64url");

interface Planted {
  kind: string;
  /** The text put in the body. */
  text: string;
  /** What must not survive (the text minus a kept scheme like "Bearer "). */
  secret: string;
}

/** One instance of every kind of secret and personal data the engine knows, plus user patterns. */
function secrets(rand: () => number): Planted[] {
  const bearer = keyBody(rand, 40, `${ALNUM}._~+/-`);
  const all: Omit<Planted, "secret">[] = [
    { kind: "openai", text: `sk-${keyBody(rand, 48)}` },
    { kind: "openai-proj", text: `sk-proj-${keyBody(rand, 120, `${ALNUM}_-`)}` },
    { kind: "anthropic", text: `sk-ant-api03-${keyBody(rand, 93, `${ALNUM}_-`)}AA` },
    { kind: "google", text: `AIza${pick(rand, `${ALNUM}_-`, 35)}` },
    { kind: "github", text: `ghp_${pick(rand, ALNUM, 36)}` },
    { kind: "github-pat", text: `github_pat_${pick(rand, ALNUM, 22)}_${pick(rand, ALNUM, 59)}` },
    { kind: "slack", text: `xoxb-${pick(rand, "0123456789", 12)}-${pick(rand, "0123456789", 13)}-${keyBody(rand, 24)}` },
    { kind: "aws", text: `AKIA${pick(rand, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}` },
    { kind: "hf", text: `hf_${keyBody(rand, 34)}` },
    { kind: "groq", text: `gsk_${keyBody(rand, 52)}` },
    { kind: "jwt", text: `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"${pick(rand, ALNUM, 12)}","name":"x"}`)}.${pick(rand, `${ALNUM}_-`, 43)}` },
    // Far longer than any window: removed through the `extend` run across many chunks.
    { kind: "jwt-long", text: `${b64url('{"alg":"RS256","kid":"k1"}')}.${b64url(`{"data":"${pick(rand, ALNUM, 1400)}"}`)}.${pick(rand, `${ALNUM}_-`, 342)}` },
    { kind: "email", text: `${pick(rand, "abcdefghij", 6)}.${pick(rand, "klmnop", 4)}@${pick(rand, "qrstuv", 7)}.example.com` },
    { kind: "phone-e164", text: `+1415${pick(rand, "0123456789", 7)}` },
    { kind: "phone-intl", text: `+44 20 ${pick(rand, "0123456789", 4)} ${pick(rand, "0123456789", 4)}` },
    { kind: "phone-us", text: `(415) 555-${pick(rand, "0123456789", 4)}` },
    { kind: "card", text: cardNumber(rand) },
    { kind: "card-grouped", text: cardNumber(rand).replace(/(\d{4})(?=\d)/g, "$1 ") },
    { kind: "user-literal", text: "Project Falcon" },
    { kind: "user-regex", text: `cust-${pick(rand, "0123456789", 6)}` },
  ];
  const planted: Planted[] = all.map((p) => ({ ...p, secret: p.text }));
  planted.push({ kind: "bearer", text: `Bearer ${bearer}`, secret: bearer });
  return planted;
}

const PATTERNS: UserPattern[] = [
  { pattern: "Project Falcon", kind: "literal", label: "codename" },
  { pattern: "cust-[0-9]{6}", kind: "regex", label: "customer" },
];
const allOn = Object.fromEntries(DETECTOR_IDS.map((d) => [d, true])) as Record<DetectorId, boolean>;

/** Text around the secrets: JSON/SSE-ish, with non-ASCII and astral characters. */
function filler(rand: () => number, n: number): string {
  const parts = ['data: {"delta":"', "lorem ipsum ", "dolor ", "é ", "😀", "\n\n", '"} ', "x", "ab", ", "];
  let s = "";
  while (s.length < n) s += parts[Math.floor(rand() * parts.length)];
  return s;
}

/** Splits `text` at the given cut points plus random ones; times increase. */
function chunksOf(text: string, rand: () => number, extraCuts: number[] = [], maxLen = 40): ChunkRecord[] {
  const cuts = new Set<number>(extraCuts.filter((c) => c > 0 && c < text.length));
  for (let at = 0; at < text.length;) {
    at += 1 + Math.floor(rand() * maxLen);
    if (at < text.length) cuts.add(at);
  }
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), text.length];
  const out: ChunkRecord[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    out.push({ exchangeId: ID, seq: i, time: 1000 + i * 10, text: text.slice(sorted[i], sorted[i + 1]) });
  }
  return out;
}

const viaJson = (s: StreamRedactState): StreamRedactState => JSON.parse(JSON.stringify(s)) as StreamRedactState;

/**
 * Feeds chunks one by one; the state goes through JSON (as through storage after a worker
 * restart) before the flush and before every fifth chunk (every one would only be slower).
 */
function stream(r: Redactor, chunks: readonly ChunkRecord[], chunkCount?: number): { emit: ChunkRecord[]; state: StreamRedactState; maxRaw: number } {
  let state = r.startStream(ID);
  const emit: ChunkRecord[] = [];
  let maxRaw = 0;
  for (const [i, c] of chunks.entries()) {
    const step = r.redactChunk(i % 5 === 0 ? viaJson(state) : state, c);
    state = step.state;
    maxRaw = Math.max(maxRaw, state.raw.length);
    emit.push(...step.emit);
  }
  const end = r.flush(viaJson(state), chunkCount);
  emit.push(...end.emit);
  return { emit, state: end.state, maxRaw };
}

function assertWellFormed(emit: readonly ChunkRecord[]): void {
  emit.forEach((c, i) => {
    assert.equal(c.seq, i, "records are numbered 0, 1, 2…");
    assert.equal(c.exchangeId, ID);
    assert.notEqual(c.text, "", "no empty records");
    if (i > 0) assert.ok(c.time >= emit[i - 1]!.time, "times never go back");
  });
}

describe("streaming redaction: equivalence and no leak (property test)", () => {
  const r = createRedactor({ redaction: { patterns: PATTERNS, detectors: allOn } });

  it("every secret, split at every offset within it, never reaches an emitted chunk", () => {
    const rand = prng(1);
    for (const planted of secrets(rand)) {
      const before = `data: {"delta":"${filler(rand, 30)} "`;
      const body = `${before}${planted.text}" ${filler(rand, 300)}`;
      const start = before.length;
      // One cut at each offset from just before the secret to just after it.
      for (let k = -2; k <= planted.text.length + 2; k += planted.text.length > 200 ? 7 : 1) {
        const { emit } = stream(r, chunksOf(body, rand, [start + k], 60));
        const joined = emit.map((c) => c.text).join("");
        assert.equal(joined, r.text(body, "bodies"), `${planted.kind} cut at ${k}`);
        assert.ok(!joined.includes(planted.secret.slice(-12)), `${planted.kind} leaked (cut at ${k})`);
        for (const c of emit) assert.ok(!c.text.includes(planted.secret), planted.kind);
        assertWellFormed(emit);
      }
    }
  });

  it("random bodies with many secrets at random offsets, random splits down to 1 character", () => {
    for (let seed = 100; seed < 260; seed++) {
      const rand = prng(seed);
      const planted = secrets(rand).filter(() => rand() < 0.5);
      let body = "";
      for (const p of planted) body += `${filler(rand, Math.floor(rand() * 120))} "${p.text}" `;
      body += filler(rand, Math.floor(rand() * 200));
      const maxLen = [1, 3, 17, 64, 400, 5000][seed % 6]!;
      const { emit } = stream(r, chunksOf(body, rand, [], maxLen));
      const joined = emit.map((c) => c.text).join("");
      assert.equal(joined, r.text(body, "bodies"), `seed ${seed}`);
      for (const p of planted) assert.ok(!joined.includes(p.secret.slice(-12)), `seed ${seed}: ${p.kind} leaked`);
      assertWellFormed(emit);
    }
  });

  it("secrets back to back and overlapping patterns merge the same way streamed as whole", () => {
    const rand = prng(7);
    const [a, b] = [secrets(rand)[0]!.text, secrets(rand)[4]!.text];
    const body = `"${a}${b}" Project Falcon${a} cust-123456cust-654321 [REDACTED:email] "${a}"`;
    for (let seed = 0; seed < 40; seed++) {
      const { emit } = stream(r, chunksOf(body, prng(seed), [], 1 + seed));
      assert.equal(emit.map((c) => c.text).join(""), r.text(body, "bodies"));
    }
  });
});

describe("streaming redaction: how chunks are re-cut", () => {
  const r = createRedactor({});

  it("every released character keeps the arrival time of the chunk it came in", () => {
    const rand = prng(3);
    const body = filler(rand, 3000);
    const chunks = chunksOf(body, rand, [], 50);
    const timeOf = (cs: readonly ChunkRecord[]): number[] => cs.flatMap((c) => Array.from({ length: c.text.length }, () => c.time));
    const { emit } = stream(r, chunks);
    assert.equal(emit.map((c) => c.text).join(""), body);
    assert.deepEqual(timeOf(emit), timeOf(chunks));
  });

  it("a mark takes the time of the chunk where its secret began; the secret's rest is simply absent", () => {
    const key = `sk-${keyBody(prng(4), 48)}`;
    const text = `${"a ".repeat(400)}${key} ${"b ".repeat(400)}`;
    const cut = 800 + 10;
    const chunks: ChunkRecord[] = [
      { exchangeId: ID, seq: 0, time: 1, text: text.slice(0, cut) },
      { exchangeId: ID, seq: 1, time: 2, text: text.slice(cut) },
    ];
    const { emit } = stream(r, chunks);
    const markIn = emit.find((c) => c.text.includes("[REDACTED:openai-key]"))!;
    assert.equal(markIn.time, 1);
    const second = emit.filter((c) => c.time === 2).map((c) => c.text).join("");
    assert.equal(second, " b".repeat(400) + " ");
  });

  it("holds back at most window + window/2 characters plus one chunk, and nothing from the window is released early", () => {
    const rand = prng(5);
    const body = filler(rand, 20_000);
    const chunks = chunksOf(body, rand, [], 30);
    let state = r.startStream(ID);
    let released = 0;
    let received = 0;
    for (const c of chunks) {
      const step = r.redactChunk(state, c);
      state = step.state;
      received += c.text.length;
      released += step.emit.reduce((n, e) => n + e.text.length, 0);
      assert.ok(received - released >= Math.min(received, r.window) - 1, "the last window is held back");
      assert.ok(received - released <= r.window + Math.ceil(r.window / 2) + 30, "and not much more");
      assert.ok(state.raw.length <= r.window + Math.ceil(r.window / 2) + 30 + 2 * LOOKBEHIND_MAX + 2);
    }
    const end = r.flush(state);
    assert.equal(end.state.raw, "", "nothing unredacted stays in the state after the end");
    assert.ok(end.state.done);
  });

  it("a body shorter than the window is released whole at the end", () => {
    const { emit } = stream(r, [{ exchangeId: ID, seq: 0, time: 5, text: "hi" }, { exchangeId: ID, seq: 1, time: 6, text: " there" }]);
    assert.deepEqual(emit, [{ exchangeId: ID, seq: 0, time: 5, text: "hi" }, { exchangeId: ID, seq: 1, time: 6, text: " there" }]);
  });

  it("an empty stream flushes to nothing", () => {
    assert.deepEqual(stream(r, []).emit, []);
  });
});

describe("streaming redaction: delivery order", () => {
  const r = createRedactor({});
  const key = `sk-${keyBody(prng(9), 48)}`;
  const body = `${"x".repeat(500)} ${key} ${"y".repeat(500)}`;
  const chunks = chunksOf(body, prng(10), [], 25);
  const expected = r.text(body, "bodies");

  it("duplicates are ignored and early chunks wait for their predecessors", () => {
    const rand = prng(11);
    const shuffled: ChunkRecord[] = [];
    for (let i = 0; i < chunks.length; i += 4) {
      const group = chunks.slice(i, i + 4);
      group.sort(() => rand() - 0.5);
      shuffled.push(...group, ...group.filter(() => rand() < 0.3));
    }
    const { emit, state } = stream(r, shuffled);
    assert.equal(emit.map((c) => c.text).join(""), expected);
    assert.equal(state.skipped, 0);
  });

  it("a batch in any order through chunks()", () => {
    const step = r.chunks([...chunks].reverse(), r.startStream(ID));
    const end = r.flush(step.state);
    assert.equal([...step.emit, ...end.emit].map((c) => c.text).join(""), expected);
  });

  it("chunks that never arrive are counted, not waited for forever; the rest is still redacted", () => {
    const missing = chunks.filter((c) => c.seq !== 3);
    const { emit, state } = stream(r, missing, chunks.length + 2);
    assert.equal(state.skipped, 3);
    assert.ok(!emit.map((c) => c.text).join("").includes(key.slice(-12)));
  });

  it("a chunk arriving after the end is redacted on its own and counted", () => {
    const { state } = stream(r, chunks.slice(0, 2));
    const late = r.redactChunk(state, { exchangeId: ID, seq: 2, time: 99, text: `late ${key}` });
    assert.equal(late.state.late, 1);
    assert.deepEqual(late.emit.map((c) => c.text), ["late [REDACTED:openai-key]"]);
    assert.equal(r.redactChunk(late.state, { exchangeId: ID, seq: 2, time: 99, text: "again" }).emit.length, 0);
  });

  it("a redactor rebuilt mid-stream (settings changed) continues the saved state", () => {
    const other = createRedactor({ redaction: { patterns: PATTERNS, detectors: allOn } });
    let state = r.startStream(ID);
    const emit: ChunkRecord[] = [];
    chunks.forEach((c, i) => {
      const step = (i < chunks.length / 3 ? r : other).redactChunk(state, c);
      state = step.state;
      emit.push(...step.emit);
    });
    emit.push(...other.flush(state).emit);
    assert.equal(emit.map((c) => c.text).join(""), expected);
  });
});

describe("streaming redaction: work is linear in the input", () => {
  const work = (n: number, maxLen: number): { scanned: number; rules: number } => {
    const meter: Meter = { scanned: 0 };
    const r = createRedactor({ redaction: { patterns: PATTERNS, detectors: allOn } }, { meter });
    const rand = prng(n + maxLen);
    const body = filler(rand, n);
    const step = r.chunks(chunksOf(body, rand, [], maxLen), r.startStream(ID));
    r.flush(step.state);
    return { scanned: meter.scanned, rules: 1 + PATTERNS.length + detectorRules(allOn).length };
  };

  it("each character is scanned at most about three times per rule, whatever the chunk size", () => {
    for (const maxLen of [1, 8, 200]) {
      const small = work(20_000, maxLen);
      const large = work(40_000, maxLen);
      assert.ok(large.scanned <= 3.2 * large.rules * 40_000, `chunks up to ${maxLen}: ${large.scanned}`);
      // Doubling the input doubles the work (a quadratic re-scan would quadruple it).
      assert.ok(large.scanned / small.scanned < 2.3, `chunks up to ${maxLen}: ${small.scanned} -> ${large.scanned}`);
    }
  });

  it("whole-text redaction scans each character about once per rule", () => {
    const meter: Meter = { scanned: 0 };
    const r = createRedactor({ redaction: { patterns: PATTERNS, detectors: allOn } }, { meter });
    r.text(filler(prng(1), 50_000), "bodies");
    assert.ok(meter.scanned <= 1.2 * (1 + PATTERNS.length + detectorRules(allOn).length) * 50_000, String(meter.scanned));
  });
});

describe("a stream that goes quiet", () => {
  const chunk = (seq: number, text: string): ChunkRecord => ({ exchangeId: ID, seq, time: 1000 + seq, text });
  const key = "sk-proj-Q7abcdefghijklmnopqrstuvwxyz0123456789ABCD";

  it("releases everything held back, and goes on redacting what comes after", () => {
    const redactor = createRedactor();
    const first = `data: {"text":"the key is ${key} ok"}\n\ndata: [DONE]\n\n`;
    let step = redactor.chunks([chunk(0, first)], redactor.startStream(ID));
    // The tail (with [DONE]) is held back until more text or the end...
    assert.ok(!step.emit.map((c) => c.text).join("").includes("[DONE]"));
    const released = redactor.release(step.state);
    const out = [...step.emit, ...released.emit].map((c) => c.text).join("");
    // ...or until the stream goes quiet: then all of it is out, redacted.
    assert.equal(out, redactor.exchange({ id: ID, tabId: 1, transport: "fetch", request: { method: "GET", url: "", headers: [] }, timing: { start: 0 }, response: { status: 200, statusText: "", headers: [], body: { text: first } } }).response!.body!.text);
    assert.ok(out.includes("[DONE]") && !out.includes(key));
    step = redactor.chunks([chunk(1, `data: {"more":"${key}"}\n\n`)], released.state);
    const end = redactor.flush(step.state, 2);
    const later = [...step.emit, ...end.emit].map((c) => c.text).join("");
    assert.ok(!later.includes(key) && later.includes("more"));
    // Records are numbered on, without gaps, across the release.
    const firstStep = redactor.chunks([chunk(0, first)], redactor.startStream(ID));
    const all = [...firstStep.emit, ...released.emit, ...step.emit, ...end.emit];
    assert.deepEqual(all.map((c) => c.seq), all.map((_, i) => i));
  });

  it("has nothing to release once everything was decided", () => {
    const redactor = createRedactor();
    const done = redactor.flush(redactor.chunks([chunk(0, "hello")], redactor.startStream(ID)).state, 1);
    assert.deepEqual(redactor.release(done.state).emit, []);
  });
});
