/**
 * Malformed input must never throw and must still produce a well-formed draft: every fixture is
 * truncated, corrupted and relabelled at random (seeded), and a few classics are tried by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { classifyExchange, type SpanDraft } from "../../../src/core/providers";
import type { Exchange, Outcome } from "../../../src/core/contract";
import { allFixtures } from "../../fixtures/providers/index";
import { makeExchange, nextId, rechunk } from "../../fixtures/providers/make-exchange";
import { prng, randInt } from "./random";

const KINDS = new Set(["interaction", "llm", "embedding", "retrieval", "tool", "agent", "http"]);
const KEY = /^(gen_ai|http|url|server|llm_trace|openai|mcp|jsonrpc)\.[a-z0-9_.]+$|^error\.type$/;
const JSON_KEYS = ["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.definitions"];

/** The draft is well-formed: known kind/status, typed attributes under known namespaces, JSON where promised. */
export function assertWellFormed(d: SpanDraft, label: string): void {
  assert.ok(KINDS.has(d.kind), `${label}: kind ${d.kind}`);
  assert.ok(["unset", "ok", "error"].includes(d.status), `${label}: status`);
  assert.ok(typeof d.name === "string" && d.name.length > 0, `${label}: name`);
  for (const [k, v] of Object.entries(d.attributes)) {
    assert.match(k, KEY, `${label}: attribute key ${k}`);
    const ok =
      typeof v === "string" ||
      typeof v === "boolean" ||
      (typeof v === "number" && Number.isFinite(v)) ||
      (Array.isArray(v) && (v.every((x) => typeof x === "string") || v.every((x) => typeof x === "number")));
    assert.ok(ok, `${label}: attribute ${k} has type ${typeof v}`);
  }
  for (const k of JSON_KEYS) {
    const v = d.attributes[k];
    if (v === undefined) continue;
    const parsed: unknown = JSON.parse(v as string);
    assert.ok(Array.isArray(parsed), `${label}: ${k} is a JSON array`);
    if (k.endsWith(".messages")) {
      for (const m of parsed as { role: unknown; parts: unknown }[]) {
        assert.equal(typeof m.role, "string", `${label}: ${k} role`);
        assert.ok(Array.isArray(m.parts), `${label}: ${k} parts`);
        for (const p of m.parts as { type: unknown }[]) assert.equal(typeof p.type, "string", `${label}: ${k} part type`);
      }
    }
  }
  if (d.status === "error") assert.equal(typeof d.attributes["error.type"], "string", `${label}: error.type on error`);
  for (const e of d.events ?? []) assert.ok(typeof e.name === "string" && Number.isFinite(e.time), `${label}: event`);
}

const GARBAGE = ["\u0000", "\uFFFD", "}", "{", "]", "[", '"', "\\", "\n", "\r", "\r\n", "data: ", "data: [DONE]\n\n", "event: error\n", ":", "😊", "\uD800", "null", "NaN", "-1e999"];
const OUTCOMES: (Outcome | undefined)[] = [undefined, { state: "ok" }, { state: "abort", errorName: "AbortError" }, { state: "error", errorName: "TypeError" }, { state: "timeout" }];
const TYPES = ["text/event-stream", "application/json", "text/plain", "application/x-ndjson", "text/html", ""];

function mutate(ex: Exchange, rand: () => number): Exchange {
  const text = ex.chunks.map((c) => c.text).join("");
  let body = text;
  const op = randInt(rand, 0, 5);
  if (op === 0) body = text.slice(0, randInt(rand, 0, text.length));
  else if (op === 1 || op === 2) {
    // sprinkle garbage
    const n = randInt(rand, 1, 8);
    for (let i = 0; i < n; i++) {
      const at = randInt(rand, 0, body.length);
      body = body.slice(0, at) + GARBAGE[randInt(rand, 0, GARBAGE.length - 1)]! + body.slice(at + randInt(rand, 0, 3));
    }
  } else if (op === 3) body = Array.from({ length: randInt(rand, 0, 300) }, () => String.fromCharCode(randInt(rand, 0, 0xffff))).join("");
  else if (op === 4) body = text.slice(randInt(rand, 0, text.length));
  const time = ex.chunks[0]?.time ?? ex.timing.start + 5;
  const out: Exchange = { ...ex, id: nextId(), chunks: body ? [{ time, text: body }] : [] };
  if (body) out.chunks = rechunk(out, Array.from({ length: randInt(rand, 0, 6) }, () => randInt(rand, 1, body.length))).chunks;
  out.id = nextId();
  if (rand() < 0.3) out.outcome = OUTCOMES[randInt(rand, 0, OUTCOMES.length - 1)];
  if (rand() < 0.2 && out.response) {
    out.response = { ...out.response, status: [200, 400, 429, 500, 502, 0, 999][randInt(rand, 0, 6)]!, headers: [["content-type", TYPES[randInt(rand, 0, TYPES.length - 1)]!]] };
  }
  if (rand() < 0.2 && ex.request.body?.text) {
    const t = ex.request.body.text;
    out.request = { ...ex.request, body: { ...ex.request.body, text: t.slice(0, randInt(rand, 0, t.length)), truncated: rand() < 0.5 } };
  }
  return out;
}

describe("malformed input never throws", () => {
  for (const fx of allFixtures) {
    it(`${fx.name}: 60 random truncations and corruptions`, () => {
      const rand = prng(fx.name.length * 7919 + 17);
      const ex = makeExchange(fx);
      assertWellFormed(classifyExchange(ex), "as recorded");
      for (let i = 0; i < 60; i++) {
        const m = mutate(ex, rand);
        let d: SpanDraft;
        try {
          d = classifyExchange(m);
        } catch (e) {
          assert.fail(`mutation ${i} threw: ${String(e)}`);
        }
        assertWellFormed(d, `${fx.name} mutation ${i}`);
        assert.ok(!String(d.attributes["llm_trace.parse_error"] ?? "").includes("internal"), `mutation ${i} hit a parser bug: ${String(d.attributes["llm_trace.parse_error"])}`);
      }
    });
  }

  it("classic malformed bodies give a clear description", () => {
    const url = "https://api.openai.com/v1/chat/completions";
    const req = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
    const cases: { status: number; type: string; body: string; expect: RegExp }[] = [
      { status: 200, type: "application/json", body: '{"id":"x","choices":[', expect: /not valid JSON/ },
      { status: 200, type: "text/html", body: "<html>hello</html>", expect: /not JSON \(text\/html\)/ },
      { status: 200, type: "application/json", body: "", expect: /empty response body/ },
      { status: 200, type: "text/event-stream", body: "data: {not json}\n\ndata: [DONE]\n\n", expect: /1 stream event\(s\) with invalid JSON/ },
      { status: 502, type: "text/html", body: "<h1>Bad Gateway</h1>", expect: /error body is not JSON/ },
    ];
    for (const c of cases) {
      const d = classifyExchange(makeExchange({ url, requestJson: req, status: c.status, responseHeaders: { "content-type": c.type }, chunks: c.body ? [{ dt: 10, text: c.body }] : [] }));
      assertWellFormed(d, c.body);
      assert.match(String(d.attributes["llm_trace.parse_error"]), c.expect, c.body);
      assert.equal(d.kind, "llm");
    }
  });
});
